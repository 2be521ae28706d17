package rcumodel

import (
	"io/fs"
	"testing"
)

// FuzzCheckScenario: any scenario text either fails to parse/compile with
// an error or is explored without panicking (small state bound).
func FuzzCheckScenario(f *testing.F) {
	names, _ := fs.Glob(embedded, "scenarios/*.rcu")
	for _, n := range names {
		src, err := embedded.ReadFile(n)
		if err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte("scenario x\ninit a=1 b=&a\ntask P0\n    load r0 b\n    load r1 *r0\nexists 0:r1=1\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := ParseScenario("fuzz", src)
		if err != nil {
			return
		}
		r, err := Check(s, Options{MaxStates: 3000, MaxBytes: 8 << 20})
		if err != nil {
			return
		}
		// The bounds hold whatever the scenario says: at most one
		// expansion past the state bound, memory within the budget plus
		// one allocation step.
		if r.Bytes > 24<<20 {
			t.Fatalf("explored graph takes %d bytes, budget 8 MiB", r.Bytes)
		}
		for _, p := range r.Props {
			if p.Violation != nil {
				p.Violation.Finding()
			}
		}
		if err := r.Table(discard{}); err != nil {
			t.Fatal(err)
		}
		if err := r.JSONLines(discard{}); err != nil {
			t.Fatal(err)
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
