package rcumodelcheck

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// machineryScenarios are the embedded validation scenarios that exercise
// the deferred-QS machinery; their profile is replaced by the one derived
// from the code.
var machineryScenarios = []struct {
	name, doc string
	config    []string
}{
	{"V5-tick-stop-probe-v6.12.117", "tracepoint probe reader in irq_exit() with irqs off during an expedited GP", []string{"CONFIG_PREEMPT_RCU", "CONFIG_IRQ_WORK"}},
	{"V6-requeue-in-reader-v6.17", "irq_work handler runs inside a new reader on a nohz_full CPU", []string{"CONFIG_PREEMPT_RCU", "CONFIG_IRQ_WORK", "CONFIG_NO_HZ_FULL"}},
	{"V7-irq-work-reinit-v6.17", "irq_work queued twice on an arch without irq_work self-IPI", []string{"CONFIG_PREEMPT_RCU", "CONFIG_IRQ_WORK"}},
	{"V8-softirq-raise-probe-v6.12.117", "reader in a softirq_raise tracepoint probe, unlock in hardirq", []string{"CONFIG_PREEMPT_RCU"}},
}

// touchesMachinery reports whether the patch changes one of the functions
// the deferred-QS profile is read from.
func (c *checker) touchesMachinery() bool {
	return c.changes(rcueffects.MachineryFuncs)
}

// changes reports whether the patch changes a definition called one of
// names.
func (c *checker) changes(names []string) bool {
	for _, ch := range c.changed {
		for _, n := range names {
			if ch.Name() == n {
				return true
			}
		}
	}
	return false
}

// machinery compares the deferred-QS machinery before and after the patch.
func (c *checker) machinery() error {
	if !c.preTree || !c.touchesMachinery() || !c.postProf.Found {
		return nil
	}
	before := c.zpre.Machinery()
	if !before.Found || rcueffects.SameProfile(before.Profile, c.postProf.Profile) {
		return nil
	}
	pre, post := before.Profile, c.postProf.Profile
	if pre.Name == "derived" {
		pre.Name = "pre-patch"
	}
	if post.Name == "derived" {
		post.Name = "post-patch"
	}
	what := describeProfile(before.Profile, c.postProf.Profile)
	fn, loc := c.locateMachinery(before.Profile, c.postProf.Profile)
	for _, ms := range machineryScenarios {
		sc, err := rcumodel.Load(ms.name)
		if err != nil {
			return fmt.Errorf("model: %w", err)
		}
		sc.Expect = nil
		rb, err := rcumodel.Check(sc, rcumodel.Options{Custom: &pre})
		if err != nil {
			return fmt.Errorf("model (pre-patch %s): %w", ms.name, err)
		}
		ra, err := rcumodel.Check(sc, rcumodel.Options{Custom: &post})
		if err != nil {
			return fmt.Errorf("model (post-patch %s): %w", ms.name, err)
		}
		for _, ch := range rcumodel.Compare(rb, ra) {
			c.report(ch, fn, loc, what, ms.doc, ms.config)
		}
	}
	return nil
}

// describeProfile says what changed in the deferred-QS machinery.
func describeProfile(a, b rcumodel.Profile) string {
	var d []string
	if a.DeferTristate != b.DeferTristate {
		if b.DeferTristate {
			d = append(d, "the pending state is cleared only when the quiescent state is reported")
		} else {
			d = append(d, "the irq_work handler clears the pending state unconditionally (re-arms the deferred-QS irq_work)")
		}
	}
	if a.HandlerResetsInReader != b.HandlerResetsInReader && b.DeferTristate {
		if b.HandlerResetsInReader {
			d = append(d, "the irq_work handler re-arms only inside a new reader")
		} else {
			d = append(d, "the irq_work handler no longer re-arms inside a new reader")
		}
	}
	if a.ReinitPerQueue != b.ReinitPerQueue {
		if b.ReinitPerQueue {
			d = append(d, "rcu_read_unlock_special() re-initialises the irq_work on every queue")
		} else {
			d = append(d, "the irq_work is no longer re-initialised per queue")
		}
	}
	if a.SoftirqGuarded != b.SoftirqGuarded {
		if b.SoftirqGuarded {
			d = append(d, "raise_softirq_irqoff() is guarded by the pending state")
		} else {
			d = append(d, "raise_softirq_irqoff() is no longer guarded by the pending state")
		}
	}
	if a.IRQWorkHard != b.IRQWorkHard {
		if b.IRQWorkHard {
			d = append(d, "the deferred-QS irq_work is IRQ_WORK_INIT_HARD (hard interrupt context on PREEMPT_RT)")
		} else {
			d = append(d, "the deferred-QS irq_work runs in the irq_work/N kthread on PREEMPT_RT (init_irq_work())")
		}
	}
	if a.WakeupsWithIRQsOff != b.WakeupsWithIRQsOff {
		if b.WakeupsWithIRQsOff {
			d = append(d, "rcu_read_unlock_special() no longer queues the irq_work")
		} else {
			d = append(d, "rcu_read_unlock_special() queues the irq_work")
		}
	}
	return "deferred-QS machinery (profile " + a.Name + " -> " + b.Name + "): " + strings.Join(d, "; ")
}

// locateMachinery picks the line that changed the profile.
func (c *checker) locateMachinery(a, b rcumodel.Profile) (string, rcueffects.Loc) {
	var keys []string
	if a.DeferTristate != b.DeferTristate || a.HandlerResetsInReader != b.HandlerResetsInReader {
		keys = append(keys, rcueffects.EvHandlerReset, rcueffects.EvDeferTristate)
	}
	if a.ReinitPerQueue != b.ReinitPerQueue {
		keys = append(keys, rcueffects.EvReinit)
	}
	if a.SoftirqGuarded != b.SoftirqGuarded {
		keys = append(keys, rcueffects.EvSoftirqGuarded)
	}
	if a.IRQWorkHard != b.IRQWorkHard {
		keys = append(keys, rcueffects.EvReinit)
	}
	if a.WakeupsWithIRQsOff != b.WakeupsWithIRQsOff {
		keys = append(keys, rcueffects.EvWakeups)
	}
	var locs []rcueffects.Loc
	for _, k := range keys {
		if l, ok := c.postProf.Evidence[k]; ok {
			locs = append(locs, l)
		}
	}
	fn := rcueffects.FnUnlockSpecial
	for _, ch := range c.changed {
		for _, n := range rcueffects.MachineryFuncs {
			if ch.Name() == n {
				fn = n
			}
		}
	}
	if len(locs) > 0 && diffparse.Added(c.pass.Files, locs[0].File, locs[0].Line) {
		return locs[0].Func, locs[0]
	}
	l := c.pick(locs, fn, rcueffects.Loc{Func: fn})
	if l.Func == "" {
		l.Func = fn
	}
	return l.Func, l
}
