package rcumap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcueffects"
)

// Limits of a table: reader paths shown per reader (paths whose callers
// are not known are counted in one row) and readers per table. The paths
// and reader a focus names are always shown.
const (
	TablePaths   = 6
	TableReaders = 40
)

// flavourColumn gives a section kind's column in finding.RCUFlavours.
func flavourColumn(k rcueffects.SectionKind) int {
	switch k {
	case rcueffects.SecRCU:
		return 0
	case rcueffects.SecBH:
		return 1
	case rcueffects.SecSched:
		return 2
	case rcueffects.SecIRQ:
		return 3
	case rcueffects.SecSRCU:
		return 4
	case rcueffects.SecTrace:
		return 5
	}
	return -1
}

// Table returns the entry as the table "rcureview explain --location" and
// the HTML report show: one row per reader path with its protection per
// flavour and how each section was opened, one row per retire path with
// its grace periods and their chains. focus, when not nil, is what a
// finding is about: its reader path (added when the entry's walk found
// another one, as the unprotected-reader check's does) and its retire
// path (Retire.Func "" for none) are marked.
func (e *Entry) Table(focus *Mismatch) *finding.RCUMap {
	t := &finding.RCUMap{Location: e.Key}
	used := make([]bool, len(finding.RCUFlavours))
	readers := append([]Reader(nil), e.Readers...)
	sort.SliceStable(readers, func(i, j int) bool {
		if readers[i].File != readers[j].File {
			return readers[i].File < readers[j].File
		}
		return readers[i].Line < readers[j].Line
	})
	focusReader := -1
	if focus != nil {
		for i, r := range readers {
			if r.File == focus.Reader.File && r.Line == focus.Reader.Line && r.Func == focus.Reader.Func {
				focusReader = i
			}
		}
		if focusReader < 0 {
			readers = append(readers, Reader{Site: focus.Reader.Site})
			focusReader = len(readers) - 1
		}
	}
	var rows [][]finding.RCUMapReader
	for i, r := range readers {
		var fp *Path
		if i == focusReader {
			fp = &focus.Path
		}
		rows = append(rows, e.readerRows(r, fp, used))
	}
	// keep the focus reader when the table is cut
	if len(rows) > TableReaders {
		kept := rows[:TableReaders]
		if focusReader >= TableReaders {
			kept = append(rows[:TableReaders-1:TableReaders-1], rows[focusReader])
		}
		t.MoreReaders = len(rows) - len(kept)
		rows = kept
	}
	var cols []int
	for i, u := range used {
		if u {
			cols = append(cols, i)
			t.Flavours = append(t.Flavours, finding.RCUFlavours[i])
		}
	}
	for _, rs := range rows {
		for _, r := range rs {
			prot := make([]string, len(cols))
			for j, c := range cols {
				prot[j] = r.Protection[c]
			}
			r.Protection = prot
			t.Readers = append(t.Readers, r)
		}
	}
	for _, rt := range e.Retires {
		row := finding.RCUMapRetire{Site: fmt.Sprintf("%s:%d", rt.File, rt.Line), Function: rt.Func, Primitive: rt.Prim,
			Finding: focus != nil && focus.Retire.Func != "" && rt.File == focus.Retire.File && rt.Line == focus.Retire.Line}
		for _, st := range rt.Steps {
			row.Waits = append(row.Waits, finding.RCUMapWait{Wait: StepText(st), Chain: ChainText(st)})
		}
		t.Retires = append(t.Retires, row)
	}
	for _, s := range e.Unretired {
		t.Unretired = append(t.Unretired, s.String())
	}
	return t
}

