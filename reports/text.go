package reports

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/rcureview/rcureview/finding"
)

// TextOptions tunes the checkpatch-shaped text output.
type TextOptions struct {
	Quiet bool // print only findings, one summary line per patch and the total
	Color bool // ANSI colours (the CLI sets it on a terminal unless NO_COLOR)

	// checkpatch's output options (see terse.go).
	Terse     bool // one line per finding: "FILE:LINE: SEVERITY:RULE: message"
	Emacs     bool // positions are INPUT:LINE, the input file and its line
	ShowFile  bool // positions are FILE:LINE of the patched file (the default with Terse)
	NoSummary bool // no per-patch totals, summary block or total line
	Strict    bool // terse: notes too, as CHECK lines
}

// WriteText writes the report in checkpatch's shape: a header naming the
// kernel source, then per patch its title line, one block per finding
//
//	ERROR: rule: message
//	#42: FILE: path:line:
//	+	source line
//	  chain: a -> b [why] -> c
//
// and a per-patch total line.
//
// What came from the mail (subjects, paths, source lines, messages) is
// shown with its control characters escaped (EscapeControl).
func WriteText(w io.Writer, r *Report, opt TextOptions) error {
	r.Normalize()
	r = escapedCopy(r)
	bw := bufio.NewWriter(w)
	if opt.Terse {
		writeTerse(bw, r, opt)
		return bw.Flush()
	}
	if !opt.Quiet {
		fmt.Fprintf(bw, "%s %s: kernel %s\n", r.Tool, r.Version, r.Kernel.Source)
		if r.Kernel.Config != "" {
			fmt.Fprintf(bw, "config: %s\n", r.Kernel.Config)
		}
		for _, n := range r.Notes {
			fmt.Fprintf(bw, "note: %s\n", n)
		}
		fmt.Fprintln(bw)
	}
	for _, p := range r.Patches {
		writePatchText(bw, p, opt)
	}
	if opt.NoSummary {
		return bw.Flush()
	}
	if len(r.Patches) > 0 {
		fmt.Fprintln(bw, "summary:")
		for _, p := range r.Patches {
			fmt.Fprintf(bw, "  %s\n", paint(opt.Color, summaryColor(p), PatchSummary(p)))
		}
	}
	e, wn, n := r.Counts()
	fmt.Fprintf(bw, "total: %d errors, %d warnings, %d notes in %d patches\n", e, wn, n, len(r.Patches))
	return bw.Flush()
}

func writePatchText(w *bufio.Writer, p *Patch, opt TextOptions) {
	counter := ""
	if p.Total > 0 {
		counter = fmt.Sprintf(" [%d/%d]", p.Index, p.Total)
	}
	if !opt.Quiet {
		fmt.Fprintf(w, "%s\n", paint(opt.Color, sgrBold, fmt.Sprintf("patch%s: %s", counter, p.Subject)))
		if p.MessageID != "" {
			fmt.Fprintf(w, "message-id: <%s>\n", p.MessageID)
		}
		if p.Base != "" {
			fmt.Fprintf(w, "base: %s\n", p.Base)
		}
		switch {
		case p.AlreadyApplied && p.Applied:
			fmt.Fprintf(w, "applied: already in the tree; reviewed with the patch reversed%s\n", offsetsSummary(p.Hunks))
		case p.AlreadyApplied:
			fmt.Fprintf(w, "applied: already\n")
		case p.Applied:
			fmt.Fprintf(w, "applied: yes%s\n", offsetsSummary(p.Hunks))
		case p.Error != "":
			fmt.Fprintf(w, "applied: no (%s)\n", p.Error)
		default:
			fmt.Fprintf(w, "applied: no\n")
		}
		fmt.Fprintln(w)
	}
	for _, f := range p.Findings {
		if opt.Quiet && f.Status == finding.StatusUnchanged {
			continue
		}
		writeFindingText(w, p, f, opt)
	}
	if !opt.Quiet && !opt.NoSummary {
		e, wn, n := finding.Count(p.Findings)
		fmt.Fprintf(w, "total: %d errors, %d warnings, %d notes, %d lines checked\n\n", e, wn, n, p.Lines)
	}
}

