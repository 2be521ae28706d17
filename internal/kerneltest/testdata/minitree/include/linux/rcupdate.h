/* A few lines in the shape of include/linux/rcupdate.h (6.12), for tests. */
#ifndef __LINUX_RCUPDATE_H
#define __LINUX_RCUPDATE_H

#ifdef CONFIG_PREEMPT_RCU
void __rcu_read_lock(void);
void __rcu_read_unlock(void);
#else
static inline void __rcu_read_lock(void)
{
	preempt_disable();
}

static inline void __rcu_read_unlock(void)
{
	preempt_enable();
}
#endif

static __always_inline void rcu_read_lock(void)
{
	__rcu_read_lock();
	__acquire(RCU);
	rcu_lock_acquire(&rcu_lock_map);
}

static inline void rcu_read_unlock(void)
{
	rcu_lock_release(&rcu_lock_map);
	__release(RCU);
	__rcu_read_unlock();
}

static inline void rcu_read_lock_trace(void)
{
	struct task_struct *t = current;

	WRITE_ONCE(t->trc_reader_nesting, READ_ONCE(t->trc_reader_nesting) + 1);
	barrier();
}

static inline void rcu_read_unlock_trace(void)
{
	int nesting;
	struct task_struct *t = current;

	nesting = READ_ONCE(t->trc_reader_nesting) - 1;
	barrier();
	if (likely(!READ_ONCE(t->trc_reader_special.s)) || nesting) {
		WRITE_ONCE(t->trc_reader_nesting, nesting);
		return;
	}
	rcu_read_unlock_trace_special(t);
}

#endif /* __LINUX_RCUPDATE_H */
