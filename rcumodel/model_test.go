package rcumodel

import (
	"bufio"
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel/check"
	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// TestEmbeddedScenarios runs every embedded scenario (V1-V12, failing and
// fixed variants) and asserts its expected verdicts, the trace bound of
// S.7 (<= 40 rows) and the conversions to findings, tables and JSON.
func TestEmbeddedScenarios(t *testing.T) {
	infos, err := List()
	if err != nil {
		t.Fatal(err)
	}
	if len(infos) < 30 {
		t.Fatalf("only %d embedded scenarios", len(infos))
	}
	for _, in := range infos {
		t.Run(in.Name, func(t *testing.T) {
			if len(in.Expect) == 0 {
				t.Fatal("scenario has no expected verdicts")
			}
			s, err := Load(in.Name)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Check(s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !r.Complete {
				t.Fatalf("bound reached: %s", r.BoundMsg)
			}
			var table bytes.Buffer
			if err := r.Table(&table); err != nil {
				t.Fatal(err)
			}
			if mm := r.Mismatches(); len(mm) > 0 {
				t.Fatalf("%v\n%s", mm, table.String())
			}
			for prop, want := range in.Expect {
				p, ok := r.Get(prop)
				if !ok {
					t.Fatalf("%s not checked", prop)
				}
				if want == "holds" {
					if p.Violation != nil {
						t.Fatalf("%s holds but has a counterexample", prop)
					}
					continue
				}
				v := p.Violation
				if v == nil {
					t.Fatalf("%s violated without a counterexample", prop)
				}
				if v.Rows() == 0 || v.Rows() > 40 {
					t.Fatalf("%s counterexample has %d rows, want 1..40\n%s", prop, v.Rows(), table.String())
				}
				if !strings.Contains(table.String(), "VIOLATION "+prop+" ("+v.Rule+")") {
					t.Fatalf("table lacks the violation line for %s:\n%s", prop, table.String())
				}
				f := v.Finding()
				pr, _ := LookupProperty(prop)
				if f.Rule != v.Rule || f.Trace == nil || len(f.Trace.Steps) != v.Rows() || f.Message == "" {
					t.Fatalf("finding %+v", f)
				}
				if _, ok := finding.LookupRule(f.Rule); !ok || (prop != "P3" && f.Rule != pr.Rule) {
					t.Fatalf("%s reported under rule %q", prop, f.Rule)
				}
			}
			var js bytes.Buffer
			if err := r.JSONLines(&js); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(&js)
			sc.Buffer(nil, 1<<20)
			lines := 0
			for sc.Scan() {
				var m map[string]any
				if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
					t.Fatalf("JSON line %q: %v", sc.Text(), err)
				}
				lines++
			}
			if lines < len(r.Props) {
				t.Fatalf("%d JSON lines for %d properties", lines, len(r.Props))
			}
		})
	}
}

// TestHeadlineTraces checks the content of the counterexamples reviewers
// care most about, not just their verdicts.
func TestHeadlineTraces(t *testing.T) {
	for _, tc := range []struct {
		scenario, prop string
		want           []string
	}{
		{"V3-exp-ipi-notrace-nohz", "L1", []string{"rcu_exp_handler", "exp_hint=1", "rcu_read_unlock_special() skipped",
			"cycle, repeats forever", "never enabled: tick CPU0", "CPU 0 (nohz_full, tick stopped)"}},
		{"V4-rt-boost-notrace", "L3", []string{"rt_mutex_lock(): T1 boosted", "rcu_read_unlock_notrace", "stays boosted"}},
		{"V5-tick-stop-probe-v6.12.0", "P5", []string{"trace_tick_stop", "irq_work_queue_on", "defer_qs_iw_pending = false"}},
		{"V7-irq-work-reinit-v6.17-rc1", "P5", []string{"re-initialised while still queued", "points at itself"}},
		{"V8-softirq-raise-probe-v6.17", "P5", []string{"trace_softirq_raise", "exceeds"}},
		{"V9-unlock-under-rq-lock-v5.2", "P4", []string{"rq0->lock", "wakeup_softirqd", "self-deadlock"}},
		{"V10b-call-rcu", "P2", []string{"rcu_read_lock_trace", "callback kfree(m)"}},
		{"V2-preempted-reader-not-queued", "P1", []string{"injected bug", "GP rcu #1 ended while T1"}},
	} {
		t.Run(tc.scenario, func(t *testing.T) {
			s, err := Load(tc.scenario)
			if err != nil {
				t.Fatal(err)
			}
			r, err := Check(s, Options{})
			if err != nil {
				t.Fatal(err)
			}
			p, _ := r.Get(tc.prop)
			if p.Violation == nil {
				t.Fatalf("%s not violated", tc.prop)
			}
			var b strings.Builder
			p.Violation.table(&b)
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("trace lacks %q:\n%s", w, b.String())
				}
			}
		})
	}
}

