package notrace

import (
	"fmt"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"sort"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// miniPass makes the pass of a patch that adds file path with content to
// the test tree in testdata/mini.
func miniPass(t *testing.T, path, content string) (*index.Provider, analyzers.Pass) {
	t.Helper()
	tree, err := ksrc.OpenDir("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(content, "\n"), "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n", path, path, path, len(lines))
	for _, l := range lines {
		b.WriteString("+" + l + "\n")
	}
	files, err := diffparse.Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	res, err := diffparse.Apply(tree, files)
	if err != nil {
		t.Fatal(err)
	}
	post := ksrc.NewOverlay(tree)
	for p, data := range res.Files {
		if err := post.Set(p, data); err != nil {
			t.Fatal(err)
		}
	}
	return index.NewProvider(index.Options{}, nil), analyzers.Pass{Subject: "test", Files: files, Pre: tree, Post: post}
}

// keys summarises findings as "rule/severity/sink/last-hop" for one root.
func keys(fs []finding.Finding, root string) []string {
	var out []string
	for _, f := range fs {
		if root != "" && f.Function != root {
			continue
		}
		last := ""
		if len(f.Chain) > 0 {
			last = f.Chain[len(f.Chain)-1].Function
		}
		out = append(out, fmt.Sprintf("%s/%s/%s/%s", short(f.Rule), f.Severity, f.Sink, last))
	}
	sort.Strings(out)
	return out
}

func short(rule string) string {
	switch rule {
	case finding.RuleNotraceInstrumentedCall:
		return "NT"
	case finding.RuleNotraceNameContract:
		return "NT005"
	}
	return rule
}

func TestSpecCases(t *testing.T) {
	tests := []struct {
		name, path, src, root string
		config                *kconfig.Config
		want                  []string
	}{
		{
			name: "TC1 rcu_read_unlock_notrace on __rcu_read_unlock reaches the unlock slow path",
			path: "include/linux/rcu_notrace.h",
			src:  "static inline notrace void rcu_read_unlock_notrace(void)\n{\n\t__rcu_read_unlock();\n}\n",
			root: "rcu_read_unlock_notrace",
			want: []string{
				"NT/error/tracepoint/trace_csd_queue_cpu", "NT/error/tracepoint/trace_ipi_send_cpu",
				"NT/error/tracepoint/trace_sched_waking", "NT/error/tracepoint/trace_softirq_raise",
				"NT/warning/ftrace/__rcu_read_unlock",
				"NT/warning/hook/preempt_count_add", "NT/warning/hook/preempt_count_sub",
				"NT/warning/hook/trace_hardirqs_off", "NT/warning/hook/trace_hardirqs_on",
			},
		},
		{
			name: "TC2 preempt_enable_notrace stops at the trusted preempt_schedule_notrace",
			path: "kernel/trace/tc2.c",
			src:  "static inline notrace void my_unlock_sched_notrace(void)\n{\n\tpreempt_enable_notrace();\n}\n",
			root: "my_unlock_sched_notrace",
		},
		{
			name: "TC3 local_irq_save and preempt_disable are debug hooks",
			path: "kernel/trace/tc3.c",
			src: "static notrace void trace_helper(void)\n{\n\tunsigned long flags;\n\tlocal_irq_save(flags);\n" +
				"\tpreempt_disable();\n\tpreempt_enable();\n\tlocal_irq_restore(flags);\n}\n",
			root: "trace_helper",
			want: []string{"NT/warning/hook/preempt_count_add", "NT/warning/hook/preempt_count_sub",
				"NT/warning/hook/trace_hardirqs_off", "NT/warning/hook/trace_hardirqs_on"},
		},
		{
			name: "TC3 raw and notrace variants are clean",
			path: "kernel/trace/tc3raw.c",
			src: "static notrace void trace_helper(void)\n{\n\tunsigned long flags;\n\traw_local_irq_save(flags);\n" +
				"\tpreempt_disable_notrace();\n\tpreempt_enable_notrace();\n\tguard(preempt_notrace)();\n\traw_local_irq_restore(flags);\n}\n",
			root: "trace_helper",
		},
		{
			name: "TC3 guard(preempt) expands to preempt_disable/enable",
			path: "kernel/trace/tc3guard.c",
			src:  "static notrace void trace_guarded(void)\n{\n\tguard(preempt)();\n}\n",
			root: "trace_guarded",
			want: []string{"NT/warning/hook/preempt_count_add", "NT/warning/hook/preempt_count_sub"},
		},
		{
			name: "TC4 rcu_dereference_check calls the traceable rcu_read_lock_held",
			path: "kernel/trace/tc4.c",
			src:  "static notrace struct foo *tp_get(struct foo __rcu **pp)\n{\n\treturn rcu_dereference_check(*pp, rcu_read_lock_held());\n}\n",
			root: "tp_get",
			want: []string{"NT/warning/ftrace/rcu_read_lock_held"},
		},
		{
			name: "TC4 rcu_dereference_raw_check is clean",
			path: "kernel/trace/tc4raw.c",
			src:  "static notrace struct foo *tp_get(struct foo __rcu **pp)\n{\n\treturn rcu_dereference_raw_check(*pp);\n}\n",
			root: "tp_get",
		},
		{
			name: "TC5 set_tsk_need_resched has no tracepoint in 6.12",
			path: "kernel/trace/tc5.c",
			src:  "static notrace void defer_qs_notrace(void)\n{\n\tset_tsk_need_resched(current);\n\tset_preempt_need_resched();\n}\n",
			root: "defer_qs_notrace",
		},
		{
			name: "TC6 irq_work_queue_on is built without ftrace but reaches IPI tracepoints",
			path: "kernel/trace/tc6.c",
			src:  "static notrace void kick_cpu_notrace(struct irq_work *w, int cpu)\n{\n\tirq_work_queue_on(w, cpu);\n}\n",
			root: "kick_cpu_notrace",
			want: []string{"NT/error/tracepoint/trace_csd_queue_cpu", "NT/error/tracepoint/trace_ipi_send_cpu",
				"NT/warning/ftrace/__smp_call_single_queue",
				"NT/warning/hook/preempt_count_add", "NT/warning/hook/preempt_count_sub"},
		},
		{
			name: "TC7 inline raise_softirq_irqoff is notrace but reaches softirq_raise",
			path: "kernel/trace/tc7.c",
			src:  "static notrace void kick_softirq_notrace(void)\n{\n\traise_softirq_irqoff(RCU_SOFTIRQ);\n}\n",
			root: "kick_softirq_notrace",
			want: []string{"NT/error/tracepoint/trace_sched_waking", "NT/error/tracepoint/trace_softirq_raise",
				"NT/note/ftrace-maybe/wakeup_softirqd", "NT/warning/ftrace/__raise_softirq_irqoff"},
		},
		{
			name: "TC8 RCU events exist only with CONFIG_RCU_TRACE (any config)",
			path: "kernel/trace/tc8.c",
			src:  "static notrace void report_notrace(struct rcu_node *rnp, struct task_struct *t)\n{\n\ttrace_rcu_unlock_preempted_task(TPS(\"rcu_preempt\"), rnp->gp_seq, t->pid);\n}\n",
			root: "report_notrace",
			want: []string{"NT/error/tracepoint/trace_rcu_unlock_preempted_task"},
		},
		{
			name:   "TC8 RCU events are NOPs without CONFIG_RCU_TRACE",
			path:   "kernel/trace/tc8cfg.c",
			src:    "static notrace void report_notrace(struct rcu_node *rnp, struct task_struct *t)\n{\n\ttrace_rcu_unlock_preempted_task(TPS(\"rcu_preempt\"), rnp->gp_seq, t->pid);\n}\n",
			root:   "report_notrace",
			config: kconfig.FromMap(map[string]string{"CONFIG_PREEMPT_RCU": "y"}),
		},
		{
			name: "TC9 _enabled() and tracepoint_enabled() are not instrumentation",
			path: "kernel/trace/tc9a.c",
			src:  "static notrace bool want_event(void)\n{\n\treturn trace_softirq_raise_enabled() || tracepoint_enabled(softirq_raise);\n}\n",
			root: "want_event",
		},
		{
			name: "TC9 a direct tracepoint and trace_printk are errors",
			path: "kernel/trace/tc9b.c",
			src: "static notrace void emit(unsigned int nr)\n{\n\tif (trace_softirq_raise_enabled())\n\t\ttrace_softirq_raise(nr);\n" +
				"\ttrace_printk(\"nr=%u\\n\", nr);\n}\n",
			root: "emit",
			want: []string{"NT/error/ring-buffer/trace_printk", "NT/error/tracepoint/trace_softirq_raise"},
		},
		{
			name: "TC11 a *_notrace function that is itself traceable",
			path: "kernel/foo.c",
			src:  "void foo_read_unlock_notrace(struct foo *f)\n{\n\tf->x = 0;\n}\nstatic inline void bar_notrace(void) { }\n",
			want: []string{"NT005/error/ftrace/"},
		},
		{
			name: "roots by kind: a plain notrace function of RCU reaching a tracepoint is not re-entry",
			path: "kernel/rcu/plain.c",
			src:  "static notrace void rcu_kick_plain(void)\n{\n\traise_softirq_irqoff(RCU_SOFTIRQ);\n}\n",
			root: "rcu_kick_plain",
			want: []string{"NT/note/ftrace-maybe/wakeup_softirqd", "NT/note/ftrace/__raise_softirq_irqoff",
				"NT/warning/tracepoint/trace_sched_waking", "NT/warning/tracepoint/trace_softirq_raise"},
		},
		{
			name: "TC12 indirect and static calls are notes",
			path: "kernel/trace/tc12.c",
			src:  "static notrace void run_cb_notrace(struct irq_work *w)\n{\n\tw->func(w);\n\tstatic_call(my_hook)();\n}\n",
			root: "run_cb_notrace",
			want: []string{"NT/note/indirect/func", "NT/note/indirect/static_call(my_hook)"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, pass := miniPass(t, tc.path, tc.src)
			pass.Config = tc.config
			fs, err := realtest.Run(Analyzer, p, &pass)
			if err != nil {
				t.Fatal(err)
			}
			got := keys(fs, tc.root)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("findings:\n got %q\nwant %q\n%s", got, tc.want, dump(fs))
			}
			for _, f := range fs {
				if f.Status != finding.StatusNew {
					t.Errorf("status %s, want new: %s", f.Status, f.Message)
				}
				if f.File != tc.path || f.PatchLine == 0 || !strings.HasPrefix(f.Source, "+") {
					t.Errorf("finding not located at the patch line: %s:%d #%d %q", f.File, f.Line, f.PatchLine, f.Source)
				}
			}
		})
	}
}

func TestSpecCase11PreExistingOnlyWithAll(t *testing.T) {
	tree, err := ksrc.OpenDir("testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	p := index.NewProvider(index.Options{}, nil)
	for _, all := range []bool{false, true} {
		pass := analyzers.Pass{Subject: "audit", Pre: tree, Post: tree, All: all}
		fs, err := realtest.Run(Analyzer, p, &pass)
		if err != nil {
			t.Fatal(err)
		}
		got := keys(fs, "srcu_read_lock_notrace")
		if !all && len(got) != 0 {
			t.Errorf("default output shows pre-existing findings: %q", got)
		}
		if all {
			want := []string{"NT/warning/ftrace/__srcu_read_lock"}
			if strings.Join(got, ",") != strings.Join(want, ",") {
				t.Errorf("--all: got %q, want %q", got, want)
			}
			for _, f := range fs {
				if f.Status != finding.StatusPreExisting {
					t.Errorf("status %s, want pre-existing: %s", f.Status, f.Message)
				}
			}
		}
	}
}

// TestRootsByContract: the ftrace notrace-filter API (no plain
// ftrace_set(), an ordinary exported function) and its tracefs handlers
// (notrace is not their suffix) are not tracer context, however much
// they call. (The mini tree builds kernel/trace/ with ftrace flags, so
// ftrace_set_notrace() gets the name-contract error the real tree, which
// does not, never gives.)
func TestRootsByContract(t *testing.T) {
	src := "int ftrace_set_notrace(struct ftrace_ops *ops)\n{\n\t__rcu_read_unlock();\n\treturn 0;\n}\n" +
		"static int ftrace_notrace_open(struct inode *inode, struct file *file)\n{\n\t__rcu_read_unlock();\n\treturn 0;\n}\n"
	p, pass := miniPass(t, "kernel/trace/filter.c", src)
	fs, err := realtest.Run(Analyzer, p, &pass)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.Rule == finding.RuleNotraceInstrumentedCall {
			t.Errorf("%s() taken as a root: %s", f.Function, f.Message)
		}
	}
}
