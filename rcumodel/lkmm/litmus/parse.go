package litmus

import (
	"fmt"
	"strings"
)

// Options tune Parse.
type Options struct {
	Macros *MacroTable // nil: DefaultMacros()
	Limits Limits      // zero fields: DefaultLimits
}

// ErrDialect marks a litmus test for an architecture other than C.
var ErrDialect = fmt.Errorf("%w: not a C litmus test", ErrUnsupported)

// Parse parses a C litmus test as herd7 does: the first line "C name",
// the init block, processes P0, P1, ... written with herd7's C grammar and
// the kernel API of linux-kernel.def (expanded here), then the optional
// locations and filter clauses and the exists/~exists/forall condition.
// Syntax errors are plain errors; tests of other dialects wrap ErrDialect;
// constructs outside the model wrap ErrUnsupported; tests beyond the
// limits wrap ErrLimit. Time and memory are linear in the size of src.
func Parse(src []byte, opt Options) (*Test, error) {
	lim := opt.Limits.withDefaults()
	if len(src) > lim.Bytes {
		return nil, limitErr(0, "test of %d bytes (at most %d)", len(src), lim.Bytes)
	}
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	parts, err := split(text)
	if err != nil {
		return nil, err
	}
	if parts.arch != "C" {
		return nil, fmt.Errorf("%w (%s)", ErrDialect, parts.arch)
	}
	t := &Test{Name: parts.name, Doc: parts.doc, Src: src}
	maxTok := lim.Bytes
	// Init section.
	stoks, err := slex(parts.init.text, parts.init.line, maxTok)
	if err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	sp := &sparser{toks: stoks, maxDepth: lim.Nesting}
	if t.Init, err = sp.initBlock(); err != nil {
		return nil, fmt.Errorf("init: %w", err)
	}
	// Program.
	ctoks, err := clex(parts.prog.text, parts.prog.line, maxTok)
	if err != nil {
		return nil, err
	}
	cp := &cparser{toks: ctoks, maxDepth: lim.Nesting}
	procs, err := cp.program()
	if err != nil {
		return nil, err
	}
	if len(procs) > lim.Procs {
		return nil, limitErr(procs[lim.Procs].Line, "%d processes (at most %d)", len(procs), lim.Procs)
	}
	m := opt.Macros
	if m == nil {
		m = DefaultMacros()
	}
	t.Macros = m
	for _, pr := range procs {
		x := &expander{m: m, maxCount: lim.Expansion}
		if pr.Body, err = x.instrs(pr.Body); err != nil {
			return nil, fmt.Errorf("P%d: %w", pr.Index, err)
		}
	}
	t.Procs = procs
	// Condition.
	stoks, err = slex(parts.constr.text, parts.constr.line, maxTok)
	if err != nil {
		return nil, fmt.Errorf("condition: %w", err)
	}
	sp = &sparser{toks: stoks, maxDepth: lim.Nesting}
	if err := sp.constraints(t); err != nil {
		return nil, fmt.Errorf("condition: %w", err)
	}
	if err := check(t, lim); err != nil {
		return nil, err
	}
	return t, nil
}

// check validates process numbers in the init block and the condition and
// the limits on registers and locations.
func check(t *Test, lim Limits) error {
	n := len(t.Procs)
	bad := func(what string, l RLoc) error {
		if l.Proc >= n {
			return fmt.Errorf("%s: register %s of a process that does not exist", what, l)
		}
		return nil
	}
	for _, it := range t.Init {
		if err := bad("init", it.Loc); err != nil {
			return err
		}
	}
	for _, l := range t.Locations {
		if err := bad("locations", l); err != nil {
			return err
		}
	}
	var err error
	walk := func(what string, p Prop) {
		WalkProp(p, func(l RLoc) {
			if err == nil {
				err = bad(what, l)
			}
		})
	}
	walk("filter", t.Filter)
	walk("condition", t.Cond)
	if err != nil {
		return err
	}
	locs := map[string]bool{}
	addLoc := func(s string) {
		if s != "" {
			locs[s] = true
		}
	}
	for _, it := range t.Init {
		if it.Loc.Global() {
			addLoc(it.Loc.Name)
		}
		addLoc(it.Val.Sym)
	}
	for _, pr := range t.Procs {
		for _, p := range pr.Params {
			addLoc(p.Name)
		}
		regs := map[string]bool{}
		for _, p := range pr.Params {
			regs[p.Name] = true
		}
		WalkInstrs(pr.Body, func(i Instr) {
			if s, ok := i.(*StoreReg); ok && s.Reg != "" {
				regs[s.Reg] = true
			}
		})
		if len(regs) > lim.Regs {
			return limitErr(pr.Line, "P%d has %d registers (at most %d)", pr.Index, len(regs), lim.Regs)
		}
	}
	if len(locs) > lim.Locs {
		return limitErr(0, "%d shared locations (at most %d)", len(locs), lim.Locs)
	}
	return nil
}

// WalkProp calls f for every location a proposition names.
func WalkProp(p Prop, f func(RLoc)) {
	switch p := p.(type) {
	case *Atom:
		f(p.Loc)
	case *AtomLoc:
		f(p.Loc)
		f(p.Loc2)
	case *Not:
		WalkProp(p.P, f)
	case *And:
		for _, q := range p.Ps {
			WalkProp(q, f)
		}
	case *Or:
		for _, q := range p.Ps {
			WalkProp(q, f)
		}
	case *Implies:
		WalkProp(p.P, f)
		WalkProp(p.Q, f)
	}
}

// WalkInstrs calls f for every instruction, nested ones included.
func WalkInstrs(is []Instr, f func(Instr)) {
	for _, i := range is {
		walkInstr(i, f)
	}
}

func walkInstr(i Instr, f func(Instr)) {
	if i == nil {
		return
	}
	f(i)
	switch i := i.(type) {
	case *Seq:
		WalkInstrs(i.Body, f)
	case *If:
		walkInstr(i.Then, f)
		walkInstr(i.Else, f)
	case *While:
		walkInstr(i.Body, f)
	}
}
