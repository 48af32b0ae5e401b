package survey

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/qiymet/qiymet/sms"
)

// FuzzSMSTexts: whatever an admin types, Check never panics, and a text it accepts renders into valid UTF-8
// with the link exactly once, no control characters and no placeholder left over.
func FuzzSMSTexts(f *testing.F) {
	for _, s := range [][2]string{{"Qiymet", "{sender}: {agency} {url}"}, {"", "{url}"}, {"ASAN", "{url}{url}"},
		{"x\x00", "{url} {phone}"}, {"ə", "{{url}}"}, {"\xff", "{url}\x1b"}, {"Q", "{agency{url}}"}} {
		f.Add(s[0], s[1])
	}
	cv := newCatalogView(Catalog{}, "")
	const url = "https://qiymet.asan.gov.az/r/AbCdEfGhIjKlMnOpQrStUvWx"
	f.Fuzz(func(t *testing.T, sender, tpl string) {
		x := &SMSTexts{Sender: sender, Templates: map[string]string{"az": tpl, "en": tpl, "ru": tpl}, Short: map[string]Names{}}
		if len(x.Check(cv)) > 0 {
			return
		}
		out := x.Render("az", "none", Names{AZ: "Qurum"}, url)
		rest := strings.Replace(strings.Replace(out, url, "", 1), x.Sender, "", -1)
		if !utf8.ValidString(out) || strings.Count(out, url) < 1 || !printable(out) ||
			strings.Contains(rest, sms.URL) || strings.Contains(rest, sms.Agency) {
			t.Fatalf("accepted %q / %q renders %q", sender, tpl, out)
		}
	})
}
