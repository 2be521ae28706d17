package index

import "testing"

// TestResolveTraceDeclaringWrappers: a wrapper macro declares a
// tracepoint only through a declaring macro its body uses; the ftrace
// entry layouts of kernel/trace/trace_entries.h (FTRACE_ENTRY_REG(function,
// …)) declare no trace_function() tracepoint, so a call of the real
// trace_function() resolves to the function.
func TestResolveTraceDeclaringWrappers(t *testing.T) {
	ix := New("test", []*FileFacts{
		SkimC("include/trace/events/x.h", []byte("#define DEFINE_X_EVENT(name) DEFINE_EVENT(x_class, name, TP_PROTO(int a), TP_ARGS(a))\nDEFINE_X_EVENT(x_wakeup);\n")),
		SkimC("kernel/trace/trace.h", []byte("#define FTRACE_ENTRY_REG(name, struct_name, id, tstruct, print, regfn) FTRACE_ENTRY(name, struct_name, id, PARAMS(tstruct), PARAMS(print))\n#define FTRACE_ENTRY(name, struct_name, id, tstruct, print) struct struct_name { tstruct }\n")),
		SkimC("kernel/trace/trace_entries.h", []byte("FTRACE_ENTRY_REG(function, ftrace_entry, TRACE_FN, F_STRUCT(__field(unsigned long, ip)), F_printk(\"%lx\", __entry->ip), perf_ftrace_event_register);\n")),
		SkimC("kernel/trace/trace.c", []byte("void trace_function(struct trace_array *tr, unsigned long ip)\n{\n\tring_buffer_unlock_commit(tr);\n}\n")),
	})
	if ts := ix.Resolve("kernel/trace/x.c", Call{Name: "trace_x_wakeup"}); len(ts) != 1 || ts[0].Kind != TargetTracepoint {
		t.Errorf("trace_x_wakeup: %+v, want the tracepoint", ts)
	}
	ts := ix.Resolve("kernel/trace/trace.c", Call{Name: "trace_function"})
	if len(ts) == 0 || ts[0].Kind != TargetFunc {
		t.Errorf("trace_function: %+v, want the function", ts)
	}
}
