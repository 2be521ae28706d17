// Package notrace reports instrumented code reachable from notrace roots
// (rules notrace-instrumented-call and notrace-name-contract; spec codes
// NT001-NT003, NT005, NT006 in ../shared/research/static-analysis.md).
//
// Roots (roots.go, probes.go) are of two kinds. Tracer context
// (RootTracer): the tracepoint implementation (__DO_TRACE*, and of
// __DECLARE_TRACE* the trace_<event>() bodies only), the *_notrace API
// recognised by its contract (notraceAPI), explicit notrace functions of
// the tracer's own code, and callbacks registered with the tracing
// machinery (tracepoint probes, ftrace_ops callbacks, kprobe handlers).
// Plain notrace (RootNotrace): explicit notrace functions of RCU's code.
// From each root a breadth-first walk
// follows calls through macros, guards and function bodies and reports,
// per sink, the shortest chain:
//
//   - a tracepoint (trace_<event>() of a live TRACE_EVENT/DEFINE_EVENT/…;
//     events declared with a *_NOP macro for a configuration carry the
//     opposite condition) or a trace_printk()-family ring-buffer writer:
//     error from tracer context (a registered probe: its own event only,
//     others warn), warning from a plain notrace root;
//   - the first ftrace-able function on a path (not inline, notrace,
//     noinstr, __always_inline, __kprobes, … and not in an object built
//     without $(CC_FLAGS_FTRACE)): warning; a static non-inline function
//     (ftrace-able unless inlined): note; from a plain notrace root a note,
//     from a probe not itself notrace not reported;
//   - a debug hook (irqflags/preempt tracing, lockdep, might_sleep,
//     printk): warning (plain notrace root: note);
//   - an indirect or static_call call before any ftrace-able function, and
//     a direct callee of the root with no definition: note.
//
// The walk does not descend into trusted recursion-safe boundaries
// (preempt_schedule_notrace, rcu_is_watching, ftrace recursion guards).
// Each chain carries the #if/IS_ENABLED() conditions of its call sites and
// definitions; with a .config, paths whose conditions are false are
// dropped. Findings are new, changed (the chain differs from the pre-patch
// tree) or pre-existing; only new and changed are reported unless the pass
// audits the whole tree.
package notrace

