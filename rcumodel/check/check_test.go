package check

import (
	"fmt"
	"strings"
	"testing"
)

// mutex is two processes that each go idle -> trying -> critical -> idle.
// With useLock they enter only when the lock is free.
type mutex struct{ useLock bool }

type mstate struct {
	pc   [2]uint8 // 0 idle, 1 trying, 2 critical
	lock uint8    // 0 free, 1+p held by p
}

func (m mutex) Initial() []mstate { return []mstate{{}} }
func (m mutex) Key(s *mstate, buf []byte) []byte {
	return append(buf, s.pc[0], s.pc[1], s.lock)
}
func (m mutex) Next(s *mstate, emit func(Edge[mstate, string])) {
	for p := 0; p < 2; p++ {
		t := *s
		switch s.pc[p] {
		case 0:
			t.pc[p] = 1
			emit(Edge[mstate, string]{To: t, Label: fmt.Sprintf("P%d try", p), Fair: 1 + p})
		case 1:
			if m.useLock && s.lock != 0 {
				continue
			}
			if m.useLock {
				t.lock = uint8(1 + p)
			}
			t.pc[p] = 2
			e := Edge[mstate, string]{To: t, Label: fmt.Sprintf("P%d enter", p), Fair: 1 + p}
			if t.pc[1-p] == 2 {
				e.Bad = []Bad{{Property: "mutex", Msg: "both processes critical"}}
			}
			emit(e)
		case 2:
			t.pc[p] = 0
			t.lock = 0
			emit(Edge[mstate, string]{To: t, Label: fmt.Sprintf("P%d leave", p), Fair: 1 + p})
		}
	}
}

func TestMutex(t *testing.T) {
	for _, tc := range []struct {
		name    string
		lock    bool
		verdict Verdict
	}{
		{"no lock lets both in", false, Violated},
		{"lock keeps them apart", true, Holds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Explore[mstate, string](mutex{tc.lock}, []string{"mutex"}, nil, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Verdicts["mutex"]; got != tc.verdict {
				t.Fatalf("verdict %v, want %v", got, tc.verdict)
			}
			if tc.verdict == Violated {
				v := res.Violations["mutex"]
				// Shortest: P0 try, P1 try, P0 enter, P1 enter (4 steps).
				if len(v.Prefix) != 4 {
					t.Fatalf("trace length %d, want 4 (BFS shortest): %v", len(v.Prefix), labels(v.Prefix))
				}
				if last := v.Prefix[3].State; last.pc != [2]uint8{2, 2} {
					t.Fatalf("last state %v", last)
				}
			}
			if !res.Complete || res.States == 0 {
				t.Fatalf("complete=%v states=%d", res.Complete, res.States)
			}
		})
	}
}

