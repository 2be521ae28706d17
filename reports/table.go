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
	for c := 0; c <= maxCPU; c++ {
		headers = append(headers, fmt.Sprintf("CPU %d", c))
	}
	if other {
		headers = append(headers, "GP/kthreads")
	}
	return headers, func(s finding.Step) int {
		if s.CPU < 0 {
			return maxCPU + 1
		}
		return s.CPU
	}
}

// stepText is a step's event prefixed by its context.
func stepText(s finding.Step) string {
	if s.Context != "" {
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
// than width columns. Every line it returns is at most width columns unless
// a single word is longer than its column.
func TraceTableWidth(t *finding.Trace, width int) []string {
	headers, rows := traceCells(t)
	cols := len(headers)
	w := make([]int, cols)
	for c := range w {
		w[c] = len(headers[c])
	}
	for _, r := range rows {
		for c, cell := range r {
			if len(cell) > w[c] {
				w[c] = len(cell)
			}
		}
	}
	const stepCol = 3 // "%3d"
	total := func() int {
		n := stepCol
		for _, x := range w {
			n += 3 + x
		}
		return n
	}
	// When the natural widths do not fit, share the room fairly: narrow
	// columns keep their width and the rest split what is left (water
	// filling), never below minCol.
	const minCol = 12
	if total() > width {
		avail := width - stepCol - 3*cols
		order := make([]int, cols)
		for c := range order {
			order[c] = c
		}
		sort.Slice(order, func(i, j int) bool { return w[order[i]] < w[order[j]] })
		for k, c := range order {
			share := avail / (cols - k)
			if share < minCol {
				share = minCol
			}
			if w[c] > share {
				w[c] = share
			}
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
	for i, r := range rows {
		wrapped := make([][]string, cols)
		height := 1
		for c, cell := range r {
			wrapped[c] = ruledoc.Wrap(cell, w[c], "", "  ")
			if len(wrapped[c]) > height {
				height = len(wrapped[c])
			}
		}
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
