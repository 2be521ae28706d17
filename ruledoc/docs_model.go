package ruledoc

import "github.com/rcureview/rcureview/finding"

// modelDocs documents the rules reported by the embedded RCU model; their
// findings carry a counterexample, one column per CPU.
func modelDocs() map[string]Doc {
	return map[string]Doc{
		finding.RuleGPEndsInReader: {
			Meaning: "Model counterexample: a grace period ends while a reader that began " +
				"before it is still inside its critical section. The table shows the " +
				"interleaving, one column per CPU.",
			Why: "This is RCU's one safety guarantee; breaking it is a use-after-free for " +
				"every RCU user. It breaks when a read-side primitive stops telling the " +
				"grace-period machinery about the reader - for example an unlock that " +
				"clears the nesting count but skips the special-bits check, or an IRQ " +
				"handler using RCU between the nesting decrement and the special check.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "void __rcu_read_unlock",
					Note: "the outermost unlock must check ->rcu_read_unlock_special"},
				{Commit: "10f39bb1b2c1 (\"rcu: protect __rcu_read_unlock() against scheduler-using irq handlers\")",
					Note: "2011: an IRQ between nesting-- and the special check"},
				{Commit: "7765be2fec0f (\"rcu: Fix RCU_BOOST race handling current->rcu_read_unlock_special\")",
					Note: "non-atomic writes to the special bits from another task"},
			},
			Fix: "Keep the read-side primitive's contract: the outermost unlock must " +
				"report a quiescent state (or defer one) whenever " +
				"->rcu_read_unlock_special is set, with interrupts handled as in " +
				"__rcu_read_unlock(). Re-run the model on the patched primitive to check.",
			Example: `static inline notrace void rcu_read_unlock_notrace(void)
{
	barrier();
	current->rcu_read_lock_nesting--;	/* no special-bits check:
						 * a blocked reader is never
						 * dequeued */
}`,
		},
		finding.RuleGPStall: {
			Meaning: "Model counterexample: under fair scheduling a grace period never " +
				"ends - some CPU or task never reports its quiescent state.",
			Why: "A stalled grace period never frees memory and triggers RCU CPU stall " +
				"warnings, then OOM or hung tasks. It is what an unlock variant that " +
				"skips rcu_read_unlock_special() does after an expedited grace period " +
				"IPIs the CPU mid-reader on a nohz_full CPU (the July 2025 " +
				"rcu_read_unlock_notrace() discussion), and what IRQ work run in " +
				"SCHED_FIFO kthreads did on PREEMPT_RT.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_read_unlock_special",
					Note: "reports or defers the quiescent state the grace period waits for"},
				{Commit: "f596e2ce1c0f (\"rcu: Use IRQ_WORK_INIT_HARD() to avoid rcu_read_unlock() hangs\")",
					Note: "irq_work piled up on PREEMPT_RT with strict grace periods: boot hang"},
				{Commit: "lore \"[RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace()\" (June-July 2025)",
					Note: "Paul E. McKenney: the expedited and boost paths need the special check"},
			},
			Fix: "Make sure every path out of a reader that may have been asked for a " +
				"quiescent state reports it or queues a deferral that is guaranteed to run " +
				"(irq_work with IRQ_WORK_INIT_HARD, softirq, a later tick or context switch).",
			Example: `	/* CPU 1, nohz_full, no tick */
	rcu_read_lock_notrace();
	/* expedited GP IPI: rcu_exp_handler() sets need_qs */
	rcu_read_unlock_notrace();	/* skips the special check */
	/* nothing else will ever report the QS: the GP stalls */`,
		},
		finding.RuleDeferredQSLost: {
			Meaning: "Model counterexample: a quiescent state that was deferred (irqs, bh " +
				"or preemption were disabled at the outermost unlock) is never reported.",
			Why: "Deferred quiescent states are reported later by IRQ work, a softirq, " +
				"the tick or a context switch. If the pending flag is cleared at the wrong " +
				"time, or a new reader starts before the deferral runs and nothing " +
				"re-queues it, the grace period waits forever on a quiet nohz_full CPU. " +
				"This happened in linux-next in July 2025 (boot stall bisected to " +
				"3284e4adca9b) and was fixed before the merge.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_preempt_deferred_qs_handler",
					Note: "re-queues itself when it runs inside a new reader"},
				{File: "kernel/rcu/tree.h", Symbol: "defer_qs_pending",
					Note: "cleared only when the quiescent state is really reported"},
				{Commit: "b41642c87716 (\"rcu: Fix rcu_read_unlock() deadloop due to IRQ work\")",
					Note: "final version with the handler's requeue-if-in-reader logic"},
			},
			Fix: "Clear the pending state only where the quiescent state is reported " +
				"(rcu_preempt_deferred_qs_irqrestore()), and make the deferral handler " +
				"re-arm itself if it finds the CPU inside a new reader.",
			Example: `	rcu_read_unlock();	/* irqs off: QS deferred, IRQ work queued,
				 * pending = true */
	rcu_read_lock();	/* new reader before the IRQ work runs */
	/* IRQ work: in a reader, cannot report, does not requeue */
	rcu_read_unlock();	/* sees pending, does not queue again */`,
		},
		finding.RuleBoostNotUndone: {
			Meaning: "Model counterexample: a reader that RCU priority boosting boosted is " +
				"never deboosted.",
			Why: "With CONFIG_RCU_BOOST a preempted reader that blocks a grace period is " +
				"boosted through an rt_mutex (rnp->boost_mtx); rcu_read_unlock_special() " +
				"drops the mutex when the reader ends. An unlock that skips the special " +
				"path leaves the task at real-time priority and the normal grace period " +
				"held until its next context switch - on PREEMPT_RT that can starve " +
				"everything below it.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_boost",
					Note: "boosts blocked readers through rnp->boost_mtx"},
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rt_mutex_futex_unlock(&rnp->boost_mtx.rtmutex)",
					Note: "the deboost in rcu_preempt_deferred_qs_irqrestore()"},
				{Commit: "7765be2fec0f (\"rcu: Fix RCU_BOOST race handling current->rcu_read_unlock_special\")",
					Note: "boost and the special bits have raced before"},
			},
			Fix: "The outermost unlock of a preemptible reader must go through " +
				"rcu_read_unlock_special() when ->rcu_read_unlock_special.b.blocked is set.",
			Example: `	/* PREEMPT_RT, RCU_BOOST */
	rcu_read_lock_notrace();
	/* preempted: blocked on rnp, then boosted by rcu_boost() */
	rcu_read_unlock_notrace();	/* never drops boost_mtx */`,
		},
		finding.RuleIRQWorkRecursion: {
			Meaning: "Model counterexample: IRQ work or softirq raising re-arms itself " +
				"without bound - handling it runs code that queues it again.",
			Why: "rcu_read_unlock_special() queues IRQ work or raises a softirq when it " +
				"must defer; if the handler's own exit path (irq_exit() -> tracepoint -> " +
				"BPF -> rcu_read_unlock()) defers again, the CPU never leaves the " +
				"interrupt. This is the 2025 deadloop found with a BPF program on " +
				"trace_tick_stop(), and the softirq variant under ftrace.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "irq_work_queue_on(&rdp->defer_qs_iw",
					Note: "the self-IPI that can re-arm from its own irq_exit()"},
				{Commit: "b41642c87716 (\"rcu: Fix rcu_read_unlock() deadloop due to IRQ work\")",
					Note: "reported by Xiongfeng Wang; the pending flag now survives the handler"},
				{Commit: "61399e0c5410 (\"rcu: Fix racy re-initialization of irq_work causing hangs\")",
					Note: "re-initialising a queued irq_work made it loop"},
			},
			Fix: "Suppress a second deferral while one is pending (a pending flag cleared " +
				"only when the quiescent state is reported), and never re-initialise a " +
				"queued irq_work.",
			Example: `	irq_exit()
	  -> tick_nohz_irq_exit() -> trace_tick_stop() -> BPF
	    -> rcu_read_unlock() -> rcu_read_unlock_special()
	      -> irq_work_queue_on(self)	/* fires at irq enable... */`,
		},
		finding.RuleSelfDeadlock: {
			Meaning: "Model counterexample: a context spins on an rq, pi or rcu_node lock " +
				"that a context below it on the same CPU already holds.",
			Why: "The scheduler runs RCU readers while holding rq->lock and p->pi_lock; " +
				"if that reader's unlock wakes a kthread (ksoftirqd, rcuc) it takes the " +
				"same locks again. This was the 2019 threadirqs deadlock and the 2011 " +
				"\"RCU trainwreck\"; since then rcu_read_unlock_special() only does " +
				"wakeup-safe things with interrupts or preemption disabled.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_read_unlock_special",
					Note: "checks for wakeup-safe conditions before waking anything"},
				{Commit: "23634ebc1d946 (\"rcu: Check for wakeup-safe conditions in rcu_read_unlock_special()\")",
					Note: "v5.3, after \"Deadlock via recursive wakeup via RCU with threadirqs\""},
				{Commit: "1217ed1ba5c6 (\"rcu: permit rcu_read_unlock() to be called while holding runqueue locks\")",
					Note: "2011"},
			},
			Fix: "With interrupts or preemption disabled, take only wakeup-safe actions " +
				"(set need_resched, queue IRQ work with IRQ_WORK_INIT_HARD); never call " +
				"wake_up*() or raise_softirq() from a path that may hold rq or pi locks.",
			Example: `	raw_spin_lock(&rq->lock);	/* scheduler */
	rcu_read_lock();
	...
	rcu_read_unlock();	/* special: wakes rcuc ->
				 * try_to_wake_up() -> rq->lock */`,
		},
	}
}

