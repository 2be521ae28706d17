package rcumodel

// CPU hotplug and rcu_barrier(), as far as RCU takes part (kernel/cpu.c,
// kernel/rcu/tree.c).
//
// A task offlines CPU n with "cpu_down n" (the sysfs write): takedown_cpu()
// runs take_cpu_down() under stop_machine on n once n can be preempted
// there (the outgoing CPU's current task is switched out, every task of n
// moves to the caller's CPU, cpu_online(n) becomes false, n runs its idle
// task with irqs disabled); then n's last pass through the idle loop runs
// rcutree_report_cpu_dead() (a QS for the GP if one is owed, then n leaves
// its leaf's ->qsmaskinitnext) and wakes the caller, which migrates n's
// callbacks to its own CPU (rcutree_migrate_callbacks()). The buffered
// ->qsmaskinitnext reaches the tree at the next rcu_gp_init().

// Task states of the hotplug and barrier waits (Task.St).
const (
	stWaitHotplug = stIdle + 1 + iota // the cpu_down caller waits for the CPU to die
	stWaitBarrier                     // rcu_barrier() waits for its callbacks
	stBlocked                         // waits for a wake_up of the scenario (start=blocked)
	stLockWait                        // PREEMPT_RT: blocked on a sleeping spinlock
)

// cpuDown executes one step of "cpu_down n" by task cur on CPU c; frame
// phase 0: takedown_cpu(); 1: rcutree_migrate_callbacks() once n is dead.
func (m *Model) cpuDown(s *State, c, cur, n int, o op, emit func(*tx)) {
	f := s.top(c)
	switch f.Phase {
	case 0:
		if s.C[n].Online == 0 || !s.preemptible(n) && !(int(s.C[n].Curr) == idleTask(n) && s.C[n].N == 1) {
			return // stop_machine() waits until n can run its stopper
		}
		t := m.newTx(s, c, "task", o.text)
		t.note("takedown_cpu(): stop_machine(take_cpu_down) on CPU%d", n)
		m.takeCPUDown(t, n, c)
		t.s.top(c).Phase = 1
		t.s.T[cur].St = stWaitHotplug
		m.schedule(t, c, false, -1)
		emit(t)
	case 1:
		t := m.newTx(s, c, "task", "rcutree_migrate_callbacks("+m.sprintf("%d", n)+")")
		m.migrateCallbacks(t, n, c)
		t.advance(c)
		emit(t)
	}
}

// takeCPUDown models take_cpu_down() on CPU n: the current task is
// preempted by the stopper, every task of n moves to CPU to
// (migrate_tasks()), and n is no longer online.
func (m *Model) takeCPUDown(t *tx, n, to int) {
	cpu := &t.s.C[n]
	cur := int(cpu.Curr)
	cpu.Online = 0
	if cur < m.ntask {
		m.schedule(t, n, true, idleTask(n))
	}
	for task := 0; task < m.ntask; task++ {
		if int(t.s.T[task].CPU) == n {
			t.s.T[task].CPU = uint8(to)
			t.note("%s migrates to CPU%d", m.names[task], to)
			if t.s.T[task].St == stRunnable {
				m.resched(t, to, task)
			}
		}
	}
	cpu.Online, cpu.Resch, cpu.IPIRes = 0, 0, 0
	t.note("set_cpu_online(%d, false); CPU%d runs its idle loop with irqs disabled", n, n)
}

// reportCPUDead models the outgoing CPU's rcutree_report_cpu_dead()
// (kernel/rcu/tree.c): rcu_preempt_deferred_qs(current), the QS this CPU
// owes the GP (reported before ->qsmaskinitnext changes), then n leaves
// ->qsmaskinitnext; cpuhp_report_idle_dead() wakes the caller.
func (m *Model) reportCPUDead(s *State, n int) *tx {
	t := m.newTx(s, n, "task", "cpuhp_report_idle_dead(): rcutree_report_cpu_dead()")
	m.rcuPreemptDeferredQS(t, n, int(s.C[n].Curr))
	m.rcuQS(t, n)
	t.s.C[n].RCUOnline = 0
	t.note("CPU%d leaves ->qsmaskinitnext", n)
	for task := 0; task < m.ntask; task++ {
		if t.s.T[task].St == stWaitHotplug {
			t.s.T[task].St = stRunnable
			m.resched(t, int(t.s.T[task].CPU), task)
		}
	}
	return t
}

