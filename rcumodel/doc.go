// Package rcumodel is rcureview's embedded executable model of RCU: an
// explicit-state, sequentially consistent model of a small system (up to 3
// CPUs, 4 tasks, per-CPU interrupt/NMI/probe contexts), the preemptible-RCU
// read side of Linux 6.12.117 and its historical variants, and the RCU
// flavours, checked exhaustively by package check. It follows
// research/rcu-model.md ("Spec for the embedded model", S.1-S.8).
//
// # What is modelled
//
//   - CPUs with a context stack (task, hardirq incl. irq_exit(), NMI,
//     tracepoint probe) and per-frame preempt/bh/irq disable counts;
//     need_resched, RCU_SOFTIRQ pending, the deferred-QS irq_work (queued,
//     self-linked), expedited and resched IPIs; the tick (rcu_sched_clock_irq)
//     unless nohz_full with the tick stopped.
//   - Tasks with rcu_read_lock_nesting, rcu_read_unlock_special bits,
//     blocked-tasks membership (gp_tasks/exp_tasks), boosting, Tasks Trace
//     nesting, SRCU holds, priorities, voluntary sleep, and references to
//     objects obtained by rcu_dereference().
//   - Tree RCU normal and expedited grace periods operationally (qsmask,
//     expmask, blkd_tasks, FQS resched_cpu(), rcu_initiate_boost(),
//     rcu_boost()); SRCU, Tasks, Tasks Trace (with the synchronize_rcu() of
//     rcu_tasks_trace_postscan()) and Tasks Rude grace periods from the
//     flavour table (Flavours); callbacks, including chained ones.
//   - rcu_read_unlock_special() and the deferred-QS machinery as selected by
//     a Profile (v5.2, v6.12.0, rcu-next-2025-07, v6.17-rc1, v6.17,
//     v6.12.117); every read-side primitive is executed from an Effects
//     summary, so a patch that changes a primitive changes the model.
//
// Each transition is named after the kernel function it models, with the
// file it lives in (kernel/rcu/tree_plugin.h, tree_exp.h, tree.c, tasks.h,
// srcutree.c, kernel/softirq.c).
//
// # Properties
//
// Safety: P1 grace-period guarantee (checked against an oracle computed from
// the flavour table, independent of the GP implementation), P2 use after free,
// P3 context rules, P4 self-deadlock on rq/pi locks, P5a context-stack
// overflow (unbounded recursion). Liveness under weak fairness (ticks,
// kthreads, tasks, softirqs are fair; device interrupts and wakeup
// preemption by equal-priority tasks are not): L1 every GP ends, L2 every
// deferred QS is reported, L3 every boosted task is deboosted, P5b no CPU
// does forced interrupt-level work forever. Rule IDs are in Properties.
//
// # Scenarios
//
// Scenarios are text (package scenario documents the format) or built in
// memory (scenario.New, templates such as ExpeditedReaderScenario). The
// validation scenarios V1-V12 of the spec, in failing and fixed variants,
// are embedded (List, Load). Check explores a scenario and returns a Result
// with per-property verdicts; counterexamples print as per-CPU column tables
// (Result.Table), JSON lines (Result.JSONLines) or findings (Violation.Finding).
//
// # Not modelled
//
// Weak memory ordering (delegated to LKMM/herd7), CPU hotplug, callback
// overload and rcu_barrier(), the rcu_node tree above one leaf, SRCU's
// counter flips, Tasks RCU's holdout scan details, real time (a "boost delay
// elapsed" event stands for CONFIG_RCU_BOOST_DELAY).
package rcumodel
