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
	// assigns maps each assigned variable to the identifiers of the
	// expressions assigned to it; params are the parameters.
	assigns map[string][]string
	params  map[string]bool
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
	b.assigns = map[string][]string{}
	collectAssigns(stmts, b.assigns)
	b.params = map[string]bool{}
	if d.Func != nil {
		if head, ok := m.Z.Src.Range(d.File.Path, int(d.Func.Line), int(d.Func.Line)+8); ok {
			ht := rcueffects.Lex([]byte(head), int(d.Func.Line))
			for i := 0; i+1 < len(ht); i++ {
				if ht[i].Text == d.Func.Name && ht[i+1].Text == "(" {
					for _, c := range rcueffects.Calls(ht[i:]) {
						for _, a := range c.Args {
							if n := rcueffects.LastIdent(a); n != "" {
								b.params[n] = true
							}
						}
						break
					}
					break
				}
			}
		}
	}
	m.Z.WalkSections(stmts, func(e rcueffects.Event) {
		if e.Kind != rcueffects.EvCall {
			return
		}
		b.calls = append(b.calls, e)
		if e.Call.Name == "rcu_trace_implies_rcu_gp" {
			b.impliesGP = true
		}
	})
	underflow := false
	m.Z.WalkSectionsMost(stmts, func(e rcueffects.Event) {
		if e.Kind == rcueffects.EvUnderflow {
			underflow = true
		}
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
	if underflow {
		// It closes a section its caller opened (rcu_read_unlock(); mutex_lock();
		// rcu_read_lock() in posix_cpu_timer_wait_running()): blocking here
		// says nothing about what its callers hold.
		b.blocks = nil
	}
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
		why := "function"
		if d.Macro != nil {
			why = "macro"
		}
		where = append(where, Hop{Func: d.Name(), File: d.File.Path, Line: s.Line, Why: why})
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
		if ps := m.impliedPaths(d); len(ps) > 0 {
			m.paths[k] = ps
			return ps
		}
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

// retireAfter returns the grace periods that retire the object a
// publication or removal replaces. The old object is followed by name:
// the variables of the primitive's arguments and those assigned from
// them (old = rcu_replace_pointer(…), old = rcu_dereference_protected(
// p->f, …) before rcu_assign_pointer(p->f, new)). After the site, in its
// function:
//
//   - a callback queued on one of them (call_rcu(&old->rcu, cb),
//     kfree_rcu(old, rcu)), directly or in a callee passed one of them
//     (release_probes(old)), retires it behind that flavour and the
//     flavours its callback chain queues;
//   - a blocking wait (synchronize_*(), or a callee that waits:
//     synchronize_net(), tracepoint_synchronize_unregister()) retires it
//     when one of them is freed after it (kfree(old), a *free*/*release*/
//     *destroy* call passed one of them).
//
// A removal done in a helper (unlist_netdevice()) is followed into its
// callers, with the helper's arguments as the old object. Anything else is
// not a retire path of this location: the answer is nil.
func (m *Map) retireAfter(d Def, s index.RCUSite) []Step {
	b := m.body(d)
	if !b.ok {
		return nil
	}
	budget := 400
	idx := -1
	for i, e := range b.calls {
		if e.Call.Name == s.Name && (d.Macro != nil || e.Call.Line == int(s.Line)) {
			idx = i
			break
		}
	}
	if idx < 0 {
		return nil
	}
	site := b.calls[idx]
	vars := rootIdents(site.Call.Args)
	steps, pending := m.retireIn(d, b, idx, site.Call.Line, vars, nil, nil, &budget)
	if len(steps) > 0 || d.Func == nil || rcueffects.Access(s.Name) != rcueffects.AccessRemove {
		return steps
	}
	// the helper's parameters that name the old object
	params := paramIdents(b, vars)
	if len(params) == 0 {
		return nil
	}
	for _, c := range m.callers(d) {
		cb := m.body(c)
		if !cb.ok {
			continue
		}
		for i, e := range cb.calls {
			if e.Call.Name != d.Name() || e.Call.Member {
				continue
			}
			hop := Hop{Func: c.Name(), File: c.File.Path, Line: e.Call.Line, Why: "calls " + d.Name() + "(), which removes it"}
			// waits the helper did after the removal count for the
			// caller's free (mmu_notifier_unregister() waits, the
			// caller's kfree_rcu() frees)
			st, _ := m.retireIn(c, cb, i, e.Call.Line, rootIdents(e.Call.Args), []Hop{hop}, pending, &budget)
			steps = append(steps, st...)
		}
	}
	return steps
}

// retireIn searches the calls of b after b.calls[idx] for the retire of
// the object named by vars (closed over b's assignments); pending are
// blocking waits already done (by a helper) that a free here completes.
// It returns the retire steps and the blocking waits no free followed.
func (m *Map) retireIn(d Def, b *bodyEvents, idx, line int, vars map[string]bool, via []Hop, pending []Step, budget *int) ([]Step, []Step) {
	vars = closeOver(vars, b.assigns)
	var steps []Step
	pending = append([]Step(nil), pending...)
	for i, e := range b.calls {
		if i == idx || i < idx && e.Call.Line != line {
			continue
		}
		c := e.Call
		if c.Member {
			continue
		}
		mentions := mentionsAny(c.Args, vars)
		if w, ok := rcueffects.GPWaits[c.Name]; ok {
			if w.Barrier {
				continue
			}
			if !w.Call {
				pending = append(pending, m.stepsOf(d.File.Path, d.Name(), c, 0, via, budget)...)
			} else if mentions {
				steps = append(steps, m.stepsOf(d.File.Path, d.Name(), c, 0, via, budget)...)
			}
			continue
		}
		if mentions && isFree(c.Name) && len(pending) > 0 {
			steps = append(steps, pending...)
			pending = nil
		}
		if c.Name == "synchronize_rcu_mult" {
			pending = append(pending, m.stepsOf(d.File.Path, d.Name(), c, 0, via, budget)...)
			continue
		}
		sub := m.stepsOf(d.File.Path, d.Name(), c, 0, via, budget)
		for _, st := range sub {
			if rcueffects.GPWaits[st.Prim].Call || st.TypeSafe != "" {
				if mentions {
					steps = append(steps, st)
				}
			} else if len(st.Via) == len(via)+1 {
				// a wrapper that waits (synchronize_net())
				pending = append(pending, st)
			}
		}
	}
	return steps, pending
}

// isFree reports whether a call frees (or hands to a release function)
// what it is passed.
func isFree(name string) bool {
	return strings.Contains(name, "free") || strings.Contains(name, "release") || strings.Contains(name, "destroy")
}

// rootIdents returns the variables an argument list names: the roots of
// its paths (p of p->f, old of &old->rcu) and plain identifiers.
func rootIdents(args [][]rcueffects.Token) map[string]bool {
	out := map[string]bool{}
	for _, a := range args {
		for i, t := range a {
			if t.Kind != rcueffects.Ident {
				continue
			}
			if i > 0 && (a[i-1].Text == "->" || a[i-1].Text == ".") {
				continue
			}
			if i+1 < len(a) && a[i+1].Text == "(" {
				continue // a call's name
			}
			if t.Text == "NULL" || t.Text == "true" || t.Text == "false" || allUpper(t.Text) {
				continue
			}
			out[t.Text] = true
		}
	}
	return out
}

func allUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 'a' && s[i] <= 'z' {
			return false
		}
	}
	return true
}

