package rcueffects

import (
	"sort"
	"strings"

	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcumodel"
)

// Loc is where a fact was seen: a line of a definition.
type Loc struct {
	File string
	Line int
	Func string
}

// Evidence keys of a Summary.
const (
	EvCounter     = "counter"      // the statement (or call) that changes a nesting counter
	EvTestSpecial = "test-special" // the test of ->rcu_read_unlock_special.s / ->trc_reader_special.s
	EvCallSpecial = "call-special" // the call of rcu_read_unlock_special()
	EvTraced      = "traced"       // the ftrace-able function or tracepoint on the path
	EvPreempt     = "preempt"
	EvBH          = "bh"
	EvIRQ         = "irq"
)

// Summary is the effect summary of a function or macro, computed from its
// body and (inlined) the bodies of what it calls.
type Summary struct {
	Name string
	Def  Loc
	// Effects is what the model executes for the definition; Name is set.
	Effects rcumodel.Effects
	// Evidence says, per effect (Ev* keys), which line of this definition
	// produces it (the statement itself or the call that leads to it).
	Evidence map[string]Loc
	// Conds are the #if conditions of the chosen definition.
	Conds []string
	// Macro is set when the definition is a #define.
	Macro bool
}

// IsReadSide reports whether the summary changes a reader nesting counter.
func (s *Summary) IsReadSide() bool {
	return s.Effects.Counter != rcumodel.CounterNone && s.Effects.Delta != 0
}

// SameEffects reports whether two summaries have the same effects (names
// aside).
func SameEffects(a, b rcumodel.Effects) bool {
	a.Name, b.Name = "", ""
	return a == b
}

// DefaultConfig is the configuration assumed without a .config: a
// preemptible kernel with preemptible Tree RCU, Tasks Trace RCU and irq_work
// (the Debian 6.12 configuration the project targets).
func DefaultConfig() *kconfig.Config {
	return kconfig.FromMap(map[string]string{
		"CONFIG_PREEMPT_RCU": "y", "CONFIG_TREE_RCU": "y", "CONFIG_SMP": "y", "CONFIG_IRQ_WORK": "y",
		"CONFIG_TASKS_TRACE_RCU": "y", "CONFIG_TASKS_RCU": "y", "CONFIG_PREEMPTION": "y", "CONFIG_PREEMPT_COUNT": "y",
		"CONFIG_SRCU": "y", "CONFIG_TRACEPOINTS": "y", "CONFIG_MMU": "y",
	})
}

// Summarizer computes summaries over one index and source, memoised by name.
// It is not safe for concurrent use.
type Summarizer struct {
	Index  *index.Index
	Src    *Source
	Config *kconfig.Config
	memo   map[string]*Summary
	busy   map[string]bool
	// may-sleep summaries: blocking callees, and names known not to block
	// within the given remaining depth.
	blockMemo map[string]blockMemo
	noBlock   map[string]int
}

// NewSummarizer returns a summarizer; cfg nil means DefaultConfig.
func NewSummarizer(ix *index.Index, src *Source, cfg *kconfig.Config) *Summarizer {
	if cfg == nil {
		cfg = DefaultConfig()
	}
	return &Summarizer{Index: ix, Src: src, Config: cfg, memo: map[string]*Summary{}, busy: map[string]bool{}}
}

// maxDepth bounds how deep summaries inline callees.
const maxDepth = 4

// boundaries are not descended into: lockdep and debug checks (the
// WARN/BUG family among them), compiler annotations, and the special-path
// entry points (recorded as such).
func boundaries(name string) bool {
	return otherBoundaries[name] || kernelnames.WarnBug[name] || name == "RCU_LOCKDEP_WARN"
}

var otherBoundaries = map[string]bool{
	"rcu_lock_acquire": true, "rcu_lock_release": true, "lock_acquire": true, "lock_release": true,
	"__acquire": true, "__release": true, "barrier": true, "READ_ONCE": true, "WRITE_ONCE": true,
	"likely": true, "unlikely": true, "rcu_try_lock_acquire": true,
	"lockdep_assert_irqs_disabled": true, "lockdep_assert_held": true, "might_sleep": true,
	"rcu_is_watching": true, "in_nmi": true, "this_cpu_ptr": true, "container_of": true,
}

// Summary returns the summary of the definition called name, false when
// the index has no usable definition or its text is not available.
func (z *Summarizer) Summary(name string) (*Summary, bool) {
	s := z.summary(name, 0)
	return s, s != nil
}

