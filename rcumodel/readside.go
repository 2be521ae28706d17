package rcumodel

import "github.com/rcureview/rcureview/finding"

// Read side of preemptible Tree RCU, 6.12.117 unless a Profile says
// otherwise. Each function is named after the kernel function it models;
// file references are to kernel/rcu/ in linux-source-6.12 (6.12.117).

// readSide executes a read-side primitive from its Effects summary on the
// frame at level lvl. The outermost rcu_read_unlock() takes two steps: it
// decrements the nesting, then tests the special bits, so an interrupt can
// arrive in between (the window of 10f39bb1b2c1).
func (m *Model) readSide(t *tx, c int, o op, lvl int) {
	e := o.eff
	cur := int(t.s.C[c].Curr)
	tk := &t.s.T[cur]
	f := t.s.top(c)
	if t.s.inNMI(c) && !e.NMISafe {
		t.violate("P3", "%s() in NMI context", e.Name)
	}
	if e.Counter == CounterSRCU {
		if e.Delta < 0 && tk.SRCU[o.arg] == 0 {
			t.violateRule("P3", finding.RuleUnbalanced, "%s(%s) without a matching srcu_read_lock() (unbalanced or wrong domain)", e.Name, m.srcuDoms[o.arg])
		} else if !m.srcuReadSide(t, c, o.arg, e) {
			return // a later step finishes the primitive
		}
		t.advanceAt(c, lvl)
		m.disableCounts(t, c, e)
		return
	}
	if e.Delta > 0 {
		m.readLock(t, c, e, o.arg)
		t.advanceAt(c, lvl)
		m.disableCounts(t, c, e)
		return
	}
	switch e.Counter {
	case CounterRCU:
		if f.Phase == phaseDecDone {
			// Second half of __rcu_read_unlock() (tree_plugin.h):
			// if (unlikely(READ_ONCE(t->rcu_read_unlock_special.s)))
			//	rcu_read_unlock_special(t);
			t.advanceAt(c, lvl)
			t.ev.Text = e.Name + "(): if (t->rcu_read_unlock_special.s)"
			if special(tk) {
				m.rcuReadUnlockSpecial(t, c, cur)
			} else {
				t.note("rcu_read_unlock_special.s == 0")
			}
			return
		}
		if tk.Nest == 0 {
			t.violateRule("P3", finding.RuleUnbalanced, "%s() without a matching rcu_read_lock() (unbalanced)", e.Name)
			break
		}
		tk.Nest-- // rcu_preempt_read_exit()
		if !m.Config.PreemptRCU && f.Preempt > 0 {
			f.Preempt--
		}
		t.note("[nest=%d]", tk.Nest)
		if tk.Nest == 0 && m.Config.PreemptRCU {
			if e.TestsSpecial && e.CallsSpecial {
				f.Phase = phaseDecDone
				return
			}
			if special(tk) || t.s.C[c].NoQSE == 1 {
				t.note("(rcu_read_unlock_special() skipped: %s)", specialString(tk))
			}
		}
	case CounterTrace:
		if !m.traceUnlock(t, c, e) {
			return
		}
	}
	t.advanceAt(c, lvl)
	m.disableCounts(t, c, e)
}

// readLock executes the counter half of a lock-side primitive on the top
// frame of CPU c (arg: SRCU domain).
func (m *Model) readLock(t *tx, c int, e Effects, arg int) {
	tk := &t.s.T[t.s.C[c].Curr]
	switch e.Counter {
	case CounterRCU:
		// __rcu_read_lock(): rcu_preempt_read_enter(); nothing shared.
		if !t.s.watching(c) {
			t.violate("P3", "%s() used illegally while idle (RCU is not watching CPU%d)", e.Name, c)
		}
		tk.Nest++
		if !m.Config.PreemptRCU {
			t.s.top(c).Preempt++ // !PREEMPT_RCU: __rcu_read_lock() is preempt_disable()
		}
		t.note("[nest=%d]", tk.Nest)
	case CounterTrace:
		tk.Trc++ // rcu_read_lock_trace(): trc_reader_nesting++
		t.note("[trc_nest=%d]", tk.Trc)
	case CounterSRCU:
		m.srcuLockAtomic(t, c, arg)
	}
}

