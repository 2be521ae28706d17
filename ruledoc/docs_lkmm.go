package ruledoc

import "github.com/rcureview/rcureview/finding"

// lkmmDocs documents the rule of the Linux-kernel memory model checker.
func lkmmDocs() map[string]Doc {
	return map[string]Doc{
		finding.RuleLKMMLitmusResult: {
			Meaning: "A litmus test that the patch adds or changes (a .litmus file), or that " +
				"its commit message or cover letter shows, states a result - a " +
				"\"Result: Never\" comment, or herd7's \"Observation NAME Never\" line next " +
				"to it - that the Linux-kernel memory model does not give. rcureview runs " +
				"the test as herd7 7.57 does with tools/memory-model/linux-kernel.cfg (same " +
				"executions, same verdict and witness counts) and shows an execution the " +
				"model allows, one column per process, with its reads-from (rf) and " +
				"coherence (co) edges. As a note: a test that cannot be parsed, uses a " +
				"construct outside the model, or needs more work than the bound.",
			Why: "Litmus tests are how the memory-ordering guarantees of RCU, locking and " +
				"atomics are argued on the lists, and how tools/memory-model documents " +
				"them; a wrong \"Result: Never\" tells reviewers and users that an outcome " +
				"cannot happen when the model allows it, and the code built on that " +
				"claim misses a barrier. Claims are easy to get wrong by hand: under " +
				"sequential consistency most weak outcomes look impossible.",
			Refs: []Ref{
				{File: "tools/memory-model/linux-kernel.cat", Symbol: "acyclic hb as happens-before",
					Note: "the axioms a test's executions are checked against"},
				{File: "tools/memory-model/litmus-tests/README", Symbol: "MP+pooncerelease+poacquireonce",
					Note: "the documented tests and their results"},
				{File: "tools/memory-model/Documentation/explanation.txt", Symbol: "\"Message Passing\" or MP",
					Note: "why P1's reads are unordered without smp_rmb()"},
			},
			Fix: "Fix the claim, or add the ordering the claim assumes (smp_rmb(), " +
				"smp_load_acquire(), smp_store_release(), a full barrier) and check the " +
				"test again with \"rcureview model litmus --witness FILE\" or herd7.",
			Example: `C MP+wmb+po
(* Result: Never    <- wrong: P1's reads are unordered *)
{}
P0(int *x, int *y) { WRITE_ONCE(*x, 1); smp_wmb(); WRITE_ONCE(*y, 1); }
P1(int *x, int *y) { int r0; int r1;
	r0 = READ_ONCE(*y);
	/* smp_rmb(); makes the result Never */
	r1 = READ_ONCE(*x); }
exists (1:r0=1 /\ 1:r1=0)`,
		},
	}
}
