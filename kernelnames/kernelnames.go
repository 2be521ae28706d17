// Package kernelnames is the one table of the Linux kernel names that
// rcureview recognises by name (6.12: include/linux/rcupdate.h,
// rcupdate_trace.h, rcupdate_wait.h, srcu.h, preempt.h, bottom_half.h,
// irqflags.h, bug.h, tracepoint.h, cleanup.h): grace-period waits and their
// flavours, callback-queueing primitives, read-side primitives and the
// guard classes that open read-side sections, the preempt/bh/irq
// primitives, the WARN/BUG family and the macros the tracepoint guard is
// read from.
//
// It is a leaf: it imports nothing of rcureview. The model (rcumodel) maps
// its flavours onto the model's, the effect summaries (rcueffects), the
// protection map (rcumap) and the analyzers read these tables instead of
// keeping their own lists, and rcumodel's tests check that the model's
// flavour and primitive tables agree with them.
package kernelnames

// Flavour is a grace-period flavour as the kernel's API names it. The model
// (rcumodel.Flavour) further splits SRCU by domain.
type Flavour uint8

// Flavours, in the order of rcumodel's flavour table.
const (
	RCU          Flavour = iota // synchronize_rcu(), call_rcu()
	RCUExpedited                // synchronize_rcu_expedited()
	SRCU                        // synchronize_srcu(), call_srcu()
	Tasks                       // synchronize_rcu_tasks(), call_rcu_tasks()
	TasksTrace                  // synchronize_rcu_tasks_trace(), call_rcu_tasks_trace()
	TasksRude                   // synchronize_rcu_tasks_rude()
	NumFlavours
)

var flavourNames = [...]string{"rcu", "rcu-expedited", "srcu", "rcu-tasks", "rcu-tasks-trace", "rcu-tasks-rude"}

// String names the flavour.
func (f Flavour) String() string {
	if int(f) < len(flavourNames) {
		return flavourNames[f]
	}
	return "flavour?"
}

// GPKind says how an update-side primitive relates to a grace period.
type GPKind uint8

// Update-side primitive kinds.
const (
	GPWait    GPKind = iota // blocks until a grace period has elapsed
	GPCall                  // queues a callback (or a free) to run after one
	GPBarrier               // waits for the callbacks already queued, not for a grace period
)

// GPPrimitive is one update-side primitive.
type GPPrimitive struct {
	Flavour Flavour
	Kind    GPKind
	// Frees: the primitive frees its object after the grace period itself
	// (kfree_rcu() and its kin take no callback function).
	Frees bool
	// MaySleep: a GPCall primitive that may nevertheless block
	// (kvfree_rcu_mightsleep() falls back to synchronize_rcu()).
	MaySleep bool
}

