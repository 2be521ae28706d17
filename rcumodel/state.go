package rcumodel

import (
	"encoding/binary"
	"unsafe"
)

// Bounds of the model (research/rcu-model.md S.1).
const (
	MaxCPUs     = 3
	MaxTasks    = 4 // scenario tasks; each CPU also has an idle task
	MaxFrames   = 5 // context stack depth; pushing beyond is unbounded recursion (P5)
	MaxObjs     = 3
	MaxCBs      = 4
	MaxIRQs     = 3       // device irq + nmi handler definitions
	MaxSoftirqs = 2       // scenario softirq handlers
	MaxLeaves   = MaxCPUs // leaf rcu_node structures (CONFIG_RCU_FANOUT_LEAF=1)
	MaxRefs     = 2       // references a task holds at once
	MaxLocks    = MaxCPUs + MaxTasks + MaxSpinlocks
	// MaxSpinlocks is how many of the scenario's own spinlock_t locks
	// (sleeping rt_mutex-based locks on PREEMPT_RT) a scenario may use.
	MaxSpinlocks = 2
	allTasks     = MaxTasks + MaxCPUs
)

// Frame kinds: what runs at one level of a CPU's context stack.
const (
	frameTask    uint8 = iota // the current task (or the idle task)
	frameHardirq              // device irq script or a built-in handler in irq_exit
	frameNMI                  // NMI handler script
	frameProbe                // tracepoint probe script, in the context of the frame below
	frameSoftirq              // softirq handler (handle_softirqs()), irqs enabled, SOFTIRQ_OFFSET in BH
)

// Frame phases.
const (
	phaseNone    uint8 = iota
	phaseHooked        // the primitive's ftrace/tracepoint hook has run
	phaseDecDone       // rcu_read_unlock(): nesting already decremented, special test pending
	phaseExiting       // hardirq frame: in irq_exit() after HARDIRQ_OFFSET was dropped
	phaseIdx0          // srcu_read_lock(): read srcu_idx, which was 0, not yet counted
	phaseIdx1          // ... which was 1
	phaseRMW           // this_cpu_inc() loaded the counter, the store is pending
	phaseTrcExit       // rcu_read_unlock_trace(): nesting is INT_MIN + nesting, not yet written back
)

// Frame is one level of a CPU's context stack; Preempt/BH/IRQOff are the
// disable counts taken at this level (preempt_count() is their sum).
type Frame struct {
	Kind, Script, PC, Phase uint8
	Preempt, BH, IRQOff     uint8
}

// Deferred-QS states of rdp->defer_qs_pending (bool defer_qs_iw_pending in v6.12.0).
const (
	deferIdle    uint8 = 0 // DEFER_QS_IDLE
	deferPending uint8 = 1 // DEFER_QS_PENDING
)

// CPU is per-CPU state: the context stack and struct rcu_data.
type CPU struct {
	Curr  uint8 // running task (idle task MaxTasks+cpu when nothing runs)
	N     uint8 // frames in use
	F     [MaxFrames]Frame
	Resch uint8 // need_resched (TIF_NEED_RESCHED)
	NoQS  uint8 // cpu_no_qs.b.norm: owes the normal GP a QS (folded with rnp->qsmask)
	ExpM  uint8 // this CPU's bit in rnp->expmask
	NoQSE uint8 // cpu_no_qs.b.exp
	Defer uint8 // defer_qs_pending
	IWQ   uint8 // defer_qs_iw queued
	IWBad uint8 // irq_work re-initialised while queued: its list points at itself
	SoftP uint8 // RCU_SOFTIRQ pending
	// SoftUser: the scenario's softirqs pending (bit per softirq block);
	// SoftRuns: handlers run by the current handle_softirqs() call.
	SoftUser, SoftRuns uint8
	IPIExp             uint8 // rcu_exp_handler IPI pending
	IPIRes             uint8 // resched IPI pending (FQS resched_cpu())
	Dead               uint8 // self-deadlocked
	// Online is cpu_online() (cleared by take_cpu_down() under
	// stop_machine); RCUOnline is this CPU's bit in its leaf's
	// ->qsmaskinitnext (cleared by rcutree_report_cpu_dead() in the
	// outgoing CPU's last pass through the idle loop).
	Online, RCUOnline uint8
	// TickDepExp: tick_dep_set_cpu(TICK_DEP_BIT_RCU_EXP) by an expedited
	// GP waiting for this nohz_full CPU (rdp->rcu_forced_tick_exp).
	TickDepExp uint8
	// UrgentQS: rcu_urgent_qs, set by the FQS scan for a nohz_full holdout;
	// ForcedTick: rcu_forced_tick, the tick it then turned on
	// (tick_dep_set_cpu(TICK_DEP_BIT_RCU) in __rcu_irq_enter_check_tick()).
	UrgentQS, ForcedTick uint8
	// RMW: a this_cpu_inc() of an SRCU counter split into load and store
	// (no NMI-safe this_cpu ops): 1 + domain<<2 | idx<<1 | unlock;
	// RMWLost: NMI increments of that counter the store will overwrite.
	RMW, RMWLost uint8
	// IWKthread: irq_work/N has the deferred-QS irq_work to run (PREEMPT_RT,
	// work not marked IRQ_WORK_HARD_IRQ).
	IWKthread uint8
	// TickOK: the CPU made task-level progress since the last tick. The
	// tick needs it, so ticks cannot starve the interrupted code (which
	// weak fairness alone would allow: the task is enabled only between
	// ticks).
	TickOK uint8
}

