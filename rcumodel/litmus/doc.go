// Package litmus is a light interpreter for C litmus tests (the herd7 "C"
// dialect used by the Linux-kernel memory model) under sequential
// consistency plus the RCU grace-period guarantee.
//
// It is deliberately separate from package rcumodel: that model tracks CPUs,
// contexts, deferred quiescent states and so on, which is far too heavy for
// litmus tests with eight or more processes. Here a process is a program
// counter and a register file, memory is a vector of values, and RCU is
// reduced to its guarantee: synchronize_rcu() is two events, a start and an
// end, and the end is enabled only once every process that was inside an RCU
// read-side critical section at the start has left that section (nested
// sections count as one). SRCU works the same way per srcu_struct domain.
//
// Exploration is explicit-state DFS over interleavings with a visited set of
// 128-bit state hashes. Two reductions keep 8- to 19-process tests fast:
//
//   - steps that touch only registers, and memory/RCU steps that conflict
//     with nothing any other process may still do (a singleton ample set,
//     computed from static per-pc may-read/may-write sets), run eagerly;
//   - the condition is evaluated three-valued on every state and branches
//     where the sought outcome is already decided are pruned: a location can
//     only end with its current value (unless some process must still write
//     it) or a constant some process may still store; a register only with
//     its current value (unless it must still be assigned), a constant, or a
//     value one of the locations it is still loaded from can hold.
//
// Check runs two such searches (a final state satisfying the condition, one
// violating it) and reports herd7's observation: Never, Sometimes or Always.
// Options.Counts adds an unpruned enumeration of the final states for
// herd7's POS/NEG counts. The tests cross-check the reductions against plain
// exploration (Options.NoReduction) on every corpus test with at most five
// processes.
//
// SRCU read-side sections are told apart by the index srcu_read_lock()
// returns, so overlapping, non-nested sections behave as in the kernel;
// nested rcu_read_lock() sections count as one. A process never waits for
// its own read-side section.
//
// Since SC is stronger than the LKMM, a test herd7 reports as Never must come
// out Never here; the converse does not hold (weak-memory outcomes that SC
// forbids come out Never here but Sometimes under herd7).
//
// Hand-written instead of a library: no Go package parses herd7's C litmus
// dialect or explores it with RCU semantics.
package litmus
