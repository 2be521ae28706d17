package rcueffects

import (
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcumodel"
)

// GPWait is an update-side primitive that waits for (or defers to) a
// grace period of a flavour.
type GPWait struct {
	Flavour rcumodel.Flavour
	// Call: the primitive queues a callback (call_rcu(), kfree_rcu(), …)
	// instead of blocking; Barrier: it waits for callbacks, not a GP.
	Call, Barrier bool
}

// GPWaits lists the update-side primitives of every flavour, from the
// kernel name table (kernelnames.GPPrimitives) with the model's flavours.
var GPWaits = gpWaits()

func gpWaits() map[string]GPWait {
	m := make(map[string]GPWait, len(kernelnames.GPPrimitives))
	for n, p := range kernelnames.GPPrimitives {
		m[n] = GPWait{Flavour: rcumodel.FlavourOf(p.Flavour), Call: p.Kind == kernelnames.GPCall, Barrier: p.Kind == kernelnames.GPBarrier}
	}
	return m
}

// AccessKind says what an RCU primitive does with the location it names.
type AccessKind uint8

// Access kinds.
const (
	AccessNone    AccessKind = iota
	AccessRead               // rcu_dereference*(), srcu_dereference*(), the _rcu list iterators and list_entry_rcu(): needs a reader
	AccessRawRead            // rcu_dereference_raw*(): a read lockdep does not check
	AccessPeek               // rcu_access_pointer(): no dereference, no reader needed
	AccessUpdate             // rcu_dereference_protected(): the update side's read under its lock
	AccessPublish            // rcu_assign_pointer(), RCU_INIT_POINTER(), rcu_replace_pointer(), list_add*_rcu(), *_replace_rcu()
	AccessRemove             // list_del_rcu(), hlist_del*_rcu(): unlinks an element readers may still hold
)

var accessNames = [...]string{"", "read", "raw read", "peek", "update-side read", "publish", "remove"}

// String names the access kind.
func (k AccessKind) String() string {
	if int(k) < len(accessNames) {
		return accessNames[k]
	}
	return "access?"
}

// Access classifies an RCU primitive by its name (include/linux/rcupdate.h,
// rculist.h, rculist_nulls.h, rculist_bl.h, srcu.h of 6.12).
func Access(name string) AccessKind {
	switch name {
	case "rcu_access_pointer":
		return AccessPeek
	case "rcu_assign_pointer", "RCU_INIT_POINTER", "rcu_replace_pointer", "rcu_replace_pointer_rcu":
		return AccessPublish
	}
	if strings.Contains(name, "dereference") {
		switch {
		case strings.Contains(name, "protected"):
			return AccessUpdate
		case strings.Contains(name, "_raw"):
			return AccessRawRead
		case strings.HasPrefix(name, "rcu_dereference") || strings.HasPrefix(name, "srcu_dereference"):
			return AccessRead
		}
		return AccessNone
	}
	if !(strings.HasPrefix(name, "list_") || strings.HasPrefix(name, "hlist_")) ||
		!(strings.HasSuffix(name, "_rcu") || strings.HasSuffix(name, "_srcu")) {
		return AccessNone
	}
	switch {
	case strings.Contains(name, "for_each_entry") || strings.Contains(name, "_entry_rcu") ||
		strings.Contains(name, "_or_null_rcu"):
		return AccessRead
	case strings.Contains(name, "_del"):
		return AccessRemove
	case strings.Contains(name, "_add") || strings.Contains(name, "_replace"):
		return AccessPublish
	}
	return AccessNone
}

// ReadNeedsReader reports whether lockdep (PROVE_RCU) checks that a read
// primitive runs inside a reader with no condition of its own:
// rcu_dereference(), rcu_dereference_bh() and rcu_dereference_sched().
// The _check forms, srcu_dereference() and wrappers such as
// rcu_dereference_rtnl() name their own condition; the list iterators are
// checked only with CONFIG_PROVE_RCU_LIST, and update-side code walks
// lists with them under its lock.
func ReadNeedsReader(name string) bool {
	switch name {
	case "rcu_dereference", "rcu_dereference_bh", "rcu_dereference_sched":
		return true
	}
	return false
}
