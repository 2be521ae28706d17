package rcumodel

import (
	"fmt"

	"github.com/rcureview/rcureview/finding"
)

// execOp executes operation o on the top frame of CPU c.
func (m *Model) execOp(s *State, c int, o op, ctx string, emit func(*tx)) {
	f := s.top(c)
	cur := int(s.C[c].Curr)
	// Instrumented primitive: its hook (ftrace/tracepoint) fires on entry.
	if o.hook >= 0 && f.Phase == phaseNone {
		t := m.newTx(s, c, ctx, o.text)
		t.s.top(c).Phase = phaseHooked
		m.fireProbe(t, c, o.hook, o.eff.Traced)
		emit(t)
		return
	}
	t := m.newTx(s, c, ctx, o.text)
	task := &t.s.T[cur]
	inTask := f.Kind == frameTask
	lvl := int(s.C[c].N) - 1
	switch o.kind {
	case opPrim:
		m.readSide(t, c, o, lvl)
		emit(t)
		return
	case opNop:
	case opSpin:
		if task.User == 1 {
			t.note("loops in user space")
		} else {
			t.note("loops in the kernel, no RCU calls")
		}
		emit(t)
		return // self-loop: the PC does not advance
	case opDeref:
		m.deref(t, c, cur, o.arg, inTask)
	case opPublish:
		if t.s.Obj[o.arg]&objFreed != 0 {
			t.violate("P2", "rcu_assign_pointer() publishes freed object %s", m.objs[o.arg])
		}
		t.s.Obj[o.arg] |= objPublished
	case opUnpublish:
		t.s.Obj[o.arg] &^= objPublished
	case opFree:
		m.free(t, o.arg, "kfree")
	case opSync:
		t.advance(c)
		m.synchronize(t, c, cur, o, inTask)
		emit(t)
		return
	case opCall:
		m.call(t, c, o)
	case opMayFault:
		// Two outcomes: the page is present, or the fault sleeps.
		t.note("page present: no fault")
		t.advance(c)
		emit(t)
		t = m.newTx(s, c, ctx, o.text)
		t.note("page fault: handle_mm_fault() sleeps")
		t.advance(c)
		m.block(t, c, cur, "page fault", inTask)
		emit(t)
		return
	case opSleep:
		t.advance(c)
		m.block(t, c, cur, o.text, inTask)
		emit(t)
		return
	case opCondResched:
		t.advance(c)
		if !m.Config.PreemptRCU && inTask && !t.s.preemptBH(c) && !t.s.irqsOff(c) {
			t.note("rcu_all_qs(): quiescent state")
			m.rcuQS(t, c)
		}
		if inTask && t.s.preemptible(c) && t.s.C[c].Resch == 1 {
			m.schedule(t, c, true, -1)
		}
		emit(t)
		return
	case opSetNeedQS:
		task.SpNeedQS = 1
		t.note("%s->rcu_read_unlock_special.b.need_qs = true", m.names[cur])
	case opTracepoint:
		t.advance(c)
		m.fireProbe(t, c, o.arg, o.text)
		emit(t)
		return
	case opLock:
		if m.Config.PreemptRT && isSpinlock(o.arg) && !o.raw && inTask {
			if !m.rtSpinLock(t, c, cur, o) {
				emit(t) // blocked: the op runs again when the task is woken
				return
			}
			break
		}
		if !m.spinLock(t, c, o) {
			return // the lock is held by another CPU: wait
		}
	case opUnlock:
		if m.Config.PreemptRT && isSpinlock(o.arg) && !o.raw && inTask {
			m.rtSpinUnlock(t, c, cur, o)
			t.advance(c)
			m.reschedPoint(t, c)
			emit(t)
			return
		}
		m.spinUnlock(t, c, o)
		t.advance(c)
		m.reschedPoint(t, c)
		emit(t)
		return
	case opWakeUp:
		if !m.tryToWakeUp(t, c, o.arg) {
			return
		}
	case opIdleEnter:
		if inTask {
			task.EQS = 1
			t.note("RCU stops watching CPU%d (ct_kernel_exit)", c)
			m.rcuPreemptDeferredQS(t, c, cur)
			m.eqsQS(t, c)
		}
	case opCPUDown, opBarrier:
		if !inTask {
			t.violateRule("P3", finding.RuleSleepInReader, "%s may sleep in interrupt context", o.text)
			t.advance(c)
			emit(t)
			return
		}
		if o.kind == opCPUDown {
			if o.arg == c || o.arg >= m.ncpu {
				t.note("cpu_down(%d): not another CPU of the scenario: -EINVAL", o.arg)
				t.advance(c)
				emit(t)
				return
			}
			m.cpuDown(s, c, cur, o.arg, o, emit)
		} else {
			m.rcuBarrier(s, c, cur, o, emit)
		}
		return
	case opRaise:
		t.advance(c)
		m.raiseSoftirq(t, c, o.arg)
		emit(t)
		return
	case opStore:
		m.execStore(t, o)
	case opLoad:
		if !inTask {
			break
		}
		m.execLoad(t, cur, o)
	case opIdleExit:
		if inTask {
			task.EQS = 0
			t.note("RCU watches CPU%d again", c)
		}
	case opUserEnter:
		if !inTask {
			t.violate("P3", "%s in interrupt context", o.text)
			break
		}
		if task.Nest > 0 || task.Trc > 0 || t.s.preemptBH(c) || t.s.irqsOff(c) {
			t.violate("P3", "%s returns to user space inside a read-side critical section or with preemption/bh/irqs disabled", m.names[cur])
		}
		task.User = 1
		if m.Config.NohzFull&(1<<c) != 0 {
			// ct_user_enter(): context tracking runs on nohz_full CPUs
			// only; user mode is then an extended QS.
			task.EQS = 1
			t.note("ct_user_enter(): RCU stops watching CPU%d (nohz_full)", c)
			m.rcuPreemptDeferredQS(t, c, cur)
			m.eqsQS(t, c)
		}
	case opUserExit:
		if inTask {
			task.User, task.EQS = 0, 0
		}
	}
	t.advanceAt(c, lvl)
	emit(t)
}

