package rcumodel

import "fmt"

// Grace-period machinery. Tree RCU (normal and expedited) is modelled
// operationally (qsmask/expmask folded into per-CPU bits, blkd_tasks with
// gp_tasks/exp_tasks as per-task bits, boosting); SRCU, Tasks, Tasks Trace
// and Tasks Rude grace periods wait for holdout sets derived from the
// flavour table. P1 compares every GP end with an independent oracle: the
// set of readers (of the kinds the flavour must wait for, §4.2) that were
// active when the GP started and have not ended since.

// readerKinds returns the reader kinds task is inside of, as a bit set.
func (m *Model) readerKinds(s *State, task int) uint16 {
	tk := &s.T[task]
	var k uint16
	if tk.Nest > 0 && m.Config.PreemptRCU {
		k |= 1 << KindRCU
	}
	pre, bh, irq := tk.Preempt, tk.BH, tk.IRQOff
	running := false
	for c := 0; c < m.ncpu; c++ {
		if int(s.C[c].Curr) == task {
			f := s.C[c].F[0]
			pre, bh, irq, running = f.Preempt, f.BH, f.IRQOff, true
		}
	}
	if (pre > 0 || bh > 0 || irq > 0) && (running || tk.St == stRunnable || tk.St == stSleeping) {
		if tk.EQS == 1 {
			k |= 1 << KindAtomicNW
		} else {
			k |= 1 << KindAtomic
		}
	}
	if tk.Trc > 0 {
		k |= 1 << KindTrace
	}
	if tk.SRCU[0] > 0 {
		k |= 1 << KindSRCU0
	}
	if tk.SRCU[1] > 0 {
		k |= 1 << KindSRCU1
	}
	if task < m.ntask && tk.St == stRunnable && tk.EQS == 0 && tk.User == 0 {
		k |= 1 << KindTasks
	}
	return k
}

// activeSet returns the readers flavour f must wait for: task bits 0..3,
// CPU bits 4..6 (interrupt handlers, which are RCU readers of the
// "atomic" kind).
func (m *Model) activeSet(s *State, f Flavour) uint8 {
	var set uint8
	for task := 0; task < m.ntask; task++ {
		k := m.readerKinds(s, task)
		for kind := KindNone + 1; kind < numKinds; kind++ {
			if k&(1<<kind) != 0 && Waits(f, kind, m.Config.TraceImpliesRCU) {
				set |= 1 << task
			}
		}
	}
	if Waits(f, KindAtomic, m.Config.TraceImpliesRCU) {
		for c := 0; c < m.ncpu; c++ {
			if m.inHandler(s, c) {
				set |= 1 << (4 + c)
			}
		}
	}
	return set
}

// inHandler reports whether CPU c runs an interrupt, NMI or softirq
// handler or a probe (in its body): code that is an RCU reader by context.
func (m *Model) inHandler(s *State, c int) bool {
	for i := 1; i < int(s.C[c].N); i++ {
		if f := s.C[c].F[i]; f.Kind != frameProbe || m.probeActive(f) {
			return true
		}
	}
	return false
}

// holdouts is the implementation's view for the non-tree flavours.
func (m *Model) holdouts(s *State, f Flavour) uint8 {
	switch f {
	case FlavourTasks:
		set := m.activeSet(s, f)
		if !m.Config.TasksNohzFullUserQS {
			// Before 176f8f7a52cc a task in nohz_full user mode stays a
			// holdout: no context switch and no tick tell Tasks RCU.
			for task := 0; task < m.ntask; task++ {
				if tk := &s.T[task]; tk.User == 1 && tk.EQS == 1 && tk.St == stRunnable {
					set |= 1 << task
				}
			}
		}
		for task := 0; task < m.ntask; task++ {
			if s.T[task].PreemptedInGP == 1 {
				set &^= 1 << task // tasks_qs_on_preempt: the injected bug
			}
		}
		return set
	}
	return m.activeSet(s, f)
}

// settle updates, after every transition, the P1 oracle waitsets and the
// holdout sets (readers that ended leave them) and drops references whose
// reader has ended.
func (m *Model) settle(s *State) {
	for f := Flavour(0); f < numFlavours; f++ {
		if !running(s.Seq[f]) {
			continue
		}
		s.Wait[f] &= m.activeSet(s, f)
		if f >= FlavourTasks && f != FlavourTrace {
			s.Hold[f] &= m.holdouts(s, f)
		}
	}
	for task := 0; task < m.ntask; task++ {
		k := m.readerKinds(s, task)
		for i := range s.T[task].Refs {
			r := &s.T[task].Refs[i]
			if r.Obj != 0 && k&(1<<r.Kind) == 0 {
				*r = Ref{}
			}
		}
	}
}

