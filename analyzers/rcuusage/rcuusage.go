// Package rcuusage reports RCU reader misuse that needs no model, in the
// functions a patch adds or changes:
//
//   - rcu-sleep-in-reader / rcu-fault-in-reader: a call that may sleep or
//     fault inside an RCU reader that must not block (rcu_read_lock(), _bh,
//     _sched, guard(rcu)); SRCU and Tasks Trace readers may sleep and fault.
//     Plain preempt/irq/bh-disabled regions are not checked: their closers
//     (helpers that re-enable irqs, lock variants) are too varied for a path
//     walk, and might_sleep() catches them at run time. Whether a call may block is decided bottom-up through
//     the index (rcueffects.Summarizer.Blocks: blocking primitives, gfp flags
//     with direct reclaim, user-memory accessors, and their callers up to a
//     small depth), the way smatch propagates "sleeps" through its call
//     database, but on demand and on the patched tree only;
//   - rcu-sync-in-reader: a synchronize_*() / rcu_barrier*() whose grace
//     period waits for a reader that encloses it (self-deadlock), decided
//     with the flavour table (rcumodel.Waits);
//   - rcu-illegal-context: a reader opened in noinstr code outside
//     instrumentation_begin()/end() (RCU may not be watching), a non-NMI-safe
//     SRCU reader or an update-side call under an in_nmi() test;
//   - rcu-unbalanced: a return (or the end of the body) that leaves an RCU
//     reader this function opened, in a function that closes that reader on
//     another path and never closes one it did not open (those manage their
//     caller's reader).
//
// Paths: both branches of an if are walked; when both fall through with
// different readers open (conditional locking) the walk keeps the one with
// fewer, trading missed findings for no false ones. Measured on eight real
// 6.12 files (kernel/rcu/tree.c, kernel/trace/bpf_trace.c, net/core/dev.c,
// kernel/sched/core.c, fs/namei.c, kernel/bpf/syscall.c, net/ipv4/route.c,
// kernel/tracepoint.c; 1,624 functions) the rules report nothing.
//
// Readers are recognised by their effect summaries (rcueffects), so a new
// wrapper around ->rcu_read_lock_nesting opens a reader whatever its name.
// A finding is new when the patch adds the call (or the reader around it)
// and the pre-patch function did not have it; pre-existing ones are reported
// only when the pass audits the whole tree.
package rcuusage

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// Analyzer checks the functions a patch adds or changes.
var Analyzer = &analyzers.Analyzer{
	Name: "rcuusage",
	Doc:  "report sleeping, faulting, synchronize, illegal context and unbalanced readers in RCU read-side sections",
	Rules: []string{finding.RuleSleepInReader, finding.RuleFaultInReader, finding.RuleSyncInReader,
		finding.RuleIllegalContext, finding.RuleUnbalanced},
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	ix, z := analyzers.IndexesOf(pass), analyzers.EffectsOf(pass)
	if pass.Baseline != nil {
		for _, d := range pass.Baseline {
			if fn := preFunc(ix.Pre, d.File, d.Name); fn != nil {
				report(pass, z.Pre, ix.Pre.File(d.File), fn)
			}
		}
		return nil, nil
	}
	for _, ch := range ix.Changed {
		if ch.Func != nil && len(ch.Lines) > 0 {
			report(pass, z.Post, ch.File, ch.Func)
		}
	}
	return nil, nil
}

// report reports the findings of one function. A finding is introduced
// by the patch only when the patch adds one of the lines that make it
// and the function did not have it before.
func report(pass *analyzers.Pass, z *rcueffects.Summarizer, ff *index.FileFacts, fn *index.Func) {
	toks, ok := z.Src.FuncBody(ff.Path, fn)
	if !ok {
		return
	}
	def := analyzers.Def{File: ff.Path, Name: fn.Name}
	for _, f := range check(z, ff, fn, toks) {
		d := analyzers.Diagnostic{Finding: f.Finding, Key: ff.Path + ":" + fn.Name + "|" + f.key, Def: def}
		for _, l := range f.lines {
			d.Lines = append(d.Lines, analyzers.Pos{File: ff.Path, Line: l})
		}
		pass.Report(d)
	}
}