// deref models rcu_dereference(): a reader obtains a reference that it
// holds until the read-side critical section it was obtained in ends.
func (m *Model) deref(t *tx, c, cur, o int, inTask bool) {
	switch {
	case t.s.Obj[o]&objPublished == 0:
		t.note("reads NULL: %s is not published", m.objs[o])
		return
	case t.s.Obj[o]&objFreed != 0:
		t.violate("P2", "%s dereferences %s after it was freed (use after free)", m.names[cur], m.objs[o])
		return
	}
	if !inTask {
		t.note("handler reads %s", m.objs[o])
		return
	}
	k := m.refKind(&t.s, c, cur)
	task := &t.s.T[cur]
	for i := range task.Refs {
		if task.Refs[i].Obj == 0 || task.Refs[i].Obj == uint8(o+1) {
			task.Refs[i] = Ref{Obj: uint8(o + 1), Kind: uint8(k)}
			t.note("%s holds %s under %s", m.names[cur], m.objs[o], k)
			return
		}
	}
	t.note("(reference bound %d reached; not tracked)", MaxRefs)
}

// free releases object o; a reader still holding it is a use after free
// caused by a grace period that did not wait for that reader (P2).
func (m *Model) free(t *tx, o int, via string) {
	if t.s.Obj[o]&objFreed != 0 {
		t.violate("P2", "%s(%s): double free", via, m.objs[o])
		return
	}
	for task := 0; task < m.ntask; task++ {
		for _, r := range t.s.T[task].Refs {
			if r.Obj == uint8(o+1) {
				t.violate("P2", "%s(%s) while %s still holds it under %s (the grace period used does not wait for that reader)",
					via, m.objs[o], m.names[task], ReaderKind(r.Kind))
			}
		}
	}
	t.s.Obj[o] |= objFreed
	t.note("%s freed", m.objs[o])
}