// Task states.
const (
	stRunnable uint8 = iota
	stSleeping       // voluntarily blocked; woken by the environment
	stWaitGP         // blocked in synchronize_*() until Seq[WaitF] >= WaitSeq
	stDone
	stIdle // idle task
)

// Task priorities (effective priority adds boosting).
const (
	prioNormal uint8 = iota
	prioRT
	prioBoost
)

// Ref is a pointer a task obtained with rcu_dereference() and holds until
// the reader of Kind it was obtained in ends.
type Ref struct{ Obj, Kind uint8 } // Obj is index+1; 0 means empty

// Task is per-task state (task_struct RCU fields).
type Task struct {
	PC, St, Phase              uint8
	Nest                       uint8 // rcu_read_lock_nesting
	SpBlocked, SpNeedQS, SpExp uint8 // rcu_read_unlock_special.b.{blocked,need_qs,exp_hint}
	Blkd, GPBlk, ExpBlk        uint8 // leaf+1 of rnp->blkd_tasks it is on (->rcu_blocked_node); blocks the current normal / expedited GP
	CPU                        uint8 // task_cpu(): the CPU it runs or last ran on
	Boosted                    uint8
	Trc                        uint8    // trc_reader_nesting (as the reader sees it)
	TrcExit                    uint8    // rcu_read_unlock_trace() has set it to INT_MIN + nesting
	TrcNeedQS                  uint8    // trc_reader_special.b.need_qs
	SRCU                       [2]uint8 // SRCU readers held per domain
	SRCUIdx                    [2]uint8 // bit k: the srcu_idx of the k-th nested reader (what srcu_read_lock() returned)
	EQS                        uint8    // ct_idle_enter()ed: RCU not watching this CPU
	Preempt, BH, IRQOff        uint8    // disable counts saved at context switch
	WaitF, WaitSeq             uint8
	Refs                       [MaxRefs]Ref
	PreemptedInGP              uint8 // preempted since the Tasks GP started (for tasks_qs_on_preempt)
	User                       uint8 // in user space (an extended QS too on a nohz_full CPU: EQS)
	RTBH                       uint8 // PREEMPT_RT: current->softirq_disable_cnt (local_bh_disable() nesting)
	LockWait                   uint8 // PREEMPT_RT: spinlock+1 this task blocks on (rtlock_slowlock())
}

// Callback actions.
const (
	actFree          uint8 = iota + 1 // free(obj)
	actChainRCU                       // call_rcu(free(obj))
	actChainUnlessIm                  // rcu_trace_implies_rcu_gp() ? free(obj) : call_rcu(free(obj))
	actTouch                          // the callback uses obj (its code or data: a module's callback)
	actBarrier                        // rcu_barrier_callback()
)

// CB is a queued callback: flavour+1 (0: slot empty), the GP sequence it
// needs, the action, and the CPU whose ->cblist holds it. Callbacks of a
// CPU are invoked in the order of the array (rcu_do_batch() is FIFO).
type CB struct{ F, Seq, Act, Obj, CPU uint8 }

