package rcumodel

// Softirqs, as kernel/softirq.c runs them: handle_softirqs() (called by
// __do_softirq()) runs each pending softirq's action with SOFTIRQ_OFFSET
// added to preempt_count() (in_serving_softirq(), and in_interrupt() is
// true) and irqs enabled, lowest vector first; RCU_SOFTIRQ (vector 9,
// rcu_core()) comes after the scenario's handlers. Softirqs run from
// irq_exit() (invoke_softirq(), when not nested in another interrupt and
// not PREEMPT_RT), from local_bh_enable() when the bh count drops to zero,
// and in ksoftirqd. A pass runs at most maxSoftirqRuns handlers; what is
// still pending after it is left to ksoftirqd (MAX_SOFTIRQ_RESTART,
// wakeup_softirqd()).

// maxSoftirqRuns bounds the handlers one handle_softirqs() call runs.
const maxSoftirqRuns = 3

// softirqPending reports whether CPU c has a softirq pending.
func (s *State) softirqPending(c int) bool { return s.C[c].SoftP == 1 || s.C[c].SoftUser != 0 }

// handleSoftirqs models one step of handle_softirqs() on CPU c: it pushes
// the frame of the lowest pending scenario softirq (and returns true: the
// caller continues when that frame returns), or runs RCU_SOFTIRQ's
// rcu_core() in place. Past the restart bound the rest is left pending for
// ksoftirqd.
func (m *Model) handleSoftirqs(t *tx, c int) bool {
	cpu := &t.s.C[c]
	for t.s.softirqPending(c) {
		if cpu.SoftRuns >= maxSoftirqRuns {
			t.note("handle_softirqs(): restart limit: wakeup_softirqd()")
			break
		}
		cpu.SoftRuns++
		if cpu.SoftUser != 0 {
			i := 0
			for cpu.SoftUser&(1<<i) == 0 {
				i++
			}
			cpu.SoftUser &^= 1 << i
			d := m.softirqs[i]
			t.note("handle_softirqs(): %s softirq", d.name)
			if m.push(t, c, Frame{Kind: frameSoftirq, Script: uint8(d.script), BH: 1}, "softirq "+d.name) {
				return true
			}
			return false
		}
		m.rcuCore(t, c)
	}
	cpu.SoftRuns = 0
	return false
}

// softirqReturn pops a finished softirq frame: handle_softirqs() goes on
// with what is pending, then returns to irq_exit() or local_bh_enable().
func (m *Model) softirqReturn(t *tx, c int) {
	t.s.C[c].N--
	if m.handleSoftirqs(t, c) {
		return
	}
	if top := t.s.top(c); top.Kind == frameHardirq && top.Phase == phaseExiting {
		m.irqExitTail(t, c)
		return
	}
	m.reschedPoint(t, c) // local_bh_enable(): preempt_check_resched()
}

// raiseSoftirq models raise_softirq_irqoff(nr) (kernel/softirq.c):
// __raise_softirq_irqoff() fires trace_softirq_raise and marks nr pending;
// outside interrupts (in_interrupt() counts bh-disabled regions and
// softirq context) wakeup_softirqd() wakes ksoftirqd (try_to_wake_up():
// ksoftirqd's pi_lock, then this CPU's rq->lock). nr < 0 is RCU_SOFTIRQ.
func (m *Model) raiseSoftirq(t *tx, c, nr int) {
	if nr < 0 {
		t.s.C[c].SoftP = 1
		t.note("raise_softirq_irqoff(RCU_SOFTIRQ)")
	} else {
		t.s.C[c].SoftUser |= 1 << nr
		t.note("raise_softirq_irqoff(%s)", m.softirqs[nr].name)
	}
	if !m.inInterrupt(&t.s, c) {
		t.note("wakeup_softirqd(): try_to_wake_up(ksoftirqd/%d) takes rq%d->lock", c, c)
		m.acquireMomentarily(t, c, c, "try_to_wake_up(ksoftirqd)")
	}
	m.fireProbe(t, c, m.probeFor("softirq_raise"), "trace_softirq_raise")
}

// inInterrupt is in_interrupt() for the modelled kernel (softirq_count()
// is per task on PREEMPT_RT).
func (m *Model) inInterrupt(s *State, c int) bool {
	if m.Config.PreemptRT {
		return s.inInterruptRT(c)
	}
	return s.inInterrupt(c)
}

// softirqDef is a scenario softirq handler.
type softirqDef struct {
	name   string
	script int
}

func (m *Model) softirqIndex(name string) int {
	for i, d := range m.softirqs {
		if d.name == name {
			return i
		}
	}
	return -1
}
