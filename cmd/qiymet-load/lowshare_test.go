package main

import (
	"math/rand/v2"
	"testing"
)

// TestLowShare: --low-share puts that share of the primary answers in the bottom two points (each opens a
// case) and the rest above them; without it the natural mix stays.
func TestLowShare(t *testing.T) {
	c := defaultCatalog()
	count := func(w *world) (low int) {
		rnd := rand.New(rand.NewPCG(1, 2))
		for range 20_000 {
			ag := c.Agencies[rnd.IntN(len(c.Agencies))].Code
			a, _, _ := w.answers(rnd, ag)
			if v := a["overall"].(int); v <= 2 {
				low++
			}
		}
		return low
	}
	if n := count(newWorld(c, true, 0)); n != 0 {
		t.Fatalf("low share 0: %d low answers", n)
	}
	if n := count(newWorld(c, true, 0.1)); n < 1800 || n > 2200 {
		t.Fatalf("low share 0.1: %d of 20000 low", n)
	}
	if n := count(newWorld(c, true, 1)); n != 20_000 {
		t.Fatalf("low share 1: %d of 20000 low", n)
	}
	if n := count(newWorld(c, false, 0)); n == 0 || n == 20_000 {
		t.Fatalf("natural mix: %d of 20000 low", n)
	}
}
