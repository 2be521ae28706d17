// Package lkmmlitmus checks the litmus tests of a patch under the
// Linux-kernel memory model, as herd7 runs it (package rcumodel/lkmm): the
// .litmus files the patch adds or changes, and the tests its commit
// message, notes or cover letter show. A test whose claim - its "Result:"
// comment, or herd7's "Observation NAME VERDICT" line or a "Result:" line
// next to it in the mail - differs from the model's verdict gets an
// lkmm-litmus-result error at the claim, with an execution that shows the
// model's answer (events per process, rf and co edges). A test that cannot
// be parsed, uses a construct outside the model, or needs more work than
// the bound gets a note saying which.
//
// A patch that changes the model itself (linux-kernel.bell, .cat or
// lock.cat) is not checked against the old model: its tests get a note.
// The kernel API table (linux-kernel.def) is the post-patch tree's when a
// tree is given.
package lkmmlitmus

import (
	"fmt"
	"path"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel/lkmm"
	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// Analyzer reports lkmm-litmus-result.
var Analyzer = &analyzers.Analyzer{
	Name:  "lkmmlitmus",
	Doc:   "check the litmus tests of a patch (.litmus files, tests in the mail) under the Linux-kernel memory model",
	Rules: []string{finding.RuleLKMMLitmusResult},
	Run:   run,
}

// maxWork bounds the candidate executions examined per test in a review.
const maxWork = 2_000_000

func run(pass *analyzers.Pass) (any, error) {
	if pass.Baseline != nil {
		baseline(pass)
		return nil, nil
	}
	var files []*diffparse.File
	for _, f := range pass.Files {
		if !f.IsDelete && !f.IsBinary && strings.HasSuffix(f.Path(), ".litmus") {
			files = append(files, f)
		}
	}
	type mailTest struct {
		part  analyzers.MailText
		lines []string
		b     block
		lo    int
		hi    int
	}
	var inMail []mailTest
	for _, m := range pass.Mail {
		bs := findTests(m.Text)
		lines := strings.Split(m.Text, "\n")
		for k, b := range bs {
			lo, hi := 0, len(lines)
			if k > 0 {
				lo = bs[k-1].end + 1
			}
			if k+1 < len(bs) {
				hi = bs[k+1].start
			}
			inMail = append(inMail, mailTest{m, lines, b, lo, hi})
		}
	}
	if len(files) == 0 && len(inMail) == 0 {
		return nil, fmt.Errorf("no litmus test in the patch: %w", analyzers.ErrNotApplicable)
	}
	mod, modelNote := model(pass)
	for _, f := range files {
		p := f.Path()
		src, ok := content(pass, f)
		if !ok {
			continue
		}
		c, hasClaim := litmus.ResultClaim(src)
		d := check(mod, modelNote, src, c.Verdict, "Result: "+c.Verdict, hasClaim)
		if d == nil {
			continue
		}
		d.File, d.Line = p, c.Line
		if !hasClaim {
			d.Line = 1
		}
		name, _ := litmus.Header(src)
		d.Key = p + ":" + name
		d.Def = analyzers.Def{File: p, Name: name, Macro: true}
		for i := 1; i <= strings.Count(string(src), "\n")+1; i++ {
			d.Lines = append(d.Lines, analyzers.Pos{File: p, Line: i})
		}
		pass.Report(*d)
	}
	for _, t := range inMail {
		c, hasClaim := mailClaim(t.lines, t.b, t.lo, t.hi)
		d := check(mod, modelNote, []byte(t.b.src), c.verdict, c.text, hasClaim)
		if d == nil {
			continue
		}
		line := t.b.start
		if hasClaim {
			line = c.line
		}
		d.MailLine = -1 // another mail (the cover letter), or not found
		if t.part.Line > 0 {
			d.MailLine = t.part.Line + line
		}
		d.Message = fmt.Sprintf("%s, line %d: %s", t.part.Part, line+1, d.Message)
		d.Key = "mail:" + t.part.Part + ":" + t.b.name
		pass.Report(*d)
	}
	return nil, nil
}

// check runs one test and returns the diagnostic to report, or nil.
func check(mod *lkmm.Model, modelNote string, src []byte, claimed, claimText string, hasClaim bool) *analyzers.Diagnostic {
	name, _ := litmus.Header(src)
	note := func(format string, args ...any) *analyzers.Diagnostic {
		return &analyzers.Diagnostic{Finding: finding.Finding{
			Rule: finding.RuleLKMMLitmusResult, Severity: finding.Note,
			Message: fmt.Sprintf("litmus test %s: ", name) + fmt.Sprintf(format, args...)}}
	}
	if modelNote != "" {
		if !hasClaim {
			return nil
		}
		return note("not checked: %s", modelNote)
	}
	r := mod.CheckSource(src, lkmm.Options{MaxExecutions: maxWork, Witness: true})
	switch r.Verdict {
	case lkmm.Invalid:
		return note("cannot be checked: herd7 would reject it too: %s", r.Reason)
	case lkmm.Unsupported:
		return note("cannot be checked: it uses %s, which the Linux-kernel memory model checker does not support", r.Construct)
	case lkmm.NoVerdict:
		return note("no verdict: %s", r.Reason)
	}
	if !hasClaim || !verdictWords[claimed] || string(r.Verdict) == claimed {
		return nil
	}
	if mod.Note != "" {
		return note("claims %q, the model gives %s, but %s", claimText, r.Verdict, mod.Note)
	}
	var wit *lkmm.Witness
	explain := ""
	switch {
	case claimed == "Never" || claimed == "Sometimes" && r.Verdict == lkmm.Always:
		// Show an execution where the condition holds.
		wit = satisfying(r)
		explain = "an execution where the condition holds"
	case claimed == "Always":
		wit = violating(r)
		explain = "an execution where it does not hold"
	}
	msg := fmt.Sprintf("litmus test %s claims %q, but the Linux-kernel memory model (herd7 7.57, linux-kernel.cfg) gives %s for %s: Observation %s %s %d %d",
		name, claimText, r.Verdict, r.Cond, r.Name, r.Verdict, r.Pos, r.Neg)
	if len(r.Flags) > 0 {
		msg += " (flags: " + strings.Join(r.Flags, ", ") + ")"
	}
	if wit != nil {
		msg += "; " + explain + " is shown"
	}
	d := &analyzers.Diagnostic{Finding: finding.Finding{
		Rule: finding.RuleLKMMLitmusResult, Severity: finding.Error, Function: name, Message: msg,
		Trace: trace(name, wit)}}
	d.Detail = claimed + "/" + string(r.Verdict)
	return d
}

// satisfying and violating pick the execution where the condition holds,
// or does not, whatever the quantifier.
func satisfying(r lkmm.Result) *lkmm.Witness {
	if r.Kind == "Required" {
		return r.Counter
	}
	return r.Witness
}

func violating(r lkmm.Result) *lkmm.Witness {
	if r.Kind == "Required" {
		return r.Witness
	}
	return r.Counter
}

// trace lays a witness out as a counterexample table: one column per
// process, then the initial writes read, the rf and co edges and the
// final state in the last column.
func trace(name string, w *lkmm.Witness) *finding.Trace {
	if w == nil {
		return nil
	}
	t := &finding.Trace{Property: "LKMM execution of " + name}
	for p, evs := range w.Procs {
		for _, e := range evs {
			ev := e.ID + ": " + e.Text
			if e.Line > 0 {
				ev += fmt.Sprintf(" (line %d)", e.Line)
			}
			t.Steps = append(t.Steps, finding.Step{CPU: p, Context: fmt.Sprintf("P%d", p), Event: ev})
		}
	}
	for _, e := range w.Init {
		t.Steps = append(t.Steps, finding.Step{CPU: -1, Context: "init", Event: e.ID + " " + e.Text})
	}
	for _, e := range w.RF {
		t.Steps = append(t.Steps, finding.Step{CPU: -1, Context: "rf", Event: e.From + " -> " + e.To})
	}
	for _, e := range w.CO {
		t.Steps = append(t.Steps, finding.Step{CPU: -1, Context: "co", Event: e.From + " -> " + e.To})
	}
	t.Steps = append(t.Steps, finding.Step{CPU: -1, Context: "final", Event: w.Final})
	return t
}

// model returns the memory model to check with and, when the patch
// changes the model files themselves, why its tests are not checked.
func model(pass *analyzers.Pass) (*lkmm.Model, string) {
	changesDef := false
	for _, f := range pass.Files {
		switch f.Path() {
		case "tools/memory-model/linux-kernel.bell", "tools/memory-model/linux-kernel.cat", "tools/memory-model/lock.cat":
			return nil, "the patch changes " + path.Base(f.Path()) + ", and verdicts follow the unchanged Linux 6.12 model"
		case "tools/memory-model/linux-kernel.def":
			changesDef = true
		}
	}
	tree := pass.Post
	if tree == nil {
		tree = pass.Pre
	}
	if tree != nil {
		if m, err := lkmm.ModelFrom(tree.ReadFile, tree.Describe()); err == nil {
			return m, ""
		}
	}
	if changesDef {
		return nil, "the patch changes linux-kernel.def and no tree was given to read it from"
	}
	return lkmm.DefaultModel(), ""
}

// content returns the post-patch text of a .litmus file: from the tree,
// or, without one, from the diff of a new file.
func content(pass *analyzers.Pass, f *diffparse.File) ([]byte, bool) {
	if pass.Post != nil {
		b, err := pass.Post.ReadFile(f.Path())
		return b, err == nil
	}
	if !f.IsNew {
		return nil, false
	}
	var b strings.Builder
	for _, h := range f.Hunks {
		for _, l := range h.Lines {
			if l.Op != diffparse.Delete {
				b.WriteString(l.Text)
				b.WriteByte('\n')
			}
		}
	}
	return []byte(b.String()), true
}

// baseline re-checks .litmus files in the pre-patch tree, reporting the
// same keys for the same claims.
func baseline(pass *analyzers.Pass) {
	if pass.Pre == nil {
		return
	}
	mod := lkmm.DefaultModel()
	if m, err := lkmm.ModelFrom(pass.Pre.ReadFile, pass.Pre.Describe()); err == nil {
		mod = m
	}
	for _, d := range pass.Baseline {
		src, err := pass.Pre.ReadFile(d.File)
		if err != nil {
			continue // not in the pre-patch tree: the finding is new
		}
		c, ok := litmus.ResultClaim(src)
		if r := check(mod, "", src, c.Verdict, "Result: "+c.Verdict, ok); r != nil {
			name, _ := litmus.Header(src)
			pass.Report(analyzers.Diagnostic{Key: d.File + ":" + name, Detail: r.Detail})
		}
	}
}
