package rcumap

import (
	"strings"

	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// bodyEvents are the section walks of one definition.
type bodyEvents struct {
	ok    bool
	calls []rcueffects.Event // WalkSections: the sections open on the path with fewest
	most  []rcueffects.Event // WalkSectionsMost: the sections that may be open
	// blocks is the first call that may block (directly: a sleeping
	// primitive, a GFP_KERNEL allocation) made unconditionally with no
	// section open, nil when none.
	blocks *Hop
	// impliesGP: the body asks rcu_trace_implies_rcu_gp().
	impliesGP bool
}

func (m *Map) body(d Def) *bodyEvents {
	k := d.key()
	if b, ok := m.events[k]; ok {
		return b
	}
	b := &bodyEvents{}
	m.events[k] = b
	var toks []rcueffects.Token
	var ok bool
	if d.Func != nil {
		toks, ok = m.Z.Src.FuncBody(d.File.Path, d.Func)
	} else {
		toks, ok = m.Z.Src.MacroBody(d.File.Path, d.Macro)
	}
	if !ok {
		return b
	}
	b.ok = true
	stmts := rcueffects.ParseBody(toks)
	m.Z.WalkSections(stmts, func(e rcueffects.Event) {
		if e.Kind != rcueffects.EvCall {
			return
		}
		b.calls = append(b.calls, e)
		if e.Call.Name == "rcu_trace_implies_rcu_gp" {
			b.impliesGP = true
		}
	})
	m.Z.WalkSectionsMost(stmts, func(e rcueffects.Event) {
		if e.Kind != rcueffects.EvCall {
			return
		}
		b.most = append(b.most, e)
		if b.blocks == nil && len(e.Open) == 0 && len(e.Guards) == 0 && !e.Call.Member && d.Func != nil {
			if bl, chain := m.Z.Blocks(d.File.Path, e.Call); bl != rcueffects.NoBlock && len(chain) == 1 {
				b.blocks = &Hop{Func: d.Name(), File: d.File.Path, Line: e.Call.Line, Why: e.Call.Name + "(): " + chain[0].Why}
			}
		}
	})
	return b
}

// findCall returns the events of a call of name in a body (at line, unless
// the definition is a macro whose calls all sit on its #define line).
func findCall(evs []rcueffects.Event, name string, line int, anyLine bool) []rcueffects.Event {
	var out []rcueffects.Event
	for _, e := range evs {
		if e.Call.Name == name && !e.Call.Member && (anyLine || e.Call.Line == line) {
			out = append(out, e)
		}
	}
	return out
}

func withWhere(secs []rcueffects.Section, d Def) ([]rcueffects.Section, []Hop) {
	var where []Hop
	for _, s := range secs {
		where = append(where, Hop{Func: d.Name(), File: d.File.Path, Line: s.Line})
	}
	return append([]rcueffects.Section(nil), secs...), where
}

// ReadPaths returns the paths by which the read prim at line of d is
// reached, with their protection. most selects the sections that may be
// open (for proving a path unprotected) instead of those open on every
// path through the body.
func (m *Map) ReadPaths(d Def, prim string, line int, most bool) []Path {
	b := m.body(d)
	if !b.ok {
		return []Path{{Unknown: true}}
	}
	evs := b.calls
	if most {
		evs = b.most
	}
	found := findCall(evs, prim, line, d.Macro != nil)
	if len(found) == 0 {
		return []Path{{Unknown: true}}
	}
	e := found[0]
	lockdep := lockdepCond(e.Call)
	if len(e.Open) > 0 {
		secs, where := withWhere(e.Open, d)
		return []Path{{Sections: secs, Where: where, Lockdep: lockdep}}
	}
	if b.blocks != nil {
		return []Path{{Blocks: b.blocks, Lockdep: lockdep}}
	}
	var out []Path
	for _, p := range m.callerPaths(d, 1, most) {
		p.Lockdep = lockdep
		out = append(out, p)
	}
	return out
}

// lockdepCond returns the condition a read names: the last argument of
// rcu_dereference_check() and friends, the srcu_struct of
// srcu_dereference(), the optional condition of the list iterators.
func lockdepCond(c rcueffects.CallSite) string {
	n := c.Name
	var arg []rcueffects.Token
	switch {
	case strings.HasPrefix(n, "srcu_dereference"):
		if len(c.Args) > 1 {
			arg = c.Args[len(c.Args)-1]
			if !strings.Contains(n, "_check") {
				return "srcu_read_lock_held(" + text(arg) + ")"
			}
		}
	case strings.Contains(n, "_check"):
		if len(c.Args) > 1 {
			arg = c.Args[len(c.Args)-1]
		}
	case strings.Contains(n, "for_each_entry"):
		want := 3
		if strings.Contains(n, "nulls") {
			want = 4
		}
		if len(c.Args) > want {
			arg = c.Args[len(c.Args)-1]
		}
	}
	if len(arg) == 0 {
		return ""
	}
	t := text(arg)
	if t == "0" || t == "false" {
		return ""
	}
	return t
}

func text(toks []rcueffects.Token) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && t.Kind == rcueffects.Ident && toks[i-1].Kind == rcueffects.Ident {
			b.WriteByte(' ')
		}
		b.WriteString(t.Text)
	}
	return b.String()
}

