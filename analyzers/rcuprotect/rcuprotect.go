// Package rcuprotect reports rcu-illegal-context for RCU reads that a path
// reaches with no read-side protection: the static counterpart of
// PROVE_RCU's "suspicious rcu_dereference_check() usage".
//
// The reads are those of rcu_dereference(), rcu_dereference_bh(),
// rcu_dereference_sched() and the _rcu list iterators without a lockdep
// condition of their own (rcueffects.ReadNeedsReader), in the definitions
// a patch adds or changes and in the functions those call. Each is walked
// with the sections that may be open (rcueffects.WalkSectionsMost, so
// that conditional locking counts as protection) and, when its own
// function opens none, through its callers (package rcumap). A path is
// reported only when it is proven unprotected: no section of any flavour
// on it (RCU, SRCU, Tasks Trace, preempt/irq/bh disabled, spinlocks), no
// lockdep condition, and it ends at a function that blocks where it makes
// the call (mutex_lock(), might_sleep(), a GFP_KERNEL allocation), which no
// caller may do inside a reader of a flavour that forbids sleeping. Paths
// that end where the context is not known (no known caller, called
// through a pointer) stay silent.
//
// The driver re-checks the changed definitions before the patch: a path
// that was unprotected already is pre-existing.
package rcuprotect

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumap"
)

// Analyzer reports reads reachable without a reader.
var Analyzer = &analyzers.Analyzer{
	Name:     "rcuprotect",
	Doc:      "report rcu_dereference() and RCU list walks reachable with no read-side protection (PROVE_RCU, statically)",
	Rules:    []string{finding.RuleIllegalContext},
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	ix, z := analyzers.IndexesOf(pass), analyzers.EffectsOf(pass)
	var m *rcumap.Map
	var defs []rcumap.Def
	if pass.Baseline != nil {
		m = rcumap.New(ix.Pre, z.Pre, pass.Config)
		for _, d := range pass.Baseline {
			for _, r := range ix.Pre.Funcs(d.Name) {
				if r.File.Path == d.File {
					defs = append(defs, rcumap.Def{File: r.File, Func: r.Func})
				}
			}
		}
	} else {
		m = rcumap.New(ix.Post, z.Post, pass.Config)
		for _, ch := range ix.Changed {
			if ch.Func != nil {
				defs = append(defs, rcumap.Def{File: ch.File, Func: ch.Func})
			}
		}
	}
	for _, d := range defs {
		for _, dg := range check(m, d) {
			pass.Report(dg)
		}
	}
	return nil, nil
}

// check returns the unprotected reads of d and of the functions d calls
// (through d).
func check(m *rcumap.Map, d rcumap.Def) []analyzers.Diagnostic {
	var out []analyzers.Diagnostic
	seen := map[string]bool{}
	emit := func(rd rcumap.Def, s index.RCUSite, p rcumap.Path) {
		dg := diagnostic(m, d, rd, s, p)
		if !seen[dg.Key] {
			seen[dg.Key] = true
			out = append(out, dg)
		}
	}
	for _, s := range d.Sites() {
		if !rcueffects.ReadNeedsReader(s.Name) {
			continue
		}
		for _, p := range m.Unprotected(d, s.Name, int(s.Line), s.Loc) {
			emit(d, s, p)
		}
	}
	for _, c := range d.Callees(m) {
		if c.Func == nil {
			continue
		}
		for _, s := range c.Sites() {
			if !rcueffects.ReadNeedsReader(s.Name) {
				continue
			}
			for _, p := range m.Unprotected(c, s.Name, int(s.Line), s.Loc) {
				if len(p.Callers) > 0 && p.Callers[0].Func == d.Name() && p.Callers[0].File == d.File.Path {
					emit(c, s, p)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

func diagnostic(m *rcumap.Map, changed, rd rcumap.Def, s index.RCUSite, p rcumap.Path) analyzers.Diagnostic {
	loc := m.Resolve(s.Loc)
	if loc == "" {
		loc = strings.TrimPrefix(s.Loc, "?.")
	}
	line := int(s.Line)
	var chain []finding.Hop
	b := p.Blocks
	chain = append(chain, finding.Hop{Function: b.Func, File: b.File, Line: b.Line, Why: "may block here (" + b.Why + "): no caller holds a reader"})
	var callers []string
	for i := len(p.Callers) - 1; i >= 0; i-- {
		h := p.Callers[i]
		chain = append(chain, finding.Hop{Function: h.Func, File: h.File, Line: h.Line, Why: h.Why + " with no read-side section open"})
		callers = append(callers, h.Func)
	}
	chain = append(chain, finding.Hop{Function: rd.Name(), File: rd.File.Path, Line: line,
		Why: fmt.Sprintf("%s(%s) outside any reader", s.Name, loc)})
	via := ""
	if len(p.Callers) > 0 {
		via = " when called from " + strings.Join(callers, "() -> ") + "()"
	}
	f := finding.Finding{Rule: finding.RuleIllegalContext, Severity: finding.Error,
		File: rd.File.Path, Line: line, Function: rd.Name(),
		Message: fmt.Sprintf("%s() in %s() reads %s with no RCU read-side protection%s: %s() may block (%s), so no caller holds a reader, and no rcu_read_lock()/guard(rcu)(), preempt/irq/bh-disabled region or lockdep condition covers the read; PROVE_RCU reports \"suspicious rcu_dereference_check() usage\" and the object may be freed under it (take rcu_read_lock() around the read and its use, or use rcu_dereference_protected() with the update-side lock held)",
			s.Name, rd.Name(), loc, via, b.Func, b.Why),
		Chain: chain}
	// the location's protection map, with this read's unprotected path
	key0 := loc
	if m.Resolve(s.Loc) == "" {
		key0 = s.Loc
	}
	site := rcumap.Site{Hop: rcumap.Hop{Func: rd.Name(), File: rd.File.Path, Line: line}, Prim: s.Name, Loc: s.Loc, Macro: rd.Macro != nil}
	f.RCUMap = m.Entry(key0, true).Table(&rcumap.Mismatch{Key: key0, Reader: rcumap.Reader{Site: site}, Path: p})
	key := strings.Join([]string{rd.File.Path, rd.Name(), s.Name, loc, strings.Join(callers, "<"), b.Func}, "|")
	return analyzers.Diagnostic{Finding: f, Key: key, Def: analyzers.Def{File: changed.File.Path, Name: changed.Name()}}
}
