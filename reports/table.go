package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ruledoc"
)

// traceColumns names the columns of a counterexample table — "CPU 0" up to
// the highest CPU a step runs on, then "GP/kthreads" when some step belongs
// to no CPU (the model's grace-period kthreads and wakeups have CPU < 0) —
// and gives each step's column. Every renderer lays traces out with it.
func traceColumns(t *finding.Trace) (headers []string, column func(finding.Step) int) {
	maxCPU, other := 0, false
	for _, s := range t.Steps {
		if s.CPU > maxCPU {
			maxCPU = s.CPU
		}
		if s.CPU < 0 {
			other = true
		}
	}
	procs := isProcessTrace(t)
	for c := 0; c <= maxCPU; c++ {
		if procs {
			headers = append(headers, fmt.Sprintf("P%d", c))
		} else {
			headers = append(headers, fmt.Sprintf("CPU %d", c))
		}
	}
	if other && procs {
		headers = append(headers, "rf/co")
	} else if other {
		headers = append(headers, "GP/kthreads")
	}
	return headers, func(s finding.Step) int {
		if s.CPU < 0 {
			return maxCPU + 1
		}
		return s.CPU
	}
}

// isProcessTrace reports whether a trace is a litmus-test execution: every
// step of a column is of the process named after it ("P0" in column 0).
func isProcessTrace(t *finding.Trace) bool {
	any := false
	for _, s := range t.Steps {
		if s.CPU >= 0 {
			if s.Context != fmt.Sprintf("P%d", s.CPU) {
				return false
			}
			any = true
		}
	}
	return any
}

// stepText is a step's event prefixed by its context, except where the
// column or the event already says it: task steps start with the task's
// name, kthread and scheduler steps name their function, litmus-test
// process steps are in the process's column.
func stepText(s finding.Step) string {
	if s.CPU >= 0 && s.Context == fmt.Sprintf("P%d", s.CPU) {
		return s.Event
	}
	if s.Context != "" && s.Context != "task" && s.Context != "kthread" && s.Context != "sched" {
		return s.Context + ": " + s.Event
	}
	return s.Event
}

// traceCells lays a counterexample out as rows with one cell per column:
// each step's text sits in its column (see traceColumns).
func traceCells(t *finding.Trace) (headers []string, rows [][]string) {
	headers, column := traceColumns(t)
	for _, s := range t.Steps {
		row := make([]string, len(headers))
		row[column(s)] = stepText(s)
		rows = append(rows, row)
	}
	return headers, rows
}

// TraceTableWidth is TraceTable for a fixed width (mail): the same columns,
// with cells wrapped onto continuation lines when the table would be wider
// than width columns. When even that leaves the CPU columns too narrow, the
// GP/kthreads column is folded: its steps become rows that span the table
// ("GP/kthreads: ..."), and the CPU columns share the width. Words longer
// than their column are broken after punctuation (or cut), so every line
// is at most width columns.
func TraceTableWidth(t *finding.Trace, width int) []string {
	headers, column := traceColumns(t)
	const stepCol = 3 // "%3d"
	const minCol = 12
	cols := len(headers)
	span := -1 // folded column
	natural := func(n int) []int {
		w := make([]int, n)
		for c := range w {
			w[c] = len(headers[c])
		}
		for _, st := range t.Steps {
			if c := column(st); c < n {
				w[c] = max(w[c], len(stepText(st)))
			}
		}
		return w
	}
	total := func(w []int) int {
		n := stepCol
		for _, x := range w {
			n += 3 + x
		}
		return n
	}
	w := natural(cols)
	if total(w) > width && cols > 2 && headers[cols-1] == "GP/kthreads" && width-stepCol-3*(cols-1) >= minCol*(cols-1) {
		span, cols = cols-1, cols-1
		w = natural(cols)
	}
	// When the natural widths do not fit, share the room fairly: narrow
	// columns keep their width and the rest split what is left (water
	// filling), never below minCol.
	if total(w) > width {
		avail := width - stepCol - 3*cols
		order := make([]int, cols)
		for c := range order {
			order[c] = c
		}
		sort.Slice(order, func(i, j int) bool { return w[order[i]] < w[order[j]] })
		for k, c := range order {
			share := max(avail/(cols-k), minCol)
			w[c] = min(w[c], share)
			avail -= w[c]
		}
	}
	out := []string{"counterexample for " + t.Property + ":"}
	hdr := fmt.Sprintf("%3s", "#")
	sep := strings.Repeat("-", stepCol)
	for c := 0; c < cols; c++ {
		hdr += " | " + pad(headers[c], w[c])
		sep += "-+-" + strings.Repeat("-", w[c])
	}
	out = append(out, strings.TrimRight(hdr, " "), sep)
	spanWidth := width - stepCol - 3
	for i, st := range t.Steps {
		if c := column(st); c == span {
			for k, l := range wrapCell(headers[span]+": "+stepText(st), spanWidth) {
				num := "   "
				if k == 0 {
					num = fmt.Sprintf("%3d", i+1)
				}
				out = append(out, strings.TrimRight(num+" | "+l, " "))
			}
			continue
		}
		wrapped := make([][]string, cols)
		wrapped[column(st)] = wrapCell(stepText(st), w[column(st)])
		height := max(1, len(wrapped[column(st)]))
		for k := 0; k < height; k++ {
			line := "   "
			if k == 0 {
				line = fmt.Sprintf("%3d", i+1)
			}
			for c := 0; c < cols; c++ {
				cell := ""
				if k < len(wrapped[c]) {
					cell = wrapped[c][k]
				}
				line += " | " + pad(cell, w[c])
			}
			out = append(out, strings.TrimRight(line, " "))
		}
	}
	return out
}

// wrapCell wraps text to width columns (continuation lines indented by
// two), breaking a word longer than a line after punctuation ("->", ".",
// "_", ",", "(", "=", ":"), or cutting it when there is none.
func wrapCell(text string, width int) []string {
	var words []string
	for _, wd := range strings.Fields(text) {
		for len(wd) > width-2 && width > 4 {
			cut := -1
			for i := width - 3; i > (width-2)/3; i-- {
				if strings.ContainsRune("._,(=:>", rune(wd[i])) {
					cut = i + 1
					break
				}
			}
			if cut < 0 {
				cut = width - 2
			}
			words = append(words, wd[:cut])
			wd = wd[cut:]
		}
		words = append(words, wd)
	}
	return ruledoc.Wrap(strings.Join(words, " "), width, "", "  ")
}
