package review

import (
	"bytes"
	"os"
	"testing"

	"github.com/rcureview/rcureview/analyzers/all"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// parsedSeries reads a mailbox the way the bot does (each mail parsed
// once, when it is read) and groups it.
func parsedSeries(t *testing.T, path string) []*mbox.Series {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var patches []*mbox.Patch
	for msg, err := range mbox.Messages(mbox.NewSplitter(bytes.NewReader(data))) {
		if err != nil {
			t.Fatal(err)
		}
		msg.Raw.Source = path
		patches = append(patches, mbox.ExtractPatch(msg))
	}
	return mbox.GroupSeries(patches, mbox.GroupOptions{})
}

func reportJSON(t *testing.T, r *reports.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := reports.WriteJSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestSeriesReviewsAsRunDoes: a series grouped from parsed mail and
// reviewed with Session.Series gives the report Run gives for the
// mailbox it came from, with the full registry and without a tree.
func TestSeriesReviewsAsRunDoes(t *testing.T) {
	reg, err := all.Registry()
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(Options{Tool: "rcureview", Version: "test", Registry: reg})
	for _, path := range []string{sample, "../testdata/lkmm-litmus-claim.mbox"} {
		series := parsedSeries(t, path)
		if len(series) != 1 {
			t.Fatalf("%s: %d series, want 1", path, len(series))
		}
		got := s.Series(series[0])
		want := s.Run([]Input{openInput(t, path)})
		if got.Reviewed != want.Reviewed || got.Reviewed == 0 {
			t.Errorf("%s: Series reviewed %d patches, Run %d", path, got.Reviewed, want.Reviewed)
		}
		if g, w := reportJSON(t, got.Report), reportJSON(t, want.Report); g != w {
			t.Errorf("%s: Series report differs from Run's:\n%s\nwant:\n%s", path, g, w)
		}
	}
}

// TestSeriesKeepsTheBudget: the run's budget applies to a series handed
// over whole as it does to mail read by Run.
func TestSeriesKeepsTheBudget(t *testing.T) {
	series := parsedSeries(t, sample)
	s := NewSession(Options{Tool: "rcureview", MaxPatchBytes: 10})
	res := s.Series(series[0])
	if res.Reviewed != 0 || len(res.Report.Patches) == 0 || res.Report.Patches[0].Error == "" {
		t.Fatalf("a series over the budget was reviewed: %d reviewed, %+v", res.Reviewed, res.Report.Patches)
	}
}
