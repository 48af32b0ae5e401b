package web_test

import (
	"fmt"
	"testing"

	"github.com/qiymet/qiymet/survey/storetest"
)

// TestKioskConfigOrder: the configuration lists the agencies in each language's alphabetical order (the
// test catalog's three names sort differently in each language), on both databases.
func TestKioskConfigOrder(t *testing.T) {
	for _, dialect := range storetest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			env := newTestEnv(t, dialect)
			r := env.do(t, "GET", "/api/v1/kiosk/config", env.KioskToken, nil)
			if r.Status != 200 {
				t.Fatalf("config: %d %s", r.Status, r.Body)
			}
			order := fmt.Sprint(r.JSON()["order"])
			// az: Dövlət…, Ədliyyə…, Əmlak… (Ə after D); en: Ministry…, State Migration…, State Service…;
			// ru: Государственная миграционная…, Государственная служба…, Министерство….
			want := "map[az:[migration justice property] en:[justice migration property] ru:[migration property justice]]"
			if order != want {
				t.Fatalf("order %s, want %s", order, want)
			}
		})
	}
}