// refKind picks the innermost reader a reference is obtained under.
func (m *Model) refKind(s *State, c, task int) ReaderKind {
	tk := &s.T[task]
	switch {
	case tk.Nest > 0 && m.Config.PreemptRCU:
		return KindRCU
	case tk.Nest > 0:
		return KindAtomic
	case tk.Trc > 0:
		return KindTrace
	case tk.SRCU[0] > 0:
		return KindSRCU0
	case tk.SRCU[1] > 0:
		return KindSRCU1
	}
	f := s.C[c].F[0]
	if f.Preempt > 0 || f.BH > 0 || f.IRQOff > 0 {
		if tk.EQS == 1 {
			return KindAtomicNW
		}
		return KindAtomic
	}
	return KindTasks
}

// atomicWhy explains why sleeping is illegal here, or "" if it is legal.
func (m *Model) atomicWhy(s *State, c int, inTask bool) string {
	switch {
	case !inTask:
		return "in interrupt context"
	case s.irqsOff(c):
		return "with irqs disabled"
	case s.preemptBH(c):
		return "with preemption or bottom halves disabled"
	}
	return ""
}

// block is a voluntary sleep (page fault, mutex, schedule()).
func (m *Model) block(t *tx, c, cur int, what string, inTask bool) {
	rule := finding.RuleSleepInReader
	if what == "page fault" {
		rule = finding.RuleFaultInReader
	}
	if why := m.atomicWhy(&t.s, c, inTask); why != "" {
		t.violateRule("P3", rule, "%s may sleep %s", what, why)
		if !inTask {
			return
		}
	}
	if t.s.T[cur].Nest > 0 {
		t.violateRule("P3", rule, "%s sleeps inside rcu_read_lock() (voluntary context switch within RCU read-side critical section)", what)
	}
	t.s.T[cur].St = stSleeping
	m.schedule(t, c, false, -1)
}

// synchronize models synchronize_*(): request a grace period and sleep
// until it has completed.
func (m *Model) synchronize(t *tx, c, cur int, o op, inTask bool) {
	if t.s.inNMI(c) {
		t.violate("P3", "%s() in NMI context (update side is prohibited in NMI)", Flavours[o.f].Synchronize)
		return
	}
	k := m.readerKinds(&t.s, cur)
	for kind := KindNone + 1; kind < numKinds; kind++ {
		if k&(1<<kind) != 0 && kind != KindTasks && Waits(o.f, kind, false) {
			t.violateRule("P3", finding.RuleSyncInReader, "%s() inside a %s reader it waits for (self-deadlock)", Flavours[o.f].Synchronize, kind)
		}
	}
	if why := m.atomicWhy(&t.s, c, inTask); why != "" {
		t.violateRule("P3", finding.RuleSleepInReader, "%s() may sleep %s", Flavours[o.f].Synchronize, why)
		if !inTask {
			return
		}
	}
	need := m.request(t, o.f)
	task := &t.s.T[cur]
	task.WaitF, task.WaitSeq, task.St = uint8(o.f), need, stWaitGP
	t.note("waits for %s grace period (seq %d)", o.f, need)
	if task.Nest > 0 {
		t.violateRule("P3", finding.RuleSyncInReader, "%s() sleeps inside rcu_read_lock()", Flavours[o.f].Synchronize)
	}
	m.schedule(t, c, false, -1)
}

// request asks for a full grace period of flavour f and returns the
// sequence number that marks its end (rcu_seq_snap()).
func (m *Model) request(t *tx, f Flavour) uint8 {
	need := snap(t.s.Seq[f])
	if need > t.s.Req[f] {
		t.s.Req[f] = need
	}
	return need
}

// call queues a callback (call_rcu() and friends).
func (m *Model) call(t *tx, c int, o op) {
	if t.s.inNMI(c) {
		t.violate("P3", "%s() in NMI context", Flavours[o.f].Call)
		return
	}
	m.queueCB(t, c, o.f, o.act, o.arg)
}

// queueCB appends a callback to CPU c's list (call_rcu() and friends queue
// on the current CPU).
func (m *Model) queueCB(t *tx, c int, f Flavour, act uint8, obj int) {
	for i := range t.s.CBs {
		if t.s.CBs[i].F == 0 {
			t.s.CBs[i] = CB{F: uint8(f) + 1, Seq: m.request(t, f), Act: act, Obj: uint8(obj), CPU: uint8(c)}
			t.note("callback queued for %s grace period", f)
			return
		}
	}
	t.note("(callback bound %d reached: callback dropped)", MaxCBs)
}

