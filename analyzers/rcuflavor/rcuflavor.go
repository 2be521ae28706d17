// Package rcuflavor reports rcu-gp-flavor-mismatch: data read under one
// RCU flavour and freed or reused after a grace period of another flavour
// that does not wait for those readers (research/rcu-model.md §4.2, B6/B7).
//
// In every C file the patch touches, each function is walked with its
// reader sections (rcueffects.WalkSections):
//
//   - readers: rcu_dereference*() / srcu_dereference*() of a pointer, with
//     the flavours of the sections around it and those named by the
//     lockdep condition of rcu_dereference_check() (rcu_read_lock_held(),
//     rcu_read_lock_trace_held(), srcu_read_lock_held(ss), …); whether the
//     section may fault or sleep comes from the may-sleep summaries;
//   - updaters: rcu_assign_pointer() / rcu_replace_pointer() /
//     RCU_INIT_POINTER() of the same pointer (named by its last identifier:
//     the variable or field), followed in the same function by a grace-period
//     wait or callback (rcueffects.GPWaits).
//
// When the flavour table says the updater's grace period does not wait for
// one of the readers, the model confirms it: rcumodel.FreeUnderReadersScenario
// with that reader (faulting inside when it may) and the updater's
// wait-then-free; a violated P2 is reported at the wait, with the model's
// counterexample as trace and the reader as chain. The finding is new when the
// patch adds the wait, the read or the reader section.
//
// On the 266 files of kernel/ and net/ in 6.12 that publish RCU pointers
// the analyzer reports nothing (audit mode).
//
// Escapes: readers in other files than those the patch touches, pointers
// passed through helpers (the reader's rcu_dereference() in a callee), frees
// reached through callbacks registered elsewhere, and reliance on
// rcu_trace_implies_rcu_gp() (treated as covered).
package rcuflavor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Analyzer checks the files a patch touches.
var Analyzer = &analyzers.Analyzer{
	Name:     "rcuflavor",
	Doc:      "report grace periods that do not wait for the readers of the data they free (model-confirmed)",
	Rules:    []string{finding.RuleGPFlavorMismatch},
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run:      run,
}

type reader struct {
	key, fn, file string
	line          int
	secs          []rcueffects.Section // sections (or lockdep conditions) the read is under
	mayBlock      bool
}

type update struct {
	key, fn, file string
	line          int
}

type wait struct {
	prim, fn, file, domain string
	line                   int
	w                      rcueffects.GPWait
}

// run checks the files one patch touches.
func run(pass *analyzers.Pass) (any, error) {
	post, z := analyzers.IndexesOf(pass).Post, analyzers.EffectsOf(pass).Post
	var readers []reader
	var updates []update
	var waits []wait
	for _, f := range pass.Files {
		path := f.Path()
		if f.IsDelete || !(strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")) {
			continue
		}
		ff := post.File(path)
		if ff == nil {
			continue
		}
		if !publishes(ff) {
			continue // no updater in this file: nothing to pair readers with
		}
		for i := range ff.Funcs {
			fn := &ff.Funcs[i]
			toks, ok := z.Src.FuncBody(path, fn)
			if !ok {
				continue
			}
			r, u, w := scan(z, path, fn.Name, toks)
			readers, updates, waits = append(readers, r...), append(updates, u...), append(waits, w...)
		}
	}
	for _, d := range match(readers, updates, waits) {
		pass.Report(d)
	}
	return nil, nil
}

// publishes reports whether a file has a function that publishes an
// RCU pointer (cheap: the index's call lists).
func publishes(ff *index.FileFacts) bool {
	for i := range ff.Funcs {
		for _, c := range ff.Funcs[i].Calls {
			switch c.Name {
			case "rcu_assign_pointer", "RCU_INIT_POINTER", "rcu_replace_pointer":
				return true
			}
		}
	}
	return false
}

// lockdepKinds maps rcu_dereference_check() conditions to reader kinds.
var lockdepKinds = map[string]rcueffects.SectionKind{
	"rcu_read_lock_held": rcueffects.SecRCU, "rcu_read_lock_trace_held": rcueffects.SecTrace,
	"rcu_read_lock_bh_held": rcueffects.SecBH, "rcu_read_lock_sched_held": rcueffects.SecSched,
	"srcu_read_lock_held": rcueffects.SecSRCU, "rcu_read_lock_any_held": rcueffects.SecRCU,
}

