#include <trace/events/sched.h>

static int try_to_wake_up(struct task_struct *p, unsigned int state, int wake_flags)
{
	trace_sched_waking(p);
	return 1;
}

int wake_up_process(struct task_struct *p)
{
	return try_to_wake_up(p, TASK_NORMAL, 0);
}

static void __sched notrace __schedule(int sched_mode)
{
	trace_sched_switch(sched_mode);
}

asmlinkage __visible void __sched notrace preempt_schedule_notrace(void)
{
	__schedule(1);
}

#if defined(CONFIG_DEBUG_PREEMPT) || defined(CONFIG_TRACE_PREEMPT_TOGGLE)
void preempt_count_add(int val)
{
	__preempt_count_add(val);
	trace_preempt_off(0, 0);
}

void preempt_count_sub(int val)
{
	trace_preempt_on(0, 0);
	__preempt_count_sub(val);
}
#endif