// setString names the readers in set (for messages): tasks by name, CPU
// bits by the handler or probe that runs there.
func (m *Model) setString(s *State, set uint8) string {
	out := ""
	for i := 0; i < 8; i++ {
		if set&(1<<i) == 0 {
			continue
		}
		if out != "" {
			out += ", "
		}
		if i < 4 {
			out += m.names[i]
		} else {
			out += m.handlerString(s, i-4)
		}
	}
	return out
}

// handlerString names the outermost handler or probe running on CPU c.
func (m *Model) handlerString(s *State, c int) string {
	for i := 1; i < int(s.C[c].N); i++ {
		f := s.C[c].F[i]
		switch f.Kind {
		case frameProbe:
			if m.probeActive(f) {
				return fmt.Sprintf("the probe on %s (CPU%d)", m.scriptNames[f.Script], c)
			}
		case frameNMI:
			return fmt.Sprintf("the NMI handler on CPU%d", c)
		default:
			return fmt.Sprintf("the interrupt handler on CPU%d", c)
		}
	}
	return fmt.Sprintf("CPU%d", c)
}

// endGP completes a grace period of flavour f: the P1 check, then waking
// the tasks waiting for it.
func (m *Model) endGP(t *tx, f Flavour) {
	if w := t.s.Wait[f]; w != 0 {
		t.violate("P1", "GP %s #%d ended while %s, already inside a reader when it started, is still inside",
			f, t.s.Seq[f]/2+1, m.setString(&t.s, w))
	}
	t.s.Seq[f]++
	t.s.Wait[f], t.s.Hold[f], t.s.Phase[f] = 0, 0, 0
	for task := 0; task < m.ntask; task++ {
		tk := &t.s.T[task]
		if tk.St == stWaitGP && Flavour(tk.WaitF) == f && t.s.Seq[f] >= tk.WaitSeq {
			tk.St = stRunnable
			if f == FlavourRCU && t.m.labels {
				// wait_rcu_gp(): the wakeme_after_rcu() callback was queued
				// on the waiter's CPU and runs there (rcu_do_batch() from
				// RCU_SOFTIRQ or rcuc), completing the waiter.
				t.ev.Then = append(t.ev.Then, Event{CPU: int(t.s.T[task].CPU), Ctx: "softirq",
					Text: "rcu_do_batch(): wakeme_after_rcu()", Notes: []string{m.names[task] + " returns from synchronize_rcu()"}})
			} else {
				t.note("%s returns from %s()", m.names[task], Flavours[f].Synchronize)
			}
			m.resched(t, int(t.s.T[task].CPU), task)
		}
	}
}

// gpTransitions enumerates the grace-period kthreads' steps.
func (m *Model) gpTransitions(s *State, emit func(*tx, string)) {
	m.treeGP(s, emit)
	m.expGP(s, emit)
	m.rcuBoost(s, emit)
	m.srcuGP(s, FlavourSRCU0, 0, emit)
	m.srcuGP(s, FlavourSRCU1, 1, emit)
	m.otherGP(s, FlavourTasks, emit)
	m.traceGP(s, emit)
	m.otherGP(s, FlavourRude, emit)
	m.callbacks(s, emit)
}

