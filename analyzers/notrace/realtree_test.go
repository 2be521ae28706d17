package notrace

import (
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
)

// realPasses applies the patches of an mbox in order onto the real tree
// and returns one pass per patch.
func realPasses(t *testing.T, mboxPath string) (*index.Provider, []analyzers.Pass) {
	t.Helper()
	return realtest.Provider(), realtest.Passes(t, nil, mboxPath, nil)
}

func dump(fs []finding.Finding) string { return realtest.Dump(fs) }

func hasHop(f finding.Finding, fn, why string) bool {
	for _, h := range f.Chain {
		if h.Function == fn && strings.Contains(h.Why, why) {
			return true
		}
	}
	return false
}

func TestRealTreeHeadline(t *testing.T) {
	p, passes := realPasses(t, "../../testdata/rcu-read-lock-notrace.mbox")
	if len(passes) == 0 {
		t.Fatal("no patches")
	}
	fs, err := realtest.Run(Analyzer, p, &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]finding.Finding{}
	for _, f := range fs {
		if f.Function == "rcu_read_unlock_sched_notrace" {
			t.Errorf("rcu_read_unlock_sched_notrace must stay clean: %s", f.Message)
		}
		if f.Function != "rcu_read_unlock_notrace" {
			continue
		}
		last := f.Chain[len(f.Chain)-1].Function
		found[f.Sink+":"+last] = f
		if f.File != "include/linux/rcupdate.h" || f.Source != "+\t__rcu_read_unlock();" || f.PatchLine == 0 || f.Status != finding.StatusNew {
			t.Errorf("finding not at the patch line or not new: %s:%d #%d %q %s", f.File, f.Line, f.PatchLine, f.Source, f.Status)
		}
	}
	checks := []struct {
		key, hop, why, cond string
	}{
		{"ftrace:__rcu_read_unlock", "__rcu_read_unlock", "ftrace-able", "CONFIG_PREEMPT_RCU"},
		{"tracepoint:trace_softirq_raise", "raise_softirq_irqoff", "inline", "CONFIG_PREEMPT_RCU"},
		{"tracepoint:trace_softirq_raise", "__raise_softirq_irqoff", "ftrace-able", ""},
		{"tracepoint:trace_ipi_send_cpu", "irq_work_queue_on", "built without ftrace", "CONFIG_PREEMPT_RCU"},
		// CONFIG_IRQ_WORK is not printed: x86 selects PERF_EVENTS, which selects it
		{"tracepoint:trace_csd_queue_cpu", "irq_work_queue_on", "built without ftrace", "CONFIG_SMP"},
	}
	for _, c := range checks {
		f, ok := found[c.key]
		if !ok {
			t.Errorf("missing %s in\n%s", c.key, dump(fs))
			continue
		}
		if !hasHop(f, c.hop, c.why) {
			t.Errorf("%s: chain lacks %s (%s):\n%s", c.key, c.hop, c.why, dump([]finding.Finding{f}))
		}
		if c.cond != "" && !strings.Contains(strings.Join(f.Config, " "), c.cond) {
			t.Errorf("%s: config %v lacks %s", c.key, f.Config, c.cond)
		}
	}
	if f := found["tracepoint:trace_softirq_raise"]; f.Severity != finding.Error {
		t.Errorf("tracepoint severity %s, want error", f.Severity)
	}
}

