package litmus

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

func TestHandWritten(t *testing.T) {
	tests := []struct {
		file   string
		want   Verdict
		reason string // substring of the reason, for Unsupported
	}{
		{"gp-guarantee.litmus", Never, ""},
		{"reader-overlap.litmus", Sometimes, ""},
		{"nested-readers.litmus", Never, ""},
		{"srcu-xdomain.litmus", Sometimes, ""},
		{"srcu-samedomain.litmus", Never, ""},
		{"srcu-overlap.litmus", Sometimes, ""},
		{"publish-deref.litmus", Never, ""},
		{"sb-sc.litmus", Sometimes, ""},
		{"forall-always.litmus", Always, ""},
		{"lost-update.litmus", Sometimes, ""},
		{"xchg-once.litmus", Never, ""},
		{"if-else.litmus", Never, ""},
		{"filter-mp.litmus", Never, ""},
		{"unsupported-call-rcu.litmus", Unsupported, "call call_rcu()"},
		{"unsupported-loop.litmus", Unsupported, "while statement"},
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".litmus"), func(t *testing.T) {
			for _, noReduce := range []bool{false, true} {
				r := CheckFile(filepath.Join("testdata", tt.file), Options{NoReduction: noReduce})
				if r.Verdict != tt.want {
					t.Fatalf("noReduction=%v: got %s (%s), want %s", noReduce, r.Verdict, r.Reason, tt.want)
				}
				if tt.reason != "" && !strings.Contains(r.Reason, tt.reason) {
					t.Errorf("reason %q does not mention %q", r.Reason, tt.reason)
				}
				if (r.Verdict == Sometimes || r.Verdict == Always) && len(r.Witness) == 0 {
					t.Errorf("no witness for a satisfiable condition")
				}
			}
		})
	}
}

func TestCounts(t *testing.T) {
	tests := []struct {
		file     string
		pos, neg int
	}{
		{"sb-sc.litmus", 1, 2},         // (1,1) vs (0,1), (1,0)
		{"forall-always.litmus", 1, 0}, // x=2 only
		{"gp-guarantee.litmus", 0, 3},  // all but (r0=1, r1=0)
		{"lost-update.litmus", 1, 1},   // x=2 or x=1, v=2
		{"filter-mp.litmus", 0, 1},     // with r0=1, only r1=1
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.file, ".litmus"), func(t *testing.T) {
			r := CheckFile(filepath.Join("testdata", tt.file), Options{Counts: true})
			if !r.HasCounts || r.Pos != tt.pos || r.Neg != tt.neg {
				t.Fatalf("got %s counts=%v %d %d, want %d %d", r.Verdict, r.HasCounts, r.Pos, r.Neg, tt.pos, tt.neg)
			}
			if !strings.HasSuffix(r.Line(), fmt.Sprintf(" %d %d", tt.pos, tt.neg)) {
				t.Errorf("line %q lacks the counts", r.Line())
			}
		})
	}
}

func TestWitnessIsAnExecution(t *testing.T) {
	r := CheckFile(filepath.Join("testdata", "reader-overlap.litmus"), Options{})
	got := strings.Join(r.Witness, "\n")
	// The reader reads y before P1 writes it.
	ix := strings.Index(got, "P0: READ_ONCE")
	iw := strings.Index(got, "P1: WRITE_ONCE")
	if ix < 0 || iw < 0 || ix > iw {
		t.Fatalf("witness does not put the first read before the first write:\n%s", got)
	}
	if !strings.Contains(got, "synchronize_rcu (end)") {
		t.Fatalf("witness has no grace-period end:\n%s", got)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, src, want string
		unsupported     bool
	}{
		{"empty", "", "want \"C name\"", false},
		{"no name", "C\n", "no name", false},
		{"other dialect", "PPC foo\n", "dialect", true},
		{"no processes", "C t\n{}\nexists (x=1)\n", "no processes", false},
		{"no condition", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\n", "no exists", false},
		{"out of order", "C t\n{}\nP1(int *x) { }\nexists (x=1)\n", "out of order", false},
		{"bad char", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1) @ }\nexists (x=1)\n", "unexpected character", false},
		{"unterminated", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1);\n", "unterminated", false},
		{"bad atom", "C t\n{}\nP0(int *x) { }\nexists (0:r0 < 1)\n", "want =", false},
		{"increment", "C t\n{}\nP0(int *x) { int r0; r0++; }\nexists (x=1)\n", "operator ++", true},
		{"trailing", "C t\n{}\nP0(int *x) { }\nexists (x=1) junk\n", "trailing", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil {
				t.Fatalf("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if errors.Is(err, ErrUnsupported) != tt.unsupported {
				t.Errorf("unsupported=%v, want %v (%v)", errors.Is(err, ErrUnsupported), tt.unsupported, err)
			}
		})
	}
}

func TestRuntimeErrors(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"deref of int", "C t\n{ int *p=1; }\nP0(int **p) { int *r1; int r2; r1 = READ_ONCE(*p); r2 = READ_ONCE(*r1); }\nexists (0:r2=0)\n", "non-pointer"},
		{"unbalanced unlock", "C t\n{}\nP0(int *x) { rcu_read_unlock(); }\nexists (x=0)\n", "outside a read-side"},
		{"bad srcu index", "C t\n{}\nP0(struct srcu_struct *s) { srcu_read_unlock(s, 7); }\nexists (0:r0=0)\n", "not an open section"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tst, err := Parse([]byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			r := Check(tst, Options{})
			if r.Verdict != Unsupported || !strings.Contains(r.Reason, tt.want) {
				t.Fatalf("got %s %q, want Unsupported mentioning %q", r.Verdict, r.Reason, tt.want)
			}
		})
	}
}

func TestStateBound(t *testing.T) {
	r := CheckFile(filepath.Join("testdata", "reader-overlap.litmus"), Options{MaxStates: 1, NoReduction: true})
	if r.Verdict != NoVerdict || !strings.Contains(r.Reason, "bound reached") {
		t.Fatalf("got %s %q, want NoVerdict", r.Verdict, r.Reason)
	}
}

func TestLine(t *testing.T) {
	r := Result{Name: "x", Verdict: Never, States: 3}
	if got := r.Line(); got != "Observation x Never (3 states)" {
		t.Errorf("Line() = %q", got)
	}
	r = Result{Name: "x", Verdict: Unsupported, Reason: "x: P0: unsupported: call f()"}
	if got := r.Line(); got != "Unsupported x: P0: call f()" {
		t.Errorf("Line() = %q", got)
	}
}