func TestMutexDFSFindsViolationToo(t *testing.T) {
	res, err := Explore[mstate, string](mutex{false}, []string{"mutex"}, nil, Options{DFS: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdicts["mutex"] != Violated {
		t.Fatal("DFS missed the violation")
	}
}

func labels[S any](steps []Step[S, string]) []string {
	var out []string
	for _, s := range steps {
		out = append(out, s.Label)
	}
	return out
}

// spinner: a worker W wants to finish (pending) but a competing process C
// may run forever. C's steps are fair class 1; W's step is class 2 when
// wFair, else unfair (0). Under weak fairness W must eventually run, so the
// livelock is a violation only when W is unfair.
type spinner struct{ wFair bool }

type sstate struct{ done, c uint8 }

func (sp spinner) Initial() []sstate                { return []sstate{{}} }
func (sp spinner) Key(s *sstate, buf []byte) []byte { return append(buf, s.done, s.c) }
func (sp spinner) Next(s *sstate, emit func(Edge[sstate, string])) {
	t := *s
	t.c = 1 - s.c
	emit(Edge[sstate, string]{To: t, Label: "C spins", Fair: 1})
	if s.done == 0 {
		t := *s
		t.done = 1
		fair := 0
		if sp.wFair {
			fair = 2
		}
		emit(Edge[sstate, string]{To: t, Label: "W finishes", Fair: fair})
	}
}

func TestLivelockUnderFairness(t *testing.T) {
	live := []Liveness[sstate]{{
		Property: "W-finishes",
		Pending:  func(s *sstate) bool { return s.done == 0 },
		Msg:      func(*sstate) string { return "W never finishes" },
	}}
	for _, tc := range []struct {
		name    string
		fair    bool
		verdict Verdict
	}{
		{"unfair worker can starve", false, Violated},
		{"weakly fair worker cannot starve", true, Holds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Explore[sstate, string](spinner{tc.fair}, nil, live, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if got := res.Verdicts["W-finishes"]; got != tc.verdict {
				t.Fatalf("verdict %v, want %v", got, tc.verdict)
			}
			if tc.verdict == Violated {
				v := res.Violations["W-finishes"]
				if len(v.Cycle) == 0 || v.Msg != "W never finishes" {
					t.Fatalf("bad lasso: %+v", v)
				}
				for _, st := range v.Cycle {
					if st.Label != "C spins" {
						t.Fatalf("cycle contains %q", st.Label)
					}
				}
				if v.Taken != 1<<1 {
					t.Fatalf("taken classes %v", Classes(v.Taken))
				}
			}
		})
	}
}

// stuck: a system that deadlocks with an obligation pending is a stutter
// violation; one that deadlocks after discharging it is not.
type stuck struct{ discharge bool }

func (st stuck) Initial() []uint8                { return []uint8{0} }
func (st stuck) Key(s *uint8, buf []byte) []byte { return append(buf, *s) }
func (st stuck) Next(s *uint8, emit func(Edge[uint8, string])) {
	if *s == 0 {
		n := uint8(1)
		if st.discharge {
			n = 2
		}
		emit(Edge[uint8, string]{To: n, Label: "go", Fair: 1})
	}
}

func TestStutterIsAViolation(t *testing.T) {
	live := []Liveness[uint8]{{Property: "L", Pending: func(s *uint8) bool { return *s != 2 }}}
	for _, tc := range []struct {
		discharge bool
		verdict   Verdict
	}{{false, Violated}, {true, Holds}} {
		res, err := Explore[uint8, string](stuck{tc.discharge}, nil, live, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Verdicts["L"] != tc.verdict {
			t.Fatalf("discharge=%v: %v", tc.discharge, res.Verdicts["L"])
		}
		if tc.verdict == Violated && !res.Violations["L"].Stutter {
			t.Fatal("want stutter lasso")
		}
	}
}

// counter counts up forever: every bound is reached.
type counter struct{}

func (counter) Initial() []int                { return []int{0} }
func (counter) Key(s *int, buf []byte) []byte { return fmt.Appendf(buf, "%d", *s) }
func (counter) Next(s *int, emit func(Edge[int, string])) {
	e := Edge[int, string]{To: *s + 1, Label: "inc", Fair: 1}
	emit(e)
}

func TestBoundsGiveNoVerdict(t *testing.T) {
	for _, opt := range []Options{{MaxStates: 100}, {MaxDepth: 10}} {
		res, err := Explore[int, string](counter{}, []string{"S"}, []Liveness[int]{{Property: "L", Pending: func(*int) bool { return true }}}, opt)
		if err != nil {
			t.Fatal(err)
		}
		if res.Complete || res.Verdicts["S"] != NoVerdict || res.Verdicts["L"] != NoVerdict {
			t.Fatalf("%+v: complete=%v verdicts=%v", opt, res.Complete, res.Verdicts)
		}
		if !strings.Contains(res.BoundMsg, "bound") || !strings.Contains(res.BoundMsg, "no verdict") {
			t.Fatalf("message %q", res.BoundMsg)
		}
	}
}

func TestProgressEdgesDischarge(t *testing.T) {
	// The spinner's C step tagged as progress: no violation even unfair.
	live := []Liveness[sstate]{{
		Property: "P",
		Pending:  func(*sstate) bool { return true },
		Progress: func(tags uint32) bool { return tags&TagStutter == 0 },
	}}
	res, err := Explore[sstate, string](spinner{false}, nil, live, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Verdicts["P"] != Holds {
		t.Fatalf("got %v", res.Verdicts["P"])
	}
}

func TestNoInitial(t *testing.T) {
	if _, err := Explore[int, string](empty{}, nil, nil, Options{}); err == nil {
		t.Fatal("want error")
	}
}

type empty struct{}

func (empty) Initial() []int                     { return nil }
func (empty) Key(s *int, b []byte) []byte        { return b }
func (empty) Next(*int, func(Edge[int, string])) {}

// TestAcceptNeedsAcceptingEdge: with an Accept predicate only cycles that
// take an accepting transition count (the per-CPU "forced work forever"
// shape of P5): the spinner's C loop is accepted when tagged, not otherwise.
func TestAcceptNeedsAcceptingEdge(t *testing.T) {
	for _, tc := range []struct {
		name    string
		accept  uint32
		verdict Verdict
	}{{"no accepting edge", 1, Holds}, {"accepting edge on the cycle", 0, Violated}} {
		t.Run(tc.name, func(t *testing.T) {
			live := []Liveness[sstate]{{
				Property: "B",
				Pending:  func(*sstate) bool { return true },
				Progress: func(tags uint32) bool { return tags&TagStutter != 0 },
				Accept:   func(tags uint32) bool { return tags == tc.accept },
			}}
			res, err := Explore[sstate, string](spinner{true}, nil, live, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdicts["B"] != tc.verdict {
				t.Fatalf("got %v", res.Verdicts["B"])
			}
			if tc.verdict == Violated && len(res.Violations["B"].Cycle) == 0 {
				t.Fatal("empty cycle")
			}
		})
	}
}
