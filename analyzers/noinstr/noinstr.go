// Package noinstr checks noinstr functions before the build, the way
// objtool's noinstr validation does after it (rules
// noinstr-instrumented-call and noinstr-unbalanced; spec codes NI001-NI003
// in ../shared/research/static-analysis.md).
//
// For every noinstr or __cpuidle function the patch adds or changes (every
// one in the tree when the pass audits the whole tree), each call made
// while instrumentation is not enabled (outside instrumentation_begin() /
// instrumentation_end()) is resolved through macros, guards and
// __always_inline bodies (which the compiler inlines into .noinstr.text):
// a call that reaches a function that is neither noinstr/__cpuidle nor
// __always_inline leaves .noinstr.text (error), as does a tracepoint; a
// plain inline callee may be out-of-lined (warning). A return or the end
// of the body with instrumentation still enabled, or an
// instrumentation_end() without a begin, is unbalanced (error). Indirect
// calls and callees without a definition are not reported.
package noinstr

import (
	"fmt"
	"sort"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Analyzer checks the noinstr functions a patch adds or changes.
var Analyzer = &analyzers.Analyzer{
	Name:     "noinstr",
	Doc:      "report instrumentable calls from noinstr code outside instrumentation_begin/end()",
	Rules:    []string{finding.RuleNoinstrInstrumentedCall, finding.RuleNoinstrUnbalanced},
	Requires: []*analyzers.Analyzer{analyzers.Indexes},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	ix := analyzers.IndexesOf(pass)
	if pass.Baseline != nil {
		for _, d := range pass.Baseline {
			if pff := ix.Pre.File(d.File); pff != nil {
				for i := range pff.Funcs {
					if pff.Funcs[i].Name == d.Name && isNoinstr(&pff.Funcs[i]) {
						report(pass, ix.Pre, pff, &pff.Funcs[i])
					}
				}
			}
		}
		return nil, nil
	}
	if pass.All {
		for _, ff := range ix.Post.Files() {
			for i := range ff.Funcs {
				if isNoinstr(&ff.Funcs[i]) {
					report(pass, ix.Post, ff, &ff.Funcs[i])
				}
			}
		}
		return nil, nil
	}
	for _, ch := range ix.Changed {
		if ch.Func != nil && isNoinstr(ch.Func) {
			report(pass, ix.Post, ch.File, ch.Func)
		}
	}
	return nil, nil
}

// report reports the findings of one noinstr function of ix.
func report(pass *analyzers.Pass, ix *index.Index, ff *index.FileFacts, fn *index.Func) {
	def := analyzers.Def{File: ff.Path, Name: fn.Name}
	fs := Check(ix, ff, fn, pass.Config)
	if len(fs) > 0 && pass.Config == nil && pass.Baseline == nil {
		// per named configuration, whether the same violation is there
		for _, n := range pass.NamedConfigs() {
			in := map[string]bool{}
			for _, f := range Check(ix, ff, fn, n.Config) {
				in[key(f)] = true
			}
			for i := range fs {
				fs[i].Holds = append(fs[i].Holds, finding.ConfigHold{Config: n.Name, Holds: in[key(fs[i])]})
			}
		}
	}
	for _, f := range fs {
		pass.Report(analyzers.Diagnostic{Finding: f, Key: ff.Path + "|" + key(f), Def: def})
	}
}

func key(f finding.Finding) string {
	last := ""
	if len(f.Chain) > 0 {
		last = f.Chain[len(f.Chain)-1].Function
	}
	return f.Rule + "|" + f.Function + "|" + last + "|" + f.Message
}

func isNoinstr(fn *index.Func) bool { return fn.Attrs&(index.AttrNoinstr|index.AttrCpuidle) != 0 }

// skipName: calls that are not calls for objtool: the region markers
// themselves and the WARN/BUG machinery (a trap, reported out of line).
func skipName(name string) bool {
	switch name {
	case "instrumentation_begin", "instrumentation_end", "likely", "unlikely":
		return true
	}
	return kernelnames.WarnBug[name]
}

// Check returns the noinstr findings of one function (status unset).
func Check(ix *index.Index, ff *index.FileFacts, fn *index.Func, cfg *kconfig.Config) []finding.Finding {
	var out []finding.Finding
	fnConds := ix.DefConds(ff.Path, ff.CondSet(fn.Cond))
	if !ix.Possible(fnConds, cfg) {
		return nil // not compiled in any configuration (or not in this one)
	}
	for _, m := range fn.Unbalanced {
		out = append(out, finding.Finding{
			Rule: finding.RuleNoinstrUnbalanced, Severity: finding.Error, File: ff.Path, Line: int(m.Line),
			Function: fn.Name, Sink: "noinstr", Root: "noinstr", Config: ix.SimplifyConds(conds(fnConds)),
			Message: fmt.Sprintf("%s(): %s (objtool-like: %s: warning: objtool: %s(): %s)", fn.Name, m.Msg, ff.Path, fn.Name, m.Msg),
		})
	}
	reported := map[string]bool{}
	for _, c := range fn.Calls {
		if c.Instr > 0 || skipName(c.Name) {
			continue
		}
		w := &walker{ix: ix, cfg: cfg, seen: map[string]bool{}}
		w.call(ff.Path, ff, c, nil, append(append([]string(nil), fnConds...), ff.CondSet(c.Cond)...), 0)
		for _, v := range w.found {
			k := v.rule + v.chain[len(v.chain)-1].Function
			if reported[k] {
				continue
			}
			reported[k] = true
			callee := v.chain[len(v.chain)-1].Function
			f := finding.Finding{
				Rule: finding.RuleNoinstrInstrumentedCall, Severity: v.sev, File: ff.Path, Line: int(c.Line),
				Function: fn.Name, Sink: v.sink, Root: "noinstr", Chain: v.chain,
				Config: ix.SimplifyConds(conds(append(append([]string(nil), fnConds...), v.conds...))),
			}
			if v.sev == finding.Warning {
				f.Message = fmt.Sprintf("%s(): calls %s(), which is plain inline and may be emitted out of line into .text: use __always_inline", fn.Name, callee)
			} else {
				f.Message = fmt.Sprintf("%s(): call to %s() leaves .noinstr.text section outside instrumentation_begin()/end() (objtool-like: %s: warning: objtool: %s(): call to %s() leaves .noinstr.text section)",
					fn.Name, callee, ff.Path, fn.Name, callee)
			}
			out = append(out, f)
		}
	}
	return out
}

type violation struct {
	rule  string
	sev   finding.Severity
	sink  string
	chain []finding.Hop
	conds []string
}

type walker struct {
	ix    *index.Index
	cfg   *kconfig.Config
	seen  map[string]bool
	found []violation
}

// call resolves one call made in noinstr context and records violations.
func (w *walker) call(from string, ff *index.FileFacts, c index.Call, chain []finding.Hop, cs []string, depth int) {
	if skipName(c.Name) || depth > 8 {
		return
	}
	for _, t := range w.ix.Resolve(from, c) {
		// a target already reached was reached by a chain that can hold;
		// whether this one can does not matter
		k := fmt.Sprintf("%d:%s:%s:%d", t.Kind, t.Name, t.File, t.Line)
		if w.seen[k] {
			continue
		}
		all := append(append([]string(nil), cs...), t.Conds...)
		if !w.possible(all) {
			continue
		}
		w.seen[k] = true
		hop := finding.Hop{Function: t.Name, File: t.File, Line: t.Line}
		if hop.File == "" {
			hop.File, hop.Line = from, int(c.Line)
		}
		switch t.Kind {
		case index.TargetTracepoint:
			hop.File, hop.Line, hop.Why = from, int(c.Line), "tracepoint "+t.Event
			w.found = append(w.found, violation{finding.RuleNoinstrInstrumentedCall, finding.Error, "tracepoint", append(chain, hop), all})
		case index.TargetTracePrintk:
			hop.Why = "writes the trace ring buffer"
			w.found = append(w.found, violation{finding.RuleNoinstrInstrumentedCall, finding.Error, "ring-buffer", append(chain, hop), all})
		case index.TargetMacro, index.TargetGuard:
			hop.Why = "macro"
			for _, cc := range t.Calls {
				w.call(t.Facts.Path, t.Facts, cc, append(chain[:len(chain):len(chain)], hop), append(all, t.Facts.CondSet(cc.Cond)...), depth+1)
			}
		case index.TargetFunc:
			a := t.Func.Attrs
			switch {
			case a&(index.AttrNoinstr|index.AttrCpuidle) != 0:
				// stays in .noinstr.text
			case a&(index.AttrAlwaysInline|index.AttrNokprobeInline) != 0:
				hop.Why = "__always_inline: inlined into noinstr code"
				for _, cc := range t.Func.Calls {
					if cc.Instr > 0 {
						continue
					}
					w.call(t.Facts.Path, t.Facts, cc, append(chain[:len(chain):len(chain)], hop), append(all, t.Facts.CondSet(cc.Cond)...), depth+1)
				}
			case a&(index.AttrInline|index.AttrUnderInline) != 0:
				hop.Why = "plain inline: may be out-of-lined"
				w.found = append(w.found, violation{finding.RuleNoinstrInstrumentedCall, finding.Warning, "inline", append(chain, hop), all})
			default:
				hop.Why = "not noinstr: in .text"
				w.found = append(w.found, violation{finding.RuleNoinstrInstrumentedCall, finding.Error, "function", append(chain, hop), all})
			}
		}
	}
}

func (w *walker) possible(cs []string) bool { return w.ix.Possible(cs, w.cfg) }

func conds(cs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range cs {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Strings(out)
	return out
}