// disableCounts applies preempt/bh/irq changes; preempt_enable() and
// local_bh_enable() are rescheduling points (preempt_schedule(), and
// do_softirq() for bh).
func (m *Model) disableCounts(t *tx, c int, e Effects) {
	f := t.s.top(c)
	add := func(p *uint8, d int8, what string) {
		switch {
		case d > 0:
			*p++
		case d < 0 && *p == 0:
			t.violateRule("P3", finding.RuleUnbalanced, "%s() without a matching disable (unbalanced %s)", e.Name, what)
		case d < 0:
			*p--
		}
	}
	add(&f.Preempt, e.Preempt, "preemption")
	if m.Config.PreemptRT && e.BH != 0 && f.Kind == frameTask {
		m.rtBH(t, c, e)
	} else {
		add(&f.BH, e.BH, "bottom halves")
	}
	add(&f.IRQOff, e.IRQ, "irqs")
	if e.BH < 0 && !t.s.preemptBH(c) && !t.s.irqsOff(c) && !m.inInterrupt(&t.s, c) && t.s.softirqPending(c) {
		t.note("local_bh_enable(): do_softirq()")
		if m.handleSoftirqs(t, c) {
			return // the resched point follows when the softirq returns
		}
	}
	if e.Preempt < 0 || e.BH < 0 {
		m.reschedPoint(t, c)
	}
}

func special(tk *Task) bool { return tk.SpBlocked|tk.SpNeedQS|tk.SpExp != 0 }

func specialString(tk *Task) string {
	s := ""
	add := func(on uint8, n string) {
		if on == 1 {
			if s != "" {
				s += ","
			}
			s += n
		}
	}
	add(tk.SpBlocked, "blocked")
	add(tk.SpNeedQS, "need_qs")
	add(tk.SpExp, "exp_hint")
	if s == "" {
		return "special.s=0"
	}
	return "special=" + s
}

// rcuUnlockNeedsExpHandling models rcu_unlock_needs_exp_handling()
// (tree_plugin.h, 6.12.117; the inline "expboost" of v6.12.0).
func (m *Model) rcuUnlockNeedsExpHandling(s *State, c, task int, irqsWereDisabled bool) bool {
	tk := &s.T[task]
	if tk.Blkd != 0 && m.anyExpBlk(s) { // t->rcu_blocked_node && rnp->exp_tasks
		return true
	}
	if s.C[c].ExpM == 1 { // rdp->grpmask & rnp->expmask
		return true
	}
	// RCU_BOOST && irqs_were_disabled && t->rcu_blocked_node
	return m.Config.RCUBoost && irqsWereDisabled && tk.Blkd != 0
}

func (m *Model) anyExpBlk(s *State) bool {
	for i := 0; i < m.ntask; i++ {
		if s.T[i].ExpBlk == 1 {
			return true
		}
	}
	return false
}