func mentionsAny(args [][]rcueffects.Token, vars map[string]bool) bool {
	for v := range rootIdents(args) {
		if vars[v] {
			return true
		}
	}
	return false
}

// closeOver adds the variables assigned from expressions that mention
// vars (two rounds).
func closeOver(vars map[string]bool, assigns map[string][]string) map[string]bool {
	out := map[string]bool{}
	for v := range vars {
		out[v] = true
	}
	for round := 0; round < 2; round++ {
		for lhs, rhs := range assigns {
			if out[lhs] {
				continue
			}
			for _, r := range rhs {
				if out[r] {
					out[lhs] = true
					break
				}
			}
		}
	}
	return out
}

// paramIdents returns the variables of vars that are the function's
// parameters (the helper was passed the old object).
func paramIdents(b *bodyEvents, vars map[string]bool) map[string]bool {
	out := map[string]bool{}
	for v := range vars {
		if b.params[v] {
			out[v] = true
		}
	}
	return out
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
	if st, ok := m.typesafeStep(c, at, via); ok {
		return []Step{st}
	}
	if depth >= MaxRetireDepth || *budget <= 0 || skipCallee(c.Name) {
		return nil
	}
	var steps []Step
	for _, t := range m.Index.Resolve(from, index.Call{Name: c.Name}) {
		d, ok := m.targetDef(t)
		if !ok {
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

// collectAssigns records "x = expr" and "T *x = expr" statements: x and
// the identifiers of expr.
func collectAssigns(stmts []*rcueffects.Stmt, out map[string][]string) {
	for _, st := range stmts {
		if st == nil {
			continue
		}
		if st.Kind == rcueffects.Simple {
			toks := st.Toks
			depth := 0
			for i, t := range toks {
				switch t.Text {
				case "(", "[", "{":
					depth++
				case ")", "]", "}":
					depth--
				case "=":
					if depth == 0 && i > 0 && toks[i-1].Kind == rcueffects.Ident {
						lhs := toks[i-1].Text
						for v := range rootIdents([][]rcueffects.Token{toks[i+1:]}) {
							out[lhs] = append(out[lhs], v)
						}
					}
				}
			}
		}
		if st.Then != nil {
			collectAssigns([]*rcueffects.Stmt{st.Then}, out)
		}
		if st.Else != nil {
			collectAssigns([]*rcueffects.Stmt{st.Else}, out)
		}
		collectAssigns(st.Body, out)
	}
}

// Unprotected returns the paths by which the read prim at line of d is
// proven to run with no read-side protection (see package rcuprotect):
// no section may be open on it (WalkSectionsMost), the read names no
// lockdep condition, and the path ends, at the read's function or its
// direct caller, in a function that blocks unconditionally where no
// section is open. Paths through a function that may open a reader in a
// way the section walk does not see (a callee whose effect summary
// enters a reader: rhashtable_walk_start()), reads in a function that
// also reads the location with a lockdep condition (a function that
// serves both the read and the update side), and reads in a branch of a
// function whose blocking is its only proof, are not proven.
func (m *Map) Unprotected(d Def, prim string, line int, loc string) []Path {
	if d.Func == nil {
		return nil
	}
	for _, o := range d.sites() {
		if o.Loc == loc && o.Name != prim && (rcueffects.Access(o.Name) == rcueffects.AccessUpdate ||
			strings.Contains(o.Name, "_check") || strings.HasPrefix(o.Name, "srcu_")) {
			return nil
		}
	}
	b := m.body(d)
	found := findCall(b.most, prim, line, false)
	if len(found) == 0 || m.opensHidden(d) {
		return nil
	}
	var out []Path
	for _, p := range m.ReadPaths(d, prim, line, true) {
		if p.Protected() || p.Lockdep != "" || p.Blocks == nil || p.Unknown || len(p.Callers) > 1 {
			continue
		}
		if len(p.Callers) == 0 && len(found[0].Guards) > 0 {
			continue
		}
		if len(p.Callers) == 1 {
			c := Def{File: m.Index.File(p.Callers[0].File)}
			if c.File == nil {
				continue
			}
			for i := range c.File.Funcs {
				if c.File.Funcs[i].Name == p.Callers[0].Func {
					c.Func = &c.File.Funcs[i]
				}
			}
			if c.Func == nil || m.opensHidden(c) {
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// opensHidden reports whether a function calls something that enters a
// reader by its effect summary although the section walk does not count
// it as a section (a wrapper such as rhashtable_walk_start()).
func (m *Map) opensHidden(d Def) bool {
	k := "hidden|" + d.key()
	if v, ok := m.busy[k]; ok {
		return v
	}
	b := m.body(d)
	hidden := false
	seen := map[string]bool{}
	for _, e := range b.most {
		n := e.Call.Name
		if e.Call.Member || seen[n] {
			continue
		}
		seen[n] = true
		if kind, _, _ := m.Z.Classify(e.Call); kind != rcueffects.SecNone {
			continue
		}
		if s, ok := m.Z.Summary(n); ok && s.IsReadSide() && s.Effects.Delta > 0 {
			hidden = true
			break
		}
	}
	m.busy[k] = hidden
	return hidden
}
