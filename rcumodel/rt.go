package rcumodel

import "github.com/rcureview/rcureview/finding"

// PREEMPT_RT, as far as RCU sees it (kernel/locking/spinlock_rt.c,
// kernel/softirq.c, kernel/irq_work.c, kernel/rcu/tree.c):
//   - spinlock_t is an rt_mutex: rt_spin_lock() takes rcu_read_lock() and
//     migrate_disable() but leaves preemption enabled, and a contended lock
//     blocks the task; __schedule(SM_RTLOCK_WAIT) counts that as a
//     preemption for rcu_note_context_switch() (6991436c2b5d), so it is no
//     "voluntary context switch within RCU read-side critical section";
//   - local_bh_disable() counts in current->softirq_disable_cnt, takes the
//     per-CPU softirq_ctrl local lock and rcu_read_lock(): a bh-disabled
//     region is a preemptible RCU reader; softirqs run in ksoftirqd or at
//     local_bh_enable(), never from irq_exit();
//   - rcutree.use_softirq is 0: callbacks run in the SCHED_FIFO rcuc/N
//     kthread, which preempts the task it interrupts;
//   - irq_work not marked IRQ_WORK_HARD_IRQ (v6.12.0's defer_qs_iw, from
//     init_irq_work()) runs in the SCHED_FIFO irq_work/N kthread.

// rtSpinLock models rt_spin_lock() of lock o.arg by task cur on CPU c; it
// returns false when the task blocked (the step is emitted by the caller
// either way; a blocked task retries the lock when woken).
func (m *Model) rtSpinLock(t *tx, c, cur int, o op) bool {
	l := o.arg
	tk := &t.s.T[cur]
	switch owner := int(t.s.Locks[l]); {
	case owner == 0:
		t.s.Locks[l] = uint8(cur + 1)
		tk.Nest++
		t.note("rt_spin_lock(): rcu_read_lock(); migrate_disable() [nest=%d]", tk.Nest)
		return true
	case owner == cur+1:
		t.violate("P4", "%s takes %s, which it already holds (self-deadlock)", m.names[cur], m.lockName(l))
		t.s.C[c].Dead = 1
		return false
	}
	// rtlock_slowlock(): the task sleeps until the owner unlocks.
	tk.LockWait = uint8(l + 1)
	tk.St = stLockWait
	t.note("rtlock_slowlock(): %s is held by %s; schedule_rtlock()", m.lockName(l), m.names[t.s.Locks[l]-1])
	if !m.Config.RTLockWaitPreempt && tk.Nest > 0 {
		// Before 6991436c2b5d: a plain schedule(), a voluntary switch.
		t.violateRule("P3", finding.RuleSleepInReader, "%s blocks on %s inside rcu_read_lock(): voluntary context switch within RCU read-side critical section", m.names[cur], m.lockName(l))
	}
	m.schedule(t, c, m.Config.RTLockWaitPreempt, -1)
	return false
}

// rtSpinUnlock models rt_spin_unlock(): migrate_enable(), rcu_read_unlock()
// (with its special path), then the lock's waiter is woken.
func (m *Model) rtSpinUnlock(t *tx, c, cur int, o op) {
	l := o.arg
	if int(t.s.Locks[l]) != cur+1 {
		t.violate("P3", "%s: lock not held by %s", o.text, m.names[cur])
		return
	}
	t.s.Locks[l] = 0
	tk := &t.s.T[cur]
	if tk.Nest > 0 {
		tk.Nest--
	}
	t.note("rt_spin_unlock(): migrate_enable(); rcu_read_unlock() [nest=%d]", tk.Nest)
	if tk.Nest == 0 && special(tk) {
		m.rcuReadUnlockSpecial(t, c, cur)
	}
	for w := 0; w < m.ntask; w++ {
		if wt := &t.s.T[w]; wt.St == stLockWait && int(wt.LockWait) == l+1 {
			wt.St, wt.LockWait = stRunnable, 0
			t.note("rt_mutex_unlock(): %s woken", m.names[w])
			m.resched(t, int(wt.CPU), w)
		}
	}
}

// rtBH applies local_bh_disable()/local_bh_enable() on PREEMPT_RT to the
// current task (__local_bh_disable_ip(), __local_bh_enable_ip()): the
// outermost disable is an rcu_read_lock(), the outermost enable its
// rcu_read_unlock() and then the pending softirqs, in this task.
func (m *Model) rtBH(t *tx, c int, e Effects) {
	cur := int(t.s.C[c].Curr)
	tk := &t.s.T[cur]
	if e.BH > 0 {
		if tk.RTBH == 0 {
			tk.Nest++
			t.note("local_lock(&softirq_ctrl.lock); rcu_read_lock() [nest=%d]", tk.Nest)
		}
		tk.RTBH++
		return
	}
	if tk.RTBH == 0 {
		t.violateRule("P3", finding.RuleUnbalanced, "%s() without a matching disable (unbalanced bottom halves)", e.Name)
		return
	}
	tk.RTBH--
	if tk.RTBH > 0 {
		return
	}
	if tk.Nest > 0 {
		tk.Nest--
	}
	t.note("rcu_read_unlock(); local_unlock(&softirq_ctrl.lock) [nest=%d]", tk.Nest)
	if tk.Nest == 0 && special(tk) {
		m.rcuReadUnlockSpecial(t, c, cur)
	}
}

// irqWorkKthread runs the deferred-QS irq_work in irq_work/c
// (run_irq_workd()), a SCHED_FIFO kthread that preempts the current task.
func (m *Model) irqWorkKthread(s *State, c int) *tx {
	if s.C[c].IWKthread == 0 || !s.preemptible(c) {
		return nil
	}
	t := m.newTx(s, c, "kthread", m.sprintf("irq_work/%d: rcu_preempt_deferred_qs_handler()", c))
	t.s.C[c].IWKthread = 0
	if cur := int(s.C[c].Curr); cur < m.ntask {
		m.rcuNoteContextSwitch(t, c, cur, true)
	}
	m.deferredQSHandler(t, c, 0)
	return t
}
