package rcueffects

import (
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcumodel"
)

// SectionKind is the kind of a read-side critical section (or an atomic
// region, which is an RCU reader of the consolidated flavour).
type SectionKind uint8

// Section kinds: those of the kernel name table (kernelnames.Section).
const (
	SecNone  = SectionKind(kernelnames.SecNone)
	SecRCU   = SectionKind(kernelnames.SecRCU)   // rcu_read_lock()
	SecBH    = SectionKind(kernelnames.SecBH)    // rcu_read_lock_bh(), local_bh_disable()
	SecSched = SectionKind(kernelnames.SecSched) // rcu_read_lock_sched(), preempt_disable()
	SecIRQ   = SectionKind(kernelnames.SecIRQ)   // local_irq_disable()/save()
	SecSRCU  = SectionKind(kernelnames.SecSRCU)  // srcu_read_lock(ss)
	SecTrace = SectionKind(kernelnames.SecTrace) // rcu_read_lock_trace()
)

var secNames = [...]string{"none", "rcu_read_lock()", "bh-disabled", "preempt-disabled", "irq-disabled", "srcu_read_lock()", "rcu_read_lock_trace()"}

// String names the section kind as a reviewer would.
func (k SectionKind) String() string {
	if int(k) < len(secNames) {
		return secNames[k]
	}
	return "unknown"
}

// IsRCUReader reports whether a section was opened by an RCU read-side
// primitive (rcu_read_lock*(), srcu_*, rcu_read_lock_trace(), guard(rcu),
// or a primitive recognised from its summary), as opposed to a plain
// preempt/irq/bh-disabled region.
func (s Section) IsRCUReader() bool {
	switch s.Kind {
	case SecRCU, SecSRCU, SecTrace:
		return true
	}
	return strings.HasPrefix(s.Prim, "rcu_read_lock")
}

// MaySleep reports whether a reader of this kind may block or page-fault
// (SRCU and Tasks Trace readers may; the others may not).
func (k SectionKind) MaySleep() bool { return k == SecSRCU || k == SecTrace }

// ReaderKind maps a section to the model's reader kind; sameDomain says
// whether an SRCU section uses the domain in question.
func (k SectionKind) ReaderKind(sameDomain bool) rcumodel.ReaderKind {
	switch k {
	case SecRCU:
		return rcumodel.KindRCU
	case SecBH, SecSched, SecIRQ:
		return rcumodel.KindAtomic
	case SecSRCU:
		if sameDomain {
			return rcumodel.KindSRCU0
		}
		return rcumodel.KindSRCU1
	case SecTrace:
		return rcumodel.KindTrace
	}
	return rcumodel.KindNone
}

// Section is one open read-side section.
type Section struct {
	Kind   SectionKind
	Domain string // SRCU domain (the struct srcu_struct's name)
	Line   int    // where it was opened
	Prim   string // the opening primitive
	guard  bool   // opened by guard(): closes at the end of its block
}

// Classify says whether a call opens (+1) or closes (-1) a section, and
// of which kind and SRCU domain.
func (z *Summarizer) Classify(c CallSite) (SectionKind, int, string) {
	dom := ""
	if len(c.Args) > 0 {
		dom = LastIdent(c.Args[0])
	}
	// Primitives known by name (kernelnames.SectionPrims); other calls
	// are classified by their effect summary (a new wrapper that
	// increments ->rcu_read_lock_nesting opens an RCU section whatever its
	// name).
	if p, ok := kernelnames.SectionPrims[c.Name]; ok {
		k := SectionKind(p.Kind)
		if k != SecSRCU {
			dom = ""
		}
		return k, int(p.Delta), dom
	}
	// Other names are classified by their summary when they look like RCU
	// primitives (a new rcu_read_unlock_*() variant whatever its body's
	// spelling). Not for every lock: the index does not track which
	// headers are included, so e.g. read_lock() would also resolve to its
	// PREEMPT_RT variant, which takes rcu_read_lock().
	if z == nil || boundaries(c.Name) || !strings.Contains(c.Name, "lock") || !strings.Contains(c.Name, "rcu") {
		return SecNone, 0, ""
	}
	s, ok := z.Summary(c.Name)
	if !ok || !s.IsReadSide() {
		return SecNone, 0, ""
	}
	d := 1
	if s.Effects.Delta < 0 {
		d = -1
	}
	switch s.Effects.Counter {
	case rcumodel.CounterRCU:
		return SecRCU, d, ""
	case rcumodel.CounterTrace:
		return SecTrace, d, ""
	case rcumodel.CounterSRCU:
		return SecSRCU, d, dom
	}
	return SecNone, 0, ""
}

