package i18n

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// argVerbs maps each argument a format string uses (1-based, explicit %[n] indexes followed) to its verb.
func argVerbs(s string) map[int]string {
	re := regexp.MustCompile(`%(\[(\d+)\])?[-+#0-9.]*([a-zA-Z%])`)
	out, next := map[int]string{}, 1
	for _, m := range re.FindAllStringSubmatch(s, -1) {
		if m[3] == "%" {
			continue
		}
		if m[2] != "" {
			next, _ = strconv.Atoi(m[2])
		}
		out[next] = m[3]
		next++
	}
	return out
}

// The composite messages may reorder their arguments per language (%[2]s), but every language must use the
// same arguments with the same verbs.
func TestCompositeMessagesUseTheSameArguments(t *testing.T) {
	n := 0
	for _, k := range Keys() {
		if !strings.HasPrefix(k, "comp.") {
			continue
		}
		n++
		m := messages[k]
		az, en, ru := fmt.Sprint(argVerbs(m.AZ)), fmt.Sprint(argVerbs(m.EN)), fmt.Sprint(argVerbs(m.RU))
		if az != en || en != ru {
			t.Errorf("%s: arguments differ: az %s, en %s, ru %s", k, az, en, ru)
		}
	}
	if n < 50 {
		t.Fatalf("only %d composite messages", n)
	}
	if got := T("en", "comp.sens.param", "Staff", "10", "12", "x"); got != "With the weight of “Staff” at 12 instead of 10: x." {
		t.Errorf("reordered: %q", got)
	}
}
