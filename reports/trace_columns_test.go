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
	s, err := rcumodel.Load("V3-exp-ipi-notrace-nohz")
	if err != nil {
		t.Fatal(err)
	}
	res, err := rcumodel.Check(s, rcumodel.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := res.Findings()
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