// offsetsSummary lists the hunks that applied away from their stated line,
// as git apply does ("Hunk #1 succeeded at 19 (offset 2 lines)").
func offsetsSummary(hs []Hunk) string {
	var parts []string
	for _, h := range hs {
		if h.Offset != 0 {
			parts = append(parts, fmt.Sprintf("%s %s at line %d (offset %+d lines)", h.File, h.Header, h.OldLine, h.Offset))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return "; " + strings.Join(parts, "; ")
}

func writeFindingText(w *bufio.Writer, p *Patch, f finding.Finding, opt TextOptions) {
	color := opt.Color
	sev := paint(color, severityColor(f.Severity), strings.ToUpper(f.Severity.String()))
	mark := ""
	if f.Status == finding.StatusUnchanged {
		mark = " [unchanged]"
	}
	fmt.Fprintf(w, "%s%s: %s: %s%s\n", firstLinePrefix(p, f, opt), sev, f.Rule, oneLine(f.Message), mark)
	// checkpatch's --showfile drops the "#N: FILE:" line: the prefix says it.
	if here := hereLine(f); here != "" && !(opt.ShowFile && f.File != "") {
		fmt.Fprintln(w, here)
	}
	if f.Source != "" {
		fmt.Fprintf(w, "%s\n", sourceColor(color, f.Source))
	}
	if len(f.Chain) > 0 {
		fmt.Fprintf(w, "  chain: %s\n", chainText(f))
	}
	if len(f.Config) > 0 {
		fmt.Fprintf(w, "  config: %s\n", finding.ConfigText(f.Config))
		if h := finding.HoldsText(f.Holds); h != "" {
			fmt.Fprintf(w, "  holds: %s\n", h)
		}
	}
	if n := pathsNote(f); n != "" {
		fmt.Fprintf(w, "  paths: %s\n", n)
	}
	if f.HunksOnly {
		fmt.Fprintf(w, "  basis: %s\n", hunksOnlyNote)
	}
	if f.Trace != nil && len(f.Trace.Steps) > 0 {
		writeTraceTable(w, f.Trace, "  ")
	}
	fmt.Fprintln(w)
}

// chainText renders a chain as "root -> f [why] -> g", starting with the
// finding's function when the chain does not already.
func chainText(f finding.Finding) string {
	var parts []string
	if f.Function != "" && !f.ChainShowsRoot() {
		parts = append(parts, f.Function)
	}
	for _, h := range f.Chain {
		s := h.Function
		if h.Why != "" {
			s += " [" + h.Why + "]"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " -> ")
}

// hunksOnlyNote marks a finding of a patch reviewed from its hunks alone.
const hunksOnlyNote = "the patch's hunks only (not applied to a tree)"

// pathsNote says how many chains a grouped finding has besides the one
// shown, "" when it has one.
func pathsNote(f finding.Finding) string {
	if len(f.Paths) <= 1 {
		return ""
	}
	return fmt.Sprintf("%d chains, the one shown first; --format json lists every chain", len(f.Paths))
}

// writeTraceTable prints a model counterexample with one column per CPU.
func writeTraceTable(w *bufio.Writer, t *finding.Trace, indent string) {
	for _, line := range TraceTable(t) {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

// TraceTable lays a counterexample out as rows of a table with a step
// column and the columns of traceColumns (one per CPU, and one for the
// grace-period kthreads); each event sits in its column, prefixed by its
// context.
func TraceTable(t *finding.Trace) []string {
	headers, rows := traceCells(t)
	width := make([]int, len(headers))
	for c, h := range headers {
		width[c] = len(h)
	}
	for _, r := range rows {
		for c, cell := range r {
			width[c] = max(width[c], len(cell))
		}
	}
	out := []string{"counterexample for " + t.Property + ":"}
	hdr := fmt.Sprintf("%4s", "#")
	sep := "----"
	for c, h := range headers {
		hdr += " | " + pad(h, width[c])
		sep += "-+-" + strings.Repeat("-", width[c])
	}
	out = append(out, strings.TrimRight(hdr, " "), sep)
	for i, r := range rows {
		line := fmt.Sprintf("%4d", i+1)
		for c, cell := range r {
			line += " | " + pad(cell, width[c])
		}
		out = append(out, strings.TrimRight(line, " "))
	}
	return out
}

func pad(s string, n int) string {
	if len(s) >= n {
		return s
	}
	return s + strings.Repeat(" ", n-len(s))
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
