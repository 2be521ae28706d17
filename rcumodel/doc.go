// Package rcumodel is rcureview's embedded executable model of RCU: an
// explicit-state, sequentially consistent model of a small system (up to 3
// CPUs, 4 tasks, per-CPU interrupt/NMI/softirq/probe contexts), the
// preemptible-RCU read side of Linux 6.12.117 and its historical variants,
// and the RCU flavours, checked exhaustively by package check. It follows
// research/rcu-model.md ("Spec for the embedded model", S.1-S.8) and reads
// side by side with kernel/rcu/ of 6.12: each transition is named after the
// kernel function it models, with the file it lives in.
//
// # What is modelled
//
//   - CPUs with a context stack (task, hardirq incl. irq_exit(), NMI,
//     softirq, tracepoint probe) and per-frame preempt/bh/irq disable
//     counts; in_interrupt() counts softirq and bh-disabled code, softirq
//     handlers run with irqs enabled from irq_exit(), local_bh_enable() and
//     ksoftirqd (kernel/softirq.c handle_softirqs()); need_resched,
//     RCU_SOFTIRQ, the deferred-QS irq_work (queued, self-linked),
//     expedited and resched IPIs; the tick (rcu_sched_clock_irq()), its
//     dependency bits (TICK_DEP_BIT_RCU_EXP, and TICK_DEP_BIT_RCU set by
//     __rcu_irq_enter_check_tick() for an rcu_urgent_qs nohz_full holdout).
//   - Tracepoint probes run under the guard the tracepoint implementation
//     takes (Tracepoint: 6.12's __DO_TRACE() preempt_disable_notrace(), or
//     what a patch puts there, read by rcueffects.TracepointGuard); ftrace
//     callbacks under ftrace_test_recursion_trylock()'s preempt_disable.
//   - Tasks with rcu_read_lock_nesting, rcu_read_unlock_special bits, the
//     leaf rcu_node they are queued on (gp_tasks/exp_tasks), boosting, Tasks
//     Trace nesting with the unlock's INT_MIN window and need_qs, SRCU
//     readers with the index they read, priorities, voluntary sleep, user
//     mode, the CPU they run on (migration by the load balancer for tasks
//     with cpus=), and references obtained by rcu_dereference().
//   - The rcu_node tree (rcu_fanout_leaf): leaves under a root, ->qsmask
//     propagation (rcu_report_qs_rnp(), rcu_report_unblock_qs_rnp()),
//     rcu_gp_init()'s ONOFF and INIT phases with ->qsmaskinit,
//     ->qsmaskinitnext and ->wait_blkd_tasks, per-leaf boosting
//     (rcu_initiate_boost(), rcu_boost()); normal and expedited grace
//     periods (FQS extended-QS detection, resched_cpu(), rcu_urgent_qs;
//     expedited IPIs, offline CPUs reported for).
//   - CPU hotplug: takedown_cpu()/take_cpu_down() (tasks migrate, cpu_online
//     false), rcutree_report_cpu_dead(), rcutree_migrate_callbacks();
//     per-CPU FIFO callback lists (rcu_do_batch()), rcu_barrier() with
//     rcu_barrier_entrain().
//   - Idle and user extended QS (ct_idle_enter, ct_user_enter on nohz_full
//     CPUs), irq and NMI from idle (rcu_is_cpu_rrupt_from_idle()), the tick
//     from user space (rcu_qs(), Tasks-RCU QS).
//   - SRCU as srcutree.c has it: srcu_idx read then per-index lock/unlock
//     counts, SCAN1/srcu_flip()/SCAN2; NMI-safe and SRCU-fast readers; on
//     architectures without NMI-safe this_cpu ops, this_cpu_inc() as a load
//     and a store an NMI can fall between. Tasks Trace: per-task inspection
//     (trc_inspect_reader()/trc_read_check_handler()), need_qs,
//     trc_n_readers_need_end, rcu_tasks_trace_postscan()'s synchronize_rcu().
//     Tasks and Tasks Rude grace periods from holdout sets derived from the
//     flavour table (Flavours); callbacks, including chained ones.
//   - PREEMPT_RT: spinlock_t as an rt_mutex (rcu_read_lock() inside, a
//     contended lock blocks and counts as preemption), preemptible
//     bh-disabled regions that are RCU readers, callbacks in rcuc/N,
//     non-hard irq_work in irq_work/N.
//   - rcu_read_unlock_special() and the deferred-QS machinery as selected by
//     a Profile (v3.0-rc, v3.0, v5.2, v6.12.0, rcu-next-2025-07, v6.17-rc1,
//     v6.17, v6.12.117); every read-side primitive is executed from an
//     Effects summary, so a patch that changes a primitive changes the model.
//
// Knobs that turn a fix off (config gp_init_reports_wait_blkd,
// fqs_reports_empty_leaf, exp_tick_dep_online, migrate_entrains_barrier,
// forced_tick, tasks_nohz_full_user_qs, trc_retry_exiting,
// rtlock_wait_is_preempt, ...) reproduce the historical bugs the embedded
// scenarios cite by fix commit.
//
// # Properties
//
// Safety: P1 grace-period guarantee (checked against an oracle computed from
// the flavour table, independent of the GP implementation; interrupt,
// softirq and probe code are readers by context), P2 use after free, P3
// context rules, P4 self-deadlock on rq/pi/scenario locks, P5a context-stack
// overflow (unbounded recursion). Liveness under weak fairness (ticks,
// kthreads, tasks, softirqs are fair; device interrupts, migration and
// wakeup preemption by equal-priority tasks are not): L1 every GP ends, L2
// every deferred QS is reported, L3 every boosted task is deboosted, P5b no
// CPU does forced interrupt-level work forever. Rule IDs are in Properties.
// A counterexample that violates several properties is one trace
// (Violation.Also).
//
// # Scenarios
//
// Scenarios are text (package scenario documents the format; the
// operations are listed in the unknown-operation error and the knobs in the
// unknown-knob error) or built in memory (scenario.New, templates such as
// ExpeditedReaderScenario and ReentryScenario). The embedded scenarios (List,
// Load) are the validation scenarios V1-V12 of the spec and, per model area,
// historical bugs before and after their fix. Check explores a scenario
// within bounds (Options; DefaultMaxStates, DefaultMaxBytes: "no verdict"
// when one is reached) and returns a Result with per-property verdicts;
// counterexamples print as per-CPU column tables (Result.Table), JSON lines
// (Result.JSONLines) or findings (Violation.Finding).
//
// # Limits
//
// Weak memory ordering is not modelled (the LKMM is package lkmm's job):
// every step is sequentially consistent, so barriers, SRCU's smp_mb()
// pairing and SRCU-fast's reliance on synchronize_rcu() are invisible.
// Time is abstract: "eventually" stands for jiffies, CONFIG_RCU_BOOST_DELAY,
// jiffies_till_sched_qs and the FQS period, so a bug that is a latency (the
// boot-time pile-up of f596e2ce1c0f) is not a verdict. Bounds: 3 CPUs, 4
// tasks, 3 objects, 4 callbacks, 2 SRCU domains, 2 scenario softirqs and 2
// scenario locks, a context stack of 5 frames; small counters wrap.
// Structure abstracted: ->blkd_tasks is a set of per-task bits, not the
// ordered list (the kernel may make a GP wait for a task that does not
// strictly block it; the model does not); the expedited GP's ->expmask is
// per CPU with no root propagation; qsmask/NoQS folds rcu_qs() and the
// report to the leaf; the idle loop reports a normal GP's QS at idle entry
// and the first FQS scan at GP start; the SRCU lock/unlock counts are summed
// over CPUs (a migrating SRCU reader is counted right); Tasks RCU's holdout
// scan is the flavour table's reader set, without the nvcsw snapshot and
// the exit-list; Tasks Trace's per-CPU blocked lists are folded into the
// per-task inspection. Contexts abstracted: a probe frame is never preempted
// (a preemptible guard such as rcu_read_lock_notrace() keeps the probe a
// reader but not preemptible in the model); ftrace's per-context
// recursion protection (trace_test_and_set_recursion()) is not modelled, so
// a scenario's probe on "ftrace:FUNC" that calls FUNC nests until the
// context stack overflows; only the tracepoints
// the model fires itself (softirq_raise, tick_stop) and the scenario's own
// can carry probes; the IPI tracepoints are not fired (irq_work to the own
// CPU sends none on x86). Hotplug: one CPU offlined at a time, never
// onlined again; CPU online, NOCB offloading, callback overload, lazy
// callbacks, polled GP APIs and rcu_barrier_tasks*() are not modelled. On
// PREEMPT_RT the rt_mutex's priority inheritance and the per-CPU
// softirq_ctrl local lock between tasks are not modelled, and ksoftirqd runs
// handlers on top of the preempted task's frame. The legacy v3.0 profiles
// model rcu_read_unlock_special() only; their flavours were separate
// (rcu_bh, rcu_sched), which the P1 oracle does not encode, so those
// scenarios check P4 and L1 only.
package rcumodel
