package scoring

import "testing"

func TestItemScores(t *testing.T) {
	tests := []struct {
		name        string
		v, min, max int
		want        float64
		top2        bool
	}{
		{"bottom of 1..5", 1, 1, 5, 0, false},
		{"top of 1..5", 5, 1, 5, 100, true},
		{"4 of 1..5", 4, 1, 5, 75, true},
		{"3 of 1..5", 3, 1, 5, 50, false},
		{"3 of 0..10", 3, 0, 10, 30, false},
		{"9 of 0..10", 9, 0, 10, 90, true},
		{"2 of 1..4", 2, 1, 4, 100.0 / 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ItemScaleScore(tt.v, tt.min, tt.max); got != tt.want {
				t.Errorf("ItemScaleScore = %v, want %v", got, tt.want)
			}
			if got := ScaleTopTwo(tt.v, tt.max); got != tt.top2 {
				t.Errorf("ScaleTopTwo = %v, want %v", got, tt.top2)
			}
		})
	}
	if ItemYesNoScore(true) != 100 || ItemYesNoScore(false) != 0 {
		t.Error("ItemYesNoScore: want 100/0")
	}
}

func TestResponseScore(t *testing.T) {
	tests := []struct {
		name   string
		items  []Item
		want   float64
		wantOK bool
	}{
		{"equal weights", []Item{{1, 100}, {1, 75}, {1, 0}}, 175.0 / 3, true},
		{"weighted", []Item{{2, 100}, {1, 25}}, 75, true},
		{"weight 0 ignored", []Item{{1, 50}, {0, 100}}, 50, true},
		{"negative weight ignored", []Item{{1, 50}, {-1, 100}}, 50, true},
		{"only weight 0", []Item{{0, 100}}, 0, false},
		{"no items", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ResponseScore(tt.items)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ResponseScore = %v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}
