package rcumodel

// Scheduler and interrupt entry/exit, as far as RCU sees them.

// Script numbers of built-in hardirq frames.
const (
	scriptBuiltin = 255 // handler ran atomically at entry
	scriptIWLoop  = 254 // irq_work_run_list() looping on a self-linked node
)

// enterIRQ pushes a hardirq frame (irq_enter(): irqs off, RCU watching).
func (m *Model) enterIRQ(t *tx, c, script int, what string) bool {
	if !m.push(t, c, Frame{Kind: frameHardirq, Script: uint8(script), IRQOff: 1}, what) {
		return false
	}
	// __rcu_irq_enter_check_tick() (tree.c): a nohz_full CPU in the kernel
	// that RCU urgently needs a QS from turns its tick on.
	if cpu := &t.s.C[c]; cpu.UrgentQS == 1 && cpu.ForcedTick == 0 && m.Config.NohzFull&(1<<c) != 0 && m.Config.ForcedTickRCU {
		cpu.ForcedTick = 1
		t.note("__rcu_irq_enter_check_tick(): tick_dep_set_cpu(%d, TICK_DEP_BIT_RCU)", c)
	}
	return true
}

// irqExit models irq_exit_rcu() -> __irq_exit_rcu() (kernel/softirq.c):
// preempt_count_sub(HARDIRQ_OFFSET); invoke_softirq() if pending and not
// in an interrupt; tick_irq_exit() (whose tick_nohz_irq_exit() fires the
// tick_stop tracepoint on idle and nohz_full CPUs, with irqs still off);
// then the return to the interrupted context may preempt it.
func (m *Model) irqExit(t *tx, c int) {
	t.s.top(c).Phase = phaseExiting
	// PREEMPT_RT: invoke_softirq() only wakes ksoftirqd.
	if !m.Config.PreemptRT && !t.s.inInterrupt(c) && t.s.softirqPending(c) {
		t.note("invoke_softirq()")
		if m.handleSoftirqs(t, c) {
			return // irqExitTail runs when the softirq returns
		}
	}
	m.irqExitTail(t, c)
}

// irqExitTail is the rest of __irq_exit_rcu() after invoke_softirq():
// tick_irq_exit(), then the return to the interrupted context.
func (m *Model) irqExitTail(t *tx, c int) {
	cpu := &t.s.C[c]
	if p := m.probeFor("tick_stop"); p >= 0 && (int(cpu.Curr) == idleTask(c) || m.Config.NohzFull&(1<<c) != 0) {
		m.fireProbe(t, c, p, "tick_irq_exit(): trace_tick_stop")
		if t.s.top(c).Kind == frameProbe {
			return // finishIRQ runs when the probe returns
		}
	}
	m.finishIRQ(t, c)
}

// finishIRQ pops the hardirq frame; returning to a preemptible task with
// need_resched set schedules (irqentry_exit_cond_resched()).
func (m *Model) finishIRQ(t *tx, c int) {
	t.s.C[c].N--
	if t.s.C[c].N == 1 && t.s.preemptible(c) && t.s.C[c].Resch == 1 && m.Config.PreemptRCU {
		t.note("return from interrupt: need_resched -> preempt_schedule_irq()")
		m.schedule(t, c, true, -1)
	}
}

// urgent delivers a pending self-IPI or IPI as soon as CPU c has irqs
// enabled: the expedited-GP IPI, the deferred-QS irq_work, a resched IPI.
func (m *Model) urgent(s *State, c int) *tx {
	cpu := &s.C[c]
	var t *tx
	switch {
	case cpu.IPIExp == 1:
		t = m.newTx(s, c, "irq", "<IPI> rcu_exp_handler()")
		if m.enterIRQ(t, c, scriptBuiltin, "rcu_exp_handler") {
			m.rcuExpHandler(t, c)
		}
	case cpu.IWQ == 1 && !m.Config.IRQWorkLazy:
		t = m.newTx(s, c, "irq", "<IPI> irq_work_run(): rcu_preempt_deferred_qs_handler()")
		if m.enterIRQ(t, c, scriptBuiltin, "irq_work") {
			m.rcuPreemptDeferredQSHandler(t, c)
		}
	case cpu.IPIRes == 1:
		t = m.newTx(s, c, "irq", "<IPI> scheduler_ipi() (resched_cpu)")
		t.s.C[c].IPIRes = 0
		m.enterIRQ(t, c, scriptBuiltin, "scheduler_ipi")
	default:
		return nil
	}
	t.forced = true
	if t.s.C[c].Dead == 0 && t.s.top(c).Script == scriptBuiltin {
		m.irqExit(t, c)
	}
	return t
}

