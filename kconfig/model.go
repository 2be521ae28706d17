package kconfig

import (
	"path"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// Model is the constraint model of one architecture's Kconfig tree: the
// symbols with their types, dependencies, selects, defaults and choices,
// read from the top-level Kconfig through every source statement (with
// $(SRCARCH) replaced by the architecture). It answers whether a set of
// conditions can hold together in some configuration of that
// architecture (Satisfiable) and prints them without the parts that
// Kconfig already implies (Simplify). A Model is safe for concurrent use.
//
// The model over-approximates: anything it does not understand (a
// $(shell …) macro, an int comparison, a runtime condition such as
// in_nmi()) is a free variable, and a query only takes the constraints
// of the few hundred symbols nearest to the ones it names. So "cannot
// hold" is only said when Kconfig really rules the combination out
// (CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU, CONFIG_ARM64 on x86), never
// because of a gap in the model.
type Model struct {
	Arch string
	// Files counts the Kconfig files read; Missing lists sourced files
	// that could not be read (their symbols are unknown).
	Files   int
	Missing []string

	syms    map[string]*symbol // a built model's symbols (nil for a decoded one: lz)
	lz      *lazySyms
	choices []*choice
	// open is set for a model without a Kconfig tree: every symbol is
	// free and only plain contradictions (X && !X) are found.
	open bool
	free func(sym string) bool

	mu     sync.Mutex
	memo   map[string]bool
	parsed map[string]*Expr
	simple map[string][]string

	// queries left by earlier queries (their maps and buffers)
	queries sync.Pool
}

type symbol struct {
	name      string
	typ       string
	defs      []symDef
	selectors []selector
	choice    *choice
	prog      atomic.Pointer[prog] // its constraints' program (prog.go), once made
}

type symDef struct {
	dep      *Expr // nil: none
	prompt   bool
	promptIf *Expr
	defaults []defProp
}

type defProp struct{ val, cond *Expr }

type selector struct {
	by   string
	cond *Expr
}

type choice struct {
	members  []string
	dep      *Expr
	optional bool
	// anyFree is set when a member has no dependency of its own, so a
	// visible choice always has a member to pick.
	anyFree bool
	prog    atomic.Pointer[prog] // its constraints' program, once made
}

// NewModel reads the Kconfig tree of arch through read (a tree path →
// the parsed file, nil when absent), starting at "Kconfig". With no
// top-level Kconfig it returns an open model (every symbol free).
func NewModel(arch string, read func(path string) *File) *Model {
	m := &Model{Arch: arch, syms: map[string]*symbol{}, memo: map[string]bool{}, parsed: map[string]*Expr{},
		simple: map[string][]string{}}
	if read("Kconfig") == nil {
		m.open = true
		return m
	}
	b := &modelBuilder{m: m, read: read, seen: map[string]bool{}}
	b.file("Kconfig", nil, 0)
	return m
}

// SetFree names symbols that are free although Kconfig does not define
// them (a CONFIG_ macro #defined in C); by default an undefined symbol
// is never set. Call it before the first query.
func (m *Model) SetFree(free func(sym string) bool) { m.free = free }

// Open reports whether the model has no Kconfig tree behind it.
func (m *Model) Open() bool { return m.open }

// Symbols returns the number of symbols defined.
func (m *Model) Symbols() int {
	if m.lz != nil {
		return m.lz.n()
	}
	return len(m.syms)
}

// sym returns the symbol named name, nil when Kconfig does not define it.
func (m *Model) sym(name string) *symbol {
	if m.lz != nil {
		return m.lz.lookup(name)
	}
	return m.syms[name]
}

// Type returns a symbol's type (bool, tristate, int, hex, string), ""
// when Kconfig does not define it.
func (m *Model) Type(sym string) string {
	if s := m.sym(sym); s != nil {
		if s.typ == "" {
			return "bool"
		}
		return s.typ
	}
	return ""
}

type modelBuilder struct {
	m    *Model
	read func(string) *File
	seen map[string]bool
}

type blockFrame struct {
	dep    *Expr
	choice *choice
}

func (b *modelBuilder) file(p string, base []*Expr, depth int) {
	if depth > 32 || b.seen[p] {
		return
	}
	f := b.read(p)
	if f == nil {
		// another architecture's files (crypto/Kconfig sources them
		// under "if ARM64") define only that architecture's symbols
		if a, _, ok := strings.Cut(strings.TrimPrefix(p, "arch/"), "/"); !strings.HasPrefix(p, "arch/") || !ok || a == b.m.Arch {
			b.m.Missing = append(b.m.Missing, p)
		}
		return
	}
	b.seen[p] = true
	b.m.Files++
	var frames []blockFrame
	ctx := func() []*Expr {
		out := append([]*Expr(nil), base...)
		for _, fr := range frames {
			if fr.dep != nil {
				out = append(out, fr.dep)
			}
		}
		return out
	}
	inChoice := func() (*choice, int) {
		for i := len(frames) - 1; i >= 0; i-- {
			if frames[i].choice != nil {
				return frames[i].choice, i
			}
		}
		return nil, -1
	}
	for i := range f.Entries {
		e := &f.Entries[i]
		switch e.Kind {
		case EntryIf:
			frames = append(frames, blockFrame{dep: ParseExpr(e.Name)})
		case EntryMenu:
			frames = append(frames, blockFrame{dep: andAll(parseAll(e.Depends))})
		case EntryChoice:
			c := &choice{optional: e.Optional, dep: andAll(append(ctx(), parseAll(e.Depends)...))}
			b.m.choices = append(b.m.choices, c)
			frames = append(frames, blockFrame{dep: andAll(parseAll(e.Depends)), choice: c})
		case EntryEndIf, EntryEndMenu, EntryEndChoice:
			if len(frames) > 0 {
				frames = frames[:len(frames)-1]
			}
		case EntrySource:
			sp := strings.ReplaceAll(e.Name, "$(SRCARCH)", b.m.Arch)
			if strings.HasPrefix(sp, "./") {
				sp = path.Join(path.Dir(p), sp)
			}
			if strings.Contains(sp, "$(") {
				continue
			}
			b.file(path.Clean(sp), ctx(), depth+1)
		case EntryConfig:
			b.config(e, ctx(), frames, inChoice)
		}
	}
}

func (b *modelBuilder) config(e *Entry, ctx []*Expr, frames []blockFrame, inChoice func() (*choice, int)) {
	s := b.m.syms[e.Name]
	if s == nil {
		s = &symbol{name: e.Name}
		b.m.syms[e.Name] = s
	}
	if s.typ == "" && e.Type != "" {
		s.typ = e.Type
	}
	own := parseAll(e.Depends)
	d := symDef{dep: andAll(append(ctx, own...)), prompt: e.Prompt}
	if e.PromptIf != "" {
		d.promptIf = ParseExpr(e.PromptIf)
	}
	for _, df := range e.Defaults {
		dp := defProp{val: ParseExpr(df.Value)}
		if df.If != "" {
			dp.cond = ParseExpr(df.If)
		}
		d.defaults = append(d.defaults, dp)
	}
	s.defs = append(s.defs, d)
	for _, sel := range e.Selects {
		name := strings.TrimSpace(sel.Value)
		t := b.m.syms[name]
		if t == nil {
			t = &symbol{name: name}
			b.m.syms[name] = t
		}
		sl := selector{by: e.Name}
		if sel.If != "" {
			sl.cond = ParseExpr(sel.If)
		}
		t.selectors = append(t.selectors, sl)
	}
	if c, at := inChoice(); c != nil && (e.Type == "" || e.Type == "bool" || e.Type == "tristate") {
		s.choice = c
		c.members = append(c.members, e.Name)
		if len(own) == 0 && at == len(frames)-1 {
			c.anyFree = true
		}
	}
}

func parseAll(ss []string) []*Expr {
	var out []*Expr
	for _, s := range ss {
		out = append(out, ParseExpr(s))
	}
	return out
}

func andAll(es []*Expr) *Expr {
	var out *Expr
	for _, e := range es {
		if e == nil {
			continue
		}
		if out == nil {
			out = e
		} else {
			out = &Expr{Kind: ExprAnd, L: out, R: e}
		}
	}
	return out
}

// parseCond parses a C condition once per model.
func (m *Model) parseCond(c string) *Expr {
	m.mu.Lock()
	e, ok := m.parsed[c]
	m.mu.Unlock()
	if ok {
		return e
	}
	e = ParseCond(c)
	m.mu.Lock()
	if len(m.parsed) > 1<<16 {
		m.parsed = map[string]*Expr{}
	}
	m.parsed[c] = e
	m.mu.Unlock()
	return e
}

// Satisfiable reports whether the conditions (C preprocessor syntax, as
// the kernel index spells them) can all hold in one configuration.
func (m *Model) Satisfiable(conds []string) bool {
	if len(conds) == 0 {
		return true
	}
	key := condKey(conds)
	m.mu.Lock()
	v, ok := m.memo[key]
	m.mu.Unlock()
	if ok {
		return v
	}
	es := make([]*Expr, len(conds))
	for i, c := range conds {
		es[i] = m.parseCond(c)
	}
	v = m.sat(es)
	m.mu.Lock()
	if len(m.memo) > 1<<18 {
		m.memo = map[string]bool{}
	}
	m.memo[key] = v
	m.mu.Unlock()
	return v
}

// QuestionKey is the key under which Satisfiable memoises its answer for
// conds: the conditions, sorted, joined by NUL. The kernel index keeps
// answers under it beyond one process, and asks them before it needs a
// model at all.
func QuestionKey(conds []string) string { return condKey(conds) }

func condKey(conds []string) string {
	if len(conds) == 1 {
		return conds[0]
	}
	s := append([]string(nil), conds...)
	sort.Strings(s)
	return strings.Join(s, "\x00")
}

// Simplify returns the conditions as a reader should see them: each in
// its simplest spelling (CONFIG_X for a bool option rather than
// IS_ENABLED(CONFIG_X)), without those that hold in every configuration
// of the architecture and without those the others imply (CONFIG_TREE_RCU
// next to CONFIG_PREEMPT_RCU, which selects it), sorted. Conditions that
// cannot hold together are returned respelled but otherwise unchanged.
func (m *Model) Simplify(conds []string) []string {
	key := condKey(conds)
	m.mu.Lock()
	out, ok := m.simple[key]
	m.mu.Unlock()
	if ok {
		return append([]string(nil), out...)
	}
	out = m.simplify(conds)
	m.mu.Lock()
	if len(m.simple) > 1<<16 {
		m.simple = map[string][]string{}
	}
	m.simple[key] = out
	m.mu.Unlock()
	return append([]string(nil), out...)
}

func (m *Model) simplify(conds []string) []string {
	type item struct {
		e    *Expr
		text string
	}
	var items []item
	seen := map[string]bool{}
	for _, c := range conds {
		e := m.parseCond(c)
		t := e.cstr(m.Type, 2)
		if seen[t] {
			continue
		}
		seen[t] = true
		items = append(items, item{e, t})
	}
	all := make([]*Expr, len(items))
	texts := make([]string, len(items))
	for i := range items {
		all[i], texts[i] = items[i].e, items[i].text
	}
	if !m.satKey(all, texts) {
		out := make([]string, len(items))
		for i := range items {
			out[i] = items[i].text
		}
		sort.Strings(out)
		return out
	}
	// try to drop the longest (least readable) conditions first
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return len(items[order[a]].text) > len(items[order[b]].text) })
	keep := make([]bool, len(items))
	for i := range keep {
		keep[i] = true
	}
	for _, i := range order {
		q := []*Expr{{Kind: ExprNot, L: items[i].e}}
		qt := []string{"!(" + items[i].text + ")"}
		for j := range items {
			if j != i && keep[j] {
				q = append(q, items[j].e)
				qt = append(qt, items[j].text)
			}
		}
		if !m.satKey(q, qt) {
			keep[i] = false // implied by the others (or by Kconfig alone)
		}
	}
	var out []string
	for i, it := range items {
		if keep[i] {
			out = append(out, it.text)
		}
	}
	sort.Strings(out)
	return out
}

// satKey is sat with the memo, keyed by the expressions' spellings.
func (m *Model) satKey(es []*Expr, texts []string) bool {
	key := "\x01" + condKey(texts)
	m.mu.Lock()
	v, ok := m.memo[key]
	m.mu.Unlock()
	if ok {
		return v
	}
	v = m.sat(es)
	m.mu.Lock()
	m.memo[key] = v
	m.mu.Unlock()
	return v
}