// inputDocs documents the rules for inputs that could not be reviewed.
func inputDocs() map[string]Doc {
	return map[string]Doc{
		finding.RuleInputMail: {
			Meaning: "A mail could not be read or parsed (broken headers, an mbox cut " +
				"mid-message, an unreadable file), or a mail had a problem that the " +
				"review worked around (a note).",
			Why: "The review covers only what it could read; a mail it skipped is a " +
				"patch nobody checked. git am, b4 and patchwork each accept slightly " +
				"different mail; rcureview follows git mailinfo.",
			Refs: []Ref{
				{File: "Documentation/process/submitting-patches.rst", Symbol: "git send-email",
					Note: "how patches are expected to be mailed"},
			},
			Fix: "Fetch the thread again (b4 am -o - MSGID), or save the raw message " +
				"from lore (/raw) rather than from a mail client.",
			Example: `$ b4 am -o - MSGID | rcureview review -`,
		},
		finding.RuleInputPatch: {
			Meaning: "The mail carries no usable diff: it was truncated or mangled " +
				"(wrapped lines, lost tabs), its hunks do not parse, or it names a path " +
				"outside the tree.",
			Why: "A patch that does not parse cannot be applied by the maintainer " +
				"either; white-space damaged patches are a classic reason for a resend.",
			Refs: []Ref{
				{File: "Documentation/process/email-clients.rst", Symbol: "whitespace",
					Note: "mail clients that damage patches"},
			},
			Fix: "Resend with git send-email, or check that the file was saved without " +
				"re-wrapping.",
			Example: `@@ -222,8 +222,8 @@ static inline struct tracepoint ...
-		preempt_disable_notrace();
+		rcu_read_lock_notrace(); /* wrapped by the mailer
into two lines */`,
		},
		finding.RuleInputApply: {
			Meaning: "The patch does not apply to the kernel tree under review: a hunk's " +
				"context was not found, or a file it changes does not exist.",
			Why: "Findings need the patched tree; a patch that does not apply is " +
				"reviewed only as a diff. Often the series is based on another tree " +
				"(say so with base-commit:), or an earlier patch of the series is missing.",
			Refs: []Ref{
				{File: "Documentation/process/submitting-patches.rst", Symbol: "base-commit",
					Note: "record the base with git format-patch --base"},
			},
			Fix: "Review against the tree the series is based on (--git DIR --rev REV), " +
				"or include the missing patches.",
			Example: `$ rcureview review --git linux.git --rev rcu/dev series.mbox`,
		},
		finding.RuleInputSource: {
			Meaning: "A source file of the tree could not be read or indexed, so the " +
				"analysis around it is incomplete.",
			Why: "Call chains through an unreadable file are cut there: a finding may be " +
				"missing.",
			Refs: []Ref{
				{File: "Makefile", Symbol: "VERSION",
					Note: "the tree's root, which --tree and --git must point at"},
			},
			Fix: "Check that --tree or --git points at a complete kernel tree and that the " +
				"file is readable.",
			Example: `$ rcureview review --tree ~/src/linux series.mbox`,
		},
	}
}
