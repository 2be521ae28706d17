package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/rcureview/rcureview/finding"
)

// b4's review CI protocol (b4 docs/maintainer/review.rst, "Writing an
// external check script"; src/b4/review/checks.py _run_external_cmd): a
// per-patch check command gets one mail on standard input and prints a
// JSON array of results {tool, status: pass|warn|fail, summary, url,
// details}; an empty array means nothing to report. details may be a
// JSON-encoded list of {status, description} entries, which b4's detail
// view lists one per line (as it does for checkpatch).

// B4Result is one result object of b4's review CI protocol.
type B4Result struct {
	Tool    string `json:"tool"`
	Status  string `json:"status"`
	Summary string `json:"summary"`
	URL     string `json:"url,omitempty"`
	Details string `json:"details,omitempty"`
}

// b4Entry is one line of a result's details.
type b4Entry struct {
	Status      string `json:"status"`
	Description string `json:"description"`
	Srcline     string `json:"srcline,omitempty"`
}

// B4Status maps findings to b4's status: fail for an error, warn for a
// warning, pass otherwise (notes and findings a baseline had do not
// count).
func B4Status(fs []finding.Finding) string {
	m, ok := finding.Max(fs)
	switch {
	case ok && m == finding.Error:
		return "fail"
	case ok && m == finding.Warning:
		return "warn"
	}
	return "pass"
}

// B4Results builds one result per reviewed patch of the report (b4 pipes
// one patch per run, so normally one result; none for a cover letter).
func B4Results(r *Report) []B4Result {
	out := []B4Result{}
	for _, p := range r.Patches {
		res := B4Result{Tool: r.Tool, Status: B4Status(p.Findings)}
		if res.Tool == "" {
			res.Tool = "rcureview"
		}
		phrases := SeverityPhrases(p.Findings)
		res.Summary = "no findings"
		if len(phrases) > 0 {
			res.Summary = strings.Join(phrases, ", ")
		}
		if len(r.Patches) > 1 && p.Total > 0 {
			res.Summary = fmt.Sprintf("[%d/%d] %s", p.Index, p.Total, res.Summary)
		}
		entries := []b4Entry{}
		for _, f := range p.Findings {
			if f.Status == finding.StatusUnchanged {
				continue
			}
			e := b4Entry{Status: B4Status([]finding.Finding{f}),
				Description: fmt.Sprintf("%s: %s:%s: %s", filePosition(p, f), checkpatchLevel(f.Severity), f.Rule, oneLine(f.Message))}
			if len(f.Chain) > 0 {
				e.Description += " (chain: " + chainText(f) + ")"
			}
			if len(f.Config) > 0 {
				e.Description += " (config: " + finding.ConfigText(f.Config) + ")"
			}
			e.Srcline = strings.TrimRight(f.Source, "\n")
			entries = append(entries, e)
		}
		// Say what the review ran against, as the text header does.
		base := "reviewed against kernel " + r.Kernel.Source
		if r.Kernel.Config != "" {
			base += " with config " + r.Kernel.Config
		}
		entries = append(entries, b4Entry{Status: "pass", Description: base})
		for _, n := range r.Notes {
			entries = append(entries, b4Entry{Status: "pass", Description: "note: " + oneLine(n)})
		}
		data, err := json.Marshal(entries)
		if err == nil {
			res.Details = string(data)
		}
		out = append(out, res)
	}
	return out
}

// WriteB4 writes the report in b4's review CI protocol: a JSON array of
// results, one per reviewed patch.
func WriteB4(w io.Writer, r *Report) error {
	r.Normalize()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(B4Results(r))
}