// readerRows returns the rows of one reader: a row per path, up to
// TablePaths, paths whose callers are not known counted in one row, the
// focus path (fp) always shown and marked. used collects the flavour
// columns the rows fill.
func (e *Entry) readerRows(r Reader, fp *Path, used []bool) []finding.RCUMapReader {
	base := finding.RCUMapReader{Site: fmt.Sprintf("%s:%d", r.File, r.Line), Function: r.Func, Primitive: r.Prim}
	if r.Access == rcueffects.AccessPeek {
		base.Protection = make([]string, len(finding.RCUFlavours))
		base.Other = "no dereference (" + r.Prim + "() reads the pointer's value only)"
		return []finding.RCUMapReader{base}
	}
	paths := r.Paths
	focusAt := -1
	if fp != nil {
		for i, p := range paths {
			if samePath(p, *fp) {
				focusAt = i
			}
		}
		if focusAt < 0 {
			paths = append(append([]Path(nil), paths...), *fp)
			focusAt = len(paths) - 1
		}
	}
	var out []finding.RCUMapReader
	unknown := 0
	shown := 0
	for i, p := range paths {
		if i != focusAt && !p.Protected() && p.Lockdep == "" && p.Blocks == nil {
			unknown++
			continue
		}
		if i != focusAt && shown >= TablePaths {
			unknown++ // counted below as more paths
			continue
		}
		if i != focusAt {
			shown++
		}
		row := base
		row.Finding = i == focusAt
		row.Protection = make([]string, len(finding.RCUFlavours))
		for j, s := range p.Sections {
			c := flavourColumn(s.Kind)
			if c < 0 {
				continue
			}
			used[c] = true
			cell := sectionText(s) + " " + openedText(r, p.Where[j])
			if p.Where[j].Why == WhyNMI {
				cell = "NMI context (handler)"
			}
			if row.Protection[c] != "" {
				row.Protection[c] += "; "
			}
			row.Protection[c] += cell
		}
		row.Lockdep = p.Lockdep
		row.Via = viaText(p.Callers)
		if p.Implied != "" {
			if row.Via != "" {
				row.Via += "; "
			}
			row.Via += p.Implied
		}
		switch {
		case p.Protected():
		case p.Lockdep != "":
			row.Other = "lockdep condition only"
		case p.Blocks != nil:
			row.Other = fmt.Sprintf("no reader: %s() may block at %s:%d (%s)", p.Blocks.Func, p.Blocks.File, p.Blocks.Line, p.Blocks.Why)
		default:
			row.Other = "callers not known"
		}
		row.Covered = e.coveredText(p)
		out = append(out, row)
	}
	if unknown > 0 {
		row := base
		row.Protection = make([]string, len(finding.RCUFlavours))
		row.Other = fmt.Sprintf("%d more %s: callers not known or beyond the table", unknown, plural(unknown, "path"))
		if len(out) == 0 {
			row.Other = fmt.Sprintf("callers not known (called through a pointer, an entry point, or beyond %d caller levels)", MaxCallerDepth)
			if unknown > 1 {
				row.Other = fmt.Sprintf("%d paths, ", unknown) + row.Other
			}
		}
		out = append(out, row)
	}
	if len(out) == 0 {
		row := base
		row.Protection = make([]string, len(finding.RCUFlavours))
		row.Other = "not walked"
		out = append(out, row)
	}
	return out
}

// samePath reports whether two paths have the same protection and callers.
func samePath(a, b Path) bool {
	return a.Describe() == b.Describe() && hopsKey(a.Callers) == hopsKey(b.Callers) && a.Lockdep == b.Lockdep
}

// sectionText names a section's opening primitive as written.
func sectionText(s rcueffects.Section) string {
	p := s.Prim
	switch {
	case strings.HasSuffix(p, ")"):
		p += "()" // guard(rcu)()
		if strings.HasPrefix(p, "scoped_guard(") {
			p = strings.TrimSuffix(p, "()")
		}
	case s.Domain != "":
		p += "(" + s.Domain + ")"
	default:
		p += "()"
	}
	return p
}

// openedText says how a section of a reader's path was opened: in the
// reader's own function, or by a caller (function or macro).
func openedText(r Reader, w Hop) string {
	if w.Func == r.Func && w.File == r.File {
		return "here"
	}
	kind := "caller"
	switch w.Why {
	case "macro":
		kind = "macro"
	case WhyProbe:
		kind = "the tracepoint guard in"
	}
	return fmt.Sprintf("by %s %s() at %s:%d", kind, w.Func, w.File, w.Line)
}

func viaText(hs []Hop) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, fmt.Sprintf("%s() %s:%d", h.Func, h.File, h.Line))
	}
	return strings.Join(parts, " <- ")
}

// coveredText says how the entry's retire paths wait for a path.
func (e *Entry) coveredText(p Path) string {
	if len(e.Retires) == 0 {
		return ""
	}
	var not []string
	accident := false
	for _, rt := range e.Retires {
		switch Cover(p, rt.Steps) {
		case Undetermined:
			return "unknown"
		case NotCovered:
			not = append(not, fmt.Sprintf("%s in %s()", stepsText(rt.Steps), rt.Func))
		case CoveredAccident:
			accident = true
		}
	}
	switch {
	case len(not) > 0:
		return "NOT by " + strings.Join(not, "; ")
	case accident:
		return "only by accident (rcu_trace_implies_rcu_gp())"
	}
	return "yes"
}

func plural(n int, s string) string {
	if n == 1 {
		return s
	}
	return s + "s"
}