// rcuReadUnlockSpecial models rcu_read_unlock_special() (tree_plugin.h):
// with irqs, bh or preemption disabled the quiescent state is deferred
// (softirq, need_resched, irq_work self-IPI, by Profile); otherwise it is
// reported now by rcu_preempt_deferred_qs_irqrestore().
func (m *Model) rcuReadUnlockSpecial(t *tx, c, task int) {
	t.note("rcu_read_unlock_special(): %s", specialString(&t.s.T[task]))
	if t.s.inNMI(c) {
		t.note("in_nmi(): return, special bits stay set")
		return
	}
	if m.Profile.Legacy != LegacyNone {
		m.legacyUnlockSpecial(t, c, task)
		return
	}
	cpu := &t.s.C[c]
	irqsWere := t.s.irqsOff(c)
	pbWere := t.s.preemptBH(c)
	if !pbWere && !irqsWere {
		m.rcuPreemptDeferredQSIrqrestore(t, c, task)
		return
	}
	if m.Profile.WakeupsWithIRQsOff {
		// v5.2 (before 23634ebc1d946 "rcu: Check for wakeup-safe
		// conditions in rcu_read_unlock_special()"): irqs disabled ->
		// raise_softirq_irqoff(), which wakes ksoftirqd outside interrupts.
		t.s.T[task].SpExp = 0
		if irqsWere {
			m.raiseSoftirqIrqoff(t, c)
		} else {
			cpu.Resch = 1
			t.note("set_tsk_need_resched()")
		}
		return
	}
	needsExp := m.rcuUnlockNeedsExpHandling(&t.s, c, task, irqsWere)
	if m.Config.UseSoftirq && (t.s.inHardirq(c) || (needsExp && !irqsWere)) {
		if m.Profile.SoftirqGuarded {
			if cpu.Defer == deferPending {
				t.note("defer_qs_pending == DEFER_QS_PENDING: no raise")
				return
			}
			cpu.Defer = deferPending
			t.note("defer_qs_pending = DEFER_QS_PENDING")
		}
		m.raiseSoftirqIrqoff(t, c)
		return
	}
	cpu.Resch = 1
	t.note("set_tsk_need_resched()")
	// cpu_online(): an outgoing CPU past take_cpu_down() queues no irq_work
	// on itself.
	if irqsWere && needsExp && cpu.Defer != deferPending && cpu.Online == 1 {
		cpu.Defer = deferPending
		if m.Profile.ReinitPerQueue && cpu.IWQ == 1 {
			// init_irq_work()/IRQ_WORK_INIT_HARD() on a queued work
			// (before 61399e0c5410): the lockless list now points at itself.
			cpu.IWBad = 1
			t.note("irq_work re-initialised while still queued: its llist node points at itself")
		}
		cpu.IWQ = 1
		if m.Config.IRQWorkLazy {
			t.note("irq_work_queue_on(&rdp->defer_qs_iw, CPU%d): no self-IPI on this arch, runs at the next tick", c)
		} else {
			t.note("irq_work_queue_on(&rdp->defer_qs_iw, CPU%d): self-IPI", c)
		}
	}
}

// legacyUnlockSpecial models rcu_read_unlock_special() of 3.0
// (kernel/rcutree_plugin.h): need_qs is reported at once; in hardirq (and,
// from ec433f0c5152 on, in softirq) it returns with the other bits set;
// otherwise the blocked task is unlinked right away, whatever is disabled,
// and if it was the last one blocking the expedited GP, rcu_report_exp_rnp()
// wakes the synchronize_rcu_expedited() waiter: try_to_wake_up() takes the
// waiter's pi_lock and its runqueue's lock in this context.
func (m *Model) legacyUnlockSpecial(t *tx, c, task int) {
	tk := &t.s.T[task]
	if tk.SpNeedQS == 1 {
		tk.SpNeedQS = 0
		m.rcuQS(t, c)
	}
	inIRQ := t.s.inHardirq(c)
	if m.Profile.Legacy == LegacyInIRQOrSoftirq && t.s.inServingSoftirq(c) {
		t.note("in_irq() || in_serving_softirq(): return")
		return
	}
	if inIRQ {
		t.note("in_irq(): return")
		return
	}
	lastExp := tk.ExpBlk == 1
	for i := 0; i < m.ntask; i++ {
		lastExp = lastExp && (i == task || t.s.T[i].ExpBlk == 0)
	}
	m.rcuPreemptDeferredQSIrqrestore(t, c, task)
	if !lastExp {
		return
	}
	for w := 0; w < m.ntask; w++ {
		if wt := &t.s.T[w]; wt.St == stWaitGP && Flavour(wt.WaitF) == FlavourRCUExp {
			t.note("rcu_report_exp_rnp(): wake_up(&sync_rcu_preempt_exp_wq): try_to_wake_up(%s)", m.names[w])
			m.acquireMomentarily(t, c, MaxCPUs+w, "try_to_wake_up("+m.names[w]+")")
			m.acquireMomentarily(t, c, int(t.s.T[w].CPU), "try_to_wake_up("+m.names[w]+")")
		}
	}
}

