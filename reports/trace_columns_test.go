package reports_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel"
	"github.com/rcureview/rcureview/reports"
)

// TestKthreadStepsKeepTheirColumn: the model gives grace-period kthread
// steps no CPU (CPU < 0); every format shows them in a "GP/kthreads"
// column instead of dropping them.
func TestKthreadStepsKeepTheirColumn(t *testing.T) {
	fs := modelFindings(t, "V3-exp-ipi-notrace-nohz")
	if len(fs) == 0 {
		t.Fatal("the scenario has no violation")
	}
	f := fs[0]
	var kthread string
	for _, st := range f.Trace.Steps {
		if st.CPU < 0 {
			kthread = st.Event
			break
		}
	}
	if kthread == "" {
		t.Fatal("the trace has no step without a CPU; the test needs one")
	}
	probe := kthread
	if len(probe) > 20 {
		probe = probe[:20]
	}
	text := strings.Join(reports.TraceTable(f.Trace), "\n")
	if !strings.Contains(text, "GP/kthreads") || !strings.Contains(text, probe) {
		t.Errorf("text table lacks the kthread column or step %q:\n%s", kthread, text)
	}
	mail := strings.Join(reports.TraceTableWidth(f.Trace, 78), "\n")
	if !strings.Contains(mail, "GP/kthreads") {
		t.Errorf("mail table lacks the kthread column:\n%s", mail)
	}
	r := &reports.Report{Tool: "rcureview", Version: "test", Kernel: reports.Kernel{Source: "embedded:6.12"},
		Patches: []*reports.Patch{{Subject: "s", Findings: []finding.Finding{f}}}}
	for _, format := range []string{"html", "sarif"} {
		var b bytes.Buffer
		if err := reports.NewFormats().Write(&b, format, r); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), "GP/kthreads") || !strings.Contains(b.String(), probe) {
			t.Errorf("%s lacks the kthread column or step %q", format, kthread)
		}
	}
}

// TestMailTraceFitsEightyColumns: a model counterexample with three
// columns (two CPUs and the GP kthreads) and kernel identifiers longer
// than a column fits 80 columns in the email layout: the GP column folds
// into spanning rows, long words break, and the CPU columns stay aligned.
func TestMailTraceFitsEightyColumns(t *testing.T) {
	fs := modelFindings(t, "V3-exp-ipi-notrace-nohz")
	if len(fs) != 1 {
		t.Fatalf("%d findings: L1 and L2 share one counterexample, want one finding", len(fs))
	}
	tr := *fs[0].Trace
	tr.Steps = append(tr.Steps, finding.Step{CPU: 1, Context: "irq",
		Event: "a_kernel_identifier_much_longer_than_any_column->with.fields.and_more_fields_to_the_end=1"})
	lines := reports.TraceTableWidth(&tr, 78)
	sep := -1
	for i, l := range lines {
		if len(l) > 78 {
			t.Errorf("line %d is %d columns: %q", i, len(l), l)
		}
		if strings.HasPrefix(l, "---") {
			sep = strings.LastIndex(l, "+")
		}
	}
	text := strings.Join(lines, "\n")
	if sep < 0 || !strings.Contains(text, "GP/kthreads: exp GP #1") {
		t.Fatalf("no folded GP/kthreads row:\n%s", text)
	}
	for _, l := range lines[3:] {
		if strings.Contains(l, "GP/kthreads:") || !strings.Contains(l[4:], "|") {
			continue
		}
		if p := strings.LastIndex(l, "|"); p != sep && len(l) > sep {
			t.Errorf("CPU 1 column at %d, header at %d: %q", p, sep, l)
		}
	}
	if !strings.Contains(text, "L1 rcu-gp-stall, L2 rcu-deferred-qs-lost") {
		t.Errorf("the shared trace does not name both properties:\n%s", text)
	}
}

// modelFindings checks an embedded model scenario and returns its findings.
func modelFindings(t *testing.T, name string) []finding.Finding {
	t.Helper()
	s, err := rcumodel.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := rcumodel.Check(s, rcumodel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return res.Findings()
}