// treeGP: rcu_gp_init() (its RCU_GP_ONOFF and RCU_GP_INIT phases are one
// step unless the scenario offlines CPUs), the FQS loop (force_qs_rnp():
// extended-QS detection, resched_cpu(), rcu_initiate_boost()),
// rcu_gp_cleanup() (tree.c, tree_plugin.h).
func (m *Model) treeGP(s *State, emit func(*tx, string)) {
	f := FlavourRCU
	if !running(s.Seq[f]) {
		if s.Req[f] > s.Seq[f] {
			t := m.newTx(s, -1, "kthread", m.sprintf("rcu_gp_init(): GP #%d starts", s.Seq[f]/2+1))
			t.s.Seq[f]++
			m.gpInitOnOff(t)
			if m.hotplug {
				t.s.GPInit = 1 // RCU_GP_INIT is a separate step
			} else {
				m.gpInitTree(t)
			}
			t.s.Wait[f] = m.activeSet(&t.s, f)
			t.s.BoostTimer = 0
			emit(t, "rcu gp kthread")
		}
		return
	}
	if s.GPInit == 1 {
		t := m.newTx(s, -1, "kthread", m.sprintf("rcu_gp_init(): GP #%d: rcu_node ->qsmask set up", s.Seq[f]/2+1))
		t.s.GPInit = 0
		m.gpInitTree(t)
		emit(t, "rcu gp kthread")
		return
	}
	if s.RootQS == 0 {
		t := m.newTx(s, -1, "kthread", m.sprintf("rcu_gp_cleanup(): GP #%d ends", s.Seq[f]/2+1))
		m.endGP(t, f)
		t.s.BoostTimer = 0
		emit(t, "rcu gp kthread")
		return
	}
	// FQS (force_qs_rnp()): a holdout CPU in an extended quiescent state
	// is reported on its behalf (rcu_watching_snap_recheck()); one still
	// in the kernel without a tick gets resched_cpu(). With a tick the QS
	// comes first.
	for c := 0; c < m.ncpu; c++ {
		if s.C[c].NoQS == 1 && !s.watching(c) {
			t := m.newTx(s, -1, "kthread", m.sprintf("FQS: rcu_watching_snap_recheck(): CPU%d is in an extended QS", c))
			m.rcuQS(t, c)
			emit(t, "fqs")
			continue
		}
		if s.C[c].NoQS == 1 && s.C[c].IPIRes == 0 && s.C[c].Resch == 0 && s.C[c].Dead == 0 && !m.tickOn(s, c) {
			// rcu_watching_snap_recheck(): a nohz_full CPU in the kernel
			// gets rcu_urgent_qs and the resched_cpu() hammer.
			t := m.newTx(s, -1, "kthread", m.sprintf("FQS: rcu_urgent_qs, resched_cpu(%d)", c))
			t.s.C[c].Resch, t.s.C[c].IPIRes = 1, 1
			if m.Config.NohzFull&(1<<c) != 0 {
				t.s.C[c].UrgentQS = 1
			}
			emit(t, "fqs")
		}
	}
	for l := 0; l < m.nleaves; l++ {
		if s.RootQS&(1<<l) == 0 || m.leafQSMask(s, l) != 0 {
			continue
		}
		if !m.leafBlocked(s, l) {
			// A leaf with nothing to wait for that never reported: only
			// the fail-safe of cc99a310caf8 (gone in 6.12) reports it.
			if m.Config.FQSReportsEmptyLeaf {
				t := m.newTx(s, -1, "kthread", m.sprintf("FQS: leaf %d: rcu_report_unblock_qs_rnp() (fail-safe)", l))
				m.reportLeaf(t, l)
				emit(t, "fqs")
			}
			continue
		}
		if !m.Config.RCUBoost {
			continue
		}
		if s.BoostTimer == 0 {
			t := m.newTx(s, -1, "kthread", "CONFIG_RCU_BOOST_DELAY elapsed")
			t.s.BoostTimer = 1
			emit(t, "boost delay")
			continue
		}
		if n := &s.Leaf[l]; n.Boost == 0 && n.BoostOwner == 0 {
			t := m.newTx(s, -1, "kthread", m.sprintf("FQS: rcu_initiate_boost(leaf %d): boost_tasks = gp_tasks", l))
			t.s.Leaf[l].Boost = 1
			emit(t, "fqs")
		}
	}
}

// rcuBoost models rcu_boost() (tree_plugin.h), one boost kthread per leaf:
// it makes the first blocking reader queued there (exp_tasks, else
// boost_tasks) own rnp->boost_mtx and blocks on it, boosting the reader by
// priority inheritance.
func (m *Model) rcuBoost(s *State, emit func(*tx, string)) {
	for l := 0; l < m.nleaves; l++ {
		if s.Leaf[l].Boost == 0 {
			continue
		}
		target := -1
		for task := 0; task < m.ntask && target < 0; task++ {
			if s.T[task].Blkd == uint8(l+1) && s.T[task].ExpBlk == 1 {
				target = task
			}
		}
		for task := 0; task < m.ntask && target < 0; task++ {
			if s.T[task].Blkd == uint8(l+1) && s.T[task].GPBlk == 1 {
				target = task
			}
		}
		t := m.newTx(s, -1, "kthread", "rcu_boost()")
		t.s.Leaf[l].Boost = 0
		if target >= 0 {
			t.s.T[target].Boosted = 1
			t.s.Leaf[l].BoostOwner = uint8(target + 1)
			t.note("rt_mutex_init_proxy_locked(boost_mtx, %s); rt_mutex_lock(): %s boosted", m.names[target], m.names[target])
			m.resched(t, int(t.s.T[target].CPU), target)
		}
		emit(t, "boost kthread")
	}
}

