#ifdef CONFIG_RCU_TRACE
#define TRACE_EVENT_RCU TRACE_EVENT
#else
#define TRACE_EVENT_RCU TRACE_EVENT_NOP
#endif

TRACE_EVENT_RCU(rcu_unlock_preempted_task,
	TP_PROTO(const char *rcuname, unsigned long gp_seq, int pid),
	TP_ARGS(rcuname, gp_seq, pid),
	TP_STRUCT__entry(__field(int, pid)),
	TP_fast_assign(__entry->pid = pid;),
	TP_printk("%d", __entry->pid)
);

TRACE_EVENT_RCU(rcu_watching,
	TP_PROTO(const char *polarity, long oldnesting, long newnesting, int counter),
	TP_ARGS(polarity, oldnesting, newnesting, counter),
	TP_STRUCT__entry(__field(int, counter)),
	TP_fast_assign(__entry->counter = counter;),
	TP_printk("%d", __entry->counter)
);
#define TPS(x) x
