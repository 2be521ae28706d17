package notrace

import (
	"reflect"
	"testing"
)

// declareTrace is the shape of 6.12's __DECLARE_TRACE(): the
// trace_<event>() entry point and the registration helpers in one macro.
const declareTrace = `/* a header */
#define __DECLARE_TRACE(name, proto, args, cond, data_proto)		\
	extern int __traceiter_##name(data_proto);			\
	static inline void trace_##name(proto)				\
	{								\
		if (static_key_false(&__tracepoint_##name.key))		\
			__DO_TRACE(name, TP_ARGS(args), TP_CONDITION(cond), 0); \
		if (IS_ENABLED(CONFIG_LOCKDEP) && (cond)) {		\
			WARN_ONCE(!rcu_is_watching(),			\
				  "RCU not watching (for tracepoint)");	\
		}							\
	}								\
	/* the helpers { } */						\
	static inline int						\
	register_trace_##name(void (*probe)(data_proto), void *data)	\
	{								\
		return tracepoint_probe_register(&__tracepoint_##name,	\
						(void *)probe, data);	\
	}								\
	static inline bool						\
	trace_##name##_enabled(void)					\
	{								\
		return static_key_false(&__tracepoint_##name.key);	\
	}
int after;
`

func TestMacroFuncs(t *testing.T) {
	got := macroFuncs([]byte(declareTrace), 2)
	want := []macroFunc{
		{"trace_##name", 4, 12},
		{"register_trace_##name", 15, 19},
		{"trace_##name##_enabled", 21, 24},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("macroFuncs:\n got %+v\nwant %+v", got, want)
	}
}

func TestNotraceAPIContract(t *testing.T) {
	for _, tc := range []struct {
		file, name string
		want       bool
	}{
		{"include/linux/preempt.h", "preempt_disable_notrace", true},
		{"include/linux/rcupdate.h", "rcu_read_lock_notrace", true},
		{"kernel/trace/ftrace.c", "ftrace_notrace_open", false},
		{"kernel/trace/ftrace.c", "ftrace_graph_notrace_open", false},
		{"fs/ceph/dir.c", "ceph_handle_notrace_create", false},
		{"drivers/gpu/drm/i915/intel_uncore.h", "intel_uncore_read_notrace", false},
	} {
		// macros (fn nil) are untraceable by construction: the contract
		// then rests on the suffix and the core location
		if got := notraceAPI(nil, tc.file, tc.name, nil); got != tc.want {
			t.Errorf("notraceAPI(%s, %s) = %v, want %v", tc.file, tc.name, got, tc.want)
		}
	}
}

func TestRegistrations(t *testing.T) {
	src := `static void notrace probe_wakeup(void *ignore, struct task_struct *p) { }
static void probe_switch(void *ignore, bool preempt) { }
static void fn_call(unsigned long ip, unsigned long pip, struct ftrace_ops *op, struct ftrace_regs *fregs) { }
static void other_call(unsigned long ip, unsigned long pip, struct ftrace_ops *op, struct ftrace_regs *fregs) { }
static int kp_pre(struct kprobe *p, struct pt_regs *regs) { return 0; }
static struct ftrace_ops trace_ops __read_mostly = {
	.func = fn_call,
	.flags = FTRACE_OPS_FL_RECURSION,
};
static struct kprobe kp = {
	.symbol_name = "kernel_clone",
	.pre_handler = kp_pre,
};
static struct irqaction act = { .handler = not_a_callback };
static int init(struct trace_array *tr)
{
	register_trace_sched_wakeup(probe_wakeup, NULL);
	register_trace_prio_sched_switch(probe_switch, NULL, 10);
	unregister_trace_sched_switch(probe_switch, NULL);
	tracepoint_probe_register(tp, (void *)probe_any, data);
	tr->ops->func = other_call;
	return 0;
}
`
	got := registrations([]byte(src))
	want := map[string]registration{
		"probe_wakeup": {cbProbe, []string{"sched_wakeup"}},
		"probe_switch": {cbProbe, []string{"sched_switch"}},
		"probe_any":    {cbProbe, []string{""}},
		"fn_call":      {kind: cbFtrace},
		"other_call":   {kind: cbFtrace},
		"kp_pre":       {kind: cbKprobe},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("registrations:\n got %+v\nwant %+v", got, want)
	}
}