// TestProfileOverride: the same scenario text, checked against two kernel
// versions, gives the pre-fix and post-fix verdicts of B1.
func TestProfileOverride(t *testing.T) {
	s, err := Load("V5-tick-stop-probe-v6.12.117")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		profile string
		want    Verdict
	}{{"v6.12.0", Violated}, {"v6.17", Holds}, {"v6.12.117", Holds}} {
		r, err := Check(s, Options{Profile: tc.profile})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := r.Get("P5"); p.Verdict != tc.want || r.Profile != tc.profile {
			t.Errorf("%s: P5 %v, want %v", tc.profile, p.Verdict, tc.want)
		}
	}
}

// TestEffectSummaryChangesModel: an unlock built from an effect summary
// that skips rcu_read_unlock_special() stalls the expedited GP; the same
// summary with CallsSpecial does not.
func TestEffectSummaryChangesModel(t *testing.T) {
	unlock := Primitives["rcu_read_unlock_notrace"]
	unlock.Name = "my_read_unlock"
	for _, tc := range []struct {
		calls bool
		want  Verdict
	}{{false, Violated}, {true, Holds}} {
		e := unlock
		e.TestsSpecial, e.CallsSpecial = tc.calls, tc.calls
		s := ExpeditedReaderScenario(Primitives["rcu_read_lock_notrace"], e, true)
		r, err := Check(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p, _ := r.Get("L1"); p.Verdict != tc.want {
			t.Errorf("CallsSpecial=%v: L1 %v, want %v\n%s", tc.calls, p.Verdict, tc.want, scenario.Format(s))
		}
	}
}

func TestOpFromEffectsRoundTrip(t *testing.T) {
	for _, name := range PrimitiveNames() {
		e := Primitives[name]
		e.Name = "custom_" + name
		op := OpFromEffects(e)
		if e.Counter == CounterSRCU {
			op.Args = []string{"ss"}
		}
		got, ok, err := effectsFor("x", op)
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", name, ok, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Fatalf("%s: got %+v, want %+v", name, got, e)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown op", "scenario a\ntask T1 cpu=0\n    rcu_read_lok\n", "a:3:5: rcu_read_lok: unknown operation"},
		{"unknown object", "scenario a\ntask T1 cpu=0\n    deref p\n", "a:3:5: deref: unknown object \"p\""},
		{"bad profile", "scenario a\nprofile v9\ntask T1 cpu=0\n", "unknown profile \"v9\""},
		{"bad knob", "scenario a\nconfig nohz=0\n", "a:2:8: unknown config knob \"nohz\""},
		{"bad knob value", "scenario a\nconfig preempt_rt=maybe\n", "a:2:8: config preempt_rt=\"maybe\""},
		{"bad attribute", "scenario a\ntask T1 cpu=0\n    rcu_read_unlock special=perhaps\n", "a:3:21: rcu_read_unlock: special=\"perhaps\""},
		{"cpu out of range", "scenario a\ntask T1 cpu=7\n", "task T1: cpu=7"},
		{"too many tasks", "scenario a\ntask A\ntask B\ntask C\ntask D\ntask E\n", "more than 4 tasks"},
		{"bad property", "scenario a\ncheck P9\ntask T1\n", "unknown property \"P9\""},
		{"missing srcu domain", "scenario a\ntask T1\n    srcu_read_lock\n", "want 1 argument(s)"},
		{"bad lock", "scenario a\ntask T1\n    spin_lock pi.nobody\n", "lock \"pi.nobody\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseScenario("a", []byte(tc.src))
			if err == nil {
				_, err = Check(s, Options{})
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBoundGivesNoVerdict(t *testing.T) {
	s, err := Load("V10b-call-rcu")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(s, Options{MaxStates: 500})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || !strings.Contains(r.BoundMsg, "bound states 500 reached: no verdict") {
		t.Fatalf("complete=%v msg=%q", r.Complete, r.BoundMsg)
	}
	for _, p := range r.Props {
		if p.Verdict == Holds {
			t.Fatalf("%s holds within a bound", p.Property)
		}
		if p.Verdict == NoVerdict && p.Note == "" {
			t.Fatalf("%s: no note", p.Property)
		}
	}
}

// TestMemoryBoundGivesNoVerdict: the memory budget stops an exploration
// like the state bound does, and says which bound it was.
func TestMemoryBoundGivesNoVerdict(t *testing.T) {
	s, err := Load("V10b-call-rcu")
	if err != nil {
		t.Fatal(err)
	}
	r, err := Check(s, Options{MaxBytes: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || !strings.Contains(r.BoundMsg, "bound memory 1 MiB reached: no verdict") || r.Bytes > 4<<20 {
		t.Fatalf("complete=%v bytes=%d msg=%q", r.Complete, r.Bytes, r.BoundMsg)
	}
	full, err := Check(s, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !full.Complete || full.Bytes <= r.Bytes {
		t.Fatalf("default bounds: complete=%v bytes=%d", full.Complete, full.Bytes)
	}
}

// TestScenarioCannotRaiseCeiling: "bounds states=N" above Options.MaxStates
// is capped, and the bound message says so.
func TestScenarioCannotRaiseCeiling(t *testing.T) {
	s, err := Load("V10b-call-rcu")
	if err != nil {
		t.Fatal(err)
	}
	c := *s
	c.Bounds = []scenario.KV{{Key: "states", Value: "9223372036854775807"}}
	r, err := Check(&c, Options{MaxStates: 100})
	if err != nil {
		t.Fatal(err)
	}
	if r.Complete || !strings.Contains(r.BoundMsg, "ceiling is 100") {
		t.Fatalf("complete=%v msg=%q", r.Complete, r.BoundMsg)
	}
	c.Bounds = []scenario.KV{{Key: "states", Value: "-1"}}
	if _, err := Check(&c, Options{}); err == nil || !strings.Contains(err.Error(), "positive") {
		t.Fatalf("negative bound: %v", err)
	}
}

func TestStateIsBytes(t *testing.T) {
	var check func(reflect.Type, string)
	check = func(ty reflect.Type, path string) {
		switch ty.Kind() {
		case reflect.Uint8:
		case reflect.Array:
			check(ty.Elem(), path+"[]")
		case reflect.Struct:
			for i := 0; i < ty.NumField(); i++ {
				check(ty.Field(i).Type, path+"."+ty.Field(i).Name)
			}
		default:
			t.Fatalf("%s is %s: State must contain only bytes (key() encodes its memory)", path, ty)
		}
	}
	check(reflect.TypeOf(State{}), "State")
}

func TestDFSAgreesWithBFS(t *testing.T) {
	for _, n := range []string{"V3-exp-ipi-notrace-nohz", "V9-unlock-under-rq-lock-v5.2", "V1-sync-free"} {
		s, err := Load(n)
		if err != nil {
			t.Fatal(err)
		}
		a, err := Check(s, Options{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := Check(s, Options{DFS: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range a.Props {
			if a.Props[i].Verdict != b.Props[i].Verdict {
				t.Fatalf("%s %s: BFS %v, DFS %v", n, a.Props[i].Property, a.Props[i].Verdict, b.Props[i].Verdict)
			}
		}
	}
}

func TestFlavourTable(t *testing.T) {
	for _, tc := range []struct {
		f       Flavour
		k       ReaderKind
		implies bool
		want    bool
	}{
		{FlavourRCU, KindRCU, true, true},
		{FlavourRCU, KindAtomic, true, true},
		{FlavourRCU, KindAtomicNW, true, false},
		{FlavourRCU, KindTrace, true, false},
		{FlavourTrace, KindRCU, true, true},
		{FlavourTrace, KindRCU, false, false},
		{FlavourSRCU0, KindSRCU1, true, false},
		{FlavourRude, KindAtomicNW, true, true},
		{FlavourRude, KindRCU, true, false},
		{FlavourTasks, KindTasks, true, true},
		{FlavourTasks, KindRCU, true, false},
	} {
		if got := Waits(tc.f, tc.k, tc.implies); got != tc.want {
			t.Errorf("Waits(%s, %s, implies=%v) = %v", tc.f, tc.k, tc.implies, got)
		}
	}
}

// TestKeyRoundTrip: decode inverts key on the states a real scenario
// reaches (breadth-first from its initial states), into a variable that
// held another state, and the sparse key is shorter than the state.
func TestKeyRoundTrip(t *testing.T) {
	s, err := Load("V4-rt-boost")
	if err != nil {
		t.Fatal(err)
	}
	m, err := compile(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	work := m.Initial()
	seen := map[string]bool{}
	var got State
	for len(work) > 0 && len(seen) < 2000 {
		st := work[0]
		work = work[1:]
		k := key(&st, []byte("prefix"))
		if string(k[:6]) != "prefix" {
			t.Fatal("key does not append to buf")
		}
		k = k[6:]
		if seen[string(k)] {
			continue
		}
		seen[string(k)] = true
		if len(k) >= int(unsafe.Sizeof(st)) {
			t.Errorf("key of %d bytes for a state of %d", len(k), unsafe.Sizeof(st))
		}
		decode(k, &got)
		if got != st {
			t.Fatalf("decode(key(s)) != s for state %d", len(seen))
		}
		m.Next(&st, func(e check.Edge[State, Event]) { work = append(work, e.To) })
	}
	if len(seen) < 100 {
		t.Fatalf("only %d states reached", len(seen))
	}
}