func TestRealTreeAuditPreExisting(t *testing.T) {
	tree := realtest.Tree(t)
	p := realtest.Provider()
	ix, err := p.For(tree)
	if err != nil {
		t.Fatal(err)
	}
	// audit the root the spec names (a full --all audit walks every root)
	var r root
	for _, rr := range (&checker{pass: &analyzers.Pass{}, ix: ix}).allRoots() {
		if rr.name == "srcu_read_lock_notrace" && rr.facts.Path == "include/linux/srcu.h" {
			r = rr
		}
	}
	if r.facts == nil {
		t.Fatal("srcu_read_lock_notrace is not a root")
	}
	// The driver marks a finding pre-existing when the Baseline run on
	// the pre-patch tree reports its key with the same detail (chain): on
	// an unchanged tree both runs must agree.
	var post, pre []analyzers.Diagnostic
	c := &checker{pass: &analyzers.Pass{Report: func(d analyzers.Diagnostic) { post = append(post, d) }}, ix: ix}
	c.checkRoot(r)
	var d *analyzers.Diagnostic
	for i, f := range post {
		if f.Sink == SinkFtrace && f.Chain[len(f.Chain)-1].Function == "__srcu_read_lock" {
			d = &post[i]
		}
	}
	if d == nil {
		t.Fatal("no ftrace finding for __srcu_read_lock")
	}
	br, ok := (&checker{pass: &analyzers.Pass{}, ix: ix}).findRoot(d.Def)
	if !ok {
		t.Fatalf("root %+v not found again", d.Def)
	}
	c = &checker{pass: &analyzers.Pass{Baseline: []analyzers.Def{d.Def}, Report: func(d analyzers.Diagnostic) { pre = append(pre, d) }}, ix: ix}
	c.checkRoot(br)
	ok = false
	for _, b := range pre {
		ok = ok || b.Key == d.Key && b.Detail == d.Detail
	}
	if !ok {
		t.Errorf("the Baseline run does not report %q with chain %q", d.Key, d.Detail)
	}
}

// TestRealTreeHeadlineDebianConfig: with Debian's amd64 configuration
// (no LOCKDEP, no DEBUG_PREEMPT, no TRACE_PREEMPT_TOGGLE) the notrace
// unlock reaches no lockdep, printk or preempt-count hook: their real
// definitions are not compiled there. The tracepoints stay.
func TestRealTreeHeadlineDebianConfig(t *testing.T) {
	cfg := realtest.Named(t, "debian-amd64")
	passes := realtest.Passes(t, nil, "../../testdata/rcu-read-lock-notrace.mbox", cfg)
	fs, err := realtest.Run(Analyzer, realtest.Provider(), &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	sinks := map[string]bool{}
	for _, f := range fs {
		last := f.Chain[len(f.Chain)-1].Function
		sinks[last] = true
		if f.Sink == SinkHook {
			switch hooks[last] {
			case "lockdep", "printk", "preempt tracing":
				t.Errorf("hook %s is not compiled in debian-amd64: %s\n%s", last, f.Message, dump([]finding.Finding{f}))
			}
		}
		if last == "__this_cpu_preempt_check" || last == "check_preemption_disabled" {
			t.Errorf("DEBUG_PREEMPT-only function in the chain: %s", dump([]finding.Finding{f}))
		}
	}
	for _, want := range []string{"trace_softirq_raise", "trace_ipi_send_cpu"} {
		if !sinks[want] {
			t.Errorf("missing %s in\n%s", want, dump(fs))
		}
	}
}

// TestRealTreeChangedTracerGuard: a patch that makes the tracer-context
// guard preempt_notrace use preempt_disable()/preempt_enable() is
// reported at its changed DEFINE_LOCK_GUARD_0() line: the guard now
// reaches the preempt-count tracing hooks.
func TestRealTreeChangedTracerGuard(t *testing.T) {
	fs := realtest.RunMbox(t, Analyzer, realtest.Provider(), "testdata/guard-preempt-notrace-traced.mbox")
	found := false
	for _, f := range fs {
		if f.Function != "guard(preempt_notrace)" || f.Root != RootTracer {
			t.Errorf("unexpected finding: %s", f.Message)
			continue
		}
		if f.File != "include/linux/preempt.h" || !strings.HasPrefix(f.Source, "+DEFINE_LOCK_GUARD_0(preempt_notrace") {
			t.Errorf("not at the changed line: %s:%d %q", f.File, f.Line, f.Source)
		}
		found = found || f.Sink == SinkHook && f.Chain[len(f.Chain)-1].Function == "preempt_count_add"
	}
	if !found {
		t.Errorf("no preempt_count_add hook:\n%s", dump(fs))
	}
}

// TestRealTreeRegisterExistingProbe: a patch that only adds the
// registration of an existing function as a probe of softirq_raise makes
// that function tracer context; it fires softirq_raise itself, so the
// probe re-enters itself: an error at the registration line, though the
// chain existed before the patch.
func TestRealTreeRegisterExistingProbe(t *testing.T) {
	fs := realtest.RunMbox(t, Analyzer, realtest.Provider(), "testdata/register-existing-probe.mbox")
	for _, f := range fs {
		if f.Function == "__raise_softirq_irqoff" && f.Severity == finding.Error && f.Sink == SinkTracepoint &&
			f.Root == RootTracer && strings.Contains(f.Source, "register_trace_softirq_raise") {
			return
		}
	}
	t.Errorf("no re-entry error at the registration:\n%s", dump(fs))
}

// TestRealTreeHoldsAgreeWithConfig: what a finding's holds say of each
// Debian configuration is what a review under that configuration
// reports: a sink held in a configuration is found when walking it, and
// one not held is not (checkRoot skips a configuration's walk when every
// chain already holds there).
func TestRealTreeHoldsAgreeWithConfig(t *testing.T) {
	names := []string{"debian-amd64", "debian-rt", "debian-cloud"}
	var named []analyzers.NamedConfig
	for _, n := range names {
		named = append(named, analyzers.NamedConfig{Name: n, Config: realtest.Named(t, n)})
	}
	const mb = "../../testdata/rcu-read-lock-notrace.mbox"
	pass := realtest.Passes(t, nil, mb, nil)[0]
	pass.Named = func() []analyzers.NamedConfig { return named }
	fs, err := realtest.Run(Analyzer, realtest.Provider(), &pass)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) == 0 {
		t.Fatal("no findings on the RFC patch")
	}
	for i, n := range named {
		p := realtest.Passes(t, nil, mb, n.Config)[0]
		under, err := realtest.Run(Analyzer, realtest.Provider(), &p)
		if err != nil {
			t.Fatal(err)
		}
		reported := map[string]bool{}
		for _, f := range under {
			reported[f.Function+"|"+f.Target] = true
		}
		for _, f := range fs {
			if len(f.Holds) != len(named) || f.Holds[i].Config != n.Name {
				t.Fatalf("%s: holds %+v, want one per named configuration", f.Message, f.Holds)
			}
			if got, want := f.Holds[i].Holds, reported[f.Function+"|"+f.Target]; got != want {
				t.Errorf("%s -> %s: holds in %s = %v, but a review under it reports it: %v", f.Function, f.Target, n.Name, got, want)
			}
		}
	}
}

