TRACE_EVENT(sched_waking,
	TP_PROTO(struct task_struct *p),
	TP_ARGS(p),
	TP_STRUCT__entry(__field(pid_t, pid)),
	TP_fast_assign(__entry->pid = p->pid;),
	TP_printk("pid=%d", __entry->pid)
);

TRACE_EVENT(sched_switch,
	TP_PROTO(bool preempt),
	TP_ARGS(preempt),
	TP_STRUCT__entry(__field(bool, preempt)),
	TP_fast_assign(__entry->preempt = preempt;),
	TP_printk("%d", __entry->preempt)
);

TRACE_EVENT(csd_queue_cpu,
	TP_PROTO(unsigned int cpu),
	TP_ARGS(cpu),
	TP_STRUCT__entry(__field(unsigned int, cpu)),
	TP_fast_assign(__entry->cpu = cpu;),
	TP_printk("%u", __entry->cpu)
);

TRACE_EVENT(ipi_send_cpu,
	TP_PROTO(unsigned int cpu),
	TP_ARGS(cpu),
	TP_STRUCT__entry(__field(unsigned int, cpu)),
	TP_fast_assign(__entry->cpu = cpu;),
	TP_printk("%u", __entry->cpu)
);