func isDeref(name string) bool {
	if strings.Contains(name, "protected") || strings.HasSuffix(name, "_raw") {
		return false
	}
	return strings.HasPrefix(name, "rcu_dereference") || strings.HasPrefix(name, "srcu_dereference")
}

// scan collects the reads, publications and grace-period waits of a body.
func scan(z *rcueffects.Summarizer, file, fn string, toks []rcueffects.Token) ([]reader, []update, []wait) {
	var rs []reader
	var us []update
	var ws []wait
	blocksIn := map[int]bool{} // section opening line -> a call inside may block
	z.WalkSections(rcueffects.ParseBody(toks), func(e rcueffects.Event) {
		if e.Kind != rcueffects.EvCall {
			return
		}
		c := e.Call
		if len(e.Open) > 0 {
			if b, _ := z.Blocks(file, c); b != rcueffects.NoBlock {
				for _, s := range e.Open {
					blocksIn[s.Line] = true
				}
			}
		}
		switch {
		case isDeref(c.Name) && len(c.Args) > 0:
			r := reader{key: rcueffects.LastIdent(c.Args[0]), fn: fn, file: file, line: c.Line, secs: e.Open}
			if strings.HasPrefix(c.Name, "srcu_dereference") && len(c.Args) > 1 {
				r.secs = append(r.secs, rcueffects.Section{Kind: rcueffects.SecSRCU, Domain: rcueffects.LastIdent(c.Args[1]), Line: c.Line, Prim: c.Name})
			}
			if len(c.Args) > 1 {
				for _, cc := range rcueffects.Calls(c.Args[len(c.Args)-1]) {
					if k, ok := lockdepKinds[cc.Name]; ok {
						dom := ""
						if len(cc.Args) > 0 {
							dom = rcueffects.LastIdent(cc.Args[0])
						}
						r.secs = append(r.secs, rcueffects.Section{Kind: k, Domain: dom, Line: c.Line, Prim: cc.Name + "()"})
					}
				}
			}
			if r.key != "" && len(r.secs) > 0 {
				rs = append(rs, r)
			}
		case c.Name == "rcu_assign_pointer" || c.Name == "RCU_INIT_POINTER" || c.Name == "rcu_replace_pointer":
			if len(c.Args) > 0 {
				us = append(us, update{key: rcueffects.LastIdent(c.Args[0]), fn: fn, file: file, line: c.Line})
			}
		default:
			if w, ok := rcueffects.GPWaits[c.Name]; ok && !w.Barrier {
				dom := ""
				if w.Flavour == rcumodel.FlavourSRCU0 && len(c.Args) > 0 {
					dom = rcueffects.LastIdent(c.Args[0])
				}
				ws = append(ws, wait{prim: c.Name, fn: fn, file: file, line: c.Line, w: w, domain: dom})
			}
		}
	})
	for i := range rs {
		for _, s := range rs[i].secs {
			if blocksIn[s.Line] {
				rs[i].mayBlock = true
			}
		}
	}
	return rs, us, ws
}

// readerPrims are the primitives the model runs for a section kind.
var readerPrims = map[rcueffects.SectionKind][2]string{
	rcueffects.SecRCU: {"rcu_read_lock", "rcu_read_unlock"}, rcueffects.SecTrace: {"rcu_read_lock_trace", "rcu_read_unlock_trace"},
	rcueffects.SecSRCU: {"srcu_read_lock", "srcu_read_unlock"}, rcueffects.SecBH: {"rcu_read_lock_bh", "rcu_read_unlock_bh"},
	rcueffects.SecSched: {"rcu_read_lock_sched", "rcu_read_unlock_sched"}, rcueffects.SecIRQ: {"local_irq_disable", "local_irq_enable"},
}

func prim(n string) rcumodel.Effects {
	e := rcumodel.Primitives[n]
	e.Name = n
	return e
}

