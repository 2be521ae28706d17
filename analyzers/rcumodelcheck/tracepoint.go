package rcumodelcheck

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// tracepointScenarios are the embedded scenarios with tracepoint probes;
// they run with the tracepoint implementation (the guard __DO_TRACE()
// takes around the probes) read from the pre- and from the post-patch code.
var tracepointScenarios = []struct {
	name, doc string
	config    []string
}{
	{"probe-deref-sync-6.12", "a probe dereferences an object twice while CPU 1 unpublishes it, runs synchronize_rcu() and frees it", nil},
	{"probe-deref-exp-6.12", "a probe dereferences an object twice while CPU 1 unpublishes it, runs synchronize_rcu_expedited() and frees it", nil},
	{"V5-tick-stop-probe-v6.12.117", "tracepoint probe reader in irq_exit() with irqs off during an expedited GP", []string{"CONFIG_PREEMPT_RCU", "CONFIG_IRQ_WORK"}},
	{"V8-softirq-raise-probe-v6.12.117", "reader in a softirq_raise tracepoint probe, unlock in hardirq", []string{"CONFIG_PREEMPT_RCU"}},
}

// touchesTracepoint reports whether the patch changes the macros the
// tracepoint implementation is read from, or their header (a patch that
// only deletes lines of a macro changes no definition's added lines).
func (c *checker) touchesTracepoint() bool {
	for _, f := range c.pass.Files {
		if f.Path() == "include/linux/tracepoint.h" {
			return true
		}
	}
	return c.changes(kernelnames.TracepointMacros)
}

// tracepoint compares the model's probes run under the pre- and the
// post-patch tracepoint implementation (issue: probe context from the
// code). It needs the pre-patch text (a tree); the profile of the
// deferred-QS machinery is the post-patch one for both runs, so that the
// verdict diff is the guard's alone.
func (c *checker) tracepoint() error {
	if !c.preTree || !c.touchesTracepoint() {
		return nil
	}
	pre, post := c.zpre.TracepointGuard(), c.zpost.TracepointGuard()
	if !pre.Found || !post.Found || rcueffects.SameTracepoint(pre.Tracepoint, post.Tracepoint) {
		return nil
	}
	opts := func(tp rcumodel.Tracepoint) rcumodel.Options {
		o := rcumodel.Options{Tracepoint: &tp}
		if c.postProf.Found {
			p := c.postProf.Profile
			o.Custom = &p
		}
		return o
	}
	what := fmt.Sprintf("tracepoint implementation (%s() guard %s -> %s)", post.Loc.Func, guardString(pre.Tracepoint), guardString(post.Tracepoint))
	for _, ts := range tracepointScenarios {
		sc, err := rcumodel.Load(ts.name)
		if err != nil {
			return fmt.Errorf("model: %w", err)
		}
		sc.Expect = nil
		rb, err := rcumodel.Check(sc, opts(pre.Tracepoint))
		if err != nil {
			return fmt.Errorf("model (pre-patch %s): %w", ts.name, err)
		}
		ra, err := rcumodel.Check(sc, opts(post.Tracepoint))
		if err != nil {
			return fmt.Errorf("model (post-patch %s): %w", ts.name, err)
		}
		for _, ch := range rcumodel.Compare(rb, ra) {
			c.report(ch, post.Loc.Func, c.pick([]rcueffects.Loc{post.Loc}, post.Loc.Func, post.Loc), what, ts.doc, ts.config)
		}
	}
	return nil
}

// guardString names a tracepoint implementation's guard.
func guardString(tp rcumodel.Tracepoint) string {
	if len(tp.Enter) == 0 {
		return "none"
	}
	var n []string
	for _, e := range tp.Enter {
		n = append(n, e.Name+"()")
	}
	return strings.Join(n, " + ")
}
