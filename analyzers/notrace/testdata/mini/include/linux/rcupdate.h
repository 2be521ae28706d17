#ifdef CONFIG_PROVE_RCU
#define RCU_LOCKDEP_WARN(c, s) do { if (c) lockdep_rcu_suspicious(__FILE__, __LINE__, s); } while (0)
#else
#define RCU_LOCKDEP_WARN(c, s) do { } while (0)
#endif

#ifdef CONFIG_DEBUG_LOCK_ALLOC
int rcu_read_lock_held(void);
#else
static inline int rcu_read_lock_held(void) { return 1; }
#endif

#define __rcu_dereference_check(p, c) \
({ \
	RCU_LOCKDEP_WARN(!(c), "suspicious rcu_dereference_check() usage"); \
	(p); \
})
#define rcu_dereference_check(p, c) __rcu_dereference_check((p), (c))
#define rcu_dereference_raw_check(p) __rcu_dereference_check((p), 1)

static inline notrace void rcu_read_unlock_sched_notrace(void)
{
	preempt_enable_notrace();
}

void __rcu_read_unlock(void);