// raiseSoftirqIrqoff models raise_softirq_irqoff(RCU_SOFTIRQ).
func (m *Model) raiseSoftirqIrqoff(t *tx, c int) { m.raiseSoftirq(t, c, -1) }

// acquireMomentarily takes and releases lock l (a self-deadlock if held
// below on this CPU; another CPU's holder is released eventually, which the
// model abstracts away).
func (m *Model) acquireMomentarily(t *tx, c, l int, what string) {
	if h := t.s.Locks[l]; h != 0 && int(h>>4) == c {
		m.acquire(t, c, l, what)
	}
}

// rcuPreemptNeedDeferredQS models rcu_preempt_need_deferred_qs().
func (m *Model) rcuPreemptNeedDeferredQS(s *State, c, task int) bool {
	return (s.C[c].NoQSE == 1 || special(&s.T[task])) && s.T[task].Nest == 0
}

// rcuPreemptDeferredQS models rcu_preempt_deferred_qs().
func (m *Model) rcuPreemptDeferredQS(t *tx, c, task int) {
	if m.rcuPreemptNeedDeferredQS(&t.s, c, task) {
		m.rcuPreemptDeferredQSIrqrestore(t, c, task)
	}
}

// rcuPreemptDeferredQSIrqrestore models rcu_preempt_deferred_qs_irqrestore()
// (tree_plugin.h): report the deferred normal/expedited QS, unlink a
// blocked task from rnp->blkd_tasks, and deboost it.
func (m *Model) rcuPreemptDeferredQSIrqrestore(t *tx, c, task int) {
	cpu := &t.s.C[c]
	tk := &t.s.T[task]
	if m.Profile.DeferTristate && cpu.Defer == deferPending {
		cpu.Defer = deferIdle
		t.note("defer_qs_pending = DEFER_QS_IDLE")
	}
	if !special(tk) && cpu.NoQSE == 0 {
		return
	}
	t.note("rcu_preempt_deferred_qs_irqrestore(%s): %s", m.names[task], specialString(tk))
	needQS, blocked := tk.SpNeedQS, tk.SpBlocked
	tk.SpBlocked, tk.SpNeedQS, tk.SpExp = 0, 0, 0
	if needQS == 1 {
		m.rcuQS(t, c)
	}
	if cpu.NoQSE == 1 {
		m.rcuReportExpRdp(t, c)
	}
	if blocked == 1 {
		l, wasGP := leafOfTask(tk), tk.GPBlk == 1
		if wasGP {
			t.note("%s leaves rnp->blkd_tasks: no longer blocks the normal GP", m.names[task])
		}
		if tk.ExpBlk == 1 {
			t.note("%s no longer blocks the expedited GP", m.names[task])
		}
		tk.Blkd, tk.GPBlk, tk.ExpBlk = 0, 0, 0
		if wasGP && !m.leafBlocked(&t.s, l) {
			m.reportLeaf(t, l) // rcu_report_unblock_qs_rnp()
		}
		if t.s.Leaf[l].BoostOwner == uint8(task+1) {
			t.s.Leaf[l].BoostOwner = 0
			tk.Boosted = 0
			t.note("rt_mutex_futex_unlock(&rnp->boost_mtx): %s deboosted", m.names[task])
		}
	}
}