// GPPrimitives lists the update-side primitives of every flavour (6.12:
// include/linux/rcupdate.h, rcupdate_trace.h, srcu.h, rcupdate_wait.h,
// include/linux/workqueue.h). Names that merely start with synchronize_
// (synchronize_irq(), synchronize_hardirq()) are not here: they wait for
// handlers, not for a grace period.
var GPPrimitives = map[string]GPPrimitive{
	"synchronize_rcu":           {Flavour: RCU},
	"synchronize_net":           {Flavour: RCU},
	"synchronize_rcu_expedited": {Flavour: RCUExpedited},
	"call_rcu":                  {Flavour: RCU, Kind: GPCall},
	"call_rcu_hurry":            {Flavour: RCU, Kind: GPCall},
	"kfree_rcu":                 {Flavour: RCU, Kind: GPCall, Frees: true},
	"kvfree_rcu":                {Flavour: RCU, Kind: GPCall, Frees: true},
	"kfree_rcu_mightsleep":      {Flavour: RCU, Kind: GPCall, Frees: true, MaySleep: true},
	"kvfree_rcu_mightsleep":     {Flavour: RCU, Kind: GPCall, Frees: true, MaySleep: true},
	// kvfree_call_rcu(head, ptr) is what kvfree_rcu() expands to; with a
	// NULL head it may block like kvfree_rcu_mightsleep().
	"kvfree_call_rcu":             {Flavour: RCU, Kind: GPCall, Frees: true, MaySleep: true},
	"rcu_barrier":                 {Flavour: RCU, Kind: GPBarrier},
	"synchronize_srcu":            {Flavour: SRCU},
	"synchronize_srcu_expedited":  {Flavour: SRCU},
	"call_srcu":                   {Flavour: SRCU, Kind: GPCall},
	"srcu_barrier":                {Flavour: SRCU, Kind: GPBarrier},
	"synchronize_rcu_tasks":       {Flavour: Tasks},
	"call_rcu_tasks":              {Flavour: Tasks, Kind: GPCall},
	"synchronize_rcu_tasks_trace": {Flavour: TasksTrace},
	"call_rcu_tasks_trace":        {Flavour: TasksTrace, Kind: GPCall},
	"rcu_barrier_tasks_trace":     {Flavour: TasksTrace, Kind: GPBarrier},
	"synchronize_rcu_tasks_rude":  {Flavour: TasksRude},
	// cond_synchronize_*() waits unless a grace period elapsed since the
	// cookie; queue_rcu_work() runs its work after a grace period.
	"cond_synchronize_rcu":           {Flavour: RCU},
	"cond_synchronize_rcu_full":      {Flavour: RCU},
	"cond_synchronize_rcu_expedited": {Flavour: RCUExpedited},
	"queue_rcu_work":                 {Flavour: RCU, Kind: GPCall},
}

// IsUpdate reports whether name waits for a grace period or queues work
// after one (the update-side primitives that are not barriers).
func IsUpdate(name string) bool {
	p, ok := GPPrimitives[name]
	return ok && p.Kind != GPBarrier
}

// Section is the kind of a read-side critical section (or of an atomic
// region, which is an RCU reader of the consolidated flavour).
type Section uint8

// Section kinds.
const (
	SecNone  Section = iota
	SecRCU           // rcu_read_lock()
	SecBH            // rcu_read_lock_bh(), local_bh_disable()
	SecSched         // rcu_read_lock_sched(), preempt_disable()
	SecIRQ           // local_irq_disable()/save()
	SecSRCU          // srcu_read_lock(ss)
	SecTrace         // rcu_read_lock_trace()
	NumSections
)

// SectionPrim is a primitive that opens (Delta +1) or closes (-1) a
// read-side section or an atomic region.
type SectionPrim struct {
	Kind  Section
	Delta int8
}

// SectionPrims lists the read-side primitives and the preempt/bh/irq
// primitives and locks that open or close a section, by name. Other calls
// are classified by their effect summary.
var SectionPrims = map[string]SectionPrim{
	"rcu_read_lock": {SecRCU, 1}, "rcu_read_unlock": {SecRCU, -1},
	"rcu_read_lock_bh": {SecBH, 1}, "rcu_read_unlock_bh": {SecBH, -1},
	"rcu_read_lock_sched": {SecSched, 1}, "rcu_read_unlock_sched": {SecSched, -1},
	"rcu_read_lock_sched_notrace": {SecSched, 1}, "rcu_read_unlock_sched_notrace": {SecSched, -1},
	"rcu_read_lock_trace": {SecTrace, 1}, "rcu_read_unlock_trace": {SecTrace, -1},
	"srcu_read_lock": {SecSRCU, 1}, "srcu_read_unlock": {SecSRCU, -1},
	"srcu_read_lock_nmisafe": {SecSRCU, 1}, "srcu_read_unlock_nmisafe": {SecSRCU, -1},
	"srcu_read_lock_notrace": {SecSRCU, 1}, "srcu_read_unlock_notrace": {SecSRCU, -1},
	"srcu_read_lock_fast": {SecSRCU, 1}, "srcu_read_unlock_fast": {SecSRCU, -1},
	"srcu_down_read": {SecSRCU, 1}, "srcu_up_read": {SecSRCU, -1},
	"preempt_disable": {SecSched, 1}, "preempt_enable": {SecSched, -1},
	"preempt_disable_notrace": {SecSched, 1}, "preempt_enable_notrace": {SecSched, -1},
	"preempt_enable_no_resched": {SecSched, -1}, "preempt_enable_no_resched_notrace": {SecSched, -1},
	"get_cpu": {SecSched, 1}, "put_cpu": {SecSched, -1},
	"local_bh_disable": {SecBH, 1}, "local_bh_enable": {SecBH, -1},
	"local_irq_disable": {SecIRQ, 1}, "local_irq_enable": {SecIRQ, -1},
	"local_irq_save": {SecIRQ, 1}, "local_irq_restore": {SecIRQ, -1},
	"raw_spin_lock": {SecSched, 1}, "raw_spin_unlock": {SecSched, -1},
	"raw_spin_lock_irqsave": {SecIRQ, 1}, "raw_spin_unlock_irqrestore": {SecIRQ, -1},
	"raw_spin_lock_irq": {SecIRQ, 1}, "raw_spin_unlock_irq": {SecIRQ, -1},
	"spin_lock_bh": {SecBH, 1}, "spin_unlock_bh": {SecBH, -1},
}

