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

// TestResolveWeakOverridden: a __weak default is dropped when a strong
// definition is built in every configuration, and conditioned on the
// strong one's absence otherwise.
func TestResolveWeakOverridden(t *testing.T) {
	ix := New("test", []*FileFacts{
		SkimC("kernel/sched/idle.c", []byte("void __weak arch_cpu_idle(void)\n{\n\tcpu_idle_force_poll = 1;\n}\n")),
		SkimC("arch/x86/kernel/process.c", []byte("void __cpuidle arch_cpu_idle(void)\n{\n\tdefault_idle();\n}\n")),
		SkimC("kernel/a.c", []byte("void __weak hook_a(void)\n{\n}\n#ifdef CONFIG_A\nvoid hook_a(void)\n{\n}\n#endif\n")),
	})
	ts := ix.Resolve("drivers/cpuidle/x.c", Call{Name: "arch_cpu_idle"})
	if len(ts) != 1 || ts[0].File != "arch/x86/kernel/process.c" {
		t.Errorf("arch_cpu_idle: %+v, want x86's only", ts)
	}
	ts = ix.Resolve("kernel/b.c", Call{Name: "hook_a"})
	for _, tg := range ts {
		if tg.Func.Attrs&AttrWeak != 0 && (len(tg.Conds) == 0 || tg.Conds[len(tg.Conds)-1] != "!(CONFIG_A)") {
			t.Errorf("weak hook_a conds %v, want !(CONFIG_A)", tg.Conds)
		}
	}
	if len(ts) != 2 {
		t.Errorf("hook_a: %d targets, want 2", len(ts))
	}
}

// TestResolveAnswersShared: Resolve answers a file's call of a name once
// (a call from another file is its own question), and a caller appending
// to a target's conditions or calls does not change what the next caller
// gets.
func TestResolveAnswersShared(t *testing.T) {
	ix := New("test", []*FileFacts{
		SkimC("kernel/a.c", []byte("#ifdef CONFIG_A\nstatic void f(void)\n{\n\tg();\n}\n#endif\n")),
		SkimC("kernel/b.c", []byte("void f(void)\n{\n\th();\n}\n")),
	})
	first := ix.Resolve("kernel/a.c", Call{Name: "f", Line: 10})
	if len(first) != 2 || first[0].File != "kernel/a.c" || len(first[0].Conds) != 1 {
		t.Fatalf("f from a.c: %+v, want a.c's static f under CONFIG_A, then b.c's", first)
	}
	withB := append(first[0].Conds, "CONFIG_B")
	_ = append(first, Target{Name: "x"})
	again := ix.Resolve("kernel/a.c", Call{Name: "f", Line: 20})
	if len(again) != 2 || len(again[0].Conds) != 1 || again[0].Conds[0] != "CONFIG_A" || withB[0] != "CONFIG_A" {
		t.Errorf("f from a.c again: %+v", again)
	}
	if cap(again[0].Conds) != len(again[0].Conds) || cap(again) != len(again) {
		t.Errorf("shared answer not clipped: conds cap %d len %d, targets cap %d len %d",
			cap(again[0].Conds), len(again[0].Conds), cap(again), len(again))
	}
	other := ix.Resolve("kernel/c.c", Call{Name: "f"})
	if len(other) != 1 || other[0].File != "kernel/b.c" {
		t.Errorf("f from c.c: %+v, want b.c's global f", other)
	}
}
