DECLARE_EVENT_CLASS(softirq,
	TP_PROTO(unsigned int vec_nr),
	TP_ARGS(vec_nr),
	TP_STRUCT__entry(__field(unsigned int, vec)),
	TP_fast_assign(__entry->vec = vec_nr;),
	TP_printk("vec=%u", __entry->vec)
);

DEFINE_EVENT(softirq, softirq_raise,
	TP_PROTO(unsigned int vec_nr),
	TP_ARGS(vec_nr)
);