func (z *Summarizer) summary(name string, depth int) *Summary {
	if s, ok := z.memo[name]; ok {
		return s
	}
	if z.busy[name] || depth > maxDepth {
		return nil
	}
	z.busy[name] = true
	defer delete(z.busy, name)
	d, ok := z.pick(name)
	if !ok {
		z.memo[name] = nil
		return nil
	}
	s := &Summary{Name: name, Def: d.loc, Conds: d.conds, Macro: d.macro, Evidence: map[string]Loc{}}
	s.Effects.Name = name
	if d.fn != nil {
		if st, _ := z.Index.Ftrace(d.file.Path, d.fn); st == index.Traced {
			s.Effects.Traced = "ftrace:" + name
			s.Evidence[EvTraced] = d.loc
		}
	}
	z.walk(s, d, ParseBody(d.toks), depth)
	// NMI-safe: the task-local RCU nesting counter and preempt/irq
	// disabling; not bh disabling, SRCU (except _nmisafe) or Tasks Trace.
	s.Effects.NMISafe = s.Effects.Counter == rcumodel.CounterRCU ||
		s.Effects.Counter == rcumodel.CounterNone && s.Effects.BH == 0 || strings.Contains(name, "nmisafe")
	if depth <= maxDepth {
		z.memo[name] = s
	}
	return s
}

type def struct {
	file  *index.FileFacts
	fn    *index.Func
	m     *index.Macro
	macro bool
	loc   Loc
	conds []string
	toks  []Token
	calls []index.Call
}

// Pick returns the definition of name used under the configuration: a
// function before a macro, a definition whose conditions are known to
// hold before one whose conditions cannot be evaluated; false conditions
// exclude it.
func (z *Summarizer) pick(name string) (def, bool) {
	type cand struct {
		d    def
		rank int
	}
	var cs []cand
	consider := func(d def) {
		rank := 2
		for _, c := range d.conds {
			h, known := index.EvalCond(c, z.Config)
			if known && !h {
				return
			}
			if !known {
				rank = 1
			}
		}
		if !d.macro {
			rank += 2
		}
		cs = append(cs, cand{d, rank})
	}
	for _, r := range z.Index.Funcs(name) {
		consider(def{file: r.File, fn: r.Func, loc: Loc{r.File.Path, int(r.Func.Line), name},
			conds: r.File.CondSet(r.Func.Cond), calls: r.Func.Calls})
	}
	for _, r := range z.Index.Macros(name) {
		if r.Macro.FuncLike {
			consider(def{file: r.File, m: r.Macro, macro: true, loc: Loc{r.File.Path, int(r.Macro.Line), name},
				conds: r.File.CondSet(r.Macro.Cond), calls: r.Macro.Calls})
		}
	}
	// Read only the text of the best candidates (conditions are cheap,
	// file reads are not: some macros have dozens of definitions).
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].rank > cs[j].rank })
	for _, c := range cs {
		d := c.d
		var ok bool
		if d.macro {
			d.toks, ok = z.Src.MacroBody(d.file.Path, d.m)
		} else {
			d.toks, ok = z.Src.FuncBody(d.file.Path, d.fn)
		}
		if ok {
			return d, true
		}
	}
	return def{}, false
}

// callHolds evaluates the #if / IS_ENABLED() conditions the index recorded
// for a call site; unknown conditions hold.
func (z *Summarizer) callHolds(d def, c CallSite) bool {
	for _, ic := range d.calls {
		if ic.Name != c.Name || int(ic.Line) != c.Line {
			continue
		}
		return index.CondsHold(d.file.CondSet(ic.Cond), z.Config)
	}
	return true
}

func (z *Summarizer) walk(s *Summary, d def, stmts []*Stmt, depth int) {
	for _, st := range stmts {
		z.stmt(s, d, st, depth)
	}
}

func (z *Summarizer) stmt(s *Summary, d def, st *Stmt, depth int) {
	if st == nil {
		return
	}
	at := func(line int) Loc { return Loc{d.loc.File, line, d.loc.Func} }
	if st.Kind == Simple || st.Kind == Return {
		if c, delta, line := counterChange(st.Toks); c != rcumodel.CounterNone {
			s.Effects.Counter = c
			s.Effects.Delta += delta
			if _, ok := s.Evidence[EvCounter]; !ok {
				s.Evidence[EvCounter] = at(line)
			}
		}
	}
	if line, ok := testsSpecial(st.Toks); ok {
		s.Effects.TestsSpecial = true
		if _, ok := s.Evidence[EvTestSpecial]; !ok {
			s.Evidence[EvTestSpecial] = at(line)
		}
	}
	for _, c := range Calls(st.Toks) {
		if c.Member || !z.callHolds(d, c) {
			continue
		}
		z.call(s, d, c, depth)
	}
	z.stmt(s, d, st.Then, depth)
	z.stmt(s, d, st.Else, depth)
	z.walk(s, d, st.Body, depth)
}

