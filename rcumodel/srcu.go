package rcumodel

import "fmt"

// SRCU as kernel/rcu/srcutree.c (6.12) implements it: a reader reads the
// domain's ->srcu_idx and increments that index's lock count of its CPU
// (srcu_read_lock(): "idx = READ_ONCE(ssp->srcu_idx) & 0x1;
// this_cpu_inc(ssp->sda->srcu_lock_count[idx].counter)"), and increments
// the unlock count of the same index when it leaves. A grace period
// (srcu_advance_state()) waits until the index readers are not using is
// drained (SRCU_STATE_SCAN1: srcu_readers_active_idx_check()), flips
// ->srcu_idx (srcu_flip()), then waits until the old index is drained
// (SRCU_STATE_SCAN2). The first scan is what catches a reader that read
// the index before the flip and counts after it. The counts are kept
// summed over CPUs per index: srcu_readers_active_idx_check() compares the
// sums. Where this_cpu_inc() is not NMI-safe (nmi_safe_this_cpu_ops=false)
// it is a load and a store, and an NMI's increment of the same counter in
// between is lost; atomic_long_inc() (the _nmisafe readers, SRCU-fast since
// 3cec27453db4) is one step.

// srcuRMW encodes a pending load/store of an SRCU counter.
func srcuRMW(d, idx int, unlock bool) uint8 {
	v := uint8(d<<2 | idx<<1)
	if unlock {
		v |= 1
	}
	return v + 1
}

// srcuCount adds one to domain d's lock (or unlock) count of index idx; an
// NMI adding to a counter whose load/store the interrupted code has split
// is overwritten by that store.
func (m *Model) srcuCount(t *tx, c, d, idx int, unlock bool) {
	if unlock {
		t.s.SUnlock[d][idx]++
	} else {
		t.s.SLock[d][idx]++
	}
	if t.s.inNMI(c) && t.s.C[c].RMW == srcuRMW(d, idx, unlock) {
		t.s.C[c].RMWLost++
		t.note("the interrupted this_cpu_inc() of the same counter will overwrite this increment")
	}
}

// srcuSplit reports whether the counter increment of e is a load and a
// store that an NMI can fall between.
func (m *Model) srcuSplit(s *State, c int, e Effects) bool {
	return !m.Config.NMISafeThisCPUOps && !e.Atomic && !s.inNMI(c)
}

// srcuIncStep performs (or starts) the counter increment of an SRCU
// primitive on frame f; done is false when a split this_cpu_inc() has only
// loaded the counter.
func (m *Model) srcuIncStep(t *tx, c, d, idx int, unlock bool, e Effects) (done bool) {
	f := t.s.top(c)
	cpu := &t.s.C[c]
	what := "srcu_lock_count"
	if unlock {
		what = "srcu_unlock_count"
	}
	if !m.srcuSplit(&t.s, c, e) {
		m.srcuCount(t, c, d, idx, unlock)
		t.note("this_cpu_inc(%s[%d])", what, idx)
		return true
	}
	if f.Phase != phaseRMW {
		cpu.RMW, cpu.RMWLost = srcuRMW(d, idx, unlock), 0
		f.Phase = phaseRMW
		t.note("this_cpu_inc(%s[%d]): load", what, idx)
		return false
	}
	m.srcuCount(t, c, d, idx, unlock)
	if cpu.RMWLost > 0 {
		if unlock {
			t.s.SUnlock[d][idx] -= cpu.RMWLost
		} else {
			t.s.SLock[d][idx] -= cpu.RMWLost
		}
		t.note("this_cpu_inc(%s[%d]): store overwrites %d increment(s) made by an NMI in between", what, idx, cpu.RMWLost)
	} else {
		t.note("this_cpu_inc(%s[%d]): store", what, idx)
	}
	cpu.RMW, cpu.RMWLost = 0, 0
	return true
}

