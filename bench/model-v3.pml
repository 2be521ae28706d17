/*
 * Promela transcription of rcumodel scenario V3 (expedited GP IPI in the
 * middle of an rcu_read_lock() reader on a nohz_full CPU with the tick
 * stopped), at the same abstraction as rcumodel: one transition per
 * operation, the outermost unlock in two steps, the IPI handler atomic and
 * taken only between task steps. Written for bench/model.sh to compare
 * rcumodel's checker with spin's compiled verifier on the same question.
 * NOTRACE=1: the unlock skips rcu_read_unlock_special() (V3-exp-ipi-notrace-nohz,
 * L1 violated); NOTRACE=0: normal rcu_read_unlock() (V3-exp-ipi-unlock, holds).
 */
#ifndef NOTRACE
#define NOTRACE 1
#endif

byte nest;          /* T1->rcu_read_lock_nesting */
bool sp_exp;        /* T1->rcu_read_unlock_special.b.exp_hint */
bool no_qs_exp;     /* rdp(CPU0)->cpu_no_qs.b.exp */
bool expmask;       /* CPU0's bit in rnp->expmask */
bool ipi;           /* rcu_exp_handler IPI pending on CPU0 */
bool exp_running;   /* expedited GP in progress */
bool looping;       /* T1's CPU-bound loop (spin rejects an unconditional self-loop) */

/* rcu_preempt_deferred_qs_irqrestore(): report the expedited QS. */
inline deferred_qs_irqrestore() {
	sp_exp = 0;
	if
	:: no_qs_exp -> no_qs_exp = 0; expmask = 0
	:: else -> skip
	fi
}

active proctype T1() {           /* CPU 0 */
	nest++;                      /* rcu_read_lock() */
	skip;                        /* nop */
	nest--;                      /* rcu_read_unlock(): rcu_preempt_read_exit() */
	if                           /* ... if (.s) rcu_read_unlock_special() */
	:: !NOTRACE && sp_exp -> deferred_qs_irqrestore()
	:: else -> skip
	fi;
	do :: looping = !looping od  /* spin: CPU-bound, no RCU calls, no tick */
}

active proctype T2() {           /* CPU 1 + exp kthread */
	atomic { exp_running = 1; expmask = 1; ipi = 1 };  /* sync_rcu_exp_select_cpus() */
	(expmask == 0);                                    /* rcu_exp_wait_wake() */
	exp_running = 0
}

active proctype IPI() {          /* rcu_exp_handler() on CPU 0 */
	atomic {
		ipi -> ipi = 0;
		if
		:: nest == 0 -> expmask = 0          /* not in a reader: report now */
		:: else -> if
			:: expmask -> no_qs_exp = 1; sp_exp = 1
			:: else -> skip
			fi
		fi
	}
}

ltl L1 { [] (exp_running -> <> !exp_running) }