// tickOn reports whether CPU c's scheduling-clock interrupt runs.
func (m *Model) tickOn(s *State, c int) bool {
	bit := uint8(1) << c
	if m.Config.TickStopped&bit == 0 {
		return true
	}
	// synchronize_rcu_expedited_wait() or __rcu_irq_enter_check_tick()
	// turned it on for this holdout.
	return s.C[c].TickDepExp == 1 || s.C[c].ForcedTick == 1
}

// tick models the scheduling-clock interrupt: rcu_sched_clock_irq() ->
// rcu_flavor_sched_clock_irq(); irq_work_tick() on lazy-irq_work arches.
func (m *Model) tick(s *State, c int) *tx {
	cpu := &s.C[c]
	if s.irqsOff(c) || !m.tickOn(s, c) || cpu.TickOK == 0 || (int(cpu.Curr) == idleTask(c) && cpu.N == 1) {
		return nil
	}
	t := m.newTx(s, c, "irq", "<tick> rcu_sched_clock_irq()")
	t.s.C[c].TickOK = 0
	if !m.enterIRQ(t, c, scriptBuiltin, "tick") {
		return t
	}
	m.rcuFlavorSchedClockIRQ(t, c)
	if m.Config.IRQWorkLazy && t.s.C[c].IWQ == 1 {
		t.note("irq_work_tick(): run queued irq_work")
		m.rcuPreemptDeferredQSHandler(t, c)
	}
	if t.s.top(c).Script == scriptBuiltin {
		m.irqExit(t, c)
	}
	// A tick that changes nothing but the token is the same as no tick:
	// leaving it out keeps the state space small.
	after := t.s
	after.C[c].TickOK = 1
	if after == *s {
		return nil
	}
	return t
}

// deviceIRQ delivers device interrupt or NMI handler i on CPU c.
func (m *Model) deviceIRQ(s *State, c, i int, d irqDef) *tx {
	if d.cpu != c || s.IRQLeft[i] == 0 {
		return nil
	}
	if d.nmi {
		if s.inNMI(c) {
			return nil
		}
		t := m.newTx(s, c, "nmi", "<NMI>")
		t.s.IRQLeft[i]--
		m.push(t, c, Frame{Kind: frameNMI, Script: uint8(d.script), IRQOff: 1}, "NMI")
		return t
	}
	if s.irqsOff(c) {
		return nil
	}
	t := m.newTx(s, c, "irq", "<irq> handler")
	t.s.IRQLeft[i]--
	m.enterIRQ(t, c, d.script, "irq handler")
	return t
}

// eprio is the effective priority (-1 for the idle task).
func (m *Model) eprio(s *State, task int) int {
	if task >= m.ntask {
		return -1
	}
	if s.T[task].Boosted == 1 {
		return int(prioBoost)
	}
	return int(m.prio[task])
}

// pickNext returns the highest-priority runnable task of CPU c other than
// exclude (lowest index on ties), or -1.
func (m *Model) pickNext(s *State, c, exclude int) int {
	best := -1
	for task := 0; task < m.ntask; task++ {
		if task == exclude || int(s.T[task].CPU) != c || s.T[task].St != stRunnable {
			continue
		}
		if best < 0 || m.eprio(s, task) > m.eprio(s, best) {
			best = task
		}
	}
	return best
}

// preemptHigher switches to a runnable task of higher effective priority
// when the current one is preemptible (wakeup preemption, boosting).
func (m *Model) preemptHigher(s *State, c int) *tx {
	if !s.preemptible(c) {
		return nil
	}
	cur := int(s.C[c].Curr)
	n := m.pickNext(s, c, cur)
	if n < 0 || m.eprio(s, n) <= m.eprio(s, cur) {
		return nil
	}
	t := m.newTx(s, c, "sched", "preempted by "+m.names[n])
	m.schedule(t, c, true, n)
	return t
}

// resched marks CPU c for rescheduling if woken task w should run there.
func (m *Model) resched(t *tx, c, w int) {
	if m.eprio(&t.s, w) > m.eprio(&t.s, int(t.s.C[c].Curr)) {
		t.s.C[c].Resch = 1
	}
}