// Node is a leaf rcu_node structure (kernel/rcu/tree.h): ->qsmaskinit
// (CPUs online when the current GP was initialised), ->wait_blkd_tasks,
// and the boost state of its ->blkd_tasks (rcu_initiate_boost() done,
// the task+1 owning ->boost_mtx). ->qsmask is the CPUs' NoQS bits,
// ->gp_tasks/->exp_tasks the tasks' GPBlk/ExpBlk bits.
type Node struct {
	QSInit, WaitBlkd, Boost, BoostOwner uint8
}

// Object state bits: whether the pointer to it is published, whether the
// memory is freed (independently: unpublish-then-free is the normal path).
const (
	objPublished uint8 = 1 << iota
	objFreed
)

// State is the whole model state. Every field is a byte (or an array of
// bytes) so that the in-memory representation is itself the canonical
// encoding (see key).
type State struct {
	C [MaxCPUs]CPU
	T [allTasks]Task
	// Per flavour: rcu_seq-style sequence (odd: GP running), requested
	// sequence, implementation holdouts (tasks in bits 0..3, CPUs in bits
	// 4..6), the P1 oracle waitset (same layout), and a phase.
	Seq, Req, Hold, Wait, Phase, Need [numFlavours]uint8
	BoostTimer                        uint8 // CONFIG_RCU_BOOST_DELAY elapsed for this GP
	// The rcu_node tree: leaves, and the root's ->qsmask and ->qsmaskinit
	// (a bit per leaf). With one leaf, the leaf is the root.
	Leaf             [MaxLeaves]Node
	RootQS, RootInit uint8
	// GPInit: rcu_gp_init() has applied hotplug to the tree (phase
	// RCU_GP_ONOFF) but not yet initialised ->qsmask (RCU_GP_INIT).
	GPInit uint8
	// rcu_barrier(): CPUs whose ->barrier_seq_snap is current (entrained
	// or skipped), barrier callbacks not yet invoked.
	BarrierDone, BarrierCnt uint8
	// SRCU per domain: ->srcu_idx & 1 and the lock/unlock counts summed
	// over CPUs per index (srcu_readers_lock_idx(), ..._unlock_idx()).
	SIdx           [2]uint8
	SLock, SUnlock [2][2]uint8
	// TrcNeedEnd is trc_n_readers_need_end minus its initial 1.
	TrcNeedEnd uint8
	Obj        [MaxObjs]uint8
	CBs        [MaxCBs]CB
	IRQLeft    [MaxIRQs]uint8
	Locks      [MaxLocks]uint8 // holder: cpu<<4 | frame level+1; 0 free (PREEMPT_RT spinlock_t: task+1)
	Vars       [MaxVars]uint8  // litmus shared variables
	Regs       [MaxTasks][MaxRegs]uint8
}

// key appends the canonical encoding of s: its bytes (a test asserts
// that State contains only byte-sized fields, so there is no padding),
// sparsely, because most of them are zero (an explored state has ~40
// non-zero bytes of 534) and the checker keeps every state's key: a
// bitmap of the 8-byte groups that hold a non-zero byte, then for each
// such group a bitmap of its non-zero bytes and those bytes. The
// encoding is a function of the bytes and decode inverts it, so equal
// states have equal keys and different states different keys.
func key(s *State, buf []byte) []byte {
	b := stateBytes(s)
	at := len(buf)
	buf = append(buf, make([]byte, keyGroupBytes)...)
	for g := 0; g*8 < len(b); g++ {
		var w uint64
		if g*8+8 <= len(b) {
			w = binary.LittleEndian.Uint64(b[g*8:])
		} else {
			for i, v := range b[g*8:] {
				w |= uint64(v) << (8 * i)
			}
		}
		if w == 0 {
			continue // most groups
		}
		buf[at+g/8] |= 1 << (g % 8)
		buf = append(buf, nonZeroBytes(w))
		for ; w != 0; w >>= 8 {
			if v := byte(w); v != 0 {
				buf = append(buf, v)
			}
		}
	}
	return buf
}

// nonZeroBytes returns the bitmap of w's non-zero bytes (bit i: byte i,
// little-endian).
func nonZeroBytes(w uint64) byte {
	w |= w >> 4
	w |= w >> 2
	w |= w >> 1
	w &= 0x0101010101010101 // bit 8i: byte i was not zero
	return byte(w * 0x0102040810204080 >> 56)
}

// keyGroupBytes is the size of key's bitmap of 8-byte groups.
const keyGroupBytes = (unsafe.Sizeof(State{}) + 63) / 64

// stateBytes is the memory of s.
func stateBytes(s *State) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(s)), unsafe.Sizeof(*s))
}