// expGP: synchronize_rcu_expedited() -> sync_rcu_exp_select_cpus() (IPIs to
// online CPUs that are not idle, exp_tasks = blocked readers),
// synchronize_rcu_expedited_wait() (tick dependency on nohz_full holdouts;
// CPUs that went offline are reported for), rcu_exp_wait_wake() (tree_exp.h).
func (m *Model) expGP(s *State, emit func(*tx, string)) {
	f := FlavourRCUExp
	if !running(s.Seq[f]) {
		if s.Req[f] > s.Seq[f] {
			t := m.newTx(s, -1, "kthread", m.sprintf("exp GP #%d: select CPUs, send IPIs", s.Seq[f]/2+1))
			t.s.Seq[f]++
			for c := 0; c < m.ncpu; c++ {
				if t.s.C[c].RCUOnline == 1 && t.s.watching(c) && t.s.C[c].Dead == 0 {
					t.s.C[c].ExpM, t.s.C[c].IPIExp = 1, 1
					t.note("IPI -> CPU%d", c)
				}
			}
			for task := 0; task < m.ntask; task++ {
				if t.s.T[task].Blkd != 0 {
					t.s.T[task].ExpBlk = 1
					t.note("%s blocks the exp GP (exp_tasks)", m.names[task])
				}
			}
			t.s.Wait[f] = m.activeSet(&t.s, f)
			emit(t, "exp kthread")
		}
		return
	}
	holdCPU, blk := false, false
	for c := 0; c < m.ncpu; c++ {
		holdCPU = holdCPU || s.C[c].ExpM == 1
	}
	for task := 0; task < m.ntask; task++ {
		blk = blk || s.T[task].ExpBlk == 1
	}
	if !holdCPU && !blk {
		t := m.newTx(s, -1, "kthread", m.sprintf("rcu_exp_wait_wake(): exp GP #%d ends", s.Seq[f]/2+1))
		for c := 0; c < m.ncpu; c++ {
			if t.s.C[c].TickDepExp == 1 {
				t.s.C[c].TickDepExp = 0
				t.note("tick_dep_clear_cpu(%d, TICK_DEP_BIT_RCU_EXP)", c)
			}
		}
		m.endGP(t, f)
		emit(t, "exp kthread")
		return
	}
	for c := 0; c < m.ncpu; c++ {
		cpu := &s.C[c]
		if cpu.ExpM == 0 {
			continue
		}
		// The IPI could not be delivered: the CPU went offline after it
		// was selected. __sync_rcu_exp_select_node_cpus() retries while
		// RCU still counts it online, then reports it.
		if cpu.IPIExp == 1 && cpu.Online == 0 && cpu.RCUOnline == 0 {
			t := m.newTx(s, -1, "kthread", m.sprintf("exp GP: IPI to CPU%d failed, CPU offline: rcu_report_exp_cpu_mult()", c))
			t.s.C[c].IPIExp = 0
			m.rcuReportExpRdp(t, c)
			emit(t, "exp kthread")
			continue
		}
		// synchronize_rcu_expedited_wait(): tick_dep_set_cpu() for
		// nohz_full holdouts; since 147f04b14add only on online CPUs (the
		// dependency's irq_work_queue_on() splats on an offline CPU).
		if m.Config.ExpForcedTick && m.Config.NohzFull&(1<<c) != 0 && cpu.TickDepExp == 0 && (cpu.Online == 1 || !m.Config.ExpTickDepOnline) {
			t := m.newTx(s, -1, "kthread", m.sprintf("synchronize_rcu_expedited_wait(): tick_dep_set_cpu(%d, TICK_DEP_BIT_RCU_EXP)", c))
			t.s.C[c].TickDepExp = 1
			if cpu.Online == 0 {
				t.violate("P3", "tick_dep_set_cpu(%d) on an offline CPU: its irq_work_queue_on() targets a CPU that is going down (WARN)", c)
			}
			emit(t, "exp kthread")
		}
	}
	if !m.Config.RCUBoost {
		return
	}
	for l := 0; l < m.nleaves; l++ {
		hold, tasks := false, false
		for c := 0; c < m.ncpu; c++ {
			hold = hold || m.leafOf[c] == l && s.C[c].ExpM == 1
		}
		for task := 0; task < m.ntask; task++ {
			tasks = tasks || s.T[task].Blkd == uint8(l+1) && s.T[task].ExpBlk == 1
		}
		if n := &s.Leaf[l]; !hold && tasks && n.Boost == 0 && n.BoostOwner == 0 {
			t := m.newTx(s, -1, "kthread", "__rcu_report_exp_rnp(): rcu_initiate_boost() for exp_tasks")
			t.s.Leaf[l].Boost = 1
			emit(t, "exp kthread")
		}
	}
}

