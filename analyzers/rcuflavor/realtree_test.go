package rcuflavor

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

func TestRealTreeFaultableProbe(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name   string
		mbox   string
		source string // the patch line of the finding; "" for none
	}{
		{"Tasks Trace reader, updater waits with synchronize_rcu()", "testdata/trace-reader-synchronize-rcu.mbox", "+\tsynchronize_rcu();"},
		{"Tasks Trace reader, updater frees from call_rcu()", "testdata/trace-reader-call-rcu.mbox", "+\t\tcall_rcu(&old->rcu, demo_probe_free_rcu);"},
		{"twin: synchronize_rcu_tasks_trace()", "testdata/trace-reader-synchronize-rcu-tasks-trace.mbox", ""},
		{"twin: call_rcu_tasks_trace()", "testdata/trace-reader-call-rcu-tasks-trace.mbox", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if tc.source == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Rule != finding.RuleGPFlavorMismatch || f.Severity != finding.Error || f.Status != finding.StatusNew ||
				f.Source != tc.source || f.Function != "demo_probe_set" {
				t.Errorf("finding %s %s %s %q %s", f.Rule, f.Severity, f.Status, f.Source, f.Function)
			}
			if f.Trace == nil || !strings.HasPrefix(f.Trace.Property, "P2") || len(f.Trace.Steps) == 0 {
				t.Fatalf("no P2 trace: %+v", f.Trace)
			}
			if !strings.Contains(f.Message, "rcu_read_lock_trace") || len(f.Chain) != 3 || f.Chain[0].Function != "demo_probe_set" ||
				f.Chain[2].Function != "demo_probe_run" {
				t.Errorf("message/chain do not name the reader: %s %+v", f.Message, f.Chain)
			}
		})
	}
}

// The reader and the retire path of one location in different files: the
// patch adds an SRCU reader of dev->ifalias in net-sysfs.c while the
// unchanged dev_set_alias() in dev.c frees the old alias with kfree_rcu().
func TestRealTreeReaderAndRetireInOtherFiles(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name string
		mbox string
		want bool
	}{
		{"SRCU reader in net-sysfs.c, kfree_rcu() in unchanged dev.c", "testdata/srcu-reader-ifalias-kfree-rcu.mbox", true},
		{"twin: dev.c frees through call_rcu() then call_srcu()", "testdata/srcu-reader-ifalias-call-srcu.mbox", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if !tc.want {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Rule != finding.RuleGPFlavorMismatch || f.Status != finding.StatusNew || f.File != "net/core/net-sysfs.c" ||
				f.Function != "netdev_ifalias_len" || f.Trace == nil {
				t.Errorf("finding %s %s %s:%d %s", f.Rule, f.Status, f.File, f.Line, f.Function)
			}
			files := map[string]bool{}
			for _, h := range f.Chain {
				files[h.File] = true
			}
			if !files["net/core/dev.c"] || !files["net/core/net-sysfs.c"] || !strings.Contains(f.Message, "kfree_rcu() [rcu] in dev_set_alias()") ||
				!strings.Contains(f.Message, "struct net_device.ifalias") {
				t.Errorf("the finding does not name both ends: %s %+v", f.Message, f.Chain)
			}
			checkIfaliasTable(t, f.RCUMap)
		})
	}
}

