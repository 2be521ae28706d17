/* A few functions in the shape of kernel/rcu/tree_plugin.h (6.12.117), for tests. */
#ifdef CONFIG_PREEMPT_RCU

static void rcu_preempt_read_enter(void)
{
	WRITE_ONCE(current->rcu_read_lock_nesting, READ_ONCE(current->rcu_read_lock_nesting) + 1);
}

static int rcu_preempt_read_exit(void)
{
	int ret = READ_ONCE(current->rcu_read_lock_nesting) - 1;

	WRITE_ONCE(current->rcu_read_lock_nesting, ret);
	return ret;
}

void __rcu_read_lock(void)
{
	rcu_preempt_read_enter();
	barrier();
}

void __rcu_read_unlock(void)
{
	struct task_struct *t = current;

	barrier();
	if (rcu_preempt_read_exit() == 0) {
		barrier();
		if (unlikely(READ_ONCE(t->rcu_read_unlock_special.s)))
			rcu_read_unlock_special(t);
	}
}

static notrace void
rcu_preempt_deferred_qs_irqrestore(struct task_struct *t, unsigned long flags)
{
	struct rcu_data *rdp;

	rdp = this_cpu_ptr(&rcu_data);
	if (rdp->defer_qs_pending == DEFER_QS_PENDING)
		rdp->defer_qs_pending = DEFER_QS_IDLE;
	local_irq_restore(flags);
}

static void rcu_preempt_deferred_qs_handler(struct irq_work *iwp)
{
	struct rcu_data *rdp;

	rdp = container_of(iwp, struct rcu_data, defer_qs_iw);
	if (rcu_preempt_depth() > 0)
		WRITE_ONCE(rdp->defer_qs_pending, DEFER_QS_IDLE);
}

static void rcu_read_unlock_special(struct task_struct *t)
{
	unsigned long flags;
	bool irqs_were_disabled;
	bool preempt_bh_were_disabled = !!(preempt_count() & (PREEMPT_MASK | SOFTIRQ_MASK));

	if (in_nmi())
		return;
	local_irq_save(flags);
	irqs_were_disabled = irqs_disabled_flags(flags);
	if (preempt_bh_were_disabled || irqs_were_disabled) {
		bool needs_exp;
		struct rcu_data *rdp = this_cpu_ptr(&rcu_data);

		needs_exp = rcu_unlock_needs_exp_handling(t, rdp, rdp->mynode, irqs_were_disabled);
		if (use_softirq && (in_hardirq() || (needs_exp && !irqs_were_disabled))) {
			if (rdp->defer_qs_pending != DEFER_QS_PENDING) {
				rdp->defer_qs_pending = DEFER_QS_PENDING;
				raise_softirq_irqoff(RCU_SOFTIRQ);
			}
		} else {
			set_tsk_need_resched(current);
			if (IS_ENABLED(CONFIG_IRQ_WORK) && irqs_were_disabled &&
			    needs_exp && rdp->defer_qs_pending != DEFER_QS_PENDING) {
				rdp->defer_qs_pending = DEFER_QS_PENDING;
				irq_work_queue_on(&rdp->defer_qs_iw, rdp->cpu);
			}
		}
		local_irq_restore(flags);
		return;
	}
	rcu_preempt_deferred_qs_irqrestore(t, flags);
}

#endif /* CONFIG_PREEMPT_RCU */
