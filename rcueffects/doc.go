// Package rcueffects computes effect summaries of RCU read-side primitives
// and of the deferred-quiescent-state machinery from kernel C code, before
// and after a patch, and maps them to the embedded model's parameters
// (rcumodel.Effects and rcumodel.Profile). Summaries come from the code, not
// from names: a new primitive that only decrements
// current->rcu_read_lock_nesting and never tests
// ->rcu_read_unlock_special.s is recognised from its body.
//
// A summary reads a definition's text (from a tree, or from the patch's
// hunks when there is none), splits it into statements (Lex, ParseBody) and
// records, inlining callees through the index up to a small depth:
//
//   - which nesting counter it changes and by how much
//     (rcu_read_lock_nesting, trc_reader_nesting, SRCU lock/unlock counts);
//   - whether it tests the special bits' word (.s) and calls
//     rcu_read_unlock_special() / rcu_read_unlock_trace_special();
//   - the preempt / bh / irq disable counts it changes;
//   - whether it is instrumented: an out-of-line ftrace-able function
//     (ksrc/index Ftrace, the notrace analyzer's classification) or a
//     tracepoint on the inlined path;
//   - the #if / IS_ENABLED() conditions, evaluated against a .config or
//     DefaultConfig (preemptible RCU).
//
// Each effect carries the line of the definition that produces it, so that
// findings can point at the patch line that changed a summary.
//
// Machinery reads rcu_read_unlock_special(),
// rcu_preempt_deferred_qs_irqrestore() and the irq_work handler and derives
// the rcumodel.Profile flags (where the pending state is cleared, whether
// the handler clears it unconditionally or only inside a reader, whether the
// irq_work is re-initialised per queue, whether the softirq raise is
// guarded).
//
// MaySleep answers, bottom-up through the index with memoisation, whether a
// call may sleep or fault (the way smatch propagates "sleeps" through its
// call database, but on demand for the calls a patch makes), and Sections
// walks a body tracking the reader sections (rcu, bh, sched, srcu, trace,
// atomic) each statement is in.
package rcueffects
