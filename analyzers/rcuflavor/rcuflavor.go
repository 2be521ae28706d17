// Package rcuflavor reports rcu-gp-flavor-mismatch: data read under one
// RCU flavour and freed or reused after a grace period of another flavour
// that does not wait for those readers (research/rcu-model.md §4.2, B6/B7).
//
// It checks the tree-wide protection map (package rcumap) of every
// location the patch touches: the locations its added or changed
// definitions read, publish or remove, and those read by the functions
// they call (a patch that changes the sections around a call changes the
// protection of the reads below it). For each location every reader path
// (the sections open at the read, locally or in the callers that reach
// it) must be waited for by every retire path (the grace periods between
// unpublishing the old object and freeing it, through wrappers and
// callback chains), by the model's flavour table; readers and retire paths
// may sit in any file of the tree. An uncovered pair is confirmed by the
// model (rcumodel.FreeUnderReadersScenario: that reader against that wait
// and free; a violated P2 is the counterexample) and reported at the
// patch's end of it (the read or its section when the patch adds them,
// else the publication), naming both ends. Coverage that holds only
// because rcu_trace_implies_rcu_gp() is true is reported as a note.
//
// The driver decides whether the patch introduces a finding: its key is
// the location, the reader path and the retire path (no line numbers),
// re-checked on the pre-patch tree from the definitions of its ends.
//
// Escapes (silence, not findings): reads whose callers are not known
// (called through pointers), publications whose retire path is not found
// (the old object is freed elsewhere, by reference count, or not at all),
// locations the skimmer cannot name (a pointer reached through a call's
// result).
package rcuflavor

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumap"
	"github.com/rcureview/rcureview/rcumodel"
	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Analyzer checks the protection map of the locations a patch touches.
var Analyzer = &analyzers.Analyzer{
	Name:     "rcuflavor",
	Doc:      "report grace periods that do not wait for the readers of the data they free (tree-wide map, model-confirmed)",
	Rules:    []string{finding.RuleGPFlavorMismatch},
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	ix, z := analyzers.IndexesOf(pass), analyzers.EffectsOf(pass)
	if pass.Baseline != nil {
		m := rcumap.New(ix.Pre, z.Pre, pass.Config)
		var defs []rcumap.Def
		for _, d := range pass.Baseline {
			defs = append(defs, lookupDefs(ix.Pre, d)...)
		}
		for _, k := range Keys(m, defs) {
			report(pass, m, k, nil)
		}
		return nil, nil
	}
	m := rcumap.New(ix.Post, z.Post, pass.Config)
	var defs []rcumap.Def
	for _, ch := range ix.Changed {
		defs = append(defs, rcumap.Def{File: ch.File, Func: ch.Func, Macro: ch.Macro})
	}
	for _, k := range Keys(m, defs) {
		report(pass, m, k, pass.Files)
	}
	return nil, nil
}

// lookupDefs finds a definition of the driver's re-check in an index.
func lookupDefs(ix *index.Index, d analyzers.Def) []rcumap.Def {
	var out []rcumap.Def
	if d.Macro {
		for _, r := range ix.Macros(d.Name) {
			if r.File.Path == d.File {
				out = append(out, rcumap.Def{File: r.File, Macro: r.Macro})
			}
		}
		return out
	}
	for _, r := range ix.Funcs(d.Name) {
		if r.File.Path == d.File {
			out = append(out, rcumap.Def{File: r.File, Func: r.Func})
		}
	}
	return out
}