// A reader of a list moved into a section its caller's macro opens, with
// a retire path whose grace periods are two callbacks deep
// (call_rcu() -> audit_free_rule_rcu() -> call_rcu_tasks_trace() or
// call_srcu() -> free).
func TestRealTreeReaderUnderCallerMacro(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name string
		mbox string
		want bool
	}{
		{"SRCU section from audit_filter() macro, rules freed after RCU then Tasks Trace", "testdata/audit-filter-srcu-macro-trace-chain.mbox", true},
		{"twin: rules freed after RCU then SRCU", "testdata/audit-filter-srcu-macro-srcu-chain.mbox", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if !tc.want {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want one for the reader path", len(fs))
			}
			for _, f := range fs {
				if f.Rule != finding.RuleGPFlavorMismatch || f.Status != finding.StatusNew || f.Function != "__audit_filter" {
					t.Errorf("finding %s %s %s", f.Rule, f.Status, f.Function)
				}
				var macro, trace bool
				for _, h := range f.Chain {
					macro = macro || h.Function == "audit_filter" && h.File == "kernel/audit.h"
					trace = trace || strings.Contains(h.Why, "call_rcu_tasks_trace")
				}
				if !macro || !trace || !strings.Contains(f.Message, "srcu_read_lock") ||
					!strings.Contains(f.Message, "call_rcu_tasks_trace() [rcu-tasks-trace] in audit_free_rule_rcu()") {
					t.Errorf("the finding does not show the macro's section and the callback chain: %s %+v", f.Message, f.Chain)
				}
				// the table: the reader's SRCU section opened by the macro,
				// the retire path's callback chain
				var row string
				for _, r := range f.RCUMap.Readers {
					if r.Finding {
						row = strings.Join(r.Protection, "|") + "|" + r.Covered
					}
				}
				if !strings.Contains(row, "by macro audit_filter() at kernel/audit.h:") || !strings.Contains(row, "NOT by") {
					t.Errorf("the table's reader row does not show the macro's section: %q", row)
				}
				var chain bool
				for _, rt := range f.RCUMap.Retires {
					for _, w := range rt.Waits {
						chain = chain || rt.Finding && strings.HasPrefix(w.Wait, "call_rcu_tasks_trace()") && strings.Contains(w.Chain, "callback of call_rcu()")
					}
				}
				if !chain {
					t.Errorf("the table's retire rows do not show the callback chain: %+v", f.RCUMap.Retires)
				}
			}
		})
	}
}

// checkIfaliasTable checks the protection map the ifalias finding carries
// for the HTML report: the new SRCU reader marked and not covered, the
// unchanged reader under rcu_read_lock() covered, the kfree_rcu() retire
// path marked.
func checkIfaliasTable(t *testing.T, m *finding.RCUMap) {
	t.Helper()
	if m == nil || m.Location != "struct net_device.ifalias" {
		t.Fatalf("no protection map of struct net_device.ifalias: %+v", m)
	}
	col := map[string]int{}
	for i, f := range m.Flavours {
		col[f] = i
	}
	if _, ok := col["srcu"]; !ok {
		t.Fatalf("no srcu column: %v", m.Flavours)
	}
	var focus, old *finding.RCUMapReader
	for i, r := range m.Readers {
		switch {
		case r.Finding:
			focus = &m.Readers[i]
		case r.Function == "dev_get_alias":
			old = &m.Readers[i]
		}
	}
	if focus == nil || focus.Function != "netdev_ifalias_len" || !strings.HasPrefix(focus.Site, "net/core/net-sysfs.c:") ||
		!strings.HasPrefix(focus.Protection[col["srcu"]], "srcu_read_lock(") || !strings.HasSuffix(focus.Protection[col["srcu"]], " here") ||
		!strings.HasPrefix(focus.Covered, "NOT by kfree_rcu() in dev_set_alias()") {
		t.Errorf("the finding's reader row: %+v", focus)
	}
	if old == nil || old.Protection[col["rcu"]] != "rcu_read_lock() here" || old.Covered != "yes" {
		t.Errorf("dev_get_alias()'s row: %+v", old)
	}
	if len(m.Retires) != 1 || !m.Retires[0].Finding || m.Retires[0].Function != "dev_set_alias" || !strings.HasPrefix(m.Retires[0].Site, "net/core/dev.c:") ||
		len(m.Retires[0].Waits) != 1 || !strings.HasPrefix(m.Retires[0].Waits[0].Wait, "kfree_rcu() [rcu] in dev_set_alias() at net/core/dev.c:") {
		t.Errorf("retire rows: %+v", m.Retires)
	}
}

