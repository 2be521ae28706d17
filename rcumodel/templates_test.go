package rcumodel

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/rcumodel/scenario"
)

func check1(t *testing.T, s *scenario.Scenario) *Result {
	t.Helper()
	r, err := Check(s, Options{})
	if err != nil {
		t.Fatalf("%v\n%s", err, scenario.Format(s))
	}
	return r
}

// TestCompareNotraceUnlockPatch plays the analyzer's part for the July-2025
// RFC: the pre-patch reader uses rcu_read_lock()/rcu_read_unlock(), the
// post-patch one an unlock that skips rcu_read_unlock_special(). The boost
// template shows the regression on L3 (and L1).
func TestCompareNotraceUnlockPatch(t *testing.T) {
	lock, unlock := Primitives["rcu_read_lock"], Primitives["rcu_read_unlock"]
	lock.Name, unlock.Name = "rcu_read_lock", "rcu_read_unlock"
	patched := unlock
	patched.Name, patched.Traced, patched.TestsSpecial, patched.CallsSpecial = "rcu_read_unlock_notrace", "", false, false
	before := check1(t, BoostedReaderScenario(lock, unlock))
	after := check1(t, BoostedReaderScenario(lock, patched))
	changes := Compare(before, after)
	got := map[string]bool{}
	for _, c := range changes {
		if !c.Regression || c.Violation == nil {
			t.Fatalf("unexpected change %s", c)
		}
		got[c.Property] = true
	}
	if !got["L3"] || !got["L1"] {
		t.Fatalf("changes %v, want L3 and L1 regressions", changes)
	}
	if s := changes[0].String(); !strings.HasPrefix(s, "regression ") {
		t.Fatalf("String() = %q", s)
	}
	if len(Compare(after, before)) == 0 || Compare(after, before)[0].Regression {
		t.Fatal("reverse comparison should report fixes")
	}
}

// TestFreeUnderReadersTemplate: the multi-flavour free (B6) built in
// memory, with the updater's free path as the variable.
func TestFreeUnderReadersTemplate(t *testing.T) {
	readers := []Reader{
		{Lock: named("rcu_read_lock"), Unlock: named("rcu_read_unlock")},
		{Lock: named("rcu_read_lock_trace"), Unlock: named("rcu_read_unlock_trace"), MayFault: true},
	}
	for _, tc := range []struct {
		name string
		free []scenario.Op
		want Verdict
	}{
		{"call_rcu misses the Tasks Trace reader", []scenario.Op{scenario.O("call_rcu", "free", "obj")}, Violated},
		{"synchronize_rcu_tasks_trace then free", []scenario.Op{scenario.O("synchronize_rcu_tasks_trace"), scenario.O("free", "obj")}, Holds},
		{"both grace periods", []scenario.Op{scenario.O("synchronize_rcu"), scenario.O("synchronize_rcu_tasks_trace"), scenario.O("free", "obj")}, Holds},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := check1(t, FreeUnderReadersScenario(readers, tc.free...))
			if p, _ := r.Get("P2"); p.Verdict != tc.want {
				t.Fatalf("P2 %v, want %v", p.Verdict, tc.want)
			}
		})
	}
}

func TestSRCUReaderTemplate(t *testing.T) {
	readers := []Reader{{Lock: named("srcu_read_lock"), Unlock: named("srcu_read_unlock"), SRCUDomain: "ss", MayFault: true}}
	for _, tc := range []struct {
		dom  string
		want Verdict
	}{{"ss", Holds}, {"other", Violated}} {
		r := check1(t, FreeUnderReadersScenario(readers, scenario.O("synchronize_srcu", tc.dom), scenario.O("free", "obj")))
		if p, _ := r.Get("P2"); p.Verdict != tc.want {
			t.Fatalf("synchronize_srcu(%s): P2 %v, want %v", tc.dom, p.Verdict, tc.want)
		}
	}
}

func named(n string) Effects {
	e := Primitives[n]
	e.Name = n
	return e
}

// TestReentryScenario: the re-entry template with the 6.12 unlock under
// a machinery whose softirq raise is not guarded (v6.17) recurses without
// bound through trace_softirq_raise; with the guard (v6.12.117) it does
// not. The tick_stop variant loops under v6.12.0's handler only.
func TestReentryScenario(t *testing.T) {
	lock, unlock := Primitives["rcu_read_lock_notrace"], Primitives["rcu_read_unlock_notrace"]
	lock.Name, unlock.Name = "rcu_read_lock_notrace", "rcu_read_unlock_notrace"
	for _, tc := range []struct {
		tp, profile string
		want        Verdict
	}{
		{"softirq_raise", "v6.17", Violated},
		{"softirq_raise", "v6.12.117", Holds},
		{"tick_stop", "v6.12.0", Violated},
		{"tick_stop", "v6.12.117", Holds},
	} {
		s, ok := ReentryScenario(lock, unlock, tc.tp)
		if !ok {
			t.Fatal(tc.tp)
		}
		r, err := Check(s, Options{Profile: tc.profile})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := r.Get("P5"); p.Verdict != tc.want {
			t.Errorf("%s %s: P5 %v, want %v", tc.tp, tc.profile, p.Verdict, tc.want)
		}
	}
	if _, ok := ReentryScenario(lock, unlock, "sched_switch"); ok {
		t.Error("a tracepoint the model does not fire")
	}
}
