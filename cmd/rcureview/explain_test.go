package main

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

func TestExplainRuleAndLocationOnEmbeddedFacts(t *testing.T) {
	code, out, errOut := runCLI(t, "", "explain", "rcu-gp-flavor-mismatch", "--location", "struct tracepoint.funcs")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"How to fix",                // the rule's text first
		"struct tracepoint.funcs\n", // then the location's table
		"readers (",
		"READ AT",
		"include/linux/tracepoint.h:",
		"retire paths (",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	row := false
	for _, l := range strings.Split(out, "\n") {
		row = row || strings.Contains(l, "__DO_TRACE_CALL()") && strings.Contains(l, "rcu_dereference_raw()")
	}
	if !row {
		t.Errorf("no row for the read in __DO_TRACE_CALL():\n%s", out)
	}
	if code, _, errOut := runCLI(t, "", "explain", "--location", "no_such_rcu_location_anywhere"); code != 2 ||
		!strings.Contains(errOut, "no RCU location matches") {
		t.Errorf("unknown location: exit %d, %s", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "explain"); code != 2 {
		t.Errorf("explain without a rule or location: exit %d", code)
	}
}

func TestExplainLocationOnRealTree(t *testing.T) {
	tree := kerneltest.Tree(t)
	code, out, errOut := runCLI(t, "", "explain", "--location", "struct tracepoint.funcs", "--tree", tree)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		// the reader under the section __DO_TRACE() opens, in its column
		"PREEMPT",
		"preempt_disable_notrace() by macro __DO_TRACE() at include/linux/tracepoint.h:",
		// a retire path with its callback chain
		"kernel/tracepoint.c:",
		"tracepoint_add_func()",
		"then call_srcu() [srcu(tracepoint_srcu)] in rcu_free_old_probes() at kernel/tracepoint.c:",
		"-> rcu_free_old_probes() (callback of call_rcu())",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// The HTML report shows, with an rcu-gp-flavor-mismatch finding, the
// protection map of its location: the new SRCU reader marked and not
// covered, the kfree_rcu() retire path.
func TestReviewHTMLShowsProtectionMap(t *testing.T) {
	tree := kerneltest.Tree(t)
	code, out, errOut := runCLI(t, "", "review", "--tree", tree, "--format", "html",
		"../../analyzers/rcuflavor/testdata/srcu-reader-ifalias-kfree-rcu.mbox")
	if code != 1 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		`<summary>protection map of <code>struct net_device.ifalias</code>`,
		`<th>rcu</th><th>srcu</th><th>covered</th>`,
		`<tr class="focus"><td class="mono">net/core/net-sysfs.c:`,
		`<td>srcu_read_lock(ifalias_srcu) here</td><td>NOT by kfree_rcu() in dev_set_alias()</td>`,
		`<code>dev_get_alias()</code></td><td><code>rcu_dereference()</code></td><td>rcu_read_lock() here</td><td></td><td>yes</td>`,
		`<code>rcu_replace_pointer()</code></td><td>kfree_rcu() [rcu] in dev_set_alias() at net/core/dev.c:`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}
