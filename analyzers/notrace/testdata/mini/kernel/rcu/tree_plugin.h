#ifdef CONFIG_PREEMPT_RCU
void __rcu_read_unlock(void)
{
	struct task_struct *t = current;

	if (unlikely(READ_ONCE(t->rcu_read_unlock_special.s)))
		rcu_read_unlock_special(t);
}

static void rcu_read_unlock_special(struct task_struct *t)
{
	unsigned long flags;

	if (in_nmi())
		return;
	local_irq_save(flags);
	if (use_softirq)
		raise_softirq_irqoff(RCU_SOFTIRQ);
	else
		irq_work_queue_on(&rdp->defer_qs_iw, rdp->cpu);
	local_irq_restore(flags);
}
#endif
