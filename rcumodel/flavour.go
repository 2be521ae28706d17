package rcumodel

import "github.com/rcureview/rcureview/kernelnames"

// ReaderKind is a kind of read-side critical section: what a task (or an
// interrupt handler) is inside of, as far as grace periods are concerned.
type ReaderKind uint8

// Reader kinds: the columns of the flavour matrix (research/rcu-model.md §4.2).
const (
	KindNone     ReaderKind = iota
	KindRCU                 // rcu_read_lock() with PREEMPT_RCU=y (may be preempted)
	KindAtomic              // preempt/bh/irq-disabled region or handler, RCU watching
	KindAtomicNW            // preempt-disabled region where RCU is not watching (idle entry)
	KindSRCU0               // srcu_read_lock(ss0)
	KindSRCU1               // srcu_read_lock(ss1)
	KindTrace               // rcu_read_lock_trace()
	KindTasks               // Tasks-RCU implicit reader (not at a voluntary switch)
	numKinds
)

var kindNames = [...]string{"none", "rcu_read_lock", "preempt/bh/irq-disabled region",
	"preempt-disabled region with RCU not watching", "srcu_read_lock(ss0)",
	"srcu_read_lock(ss1)", "rcu_read_lock_trace", "Tasks RCU implicit reader"}

// String names the kind as a reviewer would.
func (k ReaderKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind?"
}

// Flavour is a grace-period flavour (an updater-side primitive family).
type Flavour uint8

// Flavours. RCU and RCUExp are the normal and expedited grace periods of the
// same (preemptible) RCU flavour; they differ in machinery, not in readers.
const (
	FlavourRCU Flavour = iota
	FlavourRCUExp
	FlavourSRCU0
	FlavourSRCU1
	FlavourTasks
	FlavourTrace
	FlavourRude
	numFlavours
)

// Wait says whether a grace period waits for a reader kind.
type Wait uint8

// Wait values: the cells of §4.2.
const (
	No       Wait = iota // not guaranteed: the model assumes it does not wait
	Yes                  // guaranteed
	Accident             // holds in 6.12 only as an implementation accident (rcu_trace_implies_rcu_gp())
)

// FlavourInfo is one row of the flavour table: names of the primitives and
// which readers its grace periods wait for. Sources: whatisRCU.rst §8,
// Requirements.rst "Other RCU Flavors", include/linux/rcupdate.h,
// rcupdate_trace.h, srcu.h, kernel/rcu/tasks.h (6.12.117).
type FlavourInfo struct {
	Name        string
	Synchronize string // blocking updater primitive
	Call        string // callback primitive
	Waits       [numKinds]Wait
	// ReaderMaySleep: a reader of the kinds this flavour is built for may
	// block or page-fault.
	ReaderMaySleep bool
}

// Flavours is the flavour table (§4.1/§4.2), the single source of flavour
// semantics: P1 waitsets, the non-tree grace-period holdout sets and P2 all
// read it.
var Flavours = [numFlavours]FlavourInfo{
	FlavourRCU: {Name: "rcu", Synchronize: "synchronize_rcu", Call: "call_rcu",
		Waits: waits(KindRCU, Yes, KindAtomic, Yes)},
	FlavourRCUExp: {Name: "rcu-expedited", Synchronize: "synchronize_rcu_expedited", Call: "",
		Waits: waits(KindRCU, Yes, KindAtomic, Yes)},
	FlavourSRCU0: {Name: "srcu(ss0)", Synchronize: "synchronize_srcu", Call: "call_srcu",
		Waits: waits(KindSRCU0, Yes), ReaderMaySleep: true},
	FlavourSRCU1: {Name: "srcu(ss1)", Synchronize: "synchronize_srcu", Call: "call_srcu",
		Waits: waits(KindSRCU1, Yes), ReaderMaySleep: true},
	FlavourTasks: {Name: "rcu-tasks", Synchronize: "synchronize_rcu_tasks", Call: "call_rcu_tasks",
		Waits: waits(KindTasks, Yes)},
	FlavourTrace: {Name: "rcu-tasks-trace", Synchronize: "synchronize_rcu_tasks_trace", Call: "call_rcu_tasks_trace",
		Waits: waits(KindTrace, Yes, KindRCU, Accident, KindAtomic, Accident), ReaderMaySleep: true},
	FlavourRude: {Name: "rcu-tasks-rude", Synchronize: "synchronize_rcu_tasks_rude", Call: "",
		Waits: waits(KindAtomic, Yes, KindAtomicNW, Yes)},
}

func waits(pairs ...any) [numKinds]Wait {
	var w [numKinds]Wait
	for i := 0; i+1 < len(pairs); i += 2 {
		w[pairs[i].(ReaderKind)] = pairs[i+1].(Wait)
	}
	return w
}

// Waits reports whether flavour f's grace period waits for reader kind k,
// given whether rcu_trace_implies_rcu_gp() is true in the modelled kernel.
func Waits(f Flavour, k ReaderKind, traceImpliesRCU bool) bool {
	switch Flavours[f].Waits[k] {
	case Yes:
		return true
	case Accident:
		return traceImpliesRCU
	}
	return false
}

// String returns the flavour's name.
func (f Flavour) String() string {
	if int(f) < len(Flavours) {
		return Flavours[f].Name
	}
	return "flavour?"
}

// FlavourOf maps a kernel flavour (kernelnames.GPPrimitives) to the
// model's; SRCU maps to the first domain's flavour.
func FlavourOf(f kernelnames.Flavour) Flavour {
	switch f {
	case kernelnames.RCUExpedited:
		return FlavourRCUExp
	case kernelnames.SRCU:
		return FlavourSRCU0
	case kernelnames.Tasks:
		return FlavourTasks
	case kernelnames.TasksTrace:
		return FlavourTrace
	case kernelnames.TasksRude:
		return FlavourRude
	}
	return FlavourRCU
}

// srcuKind maps an SRCU domain index to its reader kind and flavour.
func srcuKind(d int) (ReaderKind, Flavour) {
	if d == 0 {
		return KindSRCU0, FlavourSRCU0
	}
	return KindSRCU1, FlavourSRCU1
}
