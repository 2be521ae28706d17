package rcumodel

import "github.com/rcureview/rcureview/finding"

// Tasks Trace RCU as kernel/rcu/tasks.h and include/linux/rcupdate_trace.h
// (6.12) implement it. rcu_read_unlock_trace() first stores
// INT_MIN + nesting ("Disable IPI-based setting of .need_qs"), tests
// ->trc_reader_special.s, and either writes the nesting back or calls
// rcu_read_unlock_trace_special() (clears need_qs, decrements
// trc_n_readers_need_end). The grace period looks at each holdout task
// (trc_wait_for_one_reader(): trc_inspect_reader() through task_call_func()
// when it is not running, the trc_read_check_handler() IPI when it is):
// nesting 0 is a quiescent state, a positive nesting gets need_qs and is
// counted in trc_n_readers_need_end, and a negative one (the task is in
// rcu_read_unlock_trace()) is looked at again later (18f08e758f34). The
// grace period ends when no holdout is left and trc_n_readers_need_end is
// back to its initial count, then rcu_tasks_trace_postscan()'s
// synchronize_rcu().

// traceUnlock executes one step of rcu_read_unlock_trace() on CPU c; done
// says it has completed.
func (m *Model) traceUnlock(t *tx, c int, e Effects) (done bool) {
	tk := &t.s.T[t.s.C[c].Curr]
	f := t.s.top(c)
	if f.Phase == phaseTrcExit {
		tk.TrcExit = 0
		t.ev.Text = e.Name + "(): WRITE_ONCE(t->trc_reader_nesting, nesting)"
		return true
	}
	if tk.Trc == 0 {
		t.violateRule("P3", finding.RuleUnbalanced, "%s() without a matching rcu_read_lock_trace() (unbalanced)", e.Name)
		return true
	}
	tk.Trc--
	t.note("[trc_nest=%d]", tk.Trc)
	if tk.Trc > 0 || !e.TestsSpecial {
		if tk.Trc == 0 && tk.TrcNeedQS == 1 {
			t.note("(rcu_read_unlock_trace_special() skipped: need_qs set)")
		}
		return true // nested, or a variant without the special path
	}
	tk.TrcExit = 1
	if tk.TrcNeedQS == 1 && e.CallsSpecial {
		m.rcuReadUnlockTraceSpecial(t, c)
		tk.TrcExit = 0
		return true
	}
	if tk.TrcNeedQS == 1 {
		t.note("(rcu_read_unlock_trace_special() skipped: need_qs set)")
	}
	if !running(t.s.Seq[FlavourTrace]) {
		// Only a grace period's inspection can see the INT_MIN window;
		// with none running, storing and restoring the nesting is one
		// step (a GP that starts inside the window is explored from
		// the unlocks that begin while it runs).
		tk.TrcExit = 0
		return true
	}
	t.note("trc_reader_nesting = INT_MIN + 0; trc_reader_special.s == 0")
	f.Phase = phaseTrcExit
	return false
}

// rcuReadUnlockTraceSpecial models rcu_read_unlock_trace_special()
// (tasks.h): the reader reports the quiescent state the grace period asked
// for.
func (m *Model) rcuReadUnlockTraceSpecial(t *tx, c int) {
	tk := &t.s.T[t.s.C[c].Curr]
	tk.TrcNeedQS = 0
	if t.s.TrcNeedEnd > 0 {
		t.s.TrcNeedEnd--
	}
	t.note("rcu_read_unlock_trace_special(): need_qs cleared, trc_n_readers_need_end--")
}

// traceGP steps the Tasks Trace grace period (rcu_tasks_wait_gp() with
// the Tasks Trace hooks).
func (m *Model) traceGP(s *State, emit func(*tx, string)) {
	f := FlavourTrace
	class := gpClassNames[f]
	if !running(s.Seq[f]) {
		if s.Req[f] > s.Seq[f] {
			t := m.newTx(s, -1, "kthread", m.sprintf("%s GP #%d starts", f, s.Seq[f]/2+1))
			t.s.Seq[f]++
			// rcu_tasks_trace_pregp_step()/..._pertask(): tasks in or
			// leaving a reader are holdouts; the others are quiescent.
			var hold uint8
			for task := 0; task < m.ntask; task++ {
				if tk := &t.s.T[task]; tk.St != stDone && (tk.Trc > 0 || tk.TrcExit == 1) {
					hold |= 1 << task
				}
			}
			t.s.Hold[f], t.s.Phase[f] = hold, 0
			t.s.Wait[f] = m.activeSet(&t.s, f)
			if hold != 0 {
				t.note("holdouts: %s", m.setString(&t.s, hold))
			}
			emit(t, class)
		}
		return
	}
	for task := 0; task < m.ntask; task++ {
		if s.Hold[f]&(1<<task) == 0 {
			continue
		}
		tk := &s.T[task]
		if tk.TrcExit == 1 && m.Config.TrcRetryExiting {
			continue // -EINVAL from trc_inspect_reader(): look again later
		}
		how := "trc_inspect_reader"
		for c := 0; c < m.ncpu; c++ {
			if int(s.C[c].Curr) == task {
				how = "IPI trc_read_check_handler"
			}
		}
		t := m.newTx(s, -1, "kthread", m.sprintf("trc_wait_for_one_reader(%s): %s()", m.names[task], how))
		t.s.Hold[f] &^= 1 << task
		if tk.Trc == 0 && tk.TrcExit == 0 {
			t.note("nesting 0: quiescent")
		} else {
			t.s.T[task].TrcNeedQS = 1
			t.s.TrcNeedEnd++
			if tk.TrcExit == 1 {
				t.note("nesting < 0 (leaving its reader) taken as inside: need_qs, trc_n_readers_need_end++")
			} else {
				t.note("in a reader: need_qs, trc_n_readers_need_end++")
			}
		}
		emit(t, class)
	}
	if s.Hold[f] != 0 || s.TrcNeedEnd != 0 {
		return
	}
	if m.Config.TraceImpliesRCU {
		switch s.Phase[f] {
		case 0:
			t := m.newTx(s, -1, "kthread", "rcu_tasks_trace_postscan(): synchronize_rcu()")
			t.s.Phase[f] = 1
			t.s.Need[f] = m.request(t, FlavourRCU)
			emit(t, class)
			return
		case 1:
			if s.Seq[FlavourRCU] < s.Need[f] {
				return
			}
		}
	}
	t := m.newTx(s, -1, "kthread", m.sprintf("%s GP #%d ends", f, s.Seq[f]/2+1))
	m.endGP(t, f)
	emit(t, class)
}
