package index

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/kconfig"
)

func TestSkimFacts(t *testing.T) {
	src := `#include <linux/x.h>
#ifdef CONFIG_PREEMPT_RCU
void __rcu_read_unlock(void)
{
	if (IS_ENABLED(CONFIG_PROVE_LOCKING))
		check();
	w->func(w);
	static_call(hook)(1);
	guard(preempt)();
	scoped_guard (rcu) {
		inner();
	}
}
#else
static inline notrace void __rcu_read_unlock(void) { preempt_enable(); }
#endif
static void __sched notrace
helper(int (*cb)(void))
	__releases(x)
{
	if (in_nmi())
		return;
	cb();
	late();
}
#define preempt_enable() do { preempt_count_dec(); barrier(); } while (0)
#define TRACE_EVENT_RCU TRACE_EVENT
DEFINE_LOCK_GUARD_0(preempt, preempt_disable(), preempt_enable())
DEFINE_EVENT(softirq, softirq_raise, TP_PROTO(unsigned int nr), TP_ARGS(nr));
`
	ff := SkimC("kernel/x.c", []byte(src))
	type fn struct {
		name, attrs, conds string
		line               int32
	}
	var got []fn
	for _, f := range ff.Funcs {
		got = append(got, fn{f.Name, f.Attrs.String(), strings.Join(ff.CondSet(f.Cond), ","), f.Line})
	}
	want := []fn{
		{"__rcu_read_unlock", "", "CONFIG_PREEMPT_RCU", 3},
		{"__rcu_read_unlock", "static inline notrace", "!CONFIG_PREEMPT_RCU", 15},
		{"helper", "static notrace __sched", "", 18},
	}
	if len(got) != len(want) {
		t.Fatalf("functions: got %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("function %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
	calls := map[string]Call{}
	for _, c := range ff.Funcs[0].Calls {
		calls[c.Name] = c
	}
	checks := []struct {
		name  string
		kind  CallKind
		conds string
	}{
		{"check", CallDirect, "CONFIG_PREEMPT_RCU,CONFIG_PROVE_LOCKING"},
		{"func", CallMember, "CONFIG_PREEMPT_RCU"},
		{"hook", CallStatic, "CONFIG_PREEMPT_RCU"},
		{"preempt", CallGuard, "CONFIG_PREEMPT_RCU"},
		{"rcu", CallGuard, "CONFIG_PREEMPT_RCU"},
		{"inner", CallDirect, "CONFIG_PREEMPT_RCU"},
	}
	for _, c := range checks {
		got, ok := calls[c.name]
		if !ok {
			t.Errorf("call %s not found in %+v", c.name, ff.Funcs[0].Calls)
			continue
		}
		if got.Kind != c.kind || strings.Join(ff.CondSet(got.Cond), ",") != c.conds {
			t.Errorf("call %s: kind %s conds %v, want %s %s", c.name, got.Kind, ff.CondSet(got.Cond), c.kind, c.conds)
		}
	}
	h := ff.Funcs[2]
	var hc []string
	for _, c := range h.Calls {
		hc = append(hc, c.Name+"/"+c.Kind.String()+"/"+strings.Join(ff.CondSet(c.Cond), ","))
	}
	if strings.Join(hc, " ") != "in_nmi/direct/ cb/pointer/!in_nmi() late/direct/!in_nmi()" {
		t.Errorf("helper calls: %v", hc)
	}
	var macros []string
	for _, m := range ff.Macros {
		var cs []string
		for _, c := range m.Calls {
			cs = append(cs, c.Name)
		}
		macros = append(macros, m.Name+"="+m.Alias+"("+strings.Join(cs, ",")+")")
	}
	if strings.Join(macros, " ") != "preempt_enable=(preempt_count_dec,barrier) TRACE_EVENT_RCU=TRACE_EVENT()" {
		t.Errorf("macros: %v", macros)
	}
	if len(ff.Invocations) != 2 || ff.Invocations[0].Macro != "DEFINE_LOCK_GUARD_0" || ff.Invocations[1].Args[1] != "softirq_raise" {
		t.Fatalf("invocations: %+v", ff.Invocations)
	}
	if g := ff.Invocations[0].ArgCalls; len(g) != 3 || g[1][0].Name != "preempt_disable" || g[2][0].Name != "preempt_enable" {
		t.Errorf("guard arg calls: %+v", g)
	}
}

func TestSkimUnbalancedInstrumentation(t *testing.T) {
	src := `noinstr void f(void)
{
	instrumentation_begin();
	if (a) {
		instrumentation_end();
		return;
	}
	instrumentation_end();
	if (b) {
		instrumentation_begin();
		return;
	}
	instrumentation_end();
}
`
	ff := SkimC("x.c", []byte(src))
	var got []string
	for _, m := range ff.Funcs[0].Unbalanced {
		got = append(got, m.Msg)
	}
	want := "return with instrumentation enabled|instrumentation_end() without instrumentation_begin()"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestSkimInstrumentationBranches: each branch of an if/else-if/else
// chain starts at the depth before the if, as in ct_nmi_enter() of
// kernel/context_tracking.c (6.12), where every branch calls
// instrumentation_begin() and one instrumentation_end() follows.
func TestSkimInstrumentationBranches(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"every branch begins, one end follows", `noinstr void f(void)
{
	if (a) {
		x();
		instrumentation_begin();
	} else if (b) {
		instrumentation_begin();
		y();
	} else  {
		instrumentation_begin();
	}
	trace_z();
	instrumentation_end();
	w();
}
`, ""},
		{"one branch forgets to begin: its path ends without a begin", `noinstr void f(void)
{
	if (a) {
		instrumentation_begin();
	} else {
		x();
	}
	instrumentation_end();
}
`, "instrumentation_end() without instrumentation_begin()"},
		{"the end is missing after the chain", `noinstr void f(void)
{
	if (a) {
		instrumentation_begin();
	} else {
		instrumentation_begin();
	}
	x();
}
`, "end of function with instrumentation enabled"},
		{"a branch ending in a noreturn call does not fall through", `noinstr void f(void)
{
	if (bad) {
		irqentry_enter(regs);
		instrumentation_begin();
		panic("Unexpected");
	}
	instrumentation_begin();
	x();
	instrumentation_end();
}
`, ""},
		{"a function ending in a noreturn call", "noinstr void __noreturn f(void)\n{\n\tinstrumentation_begin();\n\tpanic(\"bug\");\n}\n", ""},
		{"a returning branch does not count", `noinstr void f(void)
{
	if (a) {
		instrumentation_begin();
		return;
	} else {
		x();
	}
	instrumentation_end();
}
`, "return with instrumentation enabled|instrumentation_end() without instrumentation_begin()"},
	} {
		ff := SkimC("x.c", []byte(tc.src))
		var got []string
		for _, m := range ff.Funcs[0].Unbalanced {
			got = append(got, m.Msg)
		}
		if strings.Join(got, "|") != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	ff := SkimC("x.c", []byte("noinstr void f(void)\n{\n\tif (a) {\n\t\tinstrumentation_begin();\n\t} else {\n\t\tinstrumentation_begin();\n\t}\n\tcall_me();\n\tinstrumentation_end();\n}\n"))
	for _, c := range ff.Funcs[0].Calls {
		if c.Name == "call_me" && c.Instr != 1 {
			t.Errorf("call after the chain at depth %d, want 1", c.Instr)
		}
	}
}

// TestSkimMacroCallLines: calls in a multi-line #define carry the line of
// their continuation line, so a change to one line of __DO_TRACE() maps
// to the macro and the call; '#' at the start of a continuation line is
// stringizing, not a directive.
func TestSkimMacroCallLines(t *testing.T) {
	src := "int x;\n#define __DO_TRACE(name, args)\t\\\n\tdo {\t\\\n\t\t/* keep */\t\\\n\t\tpreempt_disable_notrace();\t\\\n" +
		"\t\t/* two\t\\\n\t\t * lines */\t\\\n\t\tcall_probe(#name);\t\\\n\t\tpreempt_enable_notrace();\t\\\n\t} while (0)\n" +
		"#if defined(CONFIG_A) && \\\n\tdefined(CONFIG_B)\nint after(void) { return g(); }\n#endif\n"
	ff := SkimC("x.h", []byte(src))
	if len(ff.Macros) != 1 {
		t.Fatalf("macros: %+v", ff.Macros)
	}
	var got []string
	for _, c := range ff.Macros[0].Calls {
		got = append(got, fmt.Sprintf("%s:%d", c.Name, c.Line))
	}
	want := "preempt_disable_notrace:5 call_probe:8 preempt_enable_notrace:9"
	if strings.Join(got, " ") != want {
		t.Errorf("macro call lines %q, want %q", got, want)
	}
	if len(ff.Funcs) != 1 || ff.Funcs[0].Line != 13 || len(ff.Funcs[0].Calls) != 1 || ff.Funcs[0].Calls[0].Line != 13 {
		t.Fatalf("function after a continued #if: %+v", ff.Funcs)
	}
	if c := ff.CondSet(ff.Funcs[0].Cond); len(c) != 1 || !strings.Contains(c[0], "CONFIG_A") || !strings.Contains(c[0], "CONFIG_B") {
		t.Errorf("condition of a continued #if: %q", c)
	}
}

func TestSkimMake(t *testing.T) {
	src := "obj-y = a.o\nifdef CONFIG_FUNCTION_TRACER\nCFLAGS_REMOVE_irq_work.o = $(CC_FLAGS_FTRACE)\nendif\n" +
		"ccflags-remove-$(CONFIG_FUNCTION_TRACER) += $(CC_FLAGS_FTRACE)\nCFLAGS_REMOVE_tsc.o = -pg\nKCOV_INSTRUMENT := n\n"
	mf := SkimMake("kernel/Makefile", []byte(src)).Make
	if len(mf.FtraceRemoved) != 2 || mf.FtraceRemoved[0].Object != "irq_work.o" || mf.FtraceRemoved[1].Object != "tsc.o" {
		t.Errorf("ftrace removed: %+v", mf.FtraceRemoved)
	}
	if strings.Join(mf.FtraceRemoved[0].Conds, ",") != "IS_ENABLED(CONFIG_FUNCTION_TRACER)" {
		t.Errorf("conds: %v", mf.FtraceRemoved[0].Conds)
	}
	if mf.DirFtraceRemoved == nil || len(mf.Vars) != 1 || mf.Vars[0].Name != "KCOV_INSTRUMENT" {
		t.Errorf("dir removal %+v, vars %+v", mf.DirFtraceRemoved, mf.Vars)
	}
}

func TestEvalCond(t *testing.T) {
	cfg := kconfig.FromMap(map[string]string{"CONFIG_A": "y", "CONFIG_M": "m", "CONFIG_N": "5"})
	tests := []struct {
		cond        string
		holds, know bool
	}{
		{"CONFIG_A", true, true},
		{"!CONFIG_A", false, true},
		{"CONFIG_B", false, true},
		{"defined(CONFIG_A) && !defined(CONFIG_B)", true, true},
		{"IS_ENABLED(CONFIG_M)", true, true},
		{"IS_BUILTIN(CONFIG_M)", false, true},
		{"CONFIG_N > 3", true, true},
		{"in_nmi()", false, false},
		{"CONFIG_B && in_nmi()", false, true},
		{"CONFIG_A || in_nmi()", true, true},
		{"(", false, false},
	}
	for _, tc := range tests {
		h, k := EvalCond(tc.cond, cfg)
		if h != tc.holds || k != tc.know {
			t.Errorf("EvalCond(%q) = %v,%v want %v,%v", tc.cond, h, k, tc.holds, tc.know)
		}
	}
}

// FuzzSkim checks that the skimmer never panics and keeps line numbers
// inside the input on arbitrary text.
func FuzzSkim(f *testing.F) {
	for _, s := range []string{
		"static inline notrace void f(void) { g(); }",
		"#ifdef CONFIG_X\nvoid f(void) {\n#else\nvoid f(int a) {\n#endif\n\tx();\n}\n",
		"#define A(x) do { b(x); } while (0)\\\n",
		"DEFINE_LOCK_GUARD_0(preempt, preempt_disable(), preempt_enable())\nvoid f(void) { guard(preempt)(); }",
		"TRACE_EVENT(x, TP_PROTO(int a), TP_ARGS(a), TP_STRUCT__entry(), TP_fast_assign({ }), TP_printk(\"\"));",
		"noinstr void f(void) { instrumentation_begin(); if (a) { return; } instrumentation_end(); }",
		"void f(void) { (*fp)(1); w->cb(); static_call(x)(); \"unterminated\n'c'; /* open comment",
		"}}}{{{((()))",
		"int a = { 1, 2 }; struct s { int x; } v;\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		ff := SkimC("fuzz.c", []byte(src))
		lines := int32(strings.Count(src, "\n") + 1)
		for _, fn := range ff.Funcs {
			if fn.Line < 1 || fn.Line > lines || fn.End < fn.Line-lines || fn.End > lines {
				t.Fatalf("function %s lines %d-%d outside 1-%d", fn.Name, fn.Line, fn.End, lines)
			}
			for _, c := range fn.Calls {
				if c.Line < 1 || c.Line > lines || int(c.Cond) >= len(ff.Conds) {
					t.Fatalf("call %s line %d cond %d", c.Name, c.Line, c.Cond)
				}
			}
		}
		SkimMake("Makefile", []byte(src))
		EvalCond(src, kconfig.FromMap(map[string]string{"CONFIG_A": "y"}))
	})
}
