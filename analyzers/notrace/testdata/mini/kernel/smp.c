static __always_inline void send_call_function_single_ipi(int cpu)
{
	trace_ipi_send_cpu(cpu);
	arch_send_call_function_single_ipi(cpu);
}

void __smp_call_single_queue(int cpu, struct llist_node *node)
{
	trace_csd_queue_cpu(cpu);
	send_call_function_single_ipi(cpu);
}