// EventKind says what a section-walk event is.
type EventKind uint8

// Event kinds.
const (
	EvCall      EventKind = iota // a call, with the sections open around it
	EvReturn                     // a return statement with sections this function opened still open
	EvEnd                        // the end of the body reached with sections still open
	EvUnderflow                  // a close with no matching open section in this function
)

// Event is one observation of a section walk.
type Event struct {
	Kind   EventKind
	Call   CallSite  // EvCall, EvUnderflow
	Line   int       // EvReturn, EvEnd
	Open   []Section // sections open at that point (innermost last)
	Guards [][]Token // conditions of the if statements around the event
}

// WalkSections walks a body's statements in order, tracking the sections
// opened by the body itself, and calls visit for every call and for every
// path that leaves with sections open. Both branches of an if are walked
// with a copy of the state; the state after it is that of a branch that
// falls through. Loop bodies are assumed balanced. A goto ends its path; at
// its label the path resumes with the state of the goto.
func (z *Summarizer) WalkSections(stmts []*Stmt, visit func(Event)) {
	z.walkSections(stmts, visit, false)
}

// WalkSectionsMost is WalkSections that keeps, after an if whose branches
// fall through with different sections open, the branch with more: the
// sections that may be open. A call it sees with none open has none open
// on every path (what a check for unprotected readers needs).
func (z *Summarizer) WalkSectionsMost(stmts []*Stmt, visit func(Event)) {
	z.walkSections(stmts, visit, true)
}

func (z *Summarizer) walkSections(stmts []*Stmt, visit func(Event), most bool) {
	w := &swalk{z: z, visit: visit, labels: map[string][]Section{}, most: most}
	st := &sstate{}
	w.block(stmts, st, nil)
	if !st.dead && len(st.open) > 0 {
		line := 0
		if n := len(stmts); n > 0 {
			line = lastLine(stmts[n-1])
		}
		visit(Event{Kind: EvEnd, Line: line, Open: copySecs(st.open)})
	}
}

type sstate struct {
	open []Section
	dead bool
}

func (s *sstate) clone() *sstate { return &sstate{open: copySecs(s.open), dead: s.dead} }

func copySecs(s []Section) []Section { return append([]Section(nil), s...) }

type swalk struct {
	z      *Summarizer
	visit  func(Event)
	labels map[string][]Section
	most   bool // keep the branch with more sections open
}

func (w *swalk) block(stmts []*Stmt, st *sstate, guards [][]Token) {
	base := len(st.open)
	for _, s := range stmts {
		w.stmt(s, st, guards)
	}
	// guard() sections close at the end of their block.
	if len(st.open) > base {
		kept := st.open[:base]
		for _, s := range st.open[base:] {
			if !s.guard {
				kept = append(kept, s)
			}
		}
		st.open = kept
	}
}

