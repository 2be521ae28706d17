bool irq_work_queue_on(struct irq_work *work, int cpu)
{
	preempt_disable();
	if (cpu != smp_processor_id()) {
		__smp_call_single_queue(cpu, &work->node.llist);
	} else {
		__irq_work_queue_local(work);
	}
	preempt_enable();
	return true;
}