// srcuReadSide executes one step of an SRCU read-side primitive on the top
// frame of CPU c (domain d); done says the primitive has completed.
func (m *Model) srcuReadSide(t *tx, c, d int, e Effects) (done bool) {
	tk := &t.s.T[t.s.C[c].Curr]
	f := t.s.top(c)
	if e.Delta > 0 {
		if e.Watching && !t.s.watching(c) {
			t.violate("P3", "%s() used where RCU is not watching CPU%d", e.Name, c)
		}
		if f.Phase != phaseIdx0 && f.Phase != phaseIdx1 && f.Phase != phaseRMW {
			idx := int(t.s.SIdx[d])
			f.Phase = phaseIdx0 + uint8(idx)
			t.note("idx = READ_ONCE(srcu_idx) & 1 = %d", idx)
			return false
		}
		idx := int(f.Phase - phaseIdx0)
		if f.Phase == phaseRMW {
			idx = int(t.s.C[c].RMW-1) >> 1 & 1
		}
		if !m.srcuIncStep(t, c, d, idx, false, e) {
			return false
		}
		tk.SRCUIdx[d] |= uint8(idx) << tk.SRCU[d]
		tk.SRCU[d]++
		t.note("[srcu(%s) held=%d]", m.srcuDoms[d], tk.SRCU[d])
		return true
	}
	n := tk.SRCU[d]
	idx := int(tk.SRCUIdx[d]>>(n-1)) & 1
	if !m.srcuIncStep(t, c, d, idx, true, e) {
		return false
	}
	tk.SRCU[d]--
	tk.SRCUIdx[d] &^= 1 << tk.SRCU[d]
	t.note("[srcu(%s) held=%d]", m.srcuDoms[d], tk.SRCU[d])
	return true
}

// srcuLockAtomic takes an SRCU reader in one transition (a tracepoint
// guard: the call site is not a reader before it).
func (m *Model) srcuLockAtomic(t *tx, c, d int) {
	tk := &t.s.T[t.s.C[c].Curr]
	idx := int(t.s.SIdx[d])
	m.srcuCount(t, c, d, idx, false)
	tk.SRCUIdx[d] |= uint8(idx) << tk.SRCU[d]
	tk.SRCU[d]++
	t.note("[srcu(%s) held=%d]", m.srcuDoms[d], tk.SRCU[d])
}

// srcuDrained is srcu_readers_active_idx_check(): the index's unlocks
// match its locks.
func (s *State) srcuDrained(d, idx int) bool { return s.SLock[d][idx] == s.SUnlock[d][idx] }

// srcuGP steps an SRCU grace period of domain d (flavour f):
// srcu_gp_start(), then srcu_advance_state()'s two scans around srcu_flip().
func (m *Model) srcuGP(s *State, f Flavour, d int, emit func(*tx, string)) {
	class := gpClassNames[f]
	if !running(s.Seq[f]) {
		if s.Req[f] > s.Seq[f] {
			t := m.newTx(s, -1, "kthread", m.sprintf("srcu_gp_start(%s): GP #%d", m.srcuName(d), s.Seq[f]/2+1))
			t.s.Seq[f]++
			t.s.Phase[f] = 1
			t.s.Wait[f] = m.activeSet(&t.s, f)
			emit(t, class)
		}
		return
	}
	idx := 1 ^ int(s.SIdx[d])
	if !s.srcuDrained(d, idx) {
		return
	}
	if s.Phase[f] == 1 {
		t := m.newTx(s, -1, "kthread", m.sprintf("SRCU_STATE_SCAN1: idx %d drained; srcu_flip(): srcu_idx & 1 = %d", idx, idx))
		t.s.SIdx[d] ^= 1
		t.s.Phase[f] = 2
		emit(t, class)
		return
	}
	t := m.newTx(s, -1, "kthread", m.sprintf("SRCU_STATE_SCAN2: idx %d drained: srcu(%s) GP #%d ends", idx, m.srcuName(d), s.Seq[f]/2+1))
	m.endGP(t, f)
	emit(t, class)
}

func (m *Model) srcuName(d int) string {
	if d < len(m.srcuDoms) {
		return m.srcuDoms[d]
	}
	return fmt.Sprintf("ss%d", d)
}