// rcuQS models rcu_qs() plus the report to the leaf rcu_node: this CPU no
// longer owes the current normal GP a quiescent state.
func (m *Model) rcuQS(t *tx, c int) {
	if t.s.C[c].NoQS == 1 {
		t.s.C[c].NoQS = 0
		t.note("rcu_qs(): CPU%d reports QS for GP #%d", c, t.s.Seq[FlavourRCU]/2+1)
		m.reportLeaf(t, m.leafOf[c])
	}
	// rcu_disable_urgency_upon_qs()
	if cpu := &t.s.C[c]; cpu.UrgentQS == 1 || cpu.ForcedTick == 1 {
		cpu.UrgentQS = 0
		if cpu.ForcedTick == 1 {
			cpu.ForcedTick = 0
			t.note("rcu_disable_urgency_upon_qs(): tick_dep_clear_cpu(%d, TICK_DEP_BIT_RCU)", c)
		}
	}
}

// rcuReportExpRdp models rcu_report_exp_rdp() (tree_exp.h).
func (m *Model) rcuReportExpRdp(t *tx, c int) {
	cpu := &t.s.C[c]
	cpu.NoQSE = 0
	if cpu.ExpM == 1 {
		cpu.ExpM = 0
		t.note("rcu_report_exp_rdp(): CPU%d reports expedited QS", c)
	}
}

// eqsQS: the CPU is in an extended quiescent state (idle); the FQS scan and
// the expedited IPI-from-idle path report it.
func (m *Model) eqsQS(t *tx, c int) {
	m.rcuQS(t, c)
	if t.s.C[c].ExpM == 1 {
		m.rcuReportExpRdp(t, c)
	}
}

// rcuExpHandler models rcu_exp_handler() (tree_exp.h, PREEMPT_RCU).
func (m *Model) rcuExpHandler(t *tx, c int) {
	cpu := &t.s.C[c]
	task := int(cpu.Curr)
	tk := &t.s.T[task]
	cpu.IPIExp = 0
	depth := tk.Nest
	if !m.Config.PreemptRCU || m.Profile.Legacy != LegacyNone {
		// !PREEMPT_RCU's rcu_exp_handler(); a v3.0 kernel had no
		// exp_hint either: its synchronize_sched_expedited() step only
		// needed each CPU to leave preempt/bh-disabled code.
		depth = 0
	}
	// The handler's hardirq frame is on top; below it is the interrupted
	// context (its preempt/bh counts).
	if depth == 0 {
		fromIdle := int(cpu.Curr) == idleTask(c) && cpu.N == 2
		if !t.s.preemptBH(c) || fromIdle {
			t.note("depth=0, preemptible: report now")
			m.rcuReportExpRdp(t, c)
		} else {
			cpu.NoQSE = 1
			cpu.Resch = 1
			t.note("depth=0, preemption disabled: rdp->cpu_no_qs.b.exp=1, need_resched")
		}
		return
	}
	if cpu.ExpM == 1 {
		cpu.NoQSE = 1
		tk.SpExp = 1
		t.note("depth=%d: rdp->cpu_no_qs.b.exp=1", depth)
		t.note("%s->rcu_read_unlock_special.b.exp_hint=1", m.names[task])
	}
}

// rcuPreemptDeferredQSHandler models rcu_preempt_deferred_qs_handler(), the
// irq_work handler (tree_plugin.h), by Profile.
func (m *Model) rcuPreemptDeferredQSHandler(t *tx, c int) {
	cpu := &t.s.C[c]
	if cpu.IWBad == 1 {
		// irq_work_run_list() follows a node that points at itself:
		// this interrupt never returns.
		t.note("irq_work_run_list(): the work's llist node points at itself")
		t.s.top(c).Script = scriptIWLoop
		return
	}
	if m.Config.PreemptRT && !m.Profile.IRQWorkHard {
		cpu.IWQ, cpu.IWKthread = 0, 1
		t.note("irq_work_run(): not IRQ_WORK_HARD_IRQ on PREEMPT_RT: wake irq_work/%d", c)
		return
	}
	m.deferredQSHandler(t, c, int(t.s.T[cpu.Curr].Nest))
}

