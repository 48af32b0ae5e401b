package survey

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The fast splitter agrees with encoding/json on every canonical answers object, and declines the rest.
func TestSplitAnswers(t *testing.T) {
	for _, v := range []map[string]any{
		{},
		{"overall": 5},
		{"overall": 5, "resolved": true, "waiting": 1},
		{"comment": `He said "tez", a\\b, {x:1}, 🙂 ə`, "overall": 1, "resolved": false},
		{"comment": ",", "z": -3},
	} {
		b, _ := json.Marshal(v)
		got, ok := splitMap(string(b))
		var want map[string]json.RawMessage
		json.Unmarshal(b, &want)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v (%v), want %v", b, got, ok, want)
		}
	}
	for _, bad := range []string{"", "{", `{"a":}`, `{"a" :1}`, `{"a":1,}`, `[1]`, `{"a":"x}`, `{"a\\"b":1}`} {
		if _, ok := splitAnswers(bad, nil); ok {
			t.Errorf("%q: accepted", bad)
		}
	}
}

func FuzzSplitAnswers(f *testing.F) {
	f.Add(`{"overall":5,"comment":"a\"b"}`)
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := splitMap(s)
		if !ok {
			return
		}
		var want map[string]json.RawMessage
		if json.Unmarshal([]byte(s), &want) != nil {
			return // the splitter is only ever given valid stored JSON
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d keys, want %d", s, len(got), len(want))
		}
		for k, v := range got {
			if string(want[k]) != string(v) {
				t.Fatalf("%q: key %s: %s, want %s", s, k, v, want[k])
			}
		}
	})
}

// splitMap is splitAnswers as a map (the last of repeated keys wins, as in encoding/json).
func splitMap(s string) (map[string]json.RawMessage, bool) {
	pairs, ok := splitAnswers(s, nil)
	if !ok {
		return nil, false
	}
	m := map[string]json.RawMessage{}
	for _, p := range pairs {
		m[p.key] = json.RawMessage(p.val)
	}
	return m, true
}
