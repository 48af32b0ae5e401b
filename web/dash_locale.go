package web

import (
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/web/i18n"
)

// PeriodName is a period's name in the page's language ("2026-cı ilin III rübü", "III квартал 2026 г.").
func (v *view) PeriodName(p scoring.Period) string { return locale.PeriodName(v.Lang, p.Label) }

// periodShort is the compact name of a chart axis ("III rüb 2026").
func (v *view) periodShort(label string) string { return locale.PeriodShort(v.Lang, label) }

// TN is a message with a count, in the plural form the language needs for it.
func (v *view) TN(key string, n int64, args ...any) string { return i18n.TN(v.Lang, key, n, args...) }

// DateTime writes a moment in the service's zone the way the page's language writes dates.
func (v *view) DateTime(t time.Time) string { return locale.DateTime(v.Lang, t.In(v.zone)) }
