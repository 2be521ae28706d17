package ruledoc

import "github.com/rcureview/rcureview/finding"

// readerDocs documents the static RCU reader and updater rules.
func readerDocs() map[string]Doc {
	return map[string]Doc{
		finding.RuleGPFlavorMismatch: {
			Meaning: "An updater frees (or reuses) data after waiting for a grace period of " +
				"one RCU flavour, but some reader of that data is a reader of another " +
				"flavour that this grace period does not wait for: for example data read " +
				"under rcu_read_lock_trace() and freed with call_rcu(). rcureview checks " +
				"the tree-wide protection map of every location a patch touches: readers " +
				"and retire paths in any file, the sections callers, guards and macros " +
				"open, callbacks followed through their chains (\"rcureview rcu-map " +
				"FIELD\" prints a location's readers and retire paths). A note says when " +
				"coverage holds only because rcu_trace_implies_rcu_gp() is true.",
			Why: "Each flavour's grace period waits only for its own readers (with a few " +
				"documented implications such as rcu_trace_implies_rcu_gp()). A mismatch is " +
				"a use-after-free that no test catches until a reader sleeps at the wrong " +
				"moment. BPF had this with inner maps used by sleepable (Tasks Trace) and " +
				"non-sleepable (RCU) programs: CVE-2023-52447.",
			Refs: []Ref{
				{File: "kernel/bpf/map_in_map.c", Symbol: "free_after_mult_rcu_gp",
					Note: "inner maps are freed after both an RCU and a Tasks Trace grace period"},
				{Commit: "876673364161 (\"bpf: Defer the free of inner map when necessary\")",
					Note: "CVE-2023-52447; depends on e6c86c513f44 (\"rcu-tasks: Provide rcu_trace_implies_rcu_gp()\")"},
				{File: "kernel/tracepoint.c", Symbol: "release_probes",
					Note: "faultable (syscall) tracepoints need call_rcu_tasks_trace(), not call_rcu()"},
			},
			Fix: "Wait for a grace period of every flavour whose readers can see the " +
				"object: chain call_rcu_tasks_trace() with call_rcu() (skipping the second " +
				"when rcu_trace_implies_rcu_gp()), use synchronize_rcu_mult(), or change the " +
				"readers to the flavour the updater waits for.",
			Example: `	/* reader: sleepable BPF program */
	rcu_read_lock_trace();
	p = rcu_dereference_check(gp, rcu_read_lock_trace_held());
	...
	/* updater */
	rcu_assign_pointer(gp, new);
	call_rcu(&old->rcu, free_old);	/* misses the reader */
	/* fix: */
	call_rcu_tasks_trace(&old->rcu, free_old);`,
		},
		finding.RuleSleepInReader: {
			Meaning: "Code inside an RCU reader that must not block (rcu_read_lock(), " +
				"rcu_read_lock_bh(), rcu_read_lock_sched() or a preempt/irq-disabled " +
				"region used as one) may sleep: a mutex, a GFP_KERNEL allocation, " +
				"might_sleep(), schedule(), cond_resched().",
			Why: "A voluntary context switch inside an RCU reader is a bug: with " +
				"CONFIG_PREEMPT_RCU it can block grace periods indefinitely, without it " +
				"it ends the reader early and the data it uses may be freed. The kernel " +
				"warns \"Voluntary context switch within RCU read-side critical section!\" " +
				"and lockdep's rcu_sleep_check() complains - but only on the path a test " +
				"happened to run.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "Voluntary context switch within RCU read-side critical section",
					Note: "rcu_note_context_switch() warns when a reader sleeps"},
				{File: "include/linux/rcupdate.h", Symbol: "rcu_sleep_check",
					Note: "the lockdep check behind might_sleep() inside readers"},
				{File: "Documentation/RCU/whatisRCU.rst", Symbol: "It is illegal to block while in an RCU read-side",
					Note: "the rule for non-sleepable flavours (SRCU and Tasks Trace readers may sleep)"},
			},
			Fix: "Move the sleeping call out of the reader (take a reference with " +
				"refcount_inc_not_zero() and drop the reader), use a non-sleeping variant " +
				"(GFP_ATOMIC/GFP_NOWAIT, spinlock), or use a sleepable flavour (SRCU, " +
				"Tasks Trace) for readers that must sleep.",
			Example: `	rcu_read_lock();
	p = rcu_dereference(gp);
	mutex_lock(&p->lock);		/* may sleep inside the reader */

	/* fix: pin the object, leave the reader, then sleep */
	rcu_read_lock();
	p = rcu_dereference(gp);
	if (p && !refcount_inc_not_zero(&p->ref))
		p = NULL;
	rcu_read_unlock();
	if (p)
		mutex_lock(&p->lock);`,
		},
		finding.RuleFaultInReader: {
			Meaning: "Code inside an RCU reader that must not fault may take a page " +
				"fault: copy_from_user(), get_user(), or access to user memory in a " +
				"tracepoint probe or BPF helper that runs under a non-faultable reader.",
			Why: "Handling a fault can sleep (it may need I/O or mmap_lock), which is a " +
				"sleep in the reader. Syscall tracepoints were made faultable for exactly " +
				"this reason, and their probes moved to Tasks Trace readers; the old probe " +
				"arrays then needed call_rcu_tasks_trace() to be freed safely.",
			Refs: []Ref{
				{File: "include/linux/tracepoint.h", Symbol: "__DO_TRACE",
					Note: "the tracepoint reader a probe runs under"},
				{File: "kernel/tracepoint.c", Symbol: "release_probes",
					Note: "the grace period that must cover faultable probes"},
				{Commit: "lore \"tracing: Fix syscall tracepoint use-after-free\" (Mathieu Desnoyers, 2024; syzbot b390c8062d8387b6272a)",
					Note: "faultable probes under call_rcu() freed memory under a sleeping reader"},
			},
			Fix: "Copy the user data before entering the reader, use the " +
				"copy_from_user_nofault() family, or run the code under a faultable " +
				"flavour (rcu_read_lock_trace(), SRCU) and free with its grace period.",
			Example: `	rcu_read_lock();
	if (copy_from_user(&buf, uptr, len))	/* may fault and sleep */
		goto out;

	/* fix */
	if (copy_from_user_nofault(&buf, uptr, len))
		goto out;`,
		},
		finding.RuleSyncInReader: {
			Meaning: "synchronize_rcu() (or synchronize_srcu(), synchronize_rcu_tasks_trace(), " +
				"rcu_barrier(), ...) is called inside a reader of the flavour it waits for.",
			Why: "The grace period waits for every pre-existing reader, including the " +
				"caller's own: the caller waits for itself forever (or, in non-preemptible " +
				"RCU, sleeps in a reader). Lockdep reports \"Illegal synchronize_rcu() in " +
				"RCU read-side critical section\" only with CONFIG_PROVE_RCU and only if " +
				"the path runs.",
			Refs: []Ref{
				{File: "kernel/rcu/tree.c", Symbol: "Illegal synchronize_rcu() in RCU read-side critical section",
					Note: "the lockdep check in synchronize_rcu()"},
				{File: "kernel/rcu/tasks.h", Symbol: "Illegal synchronize_rcu_tasks_trace()",
					Note: "the same check for Tasks Trace"},
			},
			Fix: "Leave the reader before waiting, or use call_rcu()/kfree_rcu() to defer " +
				"the free instead of waiting.",
			Example: `	rcu_read_lock();
	old = rcu_dereference(gp);
	rcu_assign_pointer(gp, new);
	synchronize_rcu();		/* waits for this very reader */
	kfree(old);
	rcu_read_unlock();

	/* fix */
	kfree_rcu(old, rcu);`,
		},
		finding.RuleIllegalContext: {
			Meaning: "An RCU primitive is used in a context that does not allow it: a " +
				"reader while RCU is not watching (idle, early entry, offline CPU), an " +
				"SRCU reader that is not NMI-safe used from NMI, an update-side primitive " +
				"(call_rcu(), synchronize_*()) from NMI, and similar rules of the flavour " +
				"table; and rcu_dereference() reached with no read-side protection at all " +
				"(the static counterpart of PROVE_RCU's \"suspicious " +
				"rcu_dereference_check() usage\"), reported when a function on the path " +
				"may block where it makes the call, so no caller can hold a reader.",
			Why: "RCU ignores CPUs it is not watching: a reader there is not a reader, and " +
				"the data can be freed under it. This is why tracepoints check " +
				"rcu_is_watching() and why rcu_read_lock() warns under PROVE_RCU. NMI " +
				"handlers may interrupt the update side itself, so only NMI-safe readers " +
				"are allowed there.",
			Refs: []Ref{
				{File: "include/linux/rcupdate.h", Symbol: "RCU_LOCKDEP_WARN(!rcu_is_watching()",
					Note: "rcu_read_lock() checks that RCU is watching"},
				{File: "kernel/rcu/tree.c", Symbol: "notrace bool rcu_is_watching",
					Note: "the test tracing code uses before entering a reader"},
				{File: "kernel/rcu/srcutree.c", Symbol: "srcu_check_nmi_safety",
					Note: "SRCU refuses mixed NMI-safe and unsafe readers"},
			},
			Fix: "Enter a context where RCU watches (ct_irq_enter_irqson(), or do the work " +
				"after entry code), use the NMI-safe variant (srcu_read_lock_nmisafe()), " +
				"or defer the update-side work to irq_work or a workqueue.",
			Example: `	/* idle path, RCU not watching */
	rcu_read_lock();	/* warns: suspicious RCU usage */

	/* fix */
	ct_irq_enter_irqson();
	rcu_read_lock();
	...
	rcu_read_unlock();
	ct_irq_exit_irqson();`,
		},
		finding.RuleUnbalanced: {
			Meaning: "Some path leaves an RCU reader unbalanced: a return or goto skips " +
				"rcu_read_unlock(), or an unlock has no matching lock.",
			Why: "A leaked reader blocks every later grace period (memory is never freed, " +
				"the system eventually stalls with RCU CPU stall warnings); an extra unlock " +
				"makes the nesting count negative, which __rcu_read_unlock() only catches " +
				"with CONFIG_PROVE_LOCKING.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "WARN_ON_ONCE(rrln < 0",
					Note: "the nesting check in __rcu_read_unlock()"},
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_note_context_switch",
					Note: "a leaked preemptible reader stays queued on the rcu_node and blocks grace periods"},
			},
			Fix: "Unlock on every path: use a single exit label, or scoped guards " +
				"(guard(rcu)(), scoped_guard(rcu)) so the compiler ends the reader.",
			Example: `	rcu_read_lock();
	p = rcu_dereference(gp);
	if (!p)
		return -ENOENT;		/* reader leaked */

	/* fix */
	guard(rcu)();
	p = rcu_dereference(gp);
	if (!p)
		return -ENOENT;`,
		},
	}
}
