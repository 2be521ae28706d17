package rcumodelcheck

import (
	"fmt"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// reentry checks a tracer-context unlock (a *_notrace read-side unlock,
// the notrace analyzer's kind of root) whose slow path calls
// rcu_read_unlock_special(): the notrace chain from it reaches the
// tracepoints of that path (trace_softirq_raise from
// raise_softirq_irqoff(); trace_tick_stop from the irq_exit() of its
// deferred-QS irq_work), and a probe attached there that uses the same
// reader re-enters the slow path while its special bits are still set.
// The re-entry scenario (rcumodel.ReentryScenario) runs with the
// deferred-QS machinery of the post-patch code; unbounded nesting or
// re-arming (P5) or a deadlock (P4) is reported at the unlock's call of
// the slow path, next to the notrace finding for the same chain.
func (c *checker) reentry(s *rcueffects.Summary) error {
	e := s.Effects
	if e.Delta >= 0 || !e.CallsSpecial || !strings.Contains(s.Name, "_notrace") {
		return nil
	}
	lock := c.partner(s)
	opts := rcumodel.Options{}
	if c.postProf.Found {
		p := c.postProf.Profile
		opts.Custom = &p
	}
	loc := c.pick(evidence(s, rcueffects.EvCallSpecial, rcueffects.EvTestSpecial), s.Name, s.Def)
	// the hooks' models are independent: checked in parallel, reported
	// in order
	type run struct {
		tp  string
		sc  *rcumodel.Scenario
		r   *rcumodel.Result
		err error
	}
	var runs []*run
	for _, tp := range rcumodel.ReentryHooks {
		if sc, ok := rcumodel.ReentryScenario(lock, e, tp); ok {
			runs = append(runs, &run{tp: tp, sc: sc})
		}
	}
	var wg sync.WaitGroup
	for _, rn := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rn.r, rn.err = rcumodel.Check(rn.sc, opts)
		}()
	}
	wg.Wait()
	for _, rn := range runs {
		tp, r, err := rn.tp, rn.r, rn.err
		if err != nil {
			return fmt.Errorf("model (re-entry of %s at %s): %w", s.Name, tp, err)
		}
		what := fmt.Sprintf("%s() reaches trace_%s() through rcu_read_unlock_special() (see the notrace finding); a probe attached there that uses %s()/%s() re-enters that slow path",
			s.Name, tp, lock.Name, s.Name)
		for _, p := range r.Props {
			if p.Violation == nil || p.Violation.SameAs != "" {
				continue
			}
			ch := rcumodel.Change{Property: p.Property, Rule: p.Violation.Rule, Before: rcumodel.Holds, After: rcumodel.Violated,
				Regression: true, Violation: p.Violation}
			c.report(ch, s.Name, loc, what, "re-entry of a tracer-context reader through trace_"+tp+"()",
				append(append([]string(nil), s.Conds...), "CONFIG_PREEMPT_RCU"))
		}
	}
	return nil
}

// evidence returns the summary's evidence locations for keys, in order.
func evidence(s *rcueffects.Summary, keys ...string) []rcueffects.Loc {
	var out []rcueffects.Loc
	for _, k := range keys {
		if l, ok := s.Evidence[k]; ok {
			out = append(out, l)
		}
	}
	return out
}
