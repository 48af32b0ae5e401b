package demo

import (
	"context"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// BenchmarkGenerate measures drawing and preparing responses (no database): the demo's CPU floor.
func BenchmarkGenerate(b *testing.B) {
	cv := demoCatalogView(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(cv, Options{Responses: 20_000, Now: testNow, Location: storetest.Baku},
			func([]*survey.Response) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkLoad measures a whole demo load (catalog, rows, roll-up, users) of 20k rows per dialect; the
// target is the default 200k rows well under a minute on SQLite.
func BenchmarkLoad(b *testing.B) {
	for _, d := range []string{"sqlite-file", "pg"} {
		b.Run(d, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				s := storetest.New(b, d, survey.Options{Now: storetest.NewClock(testNow).Now})
				b.StartTimer()
				if _, err := Load(context.Background(), s, Options{Responses: 20_000}, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(20_000*b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}
