package reports

import (
	"bytes"
	"strings"
	"testing"
)

func TestTextColourAndQuiet(t *testing.T) {
	tests := []struct {
		name      string
		opt       TextOptions
		want      []string
		forbidden []string
	}{
		{"plain has no escape codes", TextOptions{},
			[]string{"patch [1/2]: [RFC PATCH 1/2]", "summary:\n  [1/2] [RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace(): 1 error, 1 warning (applied)\n"},
			[]string{"\x1b["}},
		{"colour marks severities, added lines and the summary", TextOptions{Color: true},
			[]string{sgrRed + "ERROR" + sgrReset + ": rcu-gp-stall", sgrYellow + "WARNING" + sgrReset,
				sgrGreen + "+\t__rcu_read_unlock();" + sgrReset, sgrBold + "patch [1/2]",
				"  " + sgrRed + "[1/2] [RFC PATCH 1/2]"},
			nil},
		{"quiet keeps findings, one line per patch and the total", TextOptions{Quiet: true},
			[]string{"WARNING: notrace-instrumented-call", "summary:\n  [1/2]", "total: 1 errors, 1 warnings, 0 notes in 1 patches\n"},
			[]string{"rcureview test: kernel", "message-id:", "applied: yes", "lines checked"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteText(&b, sampleReport(), tc.opt); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, f := range tc.forbidden {
				if strings.Contains(out, f) {
					t.Errorf("output has %q:\n%s", f, out)
				}
			}
		})
	}
}

func TestPatchSummary(t *testing.T) {
	tests := []struct {
		name string
		p    *Patch
		want string
	}{
		{"clean applied patch", &Patch{Subject: "s", Index: 2, Total: 3, Applied: true}, "[2/3] s: clean (applied)"},
		{"failed single patch", &Patch{Subject: "x.patch", Error: "does not apply"}, "x.patch: clean (failed)"},
		{"counts with plurals", sampleReport().Patches[0], "[1/2] [RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace(): 1 error, 1 warning (applied)"},
	}
	for _, tc := range tests {
		if got := PatchSummary(tc.p); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