// SLAB_TYPESAFE_BY_RCU as a retire kind: the old handler table goes back
// to sighand_cachep (created with the flag in the unchanged kernel/fork.c)
// through the unchanged __cleanup_sighand(); the slab allocator frees such
// slabs after call_rcu(), which waits for RCU readers (type-safety) and
// not for SRCU ones.
func TestRealTreeTypesafeCacheRetire(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name string
		mbox string
		want bool
	}{
		{"SRCU reader of a table freed to a SLAB_TYPESAFE_BY_RCU cache", "testdata/sighand-typesafe-srcu-reader.mbox", true},
		{"twin: the reader holds rcu_read_lock()", "testdata/sighand-typesafe-rcu-reader.mbox", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if !tc.want {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d: %s", len(fs), realtest.Dump(fs))
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Rule != finding.RuleGPFlavorMismatch || f.Status != finding.StatusNew || f.Function != "sighand_peek_set" ||
				f.Trace == nil || !strings.HasPrefix(f.Trace.Property, "P2") {
				t.Errorf("finding %s %s %s %+v", f.Rule, f.Status, f.Function, f.Trace)
			}
			if !strings.Contains(f.Message, "kmem_cache_free() [rcu, type-safe only: SLAB_TYPESAFE_BY_RCU cache] in __cleanup_sighand()") ||
				!strings.Contains(f.Message, "sighand_peek_ignored() reads it under srcu_read_lock()") {
				t.Errorf("message: %s", f.Message)
			}
			var why string
			for _, h := range f.Chain {
				if h.Function == "__cleanup_sighand" && h.File == "kernel/fork.c" {
					why = h.Why
				}
			}
			if !strings.Contains(why, "sighand_cachep, created at kernel/fork.c:") || !strings.Contains(why, "call_rcu() (in free_slab() at mm/slub.c:") {
				t.Errorf("the chain does not say which cache and grace period: %q %+v", why, f.Chain)
			}
		})
	}
}

// Probe context as implied protection: ftrace's pid-filter probes read
// tr->function_pids with no section of their own and no known caller;
// they are registered with register_trace_sched_switch() and friends, so
// they run inside the guard __DO_TRACE() takes (preempt_disable_notrace()
// in 6.12, read from the code). A patch that retires the old list after an
// SRCU grace period misses them (error); after a Tasks Trace one they are
// covered only because rcu_trace_implies_rcu_gp() (note); the twin's Tasks
// RCU grace period waits for them (a preempt-disabled probe cannot switch
// voluntarily).
func TestRealTreeProbeContextReader(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name   string
		mbox   string
		source string // the patch line of the probe's finding, "" for none
		sev    finding.Severity
	}{
		{"pid list retired after synchronize_srcu()", "testdata/probe-reader-pids-srcu.mbox", "+\t\tsynchronize_srcu(&tracepoint_srcu);", finding.Error},
		{"pid list retired after synchronize_rcu_tasks_trace(): an accident", "testdata/probe-reader-pids-tasks-trace.mbox", "+\t\tsynchronize_rcu_tasks_trace();", finding.Note},
		{"twin: retired after synchronize_rcu_tasks()", "testdata/probe-reader-pids-tasks.mbox", "", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if tc.source == "" {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d: %s", len(fs), realtest.Dump(fs))
				}
				return
			}
			var probe *finding.Finding
			for i, f := range fs {
				if f.Rule == finding.RuleGPFlavorMismatch && f.Status == finding.StatusNew && f.Source == tc.source &&
					f.Chain[len(f.Chain)-1].Function == "ftrace_filter_pid_sched_switch_probe" && strings.Contains(f.Message, "function_pids") {
					probe = &fs[i]
				}
			}
			if probe == nil {
				t.Fatalf("no finding for the sched_switch probe's read: %s", realtest.Dump(fs))
			}
			if probe.Severity != tc.sev || !strings.Contains(probe.Message, "preempt_disable_notrace()") || tc.sev == finding.Error && probe.Trace == nil {
				t.Errorf("%s: %s", probe.Severity, probe.Message)
			}
			var row string
			for _, r := range probe.RCUMap.Readers {
				if r.Finding {
					row = strings.Join(r.Protection, "|") + "|" + r.Via
				}
			}
			if !strings.Contains(row, "preempt_disable_notrace() by the tracepoint guard in __DO_TRACE() at include/linux/tracepoint.h:") ||
				!strings.Contains(row, "probe of sched_switch, registered with register_trace_sched_switch() in pid_write()") {
				t.Errorf("the table's row does not show the probe context: %q", row)
			}
		})
	}
}