// deferredQSHandler is the body of rcu_preempt_deferred_qs_handler();
// depth is rcu_preempt_depth() of the task it runs in.
func (m *Model) deferredQSHandler(t *tx, c, depth int) {
	cpu := &t.s.C[c]
	cpu.IWQ = 0
	switch {
	case !m.Profile.DeferTristate:
		cpu.Defer = deferIdle // v6.12.0: rdp->defer_qs_iw_pending = false
		t.note("rcu_preempt_deferred_qs_handler(): defer_qs_iw_pending = false")
	case m.Profile.HandlerResetsInReader && depth > 0:
		cpu.Defer = deferIdle
		t.note("rcu_preempt_deferred_qs_handler(): in a reader, defer_qs_pending = DEFER_QS_IDLE")
	default:
		t.note("rcu_preempt_deferred_qs_handler(): nothing to do")
	}
}

// rcuFlavorSchedClockIRQ models rcu_flavor_sched_clock_irq() (tree_plugin.h)
// for the interrupted context of the tick.
func (m *Model) rcuFlavorSchedClockIRQ(t *tx, c int) {
	cpu := &t.s.C[c]
	task := int(cpu.Curr)
	tk := &t.s.T[task]
	// rcu_sched_clock_irq() (tree.c): rcu_urgent_qs asks the interrupted
	// kernel code to reschedule.
	if cpu.UrgentQS == 1 {
		cpu.UrgentQS = 0
		if tk.User == 0 && cpu.N == 2 {
			cpu.Resch = 1
			t.note("rcu_urgent_qs: set need_resched")
		}
	}
	if tk.User == 1 && cpu.N == 2 {
		// Interrupted user space: rcu_flavor_sched_clock_irq(user) reports
		// a QS, rcu_note_voluntary_context_switch() a Tasks-RCU one.
		m.rcuQS(t, c)
		if task < m.ntask && t.s.Hold[FlavourTasks]&(1<<task) != 0 {
			t.s.Hold[FlavourTasks] &^= 1 << task
			t.note("rcu_note_voluntary_context_switch(%s): Tasks RCU QS", m.names[task])
		}
		return
	}
	if !m.Config.PreemptRCU {
		// !PREEMPT_RCU variant: QS unless in a preempt/bh-disabled region.
		if !t.s.preemptBH(c) {
			m.rcuQS(t, c)
			if cpu.NoQSE == 1 || cpu.ExpM == 1 {
				m.rcuReportExpRdp(t, c)
			}
		}
		return
	}
	if tk.Nest > 0 || t.s.preemptBH(c) {
		if m.rcuPreemptNeedDeferredQS(&t.s, c, task) {
			cpu.Resch = 1
			t.note("deferred QS pending: set need_resched")
		}
	} else if m.rcuPreemptNeedDeferredQS(&t.s, c, task) {
		m.rcuPreemptDeferredQS(t, c, task)
		return
	} else {
		m.rcuQS(t, c)
		return
	}
	// "If GP is oldish, ask for help from rcu_read_unlock_special()."
	if tk.Nest > 0 && cpu.NoQS == 1 && tk.SpNeedQS == 0 {
		tk.SpNeedQS = 1
		t.note("GP is old: %s->rcu_read_unlock_special.b.need_qs=1", m.names[task])
	}
}

// rcuCore models the deferred-QS part of rcu_core() (tree.c), RCU_SOFTIRQ.
func (m *Model) rcuCore(t *tx, c int) {
	cpu := &t.s.C[c]
	cpu.SoftP = 0
	task := int(cpu.Curr)
	preempt := false
	for i := 0; i < int(cpu.N); i++ {
		preempt = preempt || cpu.F[i].Preempt > 0
	}
	t.note("rcu_core() (RCU_SOFTIRQ)")
	if !preempt {
		m.rcuPreemptDeferredQS(t, c, task)
	} else if m.rcuPreemptNeedDeferredQS(&t.s, c, task) {
		cpu.Resch = 1
		t.note("preemption disabled: set need_resched")
	}
}
