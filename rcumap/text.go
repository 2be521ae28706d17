package rcumap

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/rcumodel"
)

// Lookup returns the location keys a query names: the key itself, or the
// keys whose field or global name is the query ("funcs" finds
// "struct tracepoint.funcs"), or whose struct is ("struct tracepoint").
func (m *Map) Lookup(q string) []string {
	var out []string
	for _, k := range m.Keys() {
		bare := k
		if i := strings.Index(k, ":"); i >= 0 {
			bare = k[i+1:]
		}
		switch {
		case k == q || bare == q, strings.HasSuffix(bare, "."+q),
			strings.HasPrefix(bare, q+"."), strings.HasPrefix(q, "struct ") && strings.HasPrefix(bare, q+"."):
			out = append(out, k)
		}
	}
	return out
}

// StepText describes a grace period of a retire path.
func StepText(st Step) string {
	fl := rcumodel.Flavours[st.Flavour].Name
	if st.Domain != "" {
		fl = "srcu(" + st.Domain + ")"
	}
	s := fmt.Sprintf("%s() [%s] in %s() at %s:%d", st.Prim, fl, st.At.Func, st.At.File, st.At.Line)
	if st.Skippable {
		s += ", skipped when rcu_trace_implies_rcu_gp()"
	}
	if st.TypeSafe != "" {
		s += ", type-safe only: " + st.TypeSafe
	}
	return s
}

// ChainText describes how a retire step is reached.
func ChainText(st Step) string {
	var parts []string
	for _, h := range st.Via {
		parts = append(parts, h.Func+"() ("+h.Why+")")
	}
	return strings.Join(parts, " -> ")
}

// PathText describes a reader path: its protection and the callers it
// comes through.
func PathText(p Path) string {
	s := p.Describe()
	if len(p.Callers) > 0 {
		var cs []string
		for _, h := range p.Callers {
			cs = append(cs, fmt.Sprintf("%s() %s:%d", h.Func, h.File, h.Line))
		}
		s += "; via " + strings.Join(cs, " <- ")
	}
	if p.Implied != "" {
		s += "; " + p.Implied
	}
	if p.Lockdep != "" && len(p.Sections) > 0 {
		s += "; lockdep: " + p.Lockdep
	}
	if p.Unknown && len(p.Sections) == 0 && p.Lockdep == "" {
		s += " (callers not known)"
	}
	return s
}

// WriteText writes the entry as a table a maintainer can read.
func (e *Entry) WriteText(w io.Writer) {
	fmt.Fprintf(w, "%s\n", e.Key)
	fmt.Fprintf(w, "  readers (%d):\n", len(e.Readers))
	rs := append([]Reader(nil), e.Readers...)
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].File+fmt.Sprint(rs[i].Line) < rs[j].File+fmt.Sprint(rs[j].Line) })
	for _, r := range rs {
		fmt.Fprintf(w, "    %s() in %s() %s:%d [%s]\n", r.Prim, r.Func, r.File, r.Line, r.Access)
		for _, p := range r.Paths {
			fmt.Fprintf(w, "        %s\n", PathText(p))
		}
	}
	fmt.Fprintf(w, "  retire paths (%d):\n", len(e.Retires))
	for _, rt := range e.Retires {
		fmt.Fprintf(w, "    %s() in %s() %s:%d [%s]\n", rt.Prim, rt.Func, rt.File, rt.Line, rt.Access)
		for _, st := range rt.Steps {
			fmt.Fprintf(w, "        %s\n", StepText(st))
			if c := ChainText(st); c != "" {
				fmt.Fprintf(w, "          via %s\n", c)
			}
		}
	}
	if len(e.Unretired) > 0 {
		fmt.Fprintf(w, "  updates without a retire path found (%d):\n", len(e.Unretired))
		for _, s := range e.Unretired {
			fmt.Fprintf(w, "    %s() in %s() %s:%d\n", s.Prim, s.Func, s.File, s.Line)
		}
	}
	bad, acc := e.Mismatches()
	switch {
	case len(e.Retires) == 0:
		fmt.Fprintf(w, "  coverage: no retire path to check\n")
	case len(bad) == 0:
		fmt.Fprintf(w, "  coverage: every reader path with a known protection is covered\n")
	}
	for _, mm := range bad {
		fmt.Fprintf(w, "  NOT COVERED: %s() in %s() under %s; retired by %s() in %s() (%s)\n",
			mm.Reader.Prim, mm.Reader.Func, mm.Path.Describe(), mm.Retire.Prim, mm.Retire.Func, stepsText(mm.Retire.Steps))
	}
	for _, mm := range acc {
		fmt.Fprintf(w, "  note: %s() in %s() under %s is covered by %s() in %s() only because rcu_trace_implies_rcu_gp() is true (an implementation accident)\n",
			mm.Reader.Prim, mm.Reader.Func, mm.Path.Describe(), mm.Retire.Prim, mm.Retire.Func)
	}
}

func stepsText(steps []Step) string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range steps {
		t := st.Prim + "()"
		if !seen[t] {
			seen[t] = true
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ", ")
}