func (z *Summarizer) call(s *Summary, d def, c CallSite, depth int) {
	loc := Loc{d.loc.File, c.Line, d.loc.Func}
	setEv := func(k string) {
		if _, ok := s.Evidence[k]; !ok {
			s.Evidence[k] = loc
		}
	}
	switch {
	case c.Name == "rcu_read_unlock_special" || c.Name == "rcu_read_unlock_trace_special":
		s.Effects.CallsSpecial = true
		setEv(EvCallSpecial)
		return
	case boundaries(c.Name):
		return
	}
	if d, ok := kernelnames.DisablePrims[c.Name]; ok {
		dd := [3]int8{d.Preempt, d.BH, d.IRQ}
		s.Effects.Preempt += dd[0]
		s.Effects.BH += dd[1]
		s.Effects.IRQ += dd[2]
		for i, k := range []string{EvPreempt, EvBH, EvIRQ} {
			if dd[i] != 0 {
				setEv(k)
			}
		}
		return
	}
	if strings.HasPrefix(c.Name, "trace_") && s.Effects.Traced == "" {
		for _, t := range z.Index.Resolve(d.file.Path, index.Call{Name: c.Name, Line: int32(c.Line)}) {
			if t.Kind == index.TargetTracepoint {
				s.Effects.Traced = "tracepoint:" + t.Event
				setEv(EvTraced)
			}
		}
		return
	}
	cs := z.summary(c.Name, depth+1)
	if cs == nil {
		return
	}
	if cs.Effects.Counter != rcumodel.CounterNone {
		s.Effects.Counter = cs.Effects.Counter
		s.Effects.Delta += cs.Effects.Delta
		if cs.Effects.Delta != 0 {
			setEv(EvCounter)
		}
	}
	if cs.Effects.TestsSpecial {
		s.Effects.TestsSpecial = true
		setEv(EvTestSpecial)
	}
	if cs.Effects.CallsSpecial {
		s.Effects.CallsSpecial = true
		setEv(EvCallSpecial)
	}
	s.Effects.Preempt += cs.Effects.Preempt
	s.Effects.BH += cs.Effects.BH
	s.Effects.IRQ += cs.Effects.IRQ
	if cs.Effects.Traced != "" && s.Effects.Traced == "" {
		s.Effects.Traced = cs.Effects.Traced
		setEv(EvTraced)
	}
}

// counterChange recognises a write of ±1 to a reader nesting counter in
// one statement: x->rcu_read_lock_nesting++ / -- / += 1 / -= 1, and
// WRITE_ONCE(x->nesting, READ_ONCE(x->nesting) + 1) or "v = READ_ONCE(
// x->nesting) - 1" (the value written later). SRCU's per-CPU lock and
// unlock counts count as +1 and -1.
func counterChange(toks []Token) (rcumodel.Counter, int8, int) {
	for i, t := range toks {
		if t.Kind != Ident {
			continue
		}
		var c rcumodel.Counter
		switch t.Text {
		case "rcu_read_lock_nesting":
			c = rcumodel.CounterRCU
		case "trc_reader_nesting":
			c = rcumodel.CounterTrace
		case "srcu_lock_count", "srcu_unlock_count":
			if !isWrite(toks) && !Has(toks, "this_cpu_inc", "atomic_long_inc", "this_cpu_add", "atomic_long_add", "raw_cpu_inc") {
				continue
			}
			if t.Text == "srcu_lock_count" {
				return rcumodel.CounterSRCU, 1, t.Line
			}
			return rcumodel.CounterSRCU, -1, t.Line
		default:
			continue
		}
		if i+1 < len(toks) {
			switch toks[i+1].Text {
			case "++":
				return c, 1, t.Line
			case "--":
				return c, -1, t.Line
			}
		}
		// Prefix ++/-- before the lvalue (--t->rcu_read_lock_nesting).
		j := i - 1
		for j >= 0 && (toks[j].Kind == Ident || toks[j].Text == "->" || toks[j].Text == ".") {
			j--
		}
		if j >= 0 {
			switch toks[j].Text {
			case "++":
				return c, 1, t.Line
			case "--":
				return c, -1, t.Line
			}
		}
		if !isWrite(toks) {
			continue
		}
		for j := 0; j+1 < len(toks); j++ {
			op, n := toks[j].Text, toks[j+1]
			if n.Kind != Number || n.Text != "1" {
				continue
			}
			if j+2 < len(toks) && toks[j+2].Kind == Ident {
				continue
			}
			switch op {
			case "+", "+=":
				return c, 1, t.Line
			case "-", "-=":
				return c, -1, t.Line
			}
		}
	}
	return rcumodel.CounterNone, 0, 0
}

func isWrite(toks []Token) bool {
	for _, t := range toks {
		switch t.Text {
		case "=", "+=", "-=", "++", "--", "WRITE_ONCE", "this_cpu_inc", "this_cpu_dec":
			return true
		}
	}
	return false
}

// testsSpecial recognises a read of the special bits' whole word:
// ->rcu_read_unlock_special.s or ->trc_reader_special.s.
func testsSpecial(toks []Token) (int, bool) {
	for i := 0; i+2 < len(toks); i++ {
		t := toks[i]
		if t.Kind == Ident && (t.Text == "rcu_read_unlock_special" || t.Text == "trc_reader_special") &&
			toks[i+1].Text == "." && toks[i+2].Text == "s" {
			return t.Line, true
		}
	}
	return 0, false
}