// migrateCallbacks models rcutree_migrate_callbacks(n) run on CPU to: an
// rcu_barrier() in flight that has not yet looked at n gets its callback
// entrained on n first (rcu_barrier_entrain(), a16578dd5e3a), then n's
// callbacks are appended to to's list in order (rcu_segcblist_merge()).
func (m *Model) migrateCallbacks(t *tx, n, to int) {
	has := false
	for _, cb := range t.s.CBs {
		has = has || cb.F == uint8(FlavourRCU)+1 && int(cb.CPU) == n
	}
	if !has {
		t.note("no callbacks to migrate")
		return
	}
	if t.s.BarrierCnt > 0 && t.s.BarrierDone&(1<<n) == 0 && m.Config.MigrateEntrainsBarrier {
		m.barrierEntrain(t, n)
	}
	var moved []CB
	for i := 0; i < MaxCBs; {
		if cb := t.s.CBs[i]; cb.F == uint8(FlavourRCU)+1 && int(cb.CPU) == n {
			cb.CPU = uint8(to)
			moved = append(moved, cb)
			t.s.removeCB(i)
			continue
		}
		i++
	}
	for _, cb := range moved {
		for i := range t.s.CBs {
			if t.s.CBs[i].F == 0 {
				t.s.CBs[i] = cb
				break
			}
		}
	}
	t.note("%d callback(s) of CPU%d appended to CPU%d's list", len(moved), n, to)
}

// barrierEntrain models rcu_barrier_entrain(): rcu_barrier_callback()
// queued behind CPU n's last callback, if it has any.
func (m *Model) barrierEntrain(t *tx, n int) {
	t.s.BarrierDone |= 1 << n
	var seq uint8
	has := false
	for _, cb := range t.s.CBs {
		if cb.F == uint8(FlavourRCU)+1 && int(cb.CPU) == n {
			seq, has = cb.Seq, true
		}
	}
	if !has {
		return
	}
	for i := range t.s.CBs {
		if t.s.CBs[i].F == 0 {
			t.s.CBs[i] = CB{F: uint8(FlavourRCU) + 1, Seq: seq, Act: actBarrier, CPU: uint8(n)}
			t.s.BarrierCnt++
			t.note("rcu_barrier_entrain(): barrier callback queued behind CPU%d's callbacks", n)
			return
		}
	}
	t.note("(callback bound %d reached: barrier callback dropped)", MaxCBs)
}

// rcuBarrier executes one step of rcu_barrier() (kernel/rcu/tree.c) by task
// cur on CPU c. Frame phase 0 starts it (the caller's own count); phase
// p in 1..ncpu looks at CPU p-1 (rcu_barrier_handler() by IPI on an online
// CPU, directly on an offline one; a CPU without callbacks is skipped);
// then the caller drops its count and waits for the barrier callbacks.
func (m *Model) rcuBarrier(s *State, c, cur int, o op, emit func(*tx)) {
	ph := int(s.top(c).Phase)
	var t *tx
	switch {
	case ph == 0:
		t = m.newTx(s, c, "task", o.text)
		t.note("barrier_sequence started")
		t.s.BarrierCnt, t.s.BarrierDone = 1, 0
	case ph <= m.ncpu:
		n := ph - 1
		t = m.newTx(s, c, "task", m.sprintf("rcu_barrier(): CPU%d", n))
		if t.s.BarrierDone&(1<<n) == 0 {
			m.barrierEntrain(t, n)
		}
	case ph == m.ncpu+1:
		t = m.newTx(s, c, "task", "rcu_barrier(): wait for the barrier callbacks")
		t.s.BarrierCnt--
		if t.s.BarrierCnt > 0 {
			t.s.top(c).Phase++
			t.s.T[cur].St = stWaitBarrier
			m.schedule(t, c, false, -1)
			emit(t)
			return
		}
		t.note("rcu_barrier() returns")
		t.s.BarrierDone = 0
		t.advance(c)
		emit(t)
		return
	default:
		t = m.newTx(s, c, "task", "rcu_barrier() returns")
		t.s.BarrierDone = 0
		t.advance(c)
		emit(t)
		return
	}
	t.s.top(c).Phase++
	emit(t)
}

// rcuBarrierCallback models rcu_barrier_callback(): the last one wakes the
// rcu_barrier() caller.
func (m *Model) rcuBarrierCallback(t *tx) {
	t.note("rcu_barrier_callback()")
	if t.s.BarrierCnt > 0 {
		t.s.BarrierCnt--
	}
	if t.s.BarrierCnt > 0 {
		return
	}
	for task := 0; task < m.ntask; task++ {
		if t.s.T[task].St == stWaitBarrier {
			t.s.T[task].St = stRunnable
			t.note("complete(&rcu_state.barrier_completion): %s woken", m.names[task])
			m.resched(t, int(t.s.T[task].CPU), task)
		}
	}
}
