package survey

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// The event writers' lock is spelled as a number in two migrations (the writers' trigger and the dispatcher's
// events_horizon): both must be eventWritersLock, or writers and dispatcher would not exclude each other.
func TestEventWritersLockSpelling(t *testing.T) {
	want := strconv.FormatInt(eventWritersLock, 10)
	for _, f := range []string{"20261205000300_notify.up.sql", "20261205001800_events_horizon.up.sql"} {
		b, err := os.ReadFile("../migrations/pg/" + f)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), "advisory_xact_lock") || !strings.Contains(string(b), "("+want+")") {
			t.Errorf("%s does not take the advisory lock %s", f, want)
		}
	}
}