func (w *swalk) stmt(s *Stmt, st *sstate, guards [][]Token) {
	if s == nil {
		return
	}
	switch s.Kind {
	case Label:
		if len(s.Toks) > 0 {
			if open, ok := w.labels[s.Toks[0].Text]; ok && st.dead {
				st.open, st.dead = copySecs(open), false
			}
		} else {
			st.dead = false // case/default: entered from the switch
		}
	case Simple:
		w.calls(s.Toks, st, guards)
	case Return:
		w.calls(s.Toks, st, guards)
		if !st.dead && len(st.open) > 0 {
			w.visit(Event{Kind: EvReturn, Line: s.Line, Open: copySecs(st.open), Guards: guards})
		}
		st.dead = true
	case Jump:
		if len(s.Toks) >= 2 && s.Toks[0].Text == "goto" && !st.dead {
			if _, ok := w.labels[s.Toks[1].Text]; !ok {
				w.labels[s.Toks[1].Text] = copySecs(st.open)
			}
		}
		st.dead = true
	case If:
		w.calls(s.Toks, st, guards)
		g := append(append([][]Token(nil), guards...), s.Toks)
		a, b := st.clone(), st.clone()
		w.stmt(s.Then, a, g)
		if s.Else != nil {
			neg := append([]Token{{Kind: Punct, Text: "!"}}, s.Toks...)
			w.stmt(s.Else, b, append(append([][]Token(nil), guards...), neg))
		}
		switch {
		case a.dead:
			*st = *b
		case b.dead || len(a.open) <= len(b.open) != w.most || len(a.open) == len(b.open):
			*st = *a
		default:
			// Both branches fall through with different sections open
			// ("if (flags & LOOKUP_RCU) rcu_read_lock();"): keep the path
			// with fewer, so that conditional locking does not make every
			// later call look like it is inside a reader.
			*st = *b
		}
	case Loop:
		w.calls(s.Toks, st, guards)
		inner := st.clone()
		if s.Head == "scoped_guard" && len(s.Toks) > 2 {
			if k, ok := kernelnames.GuardClasses[s.Toks[2].Text]; ok {
				inner.open = append(inner.open, Section{Kind: SectionKind(k), Line: s.Line, Prim: "scoped_guard(" + s.Toks[2].Text + ")", guard: true})
			}
		}
		g := guards
		if s.Head != "do" {
			g = append(append([][]Token(nil), guards...), s.Toks)
		}
		w.block(s.Body, inner, g)
	case Block:
		w.block(s.Body, st, guards)
	}
}

func (w *swalk) calls(toks []Token, st *sstate, guards [][]Token) {
	for _, c := range Calls(toks) {
		if c.Member || st.dead {
			continue
		}
		if c.Name == "guard" && len(c.Args) == 1 && len(c.Args[0]) == 1 {
			if k, ok := kernelnames.GuardClasses[c.Args[0][0].Text]; ok {
				st.open = append(st.open, Section{Kind: SectionKind(k), Line: c.Line, Prim: "guard(" + c.Args[0][0].Text + ")", guard: true})
			}
			continue
		}
		w.visit(Event{Kind: EvCall, Call: c, Open: copySecs(st.open), Guards: guards})
		k, d, dom := w.z.Classify(c)
		switch {
		case d > 0:
			st.open = append(st.open, Section{Kind: k, Domain: dom, Line: c.Line, Prim: c.Name})
		case d < 0:
			i := len(st.open) - 1
			for ; i >= 0; i-- {
				if st.open[i].Kind == k && !st.open[i].guard {
					break
				}
			}
			if i < 0 {
				w.visit(Event{Kind: EvUnderflow, Call: c, Open: copySecs(st.open), Guards: guards})
				continue
			}
			st.open = append(st.open[:i], st.open[i+1:]...)
		}
	}
}

func lastLine(s *Stmt) int {
	switch {
	case len(s.Body) > 0:
		return lastLine(s.Body[len(s.Body)-1])
	case s.Else != nil:
		return lastLine(s.Else)
	case s.Then != nil:
		return lastLine(s.Then)
	case len(s.Toks) > 0:
		return s.Toks[len(s.Toks)-1].Line
	}
	return s.Line
}