// GuardClasses maps guard(x)() / scoped_guard(x) class names to the
// section they open (include/linux/rcupdate.h, preempt.h, irqflags.h,
// spinlock.h, rcupdate_trace.h, srcu.h DEFINE_LOCK_GUARD_*).
var GuardClasses = map[string]Section{
	"rcu": SecRCU, "srcu": SecSRCU, "preempt": SecSched, "preempt_notrace": SecSched,
	"irq": SecIRQ, "irqsave": SecIRQ, "raw_spinlock": SecSched, "raw_spinlock_irq": SecIRQ,
	"raw_spinlock_irqsave": SecIRQ, "rcu_tasks_trace": SecTrace,
}

// GuardMacros are the scope-based guard macros of include/linux/cleanup.h.
var GuardMacros = map[string]bool{"guard": true, "scoped_guard": true, "scoped_cond_guard": true, "CLASS": true}

// ReaderPrims are the canonical lock and unlock primitive of each section
// kind: what the model runs for a reader of that kind.
var ReaderPrims = map[Section][2]string{
	SecRCU: {"rcu_read_lock", "rcu_read_unlock"}, SecTrace: {"rcu_read_lock_trace", "rcu_read_unlock_trace"},
	SecSRCU: {"srcu_read_lock", "srcu_read_unlock"}, SecBH: {"rcu_read_lock_bh", "rcu_read_unlock_bh"},
	SecSched: {"rcu_read_lock_sched", "rcu_read_unlock_sched"}, SecIRQ: {"local_irq_disable", "local_irq_enable"},
}

// Disable is the change a primitive makes to the preempt, bh and irq
// disable counts (+1 disables, -1 enables).
type Disable struct{ Preempt, BH, IRQ int8 }

// DisablePrims lists the preempt/bh/irq primitives themselves (wrappers
// such as rcu_read_lock_bh() are summarised through their bodies).
var DisablePrims = map[string]Disable{
	"preempt_disable": {Preempt: 1}, "preempt_enable": {Preempt: -1},
	"preempt_disable_notrace": {Preempt: 1}, "preempt_enable_notrace": {Preempt: -1},
	"preempt_enable_no_resched": {Preempt: -1}, "preempt_enable_no_resched_notrace": {Preempt: -1},
	"local_bh_disable": {BH: 1}, "local_bh_enable": {BH: -1},
	"local_irq_disable": {IRQ: 1}, "local_irq_enable": {IRQ: -1},
	"local_irq_save": {IRQ: 1}, "local_irq_restore": {IRQ: -1},
	"raw_local_irq_disable": {IRQ: 1}, "raw_local_irq_enable": {IRQ: -1},
	"raw_local_irq_save": {IRQ: 1}, "raw_local_irq_restore": {IRQ: -1},
}