func running(seq uint8) bool { return seq&1 == 1 }

// snap is rcu_seq_snap(): the sequence value at which a full grace period
// that starts after now has ended.
func snap(seq uint8) uint8 { return (seq + 3) &^ 1 }

func idleTask(c int) int { return MaxTasks + c }

// top returns the top frame of CPU c.
func (s *State) top(c int) *Frame { return &s.C[c].F[s.C[c].N-1] }

// irqsOff: some frame disabled interrupts (hardirq/NMI entry counts as
// one), looking down from the top to the innermost softirq frame, which
// runs with irqs enabled (handle_softirqs() does local_irq_enable()).
func (s *State) irqsOff(c int) bool {
	for i := int(s.C[c].N) - 1; i >= 0; i-- {
		if s.C[c].F[i].IRQOff > 0 {
			return true
		}
		if s.C[c].F[i].Kind == frameSoftirq {
			return false
		}
	}
	return false
}

// preemptBH reports preempt_count() & (PREEMPT_MASK | SOFTIRQ_MASK) != 0.
func (s *State) preemptBH(c int) bool {
	for i := 0; i < int(s.C[c].N); i++ {
		if s.C[c].F[i].Preempt > 0 || s.C[c].F[i].BH > 0 {
			return true
		}
	}
	return false
}

// inHardirq reports in_hardirq(): a hardirq frame that has not yet dropped
// HARDIRQ_OFFSET in irq_exit().
func (s *State) inHardirq(c int) bool {
	for i := 0; i < int(s.C[c].N); i++ {
		f := s.C[c].F[i]
		if f.Kind == frameHardirq && f.Phase != phaseExiting {
			return true
		}
	}
	return false
}

func (s *State) inNMI(c int) bool {
	for i := 0; i < int(s.C[c].N); i++ {
		if s.C[c].F[i].Kind == frameNMI {
			return true
		}
	}
	return false
}

// inInterrupt reports in_interrupt(): hardirq (not one in irq_exit() past
// preempt_count_sub(HARDIRQ_OFFSET)), NMI, softirq, or a bh-disabled
// region (SOFTIRQ_DISABLE_OFFSET is part of SOFTIRQ_MASK).
func (s *State) inInterrupt(c int) bool {
	for i := 0; i < int(s.C[c].N); i++ {
		f := s.C[c].F[i]
		switch {
		case f.Kind == frameHardirq && f.Phase != phaseExiting, f.Kind == frameNMI, f.Kind == frameSoftirq, f.BH > 0:
			return true
		}
	}
	return false
}

// inInterruptRT reports in_interrupt() on PREEMPT_RT, where softirq_count()
// is the current task's softirq_disable_cnt.
func (s *State) inInterruptRT(c int) bool {
	return s.inInterrupt(c) || s.T[s.C[c].Curr].RTBH > 0
}

// inServingSoftirq reports in_serving_softirq(): a softirq handler runs.
func (s *State) inServingSoftirq(c int) bool {
	for i := 0; i < int(s.C[c].N); i++ {
		if s.C[c].F[i].Kind == frameSoftirq {
			return true
		}
	}
	return false
}

// atTaskLevel: only the task frame is on the stack.
func (s *State) atTaskLevel(c int) bool { return s.C[c].N == 1 }

// preemptible: task level with nothing disabled.
func (s *State) preemptible(c int) bool {
	f := s.C[c].F[0]
	return s.C[c].N == 1 && f.Preempt == 0 && f.BH == 0 && f.IRQOff == 0
}

// watching reports whether RCU watches CPU c (not idle/EQS at task level).
func (s *State) watching(c int) bool {
	if s.C[c].N > 1 {
		return true // irq/NMI entry makes RCU watch (ct_irq_enter)
	}
	t := s.C[c].Curr
	return !(int(t) == idleTask(c) || s.T[t].EQS == 1)
}

// decode is the inverse of key: it sets all of s.
func decode(k []byte, s *State) {
	*s = State{}
	b := stateBytes(s)
	groups, k := k[:keyGroupBytes], k[keyGroupBytes:]
	for g := 0; g*8 < len(b); g++ {
		if groups[g/8]&(1<<(g%8)) == 0 {
			continue
		}
		mask := k[0]
		k = k[1:]
		for i := g * 8; mask != 0; i, mask = i+1, mask>>1 {
			if mask&1 != 0 {
				b[i] = k[0]
				k = k[1:]
			}
		}
	}
}