// match pairs updaters with readers of the same pointer and checks each
// uncovered pair with the model. A finding is introduced by the patch when
// the patch adds the wait, the read or the reader section.
func match(rs []reader, us []update, ws []wait) []analyzers.Diagnostic {
	var out []analyzers.Diagnostic
	seen := map[string]bool{}
	for _, u := range us {
		var w *wait
		for i := range ws {
			if ws[i].fn == u.fn && ws[i].file == u.file && ws[i].line > u.line && (w == nil || ws[i].line < w.line) {
				w = &ws[i]
			}
		}
		if w == nil {
			continue
		}
		for _, r := range rs {
			if r.key != u.key {
				continue
			}
			covered := false
			var miss rcueffects.Section
			for _, s := range r.secs {
				same := s.Domain == w.domain || s.Domain == "" || w.domain == ""
				if rcumodel.Waits(w.w.Flavour, s.Kind.ReaderKind(same), true) {
					covered = true
				} else if miss.Kind == rcueffects.SecNone {
					miss = s
				}
			}
			if covered || miss.Kind == rcueffects.SecNone {
				continue
			}
			key := fmt.Sprintf("%s:%d|%s:%d", w.file, w.line, r.file, r.line)
			if seen[key] {
				continue
			}
			seen[key] = true
			f, ok := confirm(w, r, miss)
			if !ok {
				continue
			}
			f.Function = u.fn
			f.File, f.Line = w.file, w.line
			f.Chain = []finding.Hop{
				{Function: u.fn, File: u.file, Line: u.line, Why: "publishes the new " + u.key + " (" + w.prim + "() then frees the old one)"},
				{Function: r.fn, File: r.file, Line: r.line, Why: "reads " + u.key + " under " + miss.Prim + " (" + miss.Kind.String() + " reader)"},
			}
			out = append(out, analyzers.Diagnostic{Finding: f, Key: key,
				Lines: []analyzers.Pos{{File: w.file, Line: w.line}, {File: r.file, Line: r.line}, {File: r.file, Line: miss.Line}}})
		}
	}
	return out
}

// confirm runs the model: the reader of kind miss (faulting inside if it
// may) against the updater's wait and free; true with the P2 finding when
// the model finds the use after free.
func confirm(w *wait, r reader, miss rcueffects.Section) (finding.Finding, bool) {
	ps, ok := readerPrims[miss.Kind]
	if !ok {
		return finding.Finding{}, false
	}
	rd := rcumodel.Reader{Lock: prim(ps[0]), Unlock: prim(ps[1]), MayFault: r.mayBlock && miss.Kind.MaySleep()}
	var free []scenario.Op
	name := w.prim
	if rcumodel.Flavours[w.w.Flavour].Synchronize != "" && !w.w.Call {
		name = rcumodel.Flavours[w.w.Flavour].Synchronize
	}
	if miss.Kind == rcueffects.SecSRCU {
		rd.SRCUDomain = "ss1"
	}
	switch {
	case w.w.Call:
		call := rcumodel.Flavours[w.w.Flavour].Call
		if call == "" || w.w.Flavour == rcumodel.FlavourSRCU0 {
			return finding.Finding{}, false
		}
		free = []scenario.Op{scenario.O(call, "free", "obj")}
	case w.w.Flavour == rcumodel.FlavourSRCU0:
		free = []scenario.Op{scenario.O(name, "ss0"), scenario.O("free", "obj")}
	default:
		free = []scenario.Op{scenario.O(name), scenario.O("free", "obj")}
	}
	res, err := rcumodel.Check(rcumodel.FreeUnderReadersScenario([]rcumodel.Reader{rd}, free...), rcumodel.Options{})
	if err != nil {
		return finding.Finding{}, false
	}
	pr, ok := res.Get("P2")
	if !ok || pr.Violation == nil {
		return finding.Finding{}, false
	}
	f := pr.Violation.Finding()
	f.Rule = finding.RuleGPFlavorMismatch
	fix := suggest(miss.Kind, w.w.Call)
	under := miss.Prim
	if !strings.HasSuffix(under, ")") {
		under += "()"
	}
	f.Message = fmt.Sprintf("%s() waits for a %s grace period, but %s is read in %s() under %s, a %s reader that grace period does not wait for: the old object may be freed under the reader (use %s); model: %s",
		w.prim, rcumodel.Flavours[w.w.Flavour].Name, r.key, r.fn, under, miss.Kind, fix, pr.Violation.Msg)
	f.Config = nil
	return f, true
}

// suggest names the update-side primitives whose grace period waits for a
// reader kind.
func suggest(k rcueffects.SectionKind, call bool) string {
	var names []string
	for i, fl := range rcumodel.Flavours {
		if !rcumodel.Waits(rcumodel.Flavour(i), k.ReaderKind(true), false) {
			continue
		}
		n := fl.Synchronize
		if call && fl.Call != "" {
			n = fl.Call
		}
		if n != "" {
			names = append(names, n+"()")
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return "a grace period that waits for it"
	}
	return strings.Join(names, " or ")
}
