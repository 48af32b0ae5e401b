// Package scoring turns additive response sums into the published figures
// (docs/method.md): periods, response scores, index with Student-t interval,
// CSAT with Wilson interval, shrinkage, ranks, changes and streaks.
//
// It is pure: no database, no HTTP, no clock. Callers hand it Stats (sums over
// counted responses) and get unrounded figures back; Round2 is applied only
// when a figure is output, and ranks are the one place that uses it internally.
package scoring
