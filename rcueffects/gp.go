package rcueffects

import "github.com/rcureview/rcureview/rcumodel"

// GPWait is an update-side primitive that waits for (or defers to) a
// grace period of a flavour.
type GPWait struct {
	Flavour rcumodel.Flavour
	// Call: the primitive queues a callback (call_rcu(), kfree_rcu(), …)
	// instead of blocking; Barrier: it waits for callbacks, not a GP.
	Call, Barrier bool
}

// GPWaits lists the update-side primitives of every flavour (6.12:
// include/linux/rcupdate.h, rcupdate_trace.h, srcu.h, rcupdate_wait.h).
var GPWaits = map[string]GPWait{
	"synchronize_rcu": {Flavour: rcumodel.FlavourRCU}, "synchronize_rcu_expedited": {Flavour: rcumodel.FlavourRCUExp},
	"synchronize_net": {Flavour: rcumodel.FlavourRCU},
	"call_rcu":        {Flavour: rcumodel.FlavourRCU, Call: true}, "call_rcu_hurry": {Flavour: rcumodel.FlavourRCU, Call: true},
	"kfree_rcu": {Flavour: rcumodel.FlavourRCU, Call: true}, "kvfree_rcu": {Flavour: rcumodel.FlavourRCU, Call: true},
	"kfree_rcu_mightsleep": {Flavour: rcumodel.FlavourRCU, Call: true}, "kvfree_rcu_mightsleep": {Flavour: rcumodel.FlavourRCU, Call: true},
	"rcu_barrier":      {Flavour: rcumodel.FlavourRCU, Barrier: true},
	"synchronize_srcu": {Flavour: rcumodel.FlavourSRCU0}, "synchronize_srcu_expedited": {Flavour: rcumodel.FlavourSRCU0},
	"call_srcu": {Flavour: rcumodel.FlavourSRCU0, Call: true}, "srcu_barrier": {Flavour: rcumodel.FlavourSRCU0, Barrier: true},
	"synchronize_rcu_tasks": {Flavour: rcumodel.FlavourTasks}, "call_rcu_tasks": {Flavour: rcumodel.FlavourTasks, Call: true},
	"synchronize_rcu_tasks_trace": {Flavour: rcumodel.FlavourTrace}, "call_rcu_tasks_trace": {Flavour: rcumodel.FlavourTrace, Call: true},
	"rcu_barrier_tasks_trace":    {Flavour: rcumodel.FlavourTrace, Barrier: true},
	"synchronize_rcu_tasks_rude": {Flavour: rcumodel.FlavourRude},
}