// reschedPoint: preempt_enable()/local_bh_enable()/spin_unlock() at task
// level with need_resched set calls preempt_schedule().
func (m *Model) reschedPoint(t *tx, c int) {
	if m.Config.PreemptRCU && t.s.preemptible(c) && t.s.C[c].Resch == 1 {
		t.note("need_resched: preempt_schedule()")
		m.schedule(t, c, true, -1)
	}
}

// ksoftirqd runs pending softirqs in ksoftirqd/c: a context switch away
// from the current task and back.
func (m *Model) ksoftirqd(s *State, c int) *tx {
	if !s.softirqPending(c) || !s.preemptible(c) {
		return nil
	}
	text := "ksoftirqd: rcu_core()"
	if s.C[c].SoftUser != 0 {
		text = "ksoftirqd: handle_softirqs()"
	}
	t := m.newTx(s, c, "softirq", text)
	cur := int(s.C[c].Curr)
	if cur < m.ntask {
		m.rcuNoteContextSwitch(t, c, cur, true)
	}
	if s.C[c].SoftUser == 0 {
		t.s.C[c].SoftP = 0
		return t
	}
	// The handlers run in ksoftirqd's context; the model runs them on
	// top of the preempted task's frame (its reader state is untouched:
	// it is not running).
	t.s.C[c].SoftRuns = 0
	m.handleSoftirqs(t, c)
	return t
}

// schedule models __schedule(): rcu_note_context_switch() for the outgoing
// task, then switch to next (-1: the best runnable task, else idle).
func (m *Model) schedule(t *tx, c int, preempt bool, next int) {
	cpu := &t.s.C[c]
	cur := int(cpu.Curr)
	m.rcuNoteContextSwitch(t, c, cur, preempt)
	tk := &t.s.T[cur]
	f0 := cpu.F[0]
	tk.PC, tk.Phase, tk.Preempt, tk.BH, tk.IRQOff = f0.PC, f0.Phase, f0.Preempt, f0.BH, f0.IRQOff
	if preempt && m.Config.TasksQSOnPreempt && cur < m.ntask {
		tk.PreemptedInGP = 1
	}
	cpu.Resch = 0
	if next < 0 {
		next = m.pickNext(&t.s, c, -1)
		if next < 0 {
			next = idleTask(c)
		}
	}
	n := &t.s.T[next]
	cpu.F[0] = Frame{Kind: frameTask, Script: uint8(next), PC: n.PC, Phase: n.Phase, Preempt: n.Preempt, BH: n.BH, IRQOff: n.IRQOff}
	cpu.Curr = uint8(next)
	if next != cur {
		t.note("context switch %s -> %s", m.names[cur], m.names[next])
	}
	if next == idleTask(c) && t.s.C[c].Online == 1 {
		m.eqsQS(t, c) // idle entry: ct_kernel_exit(), an extended QS
	}
}

// rcuNoteContextSwitch models rcu_note_context_switch(preempt)
// (tree_plugin.h): a preempted reader is queued on rnp->blkd_tasks
// (rcu_preempt_ctxt_queue()) and blocks the GPs this CPU still owes;
// otherwise a deferred QS is reported; then the CPU is quiescent.
func (m *Model) rcuNoteContextSwitch(t *tx, c, task int, preempt bool) {
	cpu := &t.s.C[c]
	tk := &t.s.T[task]
	switch {
	case tk.Nest > 0 && tk.SpBlocked == 0 && m.Config.PreemptRCU:
		if !m.Config.CtxSwitchQueues {
			t.note("(injected bug: %s not queued on rnp->blkd_tasks)", m.names[task])
			break
		}
		tk.SpBlocked, tk.Blkd = 1, uint8(m.leafOf[c]+1)
		if running(t.s.Seq[FlavourRCU]) && t.s.GPInit == 0 && cpu.NoQS == 1 {
			tk.GPBlk = 1
		}
		if running(t.s.Seq[FlavourRCUExp]) && cpu.ExpM == 1 {
			tk.ExpBlk = 1
		}
		t.note("rcu_preempt_ctxt_queue(): %s on rnp->blkd_tasks%s%s", m.names[task],
			[2]string{"", ", blocks GP"}[tk.GPBlk], [2]string{"", ", blocks exp GP"}[tk.ExpBlk])
		if tk.ExpBlk == 1 {
			m.rcuReportExpRdp(t, c)
		}
	case tk.Nest == 0:
		m.rcuPreemptDeferredQS(t, c, task)
	}
	m.rcuQS(t, c)
	if cpu.NoQSE == 1 {
		m.rcuReportExpRdp(t, c)
	}
}
