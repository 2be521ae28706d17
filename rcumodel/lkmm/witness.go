package lkmm

import (
	"fmt"
	"sort"
	"strings"
)

// Witness is one execution the model allows, shown as herd7 draws it:
// the events of each process in program order, and the reads-from and
// coherence edges between them.
type Witness struct {
	Procs [][]WitnessEvent `json:"procs"`
	// Init lists the initial writes that some read reads from.
	Init []WitnessEvent `json:"init,omitempty"`
	RF   []Edge         `json:"rf"`
	CO   []Edge         `json:"co"`
	// Final is the final state of the locations the condition names.
	Final string `json:"final"`
}

// WitnessEvent is one event: its name (a, b, ...), the source line it
// comes from (0 for initial writes) and herd7's description of it, such
// as "W[once] x=1" or "R[acquire] y=0" or "F[mb]".
type WitnessEvent struct {
	ID   string `json:"id"`
	Line int    `json:"line,omitempty"`
	Text string `json:"text"`
}

// Edge is a relation edge between two events, by ID.
type Edge struct {
	From string `json:"from"`
	To   string `json:"to"`
}

func eventName(i int) string {
	if i < 26 {
		return string(rune('a' + i))
	}
	return fmt.Sprintf("ev%d", i)
}

func newWitness(c *compiled, o *outcome, f *final) *Witness {
	x := o.x
	cd := x.cd
	w := &Witness{Procs: make([][]WitnessEvent, len(cd.paths))}
	name := make([]string, x.n)
	next := 0
	for i := cd.nInit; i < x.n; i++ {
		name[i] = eventName(next)
		next++
	}
	used := map[int]bool{}
	for i := 0; i < x.n; i++ {
		o.rf.row(i).each(func(j int) {
			if cd.ev[i].proc < 0 {
				used[i] = true
			}
		})
	}
	for i := 0; i < cd.nInit; i++ {
		name[i] = "init(" + c.b.locs[x.loc[i]] + ")"
		if used[i] {
			w.Init = append(w.Init, WitnessEvent{ID: name[i], Text: x.describe(c, i)})
		}
	}
	for i := cd.nInit; i < x.n; i++ {
		e := &cd.ev[i]
		w.Procs[e.proc] = append(w.Procs[e.proc], WitnessEvent{ID: name[i], Line: e.e.line, Text: x.describe(c, i)})
	}
	for i := 0; i < x.n; i++ {
		o.rf.row(i).each(func(j int) { w.RF = append(w.RF, Edge{name[i], name[j]}) })
		// Only the immediate co edges between events of the processes.
		o.co.row(i).each(func(j int) {
			if cd.ev[i].proc < 0 {
				return
			}
			imm := true
			o.co.row(i).each(func(k int) {
				if k != j && o.co.get(k, j) {
					imm = false
				}
			})
			if imm {
				w.CO = append(w.CO, Edge{name[i], name[j]})
			}
		})
	}
	sort.Slice(w.RF, func(a, b int) bool { return w.RF[a].To < w.RF[b].To })
	w.Final = f.key().text
	return w
}

// describe prints an event as herd7 does in its graphs.
func (x *execution) describe(c *compiled, i int) string {
	e := &x.cd.ev[i]
	var annot []string
	if e.e != nil {
		annot = e.e.annot
	}
	an := ""
	if len(annot) > 0 {
		an = "[" + strings.Join(annot, ",") + "]"
	}
	loc := ""
	if x.loc[i] >= 0 {
		loc = c.b.locs[x.loc[i]]
	}
	star := ""
	if e.atomic {
		star = "*"
	}
	switch e.kind {
	case aR:
		return fmt.Sprintf("R%s%s %s=%s", star, an, loc, c.show(x.val[i]))
	case aW:
		return fmt.Sprintf("W%s%s %s=%s", star, an, loc, c.show(x.val[i]))
	case aF:
		return "F" + an
	case aLockR:
		return "LKR " + loc
	case aLockW:
		return "LKW " + loc
	case aUnlock:
		return "UL " + loc
	case aTryFail:
		return "LF " + loc
	case aReadLock:
		if e.ok {
			return "RL " + loc
		}
		return "RU " + loc
	case aSRCU:
		return "SRCU" + an + " " + loc
	}
	return "?"
}

// FormatWitness prints a witness as a table with one column per process
// (event name, herd7's description and source line), then the rf and co
// edges and the final state.
func FormatWitness(w *Witness) string {
	var b strings.Builder
	cols := make([][]string, len(w.Procs))
	width := make([]int, len(w.Procs))
	rows := 0
	for p, evs := range w.Procs {
		cols[p] = append(cols[p], fmt.Sprintf("P%d", p))
		for _, e := range evs {
			s := e.ID + ": " + e.Text
			if e.Line > 0 {
				s += fmt.Sprintf(" (line %d)", e.Line)
			}
			cols[p] = append(cols[p], s)
		}
		for _, s := range cols[p] {
			width[p] = max(width[p], len(s))
		}
		rows = max(rows, len(cols[p]))
	}
	b.WriteString("Witness\n")
	for r := 0; r < rows; r++ {
		var cells []string
		for p := range cols {
			s := ""
			if r < len(cols[p]) {
				s = cols[p][r]
			}
			cells = append(cells, fmt.Sprintf("%-*s", width[p], s))
		}
		b.WriteString("  " + strings.TrimRight(strings.Join(cells, " | "), " ") + "\n")
	}
	edges := func(name string, es []Edge) {
		var parts []string
		for _, e := range es {
			parts = append(parts, e.From+" -> "+e.To)
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "  %s: %s\n", name, strings.Join(parts, ", "))
		}
	}
	var inits []string
	for _, e := range w.Init {
		inits = append(inits, e.ID+" "+e.Text)
	}
	if len(inits) > 0 {
		fmt.Fprintf(&b, "  init: %s\n", strings.Join(inits, ", "))
	}
	edges("rf", w.RF)
	edges("co", w.CO)
	if w.Final != "" {
		fmt.Fprintf(&b, "  final: %s\n", w.Final)
	}
	return b.String()
}