import (
	"fmt"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Analyzer reports instrumented calls reachable from notrace roots.
var Analyzer = &analyzers.Analyzer{
	Name:     "notrace",
	Doc:      "report instrumented calls reachable from notrace roots",
	Rules:    []string{finding.RuleNotraceInstrumentedCall, finding.RuleNotraceNameContract},
	Requires: []*analyzers.Analyzer{analyzers.Indexes},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	ix := analyzers.IndexesOf(pass)
	if pass.Baseline != nil {
		c := &checker{pass: pass, ix: ix.Pre, bufs: new(sync.Pool)}
		for _, d := range pass.Baseline {
			if r, ok := c.findRoot(d); ok {
				c.checkRoot(r)
			}
		}
		return nil, nil
	}
	c := &checker{pass: pass, ix: ix.Post, bufs: new(sync.Pool)}
	c.run(ix.Changed)
	return nil, nil
}

// checker checks roots in one index: the post-patch one, or the pre-patch
// one on the driver's Baseline run.
type checker struct {
	pass *analyzers.Pass
	ix   *index.Index
	// regs caches, per file, the tracing callbacks its text registers.
	regs map[string]map[string]registration
	// out, when set, collects the diagnostics of one root checked
	// concurrently with others (checkRoots), to be reported in order.
	out *[]analyzers.Diagnostic
	// bufs keeps the walks' buffers (Walker.bufs)
	bufs *sync.Pool
}

// report passes a diagnostic on: to the pass, or to out.
func (c *checker) report(d analyzers.Diagnostic) {
	if c.out != nil {
		*c.out = append(*c.out, d)
		return
	}
	c.pass.Report(d)
}

// checkRoots checks the roots, several at once (the index, its Kconfig
// model and the trees are safe for concurrent use; each root's walk is
// independent), and reports their diagnostics in the roots' order, as
// one root after the other would.
func (c *checker) checkRoots(roots []root) {
	out := make([][]analyzers.Diagnostic, len(roots))
	each(len(roots), 0, func(i int) {
		cc := *c
		cc.out = &out[i]
		cc.checkRoot(roots[i])
	})
	for _, ds := range out {
		for _, d := range ds {
			c.pass.Report(d)
		}
	}
}

// root is one place the walk starts from.
type root struct {
	name  string
	facts *index.FileFacts
	line  int
	calls []index.Call
	conds []string
	fn    *index.Func // nil for macros and guards
	// kind is RootTracer or RootNotrace.
	kind string
	// impl marks the tracepoint implementation (its chains start at a
	// tracepoint call site).
	impl bool
	// reg, when set, says what the root is registered as (a tracepoint
	// probe, an ftrace callback, a kprobe handler).
	reg *registration
	// at, when set, is the patch's changed definition the findings are
	// located at (reverse query).
	at *index.Changed
}

func (c *checker) run(changed []index.Changed) {
	var roots []root
	seen := map[string]bool{}
	addRoot := func(r root) {
		k := r.facts.Path + ":" + r.name
		if !seen[k] {
			seen[k] = true
			roots = append(roots, r)
		}
	}
	var nonRoots []index.Changed
	for i := range changed {
		ch := changed[i]
		if r, ok := c.rootOf(ch.File, ch.Func, ch.Macro); ok {
			addRoot(r)
			continue
		}
		if ch.Func != nil {
			c.nameContract(plainRoot(ch.File, ch.Func))
			for _, r := range c.newlyRegistered(&changed[i]) {
				addRoot(r)
			}
		}
		if len(ch.Lines) > 0 {
			nonRoots = append(nonRoots, ch)
		}
	}
	// guard definitions of the *_notrace API the patch changes
	// (DEFINE_LOCK_GUARD_0(preempt_notrace, …)): not definitions the
	// index maps lines to
	for _, f := range c.pass.Files {
		ff := c.ix.File(f.Path())
		if ff == nil {
			continue
		}
		for i := range ff.Invocations {
			inv := &ff.Invocations[i]
			if !diffparse.Added(c.pass.Files, ff.Path, int(inv.Line)) {
				continue
			}
			if r, ok := c.guardRoot(ff, inv); ok {
				addRoot(r)
			}
		}
	}
	if c.pass.All {
		for _, r := range c.allRoots() {
			addRoot(r)
		}
		for _, ff := range c.ix.Files() {
			for i := range ff.Funcs {
				if k := ff.Path + ":" + ff.Funcs[i].Name; !seen[k] && strings.HasSuffix(ff.Funcs[i].Name, "_notrace") {
					c.nameContract(plainRoot(ff, &ff.Funcs[i]))
				}
			}
		}
	} else if len(nonRoots) > 0 {
		for _, r := range c.reverse(nonRoots) {
			addRoot(r)
		}
	}
	c.checkRoots(roots)
}

// rootOf says whether a definition is a root, and of which kind (spec
// S2): tracer context (the tracepoint implementation, the *_notrace API
// by its contract, explicit notrace in the tracer's own code) or a plain
// notrace function of RCU's code.
func (c *checker) rootOf(ff *index.FileFacts, fn *index.Func, m *index.Macro) (root, bool) {
	if fn != nil {
		r := root{name: fn.Name, facts: ff, line: int(fn.Line), calls: fn.Calls, conds: ff.CondSet(fn.Cond), fn: fn}
		if reg, ok := c.registered(ff, fn.Name); ok {
			r.kind, r.reg = RootTracer, &reg
			return r, true
		}
		switch {
		case notraceAPI(c.ix, ff.Path, fn.Name, fn):
			r.kind = RootTracer
		case fn.Attrs&index.AttrNotrace == 0:
			return root{}, false
		case tracerCode(ff.Path):
			r.kind = RootTracer
		case plainNotraceCode(ff.Path):
			r.kind = RootNotrace
		default:
			return root{}, false
		}
		return r, true
	}
	if m == nil || len(m.Calls) == 0 {
		return root{}, false
	}
	r := root{name: m.Name, facts: ff, line: int(m.Line), calls: m.Calls, conds: ff.CondSet(m.Cond), kind: RootTracer}
	if m.FuncLike && notraceAPI(c.ix, ff.Path, m.Name, nil) {
		return r, true
	}
	if isTracepointImpl(ff.Path, m.Name) {
		r.impl = true
		r.calls = implCalls(c.source(ff.Path), m)
		return r, len(r.calls) > 0
	}
	return root{}, false
}

// guardRoot makes the root of a guard definition whose class is the
// *_notrace variant of another (guard(preempt_notrace)).
func (c *checker) guardRoot(ff *index.FileFacts, inv *index.Invocation) (root, bool) {
	if len(inv.Args) == 0 || len(inv.ArgCalls) == 0 || !notraceAPI(c.ix, ff.Path, inv.Args[0], nil) {
		return root{}, false
	}
	var calls []index.Call
	for _, ac := range inv.ArgCalls {
		calls = append(calls, ac...)
	}
	return root{name: "guard(" + inv.Args[0] + ")", facts: ff, line: int(inv.Line), calls: calls, conds: ff.CondSet(inv.Cond), kind: RootTracer}, true
}

// plainRoot is a function as a plain notrace root.
func plainRoot(ff *index.FileFacts, fn *index.Func) root {
	return root{name: fn.Name, facts: ff, line: int(fn.Line), calls: fn.Calls, conds: ff.CondSet(fn.Cond), fn: fn, kind: RootNotrace}
}

// source reads a file of the tree the checker's index is of (nil when
// there is no tree: embedded facts).
func (c *checker) source(p string) []byte {
	t := c.pass.Post
	if c.pass.Baseline != nil || t == nil {
		t = c.pass.Pre
	}
	if t == nil {
		return nil
	}
	b, err := t.ReadFile(p)
	if err != nil {
		return nil
	}
	return b
}

// allRoots lists every root of the checker's index (for --all).
func (c *checker) allRoots() []root {
	var out []root
	for _, ff := range c.ix.Files() {
		for i := range ff.Funcs {
			if r, ok := c.rootOf(ff, &ff.Funcs[i], nil); ok {
				out = append(out, r)
			}
		}
		for i := range ff.Macros {
			if r, ok := c.rootOf(ff, nil, &ff.Macros[i]); ok {
				out = append(out, r)
			}
		}
		for i := range ff.Invocations {
			if r, ok := c.guardRoot(ff, &ff.Invocations[i]); ok {
				out = append(out, r)
			}
		}
	}
	return out
}

// reverse finds the roots from which the changed definitions are
// reachable (walking callers up to a bounded depth).
func (c *checker) reverse(chs []index.Changed) []root {
	var out []root
	seen := map[string]bool{}
	type item struct {
		name  string
		depth int
		at    *index.Changed
	}
	var queue []item
	for i := range chs {
		queue = append(queue, item{chs[i].Name(), 0, &chs[i]})
	}
	for qi := 0; qi < len(queue) && qi < 20000; qi++ {
		it := queue[qi]
		for _, cr := range c.ix.Callers(it.name) {
			name := cr.Name()
			k := cr.File.Path + ":" + name
			if seen[k] {
				continue
			}
			seen[k] = true
			if r, ok := c.rootOf(cr.File, cr.Func, cr.Macro); ok {
				r.at = it.at
				out = append(out, r)
				continue
			}
			if it.depth < 8 {
				queue = append(queue, item{name, it.depth + 1, it.at})
			}
		}
	}
	return out
}

// chainsHold reports whether every sink the root reports is reached in
// the configuration by the very chain the walk found: the root's and
// every call's conditions on it hold there. Then the configuration's own
// walk would only confirm each sink (the chain is a path it can take), so
// checkRoot skips it; when a chain does not hold, another chain may, and
// the configuration is walked.
func chainsHold(r root, sinks []Sink, cfg *kconfig.Config) bool {
	for _, s := range sinks {
		if r.reports(s) && !index.CondsHold(appendConds(r.conds, s.Conds...), cfg) {
			return false
		}
	}
	return true
}

// reachedIn returns the keys of the sinks a root reaches in a
// configuration (those of sinks when their chains hold there, else its
// own walk's).
func reachedIn(r root, sinks []Sink, ix *index.Index, cfg *kconfig.Config, bufs *sync.Pool) map[string]bool {
	m := map[string]bool{}
	if chainsHold(r, sinks, cfg) {
		for _, s := range sinks {
			m[s.Key()] = true
		}
		return m
	}
	for _, s := range (&Walker{Ix: ix, Config: cfg, bufs: bufs}).Walk(r.facts, r.calls, r.conds) {
		m[s.Key()] = true
	}
	return m
}

// checkRoot reports the sinks reachable from a root, and a *_notrace
// function that is itself ftrace-able.
func (c *checker) checkRoot(r root) {
	r.conds = c.ix.DefConds(r.facts.Path, r.conds)
	if !c.ix.Possible(r.conds, c.pass.Config) {
		return // a definition no configuration (or not this one) compiles
	}
	def := analyzers.Def{File: r.facts.Path, Name: r.name, Macro: r.fn == nil}
	key := r.facts.Path + ":" + r.name + "|"
	c.nameContract(r)
	// per named configuration (no --config), whether each sink is reached
	// there at all, possibly by another chain than the shortest one shown;
	// a whole-tree audit leaves it to the driver, which checks the
	// chain's conditions (three more walks per root cost too much there)
	holds := c.pass.Named != nil && c.pass.Config == nil && c.pass.Baseline == nil && !c.pass.All
	w := &Walker{Ix: c.ix, Config: c.pass.Config, bufs: c.bufs}
	if holds {
		// the configurations are read once a finding needs them: from the
		// first sink on, while the walk goes on
		w.OnSink = func() { go c.pass.NamedConfigs() }
	}
	sinks := w.Walk(r.facts, r.calls, r.conds)
	var named []analyzers.NamedConfig
	var in []map[string]bool
	if len(sinks) > 0 && holds {
		named = c.pass.NamedConfigs()
		in = make([]map[string]bool, len(named))
		each(len(named), len(named), func(i int) { in[i] = reachedIn(r, sinks, c.ix, named[i].Config, c.bufs) })
	}
	for _, s := range sinks {
		if !r.reports(s) {
			continue
		}
		f := finding.Finding{
			Rule: finding.RuleNotraceInstrumentedCall,
			File: r.facts.Path, Line: s.FirstLine, Function: r.name, Sink: s.Kind, Root: r.kind,
			Chain: s.Chain, Config: appendConds(configOnly(r.conds), parenAll(s.Conds)...),
		}
		f.Config = c.ix.SimplifyConds(f.Config)
		for i, m := range in {
			f.Holds = append(f.Holds, finding.ConfigHold{Config: named[i].Name, Holds: m[s.Key()]})
		}
		f.Severity, f.Message = describe(r, s)
		f.Target, f.Group, f.Lead = s.Name, s.Chain[s.Via].Function, f.Message
		if s.Via < len(s.Chain)-1 {
			f.Lead = leadOf(r.name, s.Chain[s.Via])
		}
		if !r.reports(Sink{Kind: SinkFtrace}) {
			// only events count for this root: one finding for the
			// events it nests, one per event that re-enters it
			f.Group = "nested events"
			f.Lead = fmt.Sprintf("%s() (%s) nests other events, not re-entry: its path", r.name, r.reg.what())
			if f.Severity == finding.Error {
				f.Group, f.Lead = "re-entry:"+s.Name, f.Message
			}
		}
		if r.impl {
			f.Chain = append(c.siteHops(r, s), s.Chain...)
		}
		c.locate(&f, r, s.FirstLine)
		c.report(analyzers.Diagnostic{Finding: f, Key: key + s.Key(), Detail: chainNames(s.Chain) + r.contract(), Def: def})
	}
}

// contract describes what makes the definition a root, so that a
// finding whose chain is old but whose root is new (a function the patch
// registers as a probe, or marks notrace) counts as changed.
func (r root) contract() string {
	d := "|" + r.kind
	if r.reg != nil {
		d += ":" + r.reg.kind + ":" + strings.Join(r.reg.events, ",")
	}
	return d
}

// reports says whether a root reports a sink. A tracepoint probe or
// kprobe handler that is not itself written notrace is ordinary code the
// function tracer may trace, and so may its callees: only the events it
// fires matter (its own event re-enters it, others nest).
func (r root) reports(s Sink) bool {
	if r.reg == nil || r.reg.kind == cbFtrace || r.fn == nil || r.fn.Attrs&index.AttrNotrace != 0 {
		return true
	}
	return s.Kind == SinkTracepoint || s.Kind == SinkRingBuffer
}

// nameContract reports a function of the kernel's core named *_notrace
// that is itself ftrace-able (NT005), root or not: the name promises
// what the definition does not keep. In subsystem code the suffix names
// the subsystem's own contract (see inCore).
func (c *checker) nameContract(r root) {
	if r.fn == nil || !strings.HasSuffix(r.name, "_notrace") || !inCore(r.facts.Path) {
		return
	}
	st, why := c.ix.Ftrace(r.facts.Path, r.fn)
	if st == index.NotTraced {
		return
	}
	conds := c.ix.DefConds(r.facts.Path, r.conds)
	if !c.ix.Possible(conds, c.pass.Config) {
		return
	}
	f := finding.Finding{
		Rule: finding.RuleNotraceNameContract, Severity: finding.Error,
		File: r.facts.Path, Line: r.line, Function: r.name, Sink: SinkFtrace, Root: r.kind,
		Message: fmt.Sprintf("%s() is named *_notrace but is itself ftrace-able (%s): mark it notrace or static inline", r.name, why),
		Config:  c.ix.SimplifyConds(configOnly(conds)),
	}
	c.locate(&f, r, 0)
	def := analyzers.Def{File: r.facts.Path, Name: r.name}
	c.report(analyzers.Diagnostic{Finding: f, Key: r.facts.Path + ":" + r.name + "|name-contract", Def: def})
}

// locate points a finding at the patch's own line: the root's call that
// starts the chain when the patch shows it, else the first added line of
// the changed definition the root was found from, else the root's line
// when the patch shows it.
func (c *checker) locate(f *finding.Finding, r root, line int) {
	if c.pass.Baseline != nil {
		return // only the key matters
	}
	if r.at != nil && len(r.at.Lines) > 0 {
		l := r.at.Lines[0]
		f.File, f.Line, f.PatchLine, f.Source = r.at.File.Path, l.NewLine, l.PatchLine, "+"+l.Text
		if r.at.File.Path != r.facts.Path || f.Function != r.name {
			f.Message += fmt.Sprintf(" (via %s(), changed by this patch)", r.at.Name())
		}
		return
	}
	if line == 0 {
		line = r.line
	}
	f.File, f.Line = r.facts.Path, line
	if _, ok := diffparse.PostLine(c.pass.Files, r.facts.Path, line); !ok {
		if _, ok := diffparse.PostLine(c.pass.Files, r.facts.Path, r.line); ok {
			f.Line = r.line
		}
	}
}

// findRoot finds a root by its definition in the checker's index (the
// pre-patch one, on the Baseline run), whether or not it is a root there
// (then as a plain notrace root).
func (c *checker) findRoot(d analyzers.Def) (root, bool) {
	ff := c.ix.File(d.File)
	if ff == nil {
		return root{}, false
	}
	for i := range ff.Funcs {
		if ff.Funcs[i].Name == d.Name && !d.Macro {
			fn := &ff.Funcs[i]
			if r, ok := c.rootOf(ff, fn, nil); ok {
				return r, true
			}
			return plainRoot(ff, fn), true
		}
	}
	for i := range ff.Macros {
		if ff.Macros[i].Name == d.Name && d.Macro {
			m := &ff.Macros[i]
			if r, ok := c.rootOf(ff, nil, m); ok {
				return r, true
			}
			return root{name: m.Name, facts: ff, line: int(m.Line), calls: m.Calls, conds: ff.CondSet(m.Cond), kind: RootNotrace}, true
		}
	}
	for i := range ff.Invocations {
		inv := &ff.Invocations[i]
		if len(inv.Args) > 0 && "guard("+inv.Args[0]+")" == d.Name {
			if r, ok := c.guardRoot(ff, inv); ok {
				return r, true
			}
			var calls []index.Call
			for _, ac := range inv.ArgCalls {
				calls = append(calls, ac...)
			}
			return root{name: d.Name, facts: ff, line: int(inv.Line), calls: calls, conds: ff.CondSet(inv.Cond), kind: RootNotrace}, true
		}
	}
	return root{}, false
}

// describe gives a sink's severity and message. From tracer context a
// tracepoint or the ring buffer is re-entry (error) and a traceable
// function or debug hook a warning; from a plain notrace function a
// tracepoint is an event emitted from code hidden from the function
// tracer (warning: re-entry only if it runs in tracer context) and a
// traceable callee or hook a note.
func describe(r root, s Sink) (finding.Severity, string) {
	rootName := r.name
	last := s.Chain[len(s.Chain)-1]
	plain := r.kind == RootNotrace
	switch s.Kind {
	case SinkTracepoint:
		if plain {
			return finding.Warning, fmt.Sprintf("notrace %s() can reach tracepoint '%s' through %s(): not re-entry unless %s() runs in tracer context, but the event fires in code hidden from the function tracer",
				rootName, s.Name, last.Function, rootName)
		}
		if r.impl {
			return finding.Error, fmt.Sprintf("%s() can reach tracepoint '%s' through %s(): the tracepoint implementation re-enters itself",
				rootName, s.Name, last.Function)
		}
		if r.reg != nil {
			return r.reg.tracepoint(rootName, s.Name, last.Function)
		}
		return finding.Error, fmt.Sprintf("%s() can reach tracepoint '%s' through %s(): a probe that uses %s() re-enters this path",
			rootName, s.Name, last.Function, rootName)
	case SinkRingBuffer:
		if plain {
			return finding.Warning, fmt.Sprintf("notrace %s() writes the trace ring buffer through %s()", rootName, last.Function)
		}
		return finding.Error, fmt.Sprintf("%s() writes the trace ring buffer through %s()", rootName, last.Function)
	case SinkFtrace:
		if plain {
			return finding.Note, fmt.Sprintf("notrace %s() reaches traceable %s() (%s)", rootName, s.Name, s.Detail)
		}
		return finding.Warning, fmt.Sprintf("%s() reaches traceable %s() (%s)", rootName, s.Name, s.Detail)
	case SinkFtraceMaybe:
		return finding.Note, fmt.Sprintf("%s() reaches %s(), traceable unless the compiler inlines it", rootName, s.Name)
	case SinkHook:
		if plain {
			return finding.Note, fmt.Sprintf("notrace %s() reaches debug hook %s() (%s)", rootName, s.Name, s.Detail)
		}
		return finding.Warning, fmt.Sprintf("%s() reaches debug hook %s() (%s)", rootName, s.Name, s.Detail)
	case SinkIndirect:
		return finding.Note, fmt.Sprintf("%s() makes an indirect call (%s) that cannot be checked", rootName, s.Name)
	}
	return finding.Note, fmt.Sprintf("%s() calls %s(), whose definition rcureview does not know (%s)", rootName, s.Name, last.Why)
}

// tracepoint describes a tracepoint a registered callback reaches: the
// event a probe is attached to re-enters the probe (error); another event
// fires nested inside the callback, whose probes are others (warning).
func (g registration) tracepoint(rootName, event, via string) (finding.Severity, string) {
	unknown := false
	for _, e := range g.events {
		if e == event {
			return finding.Error, fmt.Sprintf("probe %s() of tracepoint '%s' can fire '%s' itself through %s(): the probe re-enters itself",
				rootName, event, event, via)
		}
		unknown = unknown || e == ""
	}
	msg := fmt.Sprintf("%s() (%s) can reach tracepoint '%s' through %s(): a nested event, not re-entry of this callback", rootName, g.what(), event, via)
	if unknown {
		msg += " unless it is attached to that tracepoint"
	}
	return finding.Warning, msg
}

// what names what a callback is registered as.
func (g registration) what() string {
	if g.kind == cbProbe {
		for _, e := range g.events {
			if e == "" {
				return "tracepoint probe"
			}
		}
		return "probe of " + strings.Join(g.events, ", ")
	}
	return map[string]string{cbFtrace: "ftrace callback", cbKprobe: "kprobe handler"}[g.kind]
}

// leadOf is the message of a group of findings whose paths run through
// the ftrace-able function at hop.
func leadOf(rootName string, hop finding.Hop) string {
	if strings.Contains(hop.Why, "unless inlined") {
		return fmt.Sprintf("%s() reaches %s(), traceable unless the compiler inlines it", rootName, hop.Function)
	}
	return fmt.Sprintf("%s() reaches traceable %s() (%s)", rootName, hop.Function, hop.Why)
}

// parenAll applies index.ParenOr to every condition.
func parenAll(conds []string) []string {
	out := make([]string, len(conds))
	for i, c := range conds {
		out[i] = index.ParenOr(c)
	}
	return out
}