// spinLock acquires a spinlock (raw_spin_lock*(): also disables
// preemption). Spinning on a lock held lower on the same CPU's context
// stack is a self-deadlock (P4); a lock held by another CPU just waits.
func (m *Model) spinLock(t *tx, c int, o op) bool {
	if !m.acquire(t, c, o.arg, o.text) {
		return false
	}
	f := t.s.top(c)
	f.Preempt++
	if o.irq {
		f.IRQOff++
	}
	return true
}

func (m *Model) lockName(l int) string {
	switch {
	case l < MaxCPUs:
		return fmt.Sprintf("rq%d->lock", l)
	case isSpinlock(l):
		return m.spinlocks[l-MaxCPUs-MaxTasks]
	}
	return fmt.Sprintf("%s->pi_lock", m.names[l-MaxCPUs])
}

// acquire takes lock l for the top frame of CPU c; false if it must wait.
func (m *Model) acquire(t *tx, c, l int, what string) bool {
	h := t.s.Locks[l]
	if h != 0 {
		if int(h>>4) == c {
			t.violate("P4", "%s on CPU%d spins on %s, already held by %s frame %d of the same CPU (self-deadlock)",
				what, c, m.lockName(l), frameCtx(t.s.C[c].F[int(h&15)-1]), int(h&15)-1)
			t.s.C[c].Dead = 1
			return true
		}
		return false
	}
	t.s.Locks[l] = uint8(c<<4) | (t.s.C[c].N)
	return true
}

func (m *Model) spinUnlock(t *tx, c int, o op) {
	if h := t.s.Locks[o.arg]; h == 0 || int(h>>4) != c {
		t.violate("P3", "%s: lock not held by this CPU", o.text)
		return
	}
	t.s.Locks[o.arg] = 0
	f := t.s.top(c)
	if f.Preempt > 0 {
		f.Preempt--
	}
	if o.irq && f.IRQOff > 0 {
		f.IRQOff--
	}
}

// tryToWakeUp models try_to_wake_up(): takes p->pi_lock, then the rq lock
// of p's CPU, and makes p runnable.
func (m *Model) tryToWakeUp(t *tx, c, p int) bool {
	for _, l := range []int{MaxCPUs + p, int(t.s.T[p].CPU)} {
		h := t.s.Locks[l]
		if h != 0 && int(h>>4) != c {
			return false
		}
		if h != 0 {
			m.acquire(t, c, l, "try_to_wake_up()")
			return true
		}
	}
	if st := t.s.T[p].St; st == stSleeping || st == stBlocked {
		t.s.T[p].St = stRunnable
		t.note("%s runnable", m.names[p])
		m.resched(t, int(t.s.T[p].CPU), p)
	}
	return true
}

// taskExit models do_exit() as far as RCU cares: exit_rcu() reports a
// deferred QS; then the task never runs again.
func (m *Model) taskExit(t *tx, c, task int) {
	tk := &t.s.T[task]
	if tk.Nest > 0 || tk.Trc > 0 || tk.SRCU[0] > 0 || tk.SRCU[1] > 0 {
		t.violateRule("P3", finding.RuleUnbalanced, "%s exits inside a read-side critical section (unbalanced)", m.names[task])
	}
	f := t.s.C[c].F[0]
	if f.Preempt > 0 || f.BH > 0 || f.IRQOff > 0 {
		t.violateRule("P3", finding.RuleUnbalanced, "%s exits with preemption, bh or irqs disabled (unbalanced)", m.names[task])
		t.s.C[c].F[0].Preempt, t.s.C[c].F[0].BH, t.s.C[c].F[0].IRQOff = 0, 0, 0
	}
	tk.Nest = 0
	m.rcuPreemptDeferredQS(t, c, task)
	tk.St = stDone
	tk.Refs = [MaxRefs]Ref{}
	m.checkExists(t)
	m.schedule(t, c, false, -1)
}