// WarnBug is the WARN/BUG family (include/asm-generic/bug.h): reports
// that fire only when the kernel is already broken, through a trap that
// objtool and the tracers treat as out of line.
var WarnBug = map[string]bool{
	"WARN": true, "WARN_ON": true, "WARN_ON_ONCE": true, "WARN_ONCE": true, "WARN_RATELIMIT": true,
	"WARN_TAINT": true, "WARN_TAINT_ONCE": true, "WARN_ON_FUNCTION_MISMATCH": true,
	"BUG": true, "BUG_ON": true,
}

// LockdepWarn are lockdep's RCU reports (include/linux/rcupdate.h,
// kernel/locking/lockdep.c): like WarnBug, they print only on a bug.
var LockdepWarn = map[string]bool{"RCU_LOCKDEP_WARN": true, "lockdep_rcu_suspicious": true}

// NoReturn are the kernel's functions and macros that never return
// (declared __noreturn, or expanding to a trap).
var NoReturn = map[string]bool{
	"panic": true, "BUG": true, "do_exit": true, "make_task_dead": true, "kthread_exit": true,
	"machine_halt": true, "machine_power_off": true, "emergency_restart": true, "unreachable": true,
	"__builtin_unreachable": true, "__builtin_trap": true, "cpu_startup_entry": true, "nmi_panic": true,
}

// TracepointMacros are the macros the tracepoint guard is read from, in
// order of preference: 6.12's __DO_TRACE() (include/linux/tracepoint.h)
// and, where a kernel calls __DO_TRACE_CALL() from __DECLARE_TRACE()
// directly (later kernels), that one.
var TracepointMacros = []string{"__DO_TRACE", "__DECLARE_TRACE", "__DECLARE_TRACE_SYSCALL"}

// TracepointCall is the macro __DO_TRACE() calls the probes through.
const TracepointCall = "__DO_TRACE_CALL"

// SlabTypesafeByRCU is the kmem_cache flag (include/linux/slab.h) whose
// caches free their slabs only after a grace period: an object freed with
// kmem_cache_free() may be reused at once for another object of its type,
// but its memory stays of that type for readers that began before. The
// flavour of that grace period is read from the slab allocator's code
// (SlabAllocatorDir): the callback primitive it calls when a cache has
// the flag.
const SlabTypesafeByRCU = "SLAB_TYPESAFE_BY_RCU"

// SlabAllocatorDir holds the slab allocator (mm/slub.c in 6.12).
const SlabAllocatorDir = "mm/"

// CacheConstructors are the kmem_cache constructors whose arguments carry
// the cache's flags (include/linux/slab.h, mm/slab_common.c).
var CacheConstructors = map[string]bool{
	"kmem_cache_create": true, "kmem_cache_create_usercopy": true, "__kmem_cache_create_args": true,
	"KMEM_CACHE": true, "KMEM_CACHE_USERCOPY": true,
}

// CacheFree are the primitives that return one object to its kmem_cache
// (first argument the cache, second the object).
var CacheFree = map[string]bool{"kmem_cache_free": true}

// ProbeRegisterPrefix starts the per-event probe registration functions
// __DECLARE_TRACE() defines (register_trace_<event>(probe, data),
// register_trace_prio_<event>(probe, data, prio)): the probe is their
// first argument. unregister_trace_<event>() does not match.
const ProbeRegisterPrefix = "register_trace_"

// ProbeRegister are the other tracepoint probe registrations
// (kernel/tracepoint.c) with the index of their probe argument.
var ProbeRegister = map[string]int{
	"tracepoint_probe_register": 1, "tracepoint_probe_register_prio": 1, "tracepoint_probe_register_prio_may_exist": 1,
}

// NMIRegister are the NMI handler registrations with the index of their
// handler argument (arch/x86/include/asm/nmi.h register_nmi_handler(type,
// fn, flags, name)): the handler runs in NMI context.
var NMIRegister = map[string]int{"register_nmi_handler": 1}
