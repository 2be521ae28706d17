package rcumodelcheck_test

import (
	"bytes"
	"encoding/json"
	"os"
	"testing"

	"github.com/rcureview/rcureview/analyzers/all"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

// jsonReport is the part of JSON schema 1 (design.md) the test reads.
type jsonReport struct {
	Schema  int `json:"schema"`
	Patches []struct {
		Applied  bool `json:"applied"`
		Findings []struct {
			Rule     string   `json:"rule"`
			Severity string   `json:"severity"`
			File     string   `json:"file"`
			Line     int      `json:"line"`
			Function string   `json:"function"`
			Status   string   `json:"status"`
			Config   []string `json:"config"`
			Trace    *struct {
				Property string `json:"property"`
				Steps    []struct {
					CPU     int    `json:"cpu"`
					Context string `json:"context"`
					Event   string `json:"event"`
				} `json:"steps"`
			} `json:"trace"`
		} `json:"findings"`
	} `json:"patches"`
}

// TestReviewEndToEnd reviews a real-tree patch through review.Run with the
// registry the CLI uses and checks the JSON a user gets: the model finding
// at the patch's own line, with a trace showing the expedited IPI.
func TestReviewEndToEnd(t *testing.T) {
	tree := realtest.Tree(t)
	p := realtest.Provider()
	reg, err := all.Registry()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("testdata/notrace-unlock-nesting-only.mbox")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	res := review.Run([]review.Input{{Name: "notrace-unlock-nesting-only.mbox", R: f}}, review.Options{Tool: "rcureview", Version: "test", Tree: tree, Registry: reg, Indexes: p})
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, res.Report); err != nil {
		t.Fatal(err)
	}
	var rep jsonReport
	if err := json.Unmarshal(buf.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Schema != 1 || len(rep.Patches) != 1 || !rep.Patches[0].Applied {
		t.Fatalf("report: %s", buf.String())
	}
	found := false
	for _, fd := range rep.Patches[0].Findings {
		if fd.Rule == "notrace-instrumented-call" || fd.Rule == "notrace-name-contract" {
			t.Errorf("notrace finding for a primitive that calls nothing traceable: %+v", fd)
		}
		if fd.Rule != "rcu-gp-stall" {
			continue
		}
		found = true
		// Line 897 of the patched include/linux/rcupdate.h is the added
		// "WRITE_ONCE(current->rcu_read_lock_nesting, ... - 1);".
		if fd.Severity != "error" || fd.File != "include/linux/rcupdate.h" || fd.Line != 897 ||
			fd.Function != "rcu_read_unlock_notrace" || fd.Status != "new" {
			t.Errorf("finding: %+v", fd)
		}
		if fd.Trace == nil || len(fd.Trace.Steps) < 3 || fd.Trace.Property != "L1 rcu-gp-stall, L2 rcu-deferred-qs-lost" {
			t.Fatalf("trace: %+v", fd.Trace)
		}
		ipi := false
		for _, s := range fd.Trace.Steps {
			if s.Context == "irq" && s.CPU == 0 && bytes.Contains([]byte(s.Event), []byte("rcu_exp_handler")) {
				ipi = true
			}
		}
		if !ipi {
			t.Errorf("the trace does not show the expedited IPI on CPU 0: %+v", fd.Trace.Steps)
		}
	}
	if !found {
		t.Fatalf("no rcu-gp-stall finding in %s", buf.String())
	}
}
