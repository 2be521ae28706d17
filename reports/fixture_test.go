package reports_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

// seriesFile is the repository's sample series: rcu_read_lock_notrace() and
// its use in __DO_TRACE(), the patch discussed on the rcu list in 2025.
const seriesFile = "../testdata/rcu-read-lock-notrace.mbox"

// reviewSeries runs the real review pipeline (mbox parsing, series
// grouping, applying onto tree when given) on the sample series, without
// analyzers, so that the report carries real mail context and hunks.
func reviewSeries(t testing.TB, tree ksrc.Tree) *reports.Report {
	t.Helper()
	f, err := os.Open(seriesFile)
	if err != nil {
		t.Fatalf("open series: %v", err)
	}
	defer f.Close()
	res := review.Run([]review.Input{{Name: "rcu-read-lock-notrace.mbox", R: f}},
		review.Options{Tool: "rcureview", Version: "test", Tree: tree})
	if len(res.Report.Patches) != 2 {
		t.Fatalf("review found %d patches, want 2", len(res.Report.Patches))
	}
	for _, p := range res.Report.Patches {
		if p.Mail == nil {
			t.Fatalf("patch %q has no mail context", p.Subject)
		}
	}
	return res.Report
}

// patchLineOf returns the mail-body line (finding.PatchLine) of the first
// diff line of p equal to src.
func patchLineOf(t testing.TB, p *reports.Patch, src string) int {
	t.Helper()
	for i, l := range strings.Split(p.Mail.Diff, "\n") {
		if l == src {
			return p.Mail.DiffLine + i
		}
	}
	t.Fatalf("%q not in the diff of %q", src, p.Subject)
	return 0
}

// addFindings attaches the findings a reviewer would make on the series:
// the chain Steven Rostedt described (verified line by line against the
// linux 6.12 tree: kernel/rcu/tree_plugin.h and kernel/softirq.c), a
// finding located only by file and line, and the model's counterexample
// for an expedited grace period that never ends (research/rcu-model.md B5a).
func addFindings(t testing.TB, r *reports.Report) {
	t.Helper()
	p1, p2 := r.Patches[0], r.Patches[1]
	unlock := "+\t__rcu_read_unlock();"
	p1.Findings = append(p1.Findings,
		finding.Finding{
			Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Error,
			File: "include/linux/rcupdate.h", Line: 986, Function: "rcu_read_unlock_notrace",
			Message: "rcu_read_unlock_notrace() reaches tracepoint softirq_raise through __rcu_read_unlock()",
			Sink:    "tracepoint", Status: finding.StatusNew,
			PatchLine: patchLineOf(t, p1, unlock), Source: unlock,
			Chain: []finding.Hop{
				{Function: "__rcu_read_unlock", File: "kernel/rcu/tree_plugin.h", Line: 429, Why: "out of line, ftrace-able"},
				{Function: "rcu_read_unlock_special", File: "kernel/rcu/tree_plugin.h", Line: 725, Why: "->rcu_read_unlock_special.s set"},
				{Function: "raise_softirq_irqoff", File: "kernel/softirq.c", Line: 695, Why: "inline"},
				{Function: "__raise_softirq_irqoff", File: "kernel/softirq.c", Line: 721},
				{Function: "trace_softirq_raise", File: "kernel/softirq.c", Line: 724, Why: "tracepoint"},
			},
			Config: []string{"CONFIG_PREEMPT_RCU=y"},
		},
		finding.Finding{
			Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Warning,
			File: "include/linux/rcupdate.h", Line: 980, Function: "rcu_read_lock_notrace",
			Message: "rcu_read_lock_notrace() calls ftrace-able __rcu_read_lock()",
			Sink:    "ftrace", Status: finding.StatusNew,
			Chain:  []finding.Hop{{Function: "__rcu_read_lock", File: "kernel/rcu/tree_plugin.h", Line: 411, Why: "out of line, ftrace-able"}},
			Config: []string{"CONFIG_PREEMPT_RCU=y"},
		},
	)
	p2.Findings = append(p2.Findings,
		modelFinding(t, p2),
		finding.Finding{
			Rule: finding.RuleNotraceInstrumentedCall, Severity: finding.Note,
			File: "kernel/tracepoint.c", Line: 142, Function: "release_probes",
			Message: "probes called under rcu_read_lock_notrace() are still freed after call_rcu() only",
			Status:  finding.StatusChanged,
		},
	)
}

// modelFinding is the model's counterexample for an expedited grace period
// that never ends (research/rcu-model.md B5a), at patch 2's change of
// __DO_TRACE().
func modelFinding(t testing.TB, p2 *reports.Patch) finding.Finding {
	lock := "+\t\trcu_read_lock_notrace();\t\t\t\t\\"
	return finding.Finding{
		Rule: finding.RuleGPStall, Severity: finding.Error,
		File: "include/linux/tracepoint.h", Line: 226, Function: "__DO_TRACE",
		Message: "an expedited grace period never ends: the tracepoint reader's " +
			"rcu_read_unlock_notrace() skips rcu_read_unlock_special() on a nohz_full CPU",
		Status: finding.StatusNew, PatchLine: patchLineOf(t, p2, lock), Source: lock,
		Config: []string{"CONFIG_PREEMPT_RCU=y", "CONFIG_NO_HZ_FULL=y"},
		Trace: &finding.Trace{Property: "L1 every grace period ends", Steps: []finding.Step{
			{CPU: 0, Context: "task", Event: "T1: rcu_read_lock_notrace() (nesting 1)"},
			{CPU: 1, Context: "task", Event: "T2: synchronize_rcu_expedited(): GP 1 starts, IPI to CPU 0"},
			{CPU: 0, Context: "hardirq", Event: "rcu_exp_handler(): CPU 0 in a reader, set need_qs"},
			{CPU: 0, Context: "task", Event: "T1: rcu_read_unlock_notrace(): nesting 0, special bits not checked"},
			{CPU: 0, Context: "task", Event: "T1: runs in user space, no tick (nohz_full)"},
			{CPU: 1, Context: "task", Event: "T2: (cycle) waits for CPU 0's quiescent state"},
		}},
	}
}

// abbrevCommit matches the abbreviated commit id a git source names.
var abbrevCommit = regexp.MustCompile(`\([0-9a-f]{7,40}\)`)

// normalizeSource replaces the tree's path and commit id in the report's
// kernel source, so that goldens do not depend on where and which 6.12.y
// tree the tests run against.
func normalizeSource(r *reports.Report) {
	src := r.Kernel.Source
	if i := strings.IndexByte(src, ':'); i >= 0 {
		if j := strings.LastIndexByte(src, '@'); j > i {
			// The commit id depends on the tree's exact content (Debian's
			// linux-source-6.12 moves with the 6.12.y point releases).
			r.Kernel.Source = src[:i+1] + "$KERNEL" + abbrevCommit.ReplaceAllString(src[j:], "($$COMMIT)")
		} else if strings.HasPrefix(src, "tree:") {
			r.Kernel.Source = "tree:$KERNEL"
		}
	}
	for _, p := range r.Patches {
		p.Base = abbrevCommit.ReplaceAllString(p.Base, "($$COMMIT)")
	}
}
