package rcumodel

// The rcu_node tree (kernel/rcu/tree.c, tree.h, tree_plugin.h): leaves of
// CONFIG_RCU_FANOUT_LEAF CPUs under a root. A leaf's ->qsmask is its CPUs'
// NoQS bits, its ->blkd_tasks the tasks whose Blkd names it, ->gp_tasks and
// ->exp_tasks their GPBlk/ExpBlk bits. A leaf with nothing left to wait for
// clears its bit in the root's ->qsmask (rcu_report_qs_rnp(),
// rcu_report_unblock_qs_rnp()); the grace period ends when the root's
// ->qsmask is empty (rcu_gp_fqs_check_wake(), rcu_gp_cleanup()).

// leafBlocked reports rcu_preempt_blocked_readers_cgp(leaf l): a task on
// its ->blkd_tasks blocks the current normal GP.
func (m *Model) leafBlocked(s *State, l int) bool {
	for task := 0; task < m.ntask; task++ {
		if s.T[task].Blkd == uint8(l+1) && s.T[task].GPBlk == 1 {
			return true
		}
	}
	return false
}

// leafHasTasks reports rcu_preempt_has_tasks(leaf l).
func (m *Model) leafHasTasks(s *State, l int) bool {
	for task := 0; task < m.ntask; task++ {
		if s.T[task].Blkd == uint8(l+1) {
			return true
		}
	}
	return false
}

// leafQSMask returns leaf l's ->qsmask: its CPUs still owing a QS.
func (m *Model) leafQSMask(s *State, l int) uint8 {
	var mask uint8
	for c := 0; c < m.ncpu; c++ {
		if m.leafOf[c] == l && s.C[c].NoQS == 1 {
			mask |= 1 << c
		}
	}
	return mask
}

// reportLeaf models the part of rcu_report_qs_rnp() and
// rcu_report_unblock_qs_rnp() that walks up the tree: once leaf l neither
// waits for a CPU nor has a task blocking the GP, its bit in the root's
// ->qsmask is cleared.
func (m *Model) reportLeaf(t *tx, l int) {
	if !running(t.s.Seq[FlavourRCU]) || t.s.GPInit == 1 || t.s.RootQS&(1<<l) == 0 {
		return
	}
	if m.leafQSMask(&t.s, l) != 0 || m.leafBlocked(&t.s, l) {
		return
	}
	t.s.RootQS &^= 1 << l
	if m.nleaves > 1 {
		t.note("rcu_report_qs_rnp(): leaf %d done, clears its bit in the root's ->qsmask", l)
	}
}

// gpInitOnOff models rcu_gp_init()'s RCU_GP_ONOFF phase: each leaf's
// buffered hotplug (->qsmaskinitnext, the CPUs' RCUOnline) becomes its
// ->qsmaskinit; a leaf whose last CPU went offline leaves the root only
// when no task is queued on it (->wait_blkd_tasks otherwise).
func (m *Model) gpInitOnOff(t *tx) {
	for l := 0; l < m.nleaves; l++ {
		n := &t.s.Leaf[l]
		var next uint8
		for c := 0; c < m.ncpu; c++ {
			if m.leafOf[c] == l && t.s.C[c].RCUOnline == 1 {
				next |= 1 << c
			}
		}
		if n.QSInit == next && n.WaitBlkd == 0 {
			continue
		}
		old := n.QSInit
		n.QSInit = next
		hasTasks := m.leafHasTasks(&t.s, l)
		if (old == 0) != (next == 0) {
			switch {
			case old == 0:
				if n.WaitBlkd == 0 {
					t.s.RootInit |= 1 << l // rcu_init_new_rnp()
				}
			case hasTasks:
				n.WaitBlkd = 1
				t.note("leaf %d: last CPU offline, tasks queued: ->wait_blkd_tasks", l)
			default:
				t.s.RootInit &^= 1 << l // rcu_cleanup_dead_rnp()
			}
		}
		if n.WaitBlkd == 1 && (!hasTasks || next != 0) {
			n.WaitBlkd = 0
			if next == 0 {
				t.s.RootInit &^= 1 << l
			}
		}
	}
}

// gpInitTree models rcu_gp_init()'s RCU_GP_INIT phase: the root's ->qsmask
// from ->qsmaskinit; each leaf's ->qsmask from its ->qsmaskinit (CPUs in an
// extended QS are reported at once, as the first FQS scan's
// rcu_watching_snap_save() would); rcu_preempt_check_blocked_tasks() makes
// queued tasks block the new GP; a leaf with CPUs gone since ONOFF or with
// ->wait_blkd_tasks reports right away (ec2c29765a4a).
func (m *Model) gpInitTree(t *tx) {
	t.s.RootQS = t.s.RootInit
	for l := 0; l < m.nleaves; l++ {
		n := &t.s.Leaf[l]
		if m.leafHasTasks(&t.s, l) && (n.QSInit != 0 || n.WaitBlkd == 1) {
			for task := 0; task < m.ntask; task++ {
				if t.s.T[task].Blkd == uint8(l+1) {
					t.s.T[task].GPBlk = 1
					t.note("rcu_preempt_check_blocked_tasks(): %s blocks GP", m.names[task])
				}
			}
		}
		eqs := false
		var gone uint8
		for c := 0; c < m.ncpu; c++ {
			if m.leafOf[c] != l || n.QSInit&(1<<c) == 0 {
				continue
			}
			switch {
			case t.s.C[c].RCUOnline == 0 && m.Config.GPInitReportsWaitBlkd:
				gone |= 1 << c
			case t.s.C[c].RCUOnline == 0:
				// Before ec2c29765a4a the offline CPU's bit stays in
				// ->qsmask for the FQS scan's offline check to report.
				t.s.C[c].NoQS = 1
			case t.s.watching(c):
				t.s.C[c].NoQS = 1
			default:
				eqs = true
			}
		}
		if eqs || (gone != 0 || n.WaitBlkd == 1) && m.Config.GPInitReportsWaitBlkd {
			m.reportLeaf(t, l)
		}
	}
}

// leafOfTask returns the leaf a task is queued on, or -1.
func leafOfTask(tk *Task) int { return int(tk.Blkd) - 1 }

// migrate models the load balancer moving a runnable task that waits
// behind another task to a CPU it may run on (the "preempted on CPU 0,
// unlocking on CPU 1" of rcu_exp_handler()'s comment); an idle destination
// runs it at once (idle balance). The task stays queued on the leaf it
// blocked on.
func (m *Model) migrate(s *State, task, to int) *tx {
	t := m.newTx(s, to, "sched", m.sprintf("load balance: %s moves from CPU%d to CPU%d", m.names[task], s.T[task].CPU, to))
	t.s.T[task].CPU = uint8(to)
	if int(t.s.C[to].Curr) == idleTask(to) && t.s.preemptible(to) {
		m.schedule(t, to, true, task)
	} else {
		m.resched(t, to, task)
	}
	return t
}

// migrations enumerates the load balancer's moves.
func (m *Model) migrations(s *State, emit func(*tx)) {
	for task := 0; task < m.ntask; task++ {
		tk := &s.T[task]
		from := int(tk.CPU)
		cur := int(s.C[from].Curr)
		if m.allowed[task]&^(1<<from) == 0 || tk.St != stRunnable || cur == task || cur == idleTask(from) {
			continue
		}
		for c := 0; c < m.ncpu; c++ {
			if c != from && m.allowed[task]&(1<<c) != 0 && s.C[c].Online == 1 {
				emit(m.migrate(s, task, c))
			}
		}
	}
}