func preFunc(ix *index.Index, path, name string) *index.Func {
	ff := ix.File(path)
	if ff == nil {
		return nil
	}
	for i := range ff.Funcs {
		if ff.Funcs[i].Name == name {
			return &ff.Funcs[i]
		}
	}
	return nil
}

// result is a finding with what identifies it across the patch (key)
// and the lines that make it (the call and the reader's opening).
type result struct {
	finding.Finding
	key   string
	lines []int
}

// check runs the rules on one function body.
func check(z *rcueffects.Summarizer, ff *index.FileFacts, fn *index.Func, toks []rcueffects.Token) []result {
	var out []result
	stmts := rcueffects.ParseBody(toks)
	// Which section kinds does the body close anywhere (balanced use), and
	// which does it close without opening (it manages a caller's reader,
	// as __napi_busy_loop() does: unlock, cond_resched(), lock again)?
	closes := map[rcueffects.SectionKind]bool{}
	manages := map[rcueffects.SectionKind]bool{}
	z.WalkSections(stmts, func(e rcueffects.Event) {
		if e.Kind == rcueffects.EvCall {
			if k, d, _ := z.Classify(e.Call); d < 0 {
				closes[k] = true
			}
		}
		if e.Kind == rcueffects.EvUnderflow {
			k, _, _ := z.Classify(e.Call)
			manages[k] = true
		}
	})
	noinstr := fn.Attrs&(index.AttrNoinstr|index.AttrCpuidle) != 0
	instr := map[int]int8{}
	for _, c := range fn.Calls {
		instr[int(c.Line)] = c.Instr
	}
	add := func(rule string, line int, msg string, key string, lines []int, chain []finding.Hop) {
		r, _ := finding.LookupRule(rule)
		out = append(out, result{
			Finding: finding.Finding{Rule: rule, Severity: r.Severity, File: ff.Path, Line: line,
				Function: fn.Name, Message: msg, Chain: chain, Config: configOf(z.Index, ff, fn)},
			key: rule + "|" + key, lines: lines,
		})
	}
	z.WalkSections(stmts, func(e rcueffects.Event) {
		switch e.Kind {
		case rcueffects.EvReturn, rcueffects.EvEnd:
			for _, s := range e.Open {
				if !s.IsRCUReader() || !closes[s.Kind] || manages[s.Kind] {
					continue // a lock wrapper, or a caller's reader: leaving it open is its job
				}
				where := "returns"
				if e.Kind == rcueffects.EvEnd {
					where = "falls off the end"
				}
				add(finding.RuleUnbalanced, e.Line,
					fmt.Sprintf("%s() %s with the %s reader opened by %s() at line %d still open", fn.Name, where, s.Kind, s.Prim, s.Line),
					fmt.Sprintf("%s|%s", s.Prim, where), []int{e.Line, s.Line}, nil)
			}
			return
		case rcueffects.EvUnderflow:
			return
		}
		c := e.Call
		if k, d, dom := z.Classify(c); d > 0 {
			if noinstr && instr[c.Line] == 0 {
				add(finding.RuleIllegalContext, c.Line,
					fmt.Sprintf("%s() opens a %s reader in noinstr code outside instrumentation_begin()/end(): RCU may not be watching here", c.Name, k),
					c.Name+"|noinstr", []int{c.Line}, nil)
			}
			if k == rcueffects.SecSRCU && inNMI(e.Guards) && !strings.Contains(c.Name, "nmisafe") {
				add(finding.RuleIllegalContext, c.Line,
					fmt.Sprintf("%s(%s) under in_nmi(): only srcu_read_lock_nmisafe() is NMI-safe", c.Name, dom),
					c.Name+"|nmi", []int{c.Line}, nil)
			}
		}
		if inNMI(e.Guards) && kernelnames.IsUpdate(c.Name) {
			add(finding.RuleIllegalContext, c.Line,
				fmt.Sprintf("%s() under in_nmi(): the update side is not NMI-safe", c.Name), c.Name+"|nmi-update", []int{c.Line}, nil)
		}
		if len(e.Open) == 0 {
			return
		}
		lines := []int{c.Line}
		for _, s := range e.Open {
			lines = append(lines, s.Line)
		}
		if s, f, ok := syncDeadlock(c, e.Open); ok {
			add(finding.RuleSyncInReader, c.Line,
				fmt.Sprintf("%s() inside the %s reader opened by %s() at line %d waits for a %s grace period, which waits for that reader: self-deadlock", c.Name, s.Kind, s.Prim, s.Line, f),
				c.Name, lines, nil)
			return
		}
		// The innermost reader that must not block. Plain preempt/irq/bh
		// regions are left out: their closers are too varied (helpers that
		// re-enable irqs) for a path walk without a model of each.
		var atomic *rcueffects.Section
		for i := len(e.Open) - 1; i >= 0; i-- {
			if !e.Open[i].Kind.MaySleep() && e.Open[i].IsRCUReader() {
				atomic = &e.Open[i]
				break
			}
		}
		if atomic == nil {
			return
		}
		b, chain := z.Blocks(ff.Path, c)
		if b == rcueffects.NoBlock {
			return
		}
		rule, verb := finding.RuleSleepInReader, "may sleep"
		if b == rcueffects.Faults {
			rule, verb = finding.RuleFaultInReader, "may fault on user memory (and sleep)"
		}
		var hops []finding.Hop
		var names []string
		for i, h := range chain {
			names = append(names, h.Name)
			if len(chain) > 1 && h.File != "" {
				why := h.Why
				if i == len(chain)-2 && chain[i+1].File == "" {
					why += " (" + chain[i+1].Why + ")"
				}
				hops = append(hops, finding.Hop{Function: h.Name, File: h.File, Line: h.Line, Why: why})
			}
		}
		why := ""
		if n := len(chain); n == 1 {
			why = " (" + chain[0].Why + ")"
		} else if n > 1 {
			why = " (" + strings.Join(names, " -> ") + ": " + chain[n-1].Why + ")"
		}
		add(rule, c.Line,
			fmt.Sprintf("%s() %s%s inside the %s reader opened by %s() at line %d, which must not block", c.Name, verb, why, atomic.Kind, atomic.Prim, atomic.Line),
			c.Name, lines, hops)
	})
	return out
}