var gpClassNames = [numFlavours]string{FlavourSRCU0: "srcu(ss0) gp", FlavourSRCU1: "srcu(ss1) gp", FlavourTasks: "tasks gp",
	FlavourTrace: "tasks-trace gp", FlavourRude: "tasks-rude gp"}

// otherGP: Tasks (rcu_tasks_wait_gp() holdout scan) and Tasks Rude
// (schedule_on_each_cpu()). Holdouts come from the flavour table.
func (m *Model) otherGP(s *State, f Flavour, emit func(*tx, string)) {
	class := gpClassNames[f]
	if !running(s.Seq[f]) {
		if s.Req[f] > s.Seq[f] {
			t := m.newTx(s, -1, "kthread", m.sprintf("%s GP #%d starts", f, s.Seq[f]/2+1))
			t.s.Seq[f]++
			for task := 0; task < m.ntask; task++ {
				t.s.T[task].PreemptedInGP = 0
			}
			t.s.Hold[f] = m.holdouts(&t.s, f)
			t.s.Wait[f] = m.activeSet(&t.s, f)
			if t.s.Hold[f] != 0 {
				t.note("holdouts: %s", m.setString(&t.s, t.s.Hold[f]))
			}
			emit(t, class)
		}
		return
	}
	if s.Hold[f] != 0 {
		return
	}
	t := m.newTx(s, -1, "kthread", m.sprintf("%s GP #%d ends", f, s.Seq[f]/2+1))
	m.endGP(t, f)
	emit(t, class)
}

// callbacks invokes, per CPU and flavour, the first queued callback if its
// grace period has completed: rcu_do_batch() (kernel/rcu/tree.c) runs a
// CPU's ->cblist in order from RCU_SOFTIRQ or rcuc on that CPU; the other
// flavours' callbacks run in their kthreads and workqueues. Callbacks of an
// offline CPU wait for rcutree_migrate_callbacks().
func (m *Model) callbacks(s *State, emit func(*tx, string)) {
	var first [numFlavours][MaxCPUs]bool
	for i, cb := range s.CBs {
		if cb.F == 0 {
			break
		}
		f := Flavour(cb.F - 1)
		if first[f][cb.CPU] {
			continue
		}
		first[f][cb.CPU] = true
		if s.Seq[f] < cb.Seq || f == FlavourRCU && s.C[cb.CPU].Online == 0 {
			continue
		}
		var t *tx
		switch {
		case f == FlavourRCU && !m.Config.UseSoftirq:
			// rcuc/N, SCHED_FIFO: it preempts the task it interrupts.
			c := int(cb.CPU)
			if !s.preemptible(c) {
				continue
			}
			t = m.newTx(s, c, "kthread", m.sprintf("rcuc/%d: rcu_do_batch(): callback runs", c))
			if cur := int(s.C[c].Curr); cur < m.ntask {
				m.rcuNoteContextSwitch(t, c, cur, true)
			}
		case f == FlavourRCU:
			t = m.newTx(s, int(cb.CPU), "softirq", "rcu_do_batch(): callback runs")
		default:
			t = m.newTx(s, -1, "kthread", m.sprintf("%s callback runs", f))
		}
		t.s.removeCB(i)
		switch cb.Act {
		case actFree:
			m.free(t, int(cb.Obj), "callback kfree")
		case actTouch:
			if t.s.Obj[cb.Obj]&objFreed != 0 {
				t.violate("P2", "a callback uses %s after it was freed (use after free: the callback outlived what it belongs to)", m.objs[cb.Obj])
			} else {
				t.note("the callback uses %s", m.objs[cb.Obj])
			}
		case actBarrier:
			m.rcuBarrierCallback(t)
		case actChainRCU:
			t.note("call_rcu(free %s)", m.objs[cb.Obj])
			m.queueCB(t, int(cb.CPU), FlavourRCU, actFree, int(cb.Obj))
		case actChainUnlessIm:
			if m.Config.TraceImpliesRCU {
				t.note("rcu_trace_implies_rcu_gp(): free now")
				m.free(t, int(cb.Obj), "callback kfree")
			} else {
				t.note("!rcu_trace_implies_rcu_gp(): call_rcu(free %s)", m.objs[cb.Obj])
				m.queueCB(t, int(cb.CPU), FlavourRCU, actFree, int(cb.Obj))
			}
		}
		emit(t, "callbacks")
	}
}

// removeCB removes callback i, keeping the others in queue order.
func (s *State) removeCB(i int) {
	copy(s.CBs[i:], s.CBs[i+1:])
	s.CBs[MaxCBs-1] = CB{}
}