// callers returns the definitions that call d (as the index resolves the
// call from the caller's file), each once.
func (m *Map) callers(d Def) []Def {
	name := d.Name()
	var out []Def
	seen := map[string]bool{}
	for _, r := range m.Index.Callers(name) {
		c := Def{File: r.File, Func: r.Func, Macro: r.Macro}
		k := c.key()
		if seen[k] || c.Name() == name {
			continue
		}
		seen[k] = true
		if !m.defHolds(c) || !m.resolvesTo(r.File.Path, name, d) {
			continue
		}
		out = append(out, c)
		if len(out) >= MaxCallers {
			break
		}
	}
	return out
}

func (m *Map) resolvesTo(from, name string, d Def) bool {
	for _, t := range m.Index.Resolve(from, index.Call{Name: name}) {
		if t.File == d.File.Path && (t.Kind == index.TargetFunc || t.Kind == index.TargetMacro) {
			return true
		}
	}
	return false
}

// callerPaths returns the paths by which d is called, from its callers'
// sections outwards.
func (m *Map) callerPaths(d Def, depth int, most bool) []Path {
	k := d.key()
	if most {
		k += "|most"
	}
	if p, ok := m.paths[k]; ok {
		return p
	}
	if m.busy[k] {
		return []Path{{Unknown: true}} // recursion
	}
	m.busy[k] = true
	defer delete(m.busy, k)
	cs := m.callers(d)
	if len(cs) == 0 {
		return []Path{{Unknown: true}}
	}
	var out []Path
	seen := map[string]bool{}
	add := func(p Path) {
		key := p.Describe() + "|" + hopsKey(p.Callers)
		if !seen[key] && len(out) < 64 {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, c := range cs {
		b := m.body(c)
		if !b.ok {
			continue
		}
		evs := b.calls
		if most {
			evs = b.most
		}
		for _, e := range findCall(evs, d.Name(), 0, true) {
			hop := Hop{Func: c.Name(), File: c.File.Path, Line: e.Call.Line, Why: "calls " + d.Name() + "()"}
			switch {
			case len(e.Open) > 0:
				secs, where := withWhere(e.Open, c)
				add(Path{Sections: secs, Where: where, Callers: []Hop{hop}})
			case b.blocks != nil:
				add(Path{Callers: []Hop{hop}, Blocks: b.blocks})
			case depth >= MaxCallerDepth:
				add(Path{Callers: []Hop{hop}, Unknown: true})
			default:
				for _, p := range m.callerPaths(c, depth+1, most) {
					p.Callers = append([]Hop{hop}, p.Callers...)
					add(p)
				}
			}
		}
	}
	if len(out) == 0 {
		out = []Path{{Unknown: true}}
	}
	m.paths[k] = out
	return out
}

func hopsKey(hs []Hop) string {
	var parts []string
	for _, h := range hs {
		parts = append(parts, h.Func)
	}
	return strings.Join(parts, "<")
}

// retireAfter returns the grace periods that follow a publication: in its
// function after it, else in its callers after the call.
func (m *Map) retireAfter(d Def, s index.RCUSite) []Step {
	b := m.body(d)
	if !b.ok {
		return nil
	}
	budget := 400
	var steps []Step
	after := false
	for _, e := range b.calls {
		if e.Call.Name == s.Name && (d.Macro != nil || e.Call.Line == int(s.Line)) {
			after = true
			continue
		}
		if !after && e.Call.Line != int(s.Line) {
			continue
		}
		steps = append(steps, m.stepsOf(d.File.Path, d.Name(), e.Call, 0, nil, &budget)...)
	}
	if len(steps) > 0 || d.Func == nil {
		return steps
	}
	for _, c := range m.callers(d) {
		cb := m.body(c)
		if !cb.ok {
			continue
		}
		after := false
		var cs []Step
		for _, e := range cb.calls {
			if e.Call.Name == d.Name() && !e.Call.Member {
				after = true
				continue
			}
			if after {
				hop := Hop{Func: c.Name(), File: c.File.Path, Line: e.Call.Line, Why: "calls " + d.Name() + "() first"}
				cs = append(cs, m.stepsOf(c.File.Path, c.Name(), e.Call, 1, []Hop{hop}, &budget)...)
			}
		}
		steps = append(steps, cs...)
	}
	return steps
}

// stepsOf returns the grace periods a call waits for or queues behind.
// fromFunc is the definition the call is in; via leads to it.
func (m *Map) stepsOf(from, fromFunc string, c rcueffects.CallSite, depth int, via []Hop, budget *int) []Step {
	if c.Member {
		return nil
	}
	at := Hop{Func: fromFunc, File: from, Line: c.Line, Why: c.Name + "()"}
	if w, ok := rcueffects.GPWaits[c.Name]; ok {
		if w.Barrier {
			return nil
		}
		st := Step{Prim: c.Name, Flavour: w.Flavour, At: at, Via: via}
		if w.Flavour == rcumodel.FlavourSRCU0 && len(c.Args) > 0 {
			st.Domain = rcueffects.LastIdent(c.Args[0])
		}
		steps := []Step{st}
		if w.Call && depth < MaxRetireDepth && len(c.Args) >= 2 && strings.HasPrefix(c.Name, "call_") {
			cb := rcueffects.LastIdent(c.Args[len(c.Args)-1])
			for _, t := range m.Index.Resolve(from, index.Call{Name: cb}) {
				if t.Kind != index.TargetFunc || t.Func == nil {
					continue
				}
				cd := Def{File: t.Facts, Func: t.Func}
				if cd.File == nil {
					cd.File = m.Index.File(t.File)
				}
				if cd.File == nil {
					continue
				}
				hop := Hop{Func: cb, File: t.File, Line: int(t.Func.Line), Why: "callback of " + c.Name + "()"}
				sub := m.defSteps(cd, depth+1, append(append([]Hop(nil), via...), hop), budget)
				if m.body(cd).impliesGP {
					for i := range sub {
						sub[i].Skippable = true
					}
				}
				steps = append(steps, sub...)
				break
			}
		}
		return steps
	}
	if c.Name == "synchronize_rcu_mult" {
		var steps []Step
		for _, a := range c.Args {
			if w, ok := rcueffects.GPWaits[rcueffects.LastIdent(a)]; ok && w.Call {
				steps = append(steps, Step{Prim: c.Name, Flavour: w.Flavour, At: at, Via: via})
			}
		}
		return steps
	}
	if depth >= MaxRetireDepth || *budget <= 0 || skipCallee(c.Name) {
		return nil
	}
	var steps []Step
	for _, t := range m.Index.Resolve(from, index.Call{Name: c.Name}) {
		var d Def
		switch {
		case t.Kind == index.TargetFunc && t.Func != nil:
			d = Def{File: t.Facts, Func: t.Func}
		case t.Kind == index.TargetMacro && t.Facts != nil:
			d = Def{File: t.Facts, Macro: macroAt(t.Facts, t.Name, t.Line)}
			if d.Macro == nil {
				continue
			}
		default:
			continue
		}
		if d.File == nil {
			d.File = m.Index.File(t.File)
		}
		if d.File == nil || !m.defHolds(d) {
			continue
		}
		hop := Hop{Func: c.Name, File: t.File, Line: d.Line(), Why: "called after the update"}
		if len(via) > 0 || depth > 0 {
			hop.Why = "calls " + c.Name + "()"
		}
		steps = append(steps, m.defSteps(d, depth+1, append(append([]Hop(nil), via...), hop), budget)...)
	}
	return steps
}

// skipCallee: names never followed for a retire path (allocation, freeing,
// locking, printing, debugging).
func skipCallee(name string) bool {
	switch {
	case strings.HasPrefix(name, "k") && (strings.Contains(name, "free") || strings.Contains(name, "alloc")),
		strings.Contains(name, "lock"), strings.Contains(name, "print"), strings.HasPrefix(name, "WARN"),
		strings.HasPrefix(name, "BUG"), strings.HasPrefix(name, "trace_"), strings.HasPrefix(name, "atomic"),
		strings.HasPrefix(name, "list_"), strings.HasPrefix(name, "hlist_"), strings.HasPrefix(name, "rcu_dereference"),
		strings.HasPrefix(name, "rcu_assign"), strings.HasPrefix(name, "RCU_"), strings.HasPrefix(name, "mem"),
		strings.HasPrefix(name, "str"), name == "container_of" || name == "READ_ONCE" || name == "WRITE_ONCE":
		return true
	}
	return false
}

// defSteps returns the grace periods a definition's body waits for or
// queues behind, anywhere in it.
func (m *Map) defSteps(d Def, depth int, via []Hop, budget *int) []Step {
	k := d.key()
	if s, ok := m.steps[k]; ok {
		return prefix(via, s)
	}
	if m.busy["steps|"+k] || *budget <= 0 {
		return nil
	}
	*budget--
	m.busy["steps|"+k] = true
	defer delete(m.busy, "steps|"+k)
	b := m.body(d)
	var rel []Step // chains relative to d, memoised
	for _, e := range b.calls {
		rel = append(rel, m.stepsOf(d.File.Path, d.Name(), e.Call, depth, nil, budget)...)
	}
	m.steps[k] = rel
	return prefix(via, rel)
}

// prefix returns steps with via put before their own chains.
func prefix(via []Hop, s []Step) []Step {
	if len(s) == 0 {
		return nil
	}
	out := make([]Step, len(s))
	for i, st := range s {
		st.Via = append(append([]Hop(nil), via...), st.Via...)
		out[i] = st
	}
	return out
}

// macroAt returns the #define of name at line in a file.
func macroAt(f *index.FileFacts, name string, line int) *index.Macro {
	for i := range f.Macros {
		if f.Macros[i].Name == name && int(f.Macros[i].Line) == line {
			return &f.Macros[i]
		}
	}
	return nil
}
