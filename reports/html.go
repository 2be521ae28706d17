package reports

import (
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ruledoc"
)

// The HTML report is one self-contained file: inline CSS, no script, no
// external resource. Chains are <details> lists that expand on click;
// counterexamples are tables with one column per CPU; the rules used are
// explained at the end with the same text as "rcureview explain".

//go:embed html/report.html.tmpl
var htmlFS embed.FS

// htmlTmpl is parsed on first use: every rcureview process would
// otherwise pay for it at start, whatever its output format.
var htmlTmpl = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
		"upper":      strings.ToUpper,
		"sev":        func(s finding.Severity) string { return s.String() },
		"readerNote": readerNote,
	}).ParseFS(htmlFS, "html/report.html.tmpl"))
})

type htmlReport struct {
	*Report
	NErrors, NWarnings, NNotes int
	Patches                    []htmlPatch
	Rules                      []ruledoc.Doc
}

type htmlPatch struct {
	*Patch
	Anchor                     string
	Counter                    string
	NErrors, NWarnings, NNotes int
	Findings                   []htmlFinding
}

type htmlFinding struct {
	finding.Finding
	Anchor   string
	Location string
	Root     string // the chain's root when it is not the first hop
	Trace    *htmlTrace
}

type htmlTrace struct {
	Property string
	CPUs     []string
	Rows     []htmlRow
}

type htmlRow struct {
	Step  int
	Cells []htmlCell
}

type htmlCell struct {
	Context, Event string
}

// WriteHTML writes the report as one self-contained HTML page.
func WriteHTML(w io.Writer, r *Report) error {
	r.Normalize()
	r = escapedCopy(r) // control characters from the mail, shown visibly
	v := htmlReport{Report: r}
	v.NErrors, v.NWarnings, v.NNotes = r.Counts()
	used := map[string]bool{}
	for i, p := range r.Patches {
		hp := htmlPatch{Patch: p, Anchor: fmt.Sprintf("patch-%d", i+1)}
		if p.Total > 0 {
			hp.Counter = fmt.Sprintf("%d/%d", p.Index, p.Total)
		}
		for j, f := range p.Findings {
			switch f.Severity {
			case finding.Error:
				hp.NErrors++
			case finding.Warning:
				hp.NWarnings++
			default:
				hp.NNotes++
			}
			used[f.Rule] = true
			hf := htmlFinding{Finding: f, Anchor: fmt.Sprintf("%s-f%d", hp.Anchor, j+1)}
			if f.File != "" {
				hf.Location = f.File
				if f.Line > 0 {
					hf.Location = fmt.Sprintf("%s:%d", f.File, f.Line)
				}
			}
			if len(f.Chain) > 0 && f.Function != "" && !f.ChainShowsRoot() {
				hf.Root = f.Function
			}
			if f.Trace != nil && len(f.Trace.Steps) > 0 {
				hf.Trace = htmlTraceOf(f.Trace)
			}
			hp.Findings = append(hp.Findings, hf)
		}
		v.Patches = append(v.Patches, hp)
	}
	for _, d := range ruledoc.All() {
		if used[d.ID] {
			v.Rules = append(v.Rules, d)
		}
	}
	if err := htmlTmpl().Execute(w, v); err != nil {
		return fmt.Errorf("render html: %w", err)
	}
	return nil
}

func htmlTraceOf(t *finding.Trace) *htmlTrace {
	headers, column := traceColumns(t)
	ht := &htmlTrace{Property: t.Property, CPUs: headers}
	for i, s := range t.Steps {
		row := htmlRow{Step: i + 1, Cells: make([]htmlCell, len(headers))}
		row.Cells[column(s)] = htmlCell{Context: s.Context, Event: s.Event}
		ht.Rows = append(ht.Rows, row)
	}
	return ht
}
