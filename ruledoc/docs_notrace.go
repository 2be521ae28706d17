package ruledoc

import "github.com/rcureview/rcureview/finding"

// notraceDocs documents the notrace and noinstr rules.
func notraceDocs() map[string]Doc {
	return map[string]Doc{
		finding.RuleNotraceInstrumentedCall: {
			Meaning: "A root can reach code that the tracing machinery instruments. Roots " +
				"in tracer context (root: tracer) are the tracepoint implementation " +
				"(__DO_TRACE and the trace_<event>() bodies of __DECLARE_TRACE, whose " +
				"chains start at a tracepoint call site), the *_notrace API of the core " +
				"(the tracer-context variant of a primitive), explicit notrace code of the " +
				"tracer itself, and callbacks registered with it (tracepoint probes, " +
				"ftrace_ops .func, kprobe/fprobe handlers); from them a tracepoint or " +
				"ring-buffer write is re-entry (error; for a probe, its own event: other " +
				"events nest, a warning), an ftrace-able function or a " +
				"lockdep/irqflags/preempt/printk debug hook a warning. A plain notrace " +
				"function of RCU (root: notrace) reaching a tracepoint is not re-entry " +
				"(warning); its traceable callees are notes. An indirect call that could " +
				"not be resolved is a note. The chain shows the shortest path, one hop " +
				"per call; config lists the #if conditions it needs.",
			Why: "notrace only removes the ftrace entry hook of the function itself; what the " +
				"function calls may still be traced. Code that runs inside tracing (tracepoint " +
				"callbacks, the function tracer, BPF programs attached to tracepoints) " +
				"recurses into itself when it reaches instrumented code: Steven Rostedt's " +
				"objection to rcu_read_unlock_notrace() was exactly the chain " +
				"__rcu_read_unlock() -> rcu_read_unlock_special() -> raise_softirq_irqoff() " +
				"-> trace_softirq_raise() -> ... -> rcu_read_unlock(), \"ad infinitum\". The " +
				"same class recurred when a tracepoint was added to the header inline " +
				"set_tsk_need_resched(), which rcu_read_unlock_special() calls: a BPF program " +
				"on that tracepoint recursed until the stack guard page.",
			Refs: []Ref{
				{File: "kernel/rcu/tree_plugin.h", Symbol: "rcu_read_unlock_special",
					Note: "the preemptible-RCU unlock slow path; __rcu_read_unlock() is out of line and ftrace-able"},
				{File: "kernel/softirq.c", Symbol: "trace_softirq_raise",
					Note: "__raise_softirq_irqoff() fires the softirq_raise tracepoint"},
				{Commit: "a46023d5616e (\"tracing: Guard __DECLARE_TRACE() use of __DO_TRACE_CALL() with SRCU-fast\")",
					Note: "the rcu_read_lock_notrace() proposal was dropped for SRCU-fast notrace readers"},
				{Commit: "53bc5c556b82 (\"sched: Set TIF_NEED_RESCHED before calling __trace_set_need_resched()\")",
					Note: "fixes the recursion that adcc3bfa8806 created under rcu_read_unlock_special()"},
			},
			Fix: "Break the chain at the first instrumented hop: call a notrace or " +
				"__always_inline variant (preempt_disable_notrace(), " +
				"srcu_read_lock_fast_notrace(), guard(preempt_notrace)()), move the " +
				"instrumented work out of the tracing path (defer it, or do it only when " +
				"!in_nmi()/outside the callback), or build the callee's object without " +
				"$(CC_FLAGS_FTRACE) if the whole file must be untraced. A note for an " +
				"indirect call asks you to check its targets by hand.",
			Example: `/* tracepoint fast path: a notrace root */
static inline notrace void rcu_read_unlock_notrace(void)
{
	__rcu_read_unlock();	/* ftrace-able; its slow path
				 * reaches trace_softirq_raise() */
}

/* instead, as mainline did: */
guard(srcu_fast_notrace)(&tracepoint_srcu);`,
		},
		finding.RuleNotraceNameContract: {
			Meaning: "A function of the kernel's core (include/, arch/, kernel/, lib/, mm/, " +
				"init/) whose name ends in _notrace is itself ftrace-able: it is an " +
				"out-of-line function compiled with the ftrace entry hook, not marked " +
				"notrace, inline, __always_inline or noinstr. (In drivers/, fs/, net/ the " +
				"suffix names a subsystem's own contract, like i915's untraced MMIO.)",
			Why: "Callers pick a *_notrace primitive precisely because they run inside " +
				"tracing (preempt_disable_notrace() in the tracepoint fast path, " +
				"rcu_read_lock_sched_notrace() in lockdep and tracing). If the primitive " +
				"can be traced, attaching the function tracer to it recurses. RCU's own " +
				"diagnostic helpers used by tracing code had the same problem and were " +
				"marked notrace (\"rcu: Mark diagnostic functions as notrace\", Nov 2025: " +
				"\"putting traces on them is unlikely to make anyone happy\").",
			Refs: []Ref{
				{File: "include/linux/rcupdate.h", Symbol: "rcu_read_unlock_sched_notrace",
					Note: "\"Used by lockdep and tracing: cannot be traced, cannot call lockdep.\""},
				{File: "kernel/rcu/update.c", Symbol: "rcu_read_lock_sched_held",
					Note: "still a plain traceable function in 6.12, called from tracing paths"},
				{Commit: "lore 20251105203216.2701005-11-paulmck@kernel.org (\"rcu: Mark diagnostic functions as notrace\")",
					Note: "reported by Leon Hwang and Alexei Starovoitov"},
			},
			Fix: "Mark the function notrace (or make it static __always_inline), or rename " +
				"it if it is not meant to be safe for tracing.",
			Example: `/* wrong: ftrace can hook this */
void rcu_lockdep_check_notrace(void) { ... }

/* right */
notrace void rcu_lockdep_check_notrace(void) { ... }`,
		},
		finding.RuleNoinstrInstrumentedCall: {
			Meaning: "A noinstr function calls code that can be instrumented (ftrace, " +
				"tracepoints, KASAN/KCSAN/KCOV hooks) outside an " +
				"instrumentation_begin()/instrumentation_end() section. This is objtool's " +
				"\"call to X() leaves .noinstr.text section\", found before the build.",
			Why: "noinstr code runs where the kernel is not in a state to be traced or " +
				"checked: entry code before RCU is watching, NMI entry, context tracking, " +
				"the idle path. Instrumentation there can use RCU while it is not watching, " +
				"take faults on unmapped shadow memory, or recurse. objtool only reports it " +
				"after linking vmlinux.o on x86-64 with the right config; this rule reports " +
				"it on the patch.",
			Refs: []Ref{
				{File: "tools/objtool/check.c", Symbol: "leaves .noinstr.text section",
					Note: "the objtool warning this rule anticipates"},
				{File: "include/linux/instrumentation.h", Symbol: "instrumentation_begin",
					Note: "marks the part of a noinstr function where instrumentation is allowed"},
				{File: "include/linux/compiler_types.h", Symbol: "define noinstr",
					Note: "noinstr puts the function in .noinstr.text and disables instrumentation"},
			},
			Fix: "Call a noinstr or __always_inline variant (e.g. arch_ or raw_ helpers, " +
				"instrument-free atomics), or wrap the call in instrumentation_begin() / " +
				"instrumentation_end() if the state allows instrumentation at that point " +
				"(RCU watching, in a known context).",
			Example: `noinstr void enter_from_user_mode(struct pt_regs *regs)
{
	arch_enter_from_user_mode(regs);
	lockdep_hardirqs_off(CALLER_ADDR0);
	ct_user_exit();
	instrumentation_begin();
	trace_hardirqs_off_finish();	/* fine: inside the section */
	instrumentation_end();
}`,
		},
		finding.RuleNoinstrUnbalanced: {
			Meaning: "Some path through a noinstr function leaves an " +
				"instrumentation_begin() without its instrumentation_end() (or ends one " +
				"that was not begun), for example an early return inside the section.",
			Why: "objtool tracks the instrumentation state along every path and warns " +
				"\"return with instrumentation enabled\"; code after the imbalance runs " +
				"instrumented while the function claims it is not, which defeats noinstr " +
				"on exactly the entry and idle paths that need it.",
			Refs: []Ref{
				{File: "tools/objtool/check.c", Symbol: "return with instrumentation enabled",
					Note: "objtool's check at every return"},
				{File: "include/linux/instrumentation.h", Symbol: "instrumentation_end",
					Note: "begin/end must pair on every path"},
			},
			Fix: "Close the section on every path: move the return after " +
				"instrumentation_end(), or restructure with a single exit.",
			Example: `	instrumentation_begin();
	if (!ok)
		return;			/* leaves instrumentation enabled */
	do_work();
	instrumentation_end();`,
		},
	}
}