// Keys returns the locations definitions touch: those their RCU sites
// name and those the functions they call read (one level down).
func Keys(m *rcumap.Map, defs []rcumap.Def) []string {
	set := map[string]bool{}
	add := func(d rcumap.Def) {
		for _, s := range d.Sites() {
			if k := m.Resolve(s.Loc); k != "" && rcumap.IsLocation(k) {
				set[k] = true
			}
		}
	}
	for _, d := range defs {
		add(d)
		for _, c := range d.Callees(m) {
			add(c)
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// report checks one location; files is the patch (nil in the re-check).
func report(pass *analyzers.Pass, m *rcumap.Map, key string, files []*diffparse.File) {
	e := m.Entry(key, true)
	bad, acc := e.Mismatches()
	for gi, group := range [][]rcumap.Mismatch{bad, acc} {
		accident := gi == 1
		// one finding per reader path: the first retire path that misses
		// it leads, the others are counted
		var order []string
		byReader := map[string][]rcumap.Mismatch{}
		for _, mm := range group {
			k := readerKey(mm)
			if _, ok := byReader[k]; !ok {
				order = append(order, k)
			}
			byReader[k] = append(byReader[k], mm)
		}
		for _, k := range order {
			mms := byReader[k]
			for i, mm := range mms {
				d, ok := diagnostic(mm, files, accident)
				if !ok {
					continue
				}
				d.Finding.RCUMap = e.Table(&mm)
				if n := len(mms) - i - 1; n > 0 {
					d.Message += fmt.Sprintf(" (%d more retire paths of %s miss this reader)", n, mm.Key)
				}
				pass.Report(d)
				break
			}
		}
	}
}

// readerKey names a reader path independently of the retire path.
func readerKey(mm rcumap.Mismatch) string {
	var callers []string
	for _, h := range mm.Path.Callers {
		callers = append(callers, h.Func)
	}
	return strings.Join([]string{mm.Key, mm.Reader.Func + ":" + mm.Reader.Prim, mm.Path.Describe(), strings.Join(callers, "<")}, "|")
}

// diagnostic builds the finding of an uncovered (or accidentally covered)
// reader path and retire path.
func diagnostic(mm rcumap.Mismatch, files []*diffparse.File, accident bool) (analyzers.Diagnostic, bool) {
	r, p, rt := mm.Reader, mm.Path, mm.Retire
	miss := p.Sections[len(p.Sections)-1]
	if len(rt.Steps) == 0 {
		return analyzers.Diagnostic{}, false
	}
	st := rt.Steps[0]
	var f finding.Finding
	if accident {
		f = finding.Finding{Rule: finding.RuleGPFlavorMismatch, Severity: finding.Note,
			Message: fmt.Sprintf("%s is read in %s() under %s and retired after %s in %s(): covered only because rcu_trace_implies_rcu_gp() is true in this kernel (an implementation accident, not an API guarantee; a Tasks Trace grace period that stops implying an RCU one breaks it)",
				mm.Key, r.Func, p.Describe(), stepsText(rt.Steps), rt.Func)}
	} else {
		var ok bool
		if f, ok = confirm(rt.Steps, r, miss, mm.Key); !ok {
			return analyzers.Diagnostic{}, false
		}
	}
	// Located at the patch's end: the wait (or queue) when the patch adds
	// it, else the publication when it adds that, else the read.
	added := func(file string, line int) bool { return files != nil && diffparse.Added(files, file, line) }
	switch {
	case added(st.At.File, st.At.Line) || !added(rt.File, rt.Line) && !added(r.File, r.Line) && !readerSectionAdded(p, added):
		f.File, f.Line, f.Function = st.At.File, st.At.Line, st.At.Func
	case added(rt.File, rt.Line):
		f.File, f.Line, f.Function = rt.File, rt.Line, rt.Func
	default:
		f.File, f.Line, f.Function = r.File, r.Line, r.Func
	}
	chain := []finding.Hop{{Function: rt.Func, File: rt.File, Line: rt.Line,
		Why: fmt.Sprintf("%s() unpublishes the old %s", rt.Prim, mm.Key)}}
	for _, h := range st.Via {
		chain = append(chain, finding.Hop{Function: h.Func, File: h.File, Line: h.Line, Why: h.Why})
	}
	chain = append(chain, finding.Hop{Function: st.At.Func, File: st.At.File, Line: st.At.Line,
		Why: rcumap.StepText(st)})
	for _, more := range rt.Steps[1:] {
		if len(more.Via) > 0 {
			h := more.Via[len(more.Via)-1]
			chain = append(chain, finding.Hop{Function: h.Func, File: h.File, Line: h.Line, Why: h.Why})
		}
		chain = append(chain, finding.Hop{Function: more.At.Func, File: more.At.File, Line: more.At.Line, Why: rcumap.StepText(more)})
	}
	for i := len(p.Callers) - 1; i >= 0; i-- {
		h := p.Callers[i]
		chain = append(chain, finding.Hop{Function: h.Func, File: h.File, Line: h.Line, Why: h.Why})
	}
	chain = append(chain, finding.Hop{Function: r.Func, File: r.File, Line: r.Line,
		Why: fmt.Sprintf("reads %s under %s", mm.Key, p.Describe())})
	f.Chain = chain
	lines := []analyzers.Pos{{File: r.File, Line: r.Line}, {File: rt.File, Line: rt.Line}}
	for _, w := range p.Where {
		lines = append(lines, analyzers.Pos{File: w.File, Line: w.Line})
	}
	for _, s := range rt.Steps {
		lines = append(lines, analyzers.Pos{File: s.At.File, Line: s.At.Line})
	}
	for _, h := range p.Callers {
		lines = append(lines, analyzers.Pos{File: h.File, Line: h.Line})
	}
	key := readerKey(mm) + "|" + fmt.Sprint(accident)
	def := analyzers.Def{File: r.File, Name: r.Func, Macro: r.Macro}
	return analyzers.Diagnostic{Finding: f, Key: key, Detail: stepsText(rt.Steps), Def: def, Lines: lines}, true
}

// flavoursText lists the waits of a retire path with their flavours.
func flavoursText(steps []rcumap.Step) string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range steps {
		fl := rcumodel.Flavours[st.Flavour].Name
		if st.Domain != "" {
			fl = "srcu(" + st.Domain + ")"
		}
		t := fmt.Sprintf("%s() [%s] in %s()", st.Prim, fl, st.At.Func)
		if st.TypeSafe != "" {
			t = fmt.Sprintf("%s() [%s, type-safe only: %s cache] in %s()", st.Prim, fl, kernelnames.SlabTypesafeByRCU, st.At.Func)
		}
		if !seen[t] {
			seen[t] = true
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ", then ")
}

func readerSectionAdded(p rcumap.Path, added func(string, int) bool) bool {
	for _, w := range p.Where {
		if added(w.File, w.Line) {
			return true
		}
	}
	return false
}

func stepsText(steps []rcumap.Step) string {
	var parts []string
	seen := map[string]bool{}
	for _, st := range steps {
		t := st.Prim + "() in " + st.At.Func + "()"
		if !seen[t] {
			seen[t] = true
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, ", then ")
}

func prim(n string) rcumodel.Effects {
	e := rcumodel.Primitives[n]
	e.Name = n
	return e
}

// confirm runs the model: the reader of kind miss against the retire
// step's wait and free; true with the P2 finding when the model finds the
// use after free.
func confirm(steps []rcumap.Step, r rcumap.Reader, miss rcueffects.Section, key string) (finding.Finding, bool) {
	st := steps[0]
	ps, ok := kernelnames.ReaderPrims[kernelnames.Section(miss.Kind)]
	if !ok {
		return finding.Finding{}, false
	}
	rd := rcumodel.Reader{Lock: prim(ps[0]), Unlock: prim(ps[1])}
	fl := st.Flavour
	w := rcueffects.GPWaits[st.Prim]
	if miss.Kind == rcueffects.SecSRCU {
		rd.SRCUDomain = "ss1"
	}
	var free []scenario.Op
	switch {
	case (w.Call || st.TypeSafe != "") && rcumodel.Flavours[fl].Call != "" && fl != rcumodel.FlavourSRCU0:
		free = []scenario.Op{scenario.O(rcumodel.Flavours[fl].Call, "free", "obj")}
	case rcumodel.Flavours[fl].Synchronize == "":
		return finding.Finding{}, false
	case fl == rcumodel.FlavourSRCU0:
		free = []scenario.Op{scenario.O(rcumodel.Flavours[fl].Synchronize, "ss0"), scenario.O("free", "obj")}
	default:
		free = []scenario.Op{scenario.O(rcumodel.Flavours[fl].Synchronize), scenario.O("free", "obj")}
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
	under := miss.Prim
	if !strings.HasSuffix(under, ")") {
		under += "()"
	}
	f.Message = fmt.Sprintf("%s is retired after %s, but %s() reads it under %s, a %s reader none of those grace periods waits for: the old object may be freed under the reader (use %s); model: %s",
		key, flavoursText(steps), r.Func, under, miss.Kind, suggest(miss.Kind, w.Call), pr.Violation.Msg)
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