// configOf returns the conditions of a definition: its file is compiled
// and its #if holds, simplified.
func configOf(ix *index.Index, ff *index.FileFacts, fn *index.Func) []string {
	var out []string
	for _, c := range ix.DefConds(ff.Path, ff.CondSet(fn.Cond)) {
		if strings.Contains(c, "CONFIG_") || c == "0" {
			out = append(out, c)
		}
	}
	return ix.SimplifyConds(out)
}

func inNMI(guards [][]rcueffects.Token) bool {
	for _, g := range guards {
		if len(g) > 0 && g[0].Text != "!" && rcueffects.Has(g, "in_nmi") {
			// "if (!in_nmi())" guards the non-NMI path.
			neg := false
			for i, t := range g {
				if t.Text == "in_nmi" && i > 0 && g[i-1].Text == "!" {
					neg = true
				}
			}
			if !neg {
				return true
			}
		}
	}
	return false
}

// syncDeadlock reports the open reader a grace-period wait would wait for.
func syncDeadlock(c rcueffects.CallSite, open []rcueffects.Section) (rcueffects.Section, rcumodel.Flavour, bool) {
	w, ok := rcueffects.GPWaits[c.Name]
	if !ok || w.Call {
		return rcueffects.Section{}, 0, false
	}
	f := w.Flavour
	dom := ""
	if len(c.Args) > 0 {
		dom = rcueffects.LastIdent(c.Args[0])
	}
	for i := len(open) - 1; i >= 0; i-- {
		s := open[i]
		same := s.Kind == rcueffects.SecSRCU && (s.Domain == dom || s.Domain == "" || dom == "")
		if rcumodel.Waits(f, s.Kind.ReaderKind(same), false) {
			return s, f, true
		}
	}
	return rcueffects.Section{}, 0, false
}