// TestRealTreeRootsInParallelReportInOrder: roots checked several at once
// report what one after the other reports, in the same order.
func TestRealTreeRootsInParallelReportInOrder(t *testing.T) {
	run := func() string {
		return dump(realtest.RunMbox(t, Analyzer, realtest.Provider(), "../../testdata/rcu-read-lock-notrace.mbox"))
	}
	parallel := run()
	prev := runtime.GOMAXPROCS(1)
	serial := run()
	runtime.GOMAXPROCS(prev)
	if parallel != serial {
		t.Errorf("roots in parallel:\n%s\none after the other:\n%s", parallel, serial)
	}
	if strings.Count(serial, "\n") < 2 {
		t.Errorf("too few findings to tell an order:\n%s", serial)
	}
}

// TestRealTreeWalkLevelsInParallel: a walk resolves each level's calls
// with several goroutines and takes the results in queue order; it must
// find the same sinks by the same chains as one goroutine does, for the
// roots of the RCU read side (the deepest walks of the review of
// rcu_read_lock_notrace()).
func TestRealTreeWalkLevelsInParallel(t *testing.T) {
	tree := realtest.Tree(t)
	ix, err := realtest.Provider().For(tree)
	if err != nil {
		t.Fatal(err)
	}
	walked, parallel := 0, 0
	for _, r := range (&checker{pass: &analyzers.Pass{}, ix: ix}).allRoots() {
		if !strings.Contains(r.facts.Path, "rcu") {
			continue
		}
		conds := ix.DefConds(r.facts.Path, r.conds)
		one := (&Walker{Ix: ix, Workers: 1}).Walk(r.facts, r.calls, conds)
		many := (&Walker{Ix: ix, Workers: 4}).Walk(r.facts, r.calls, conds)
		if !reflect.DeepEqual(one, many) {
			t.Errorf("%s %s: one goroutine found\n%+v\nfour found\n%+v", r.facts.Path, r.name, one, many)
		}
		walked++
		if len(one) > 2 {
			parallel++
		}
	}
	if walked < 10 || parallel < 5 {
		t.Errorf("walked %d roots, %d with more than two sinks: too few to compare", walked, parallel)
	}
}
