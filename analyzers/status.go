package analyzers

import (
	"fmt"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
)

// settle turns an analyzer's diagnostics into findings: it re-checks the
// definitions they were found in on the pre-patch tree (a Baseline run of
// the same analyzer, with the same requirements' results), marks each
// finding new, changed or pre-existing, drops the pre-existing ones unless
// the pass audits the whole tree, fills patch lines and sorts.
func (s *run) settle(a *Analyzer, o *outcome) []finding.Finding {
	var out []finding.Finding
	var diags []Diagnostic
	for _, d := range o.diags {
		if !declares(a, d.Rule) {
			out = append(out, inputSource(fmt.Sprintf("analyzer %s reported undeclared rule %q", a.Name, d.Rule)))
			continue
		}
		diags = append(diags, d)
	}
	before := s.baseline(a, o, diags)
	var fs []finding.Finding
	for _, d := range diags {
		f := d.Finding
		f.Status = finding.StatusNew
		if prev, ok := before[d.Key]; ok && d.Key != "" {
			f.Status = finding.StatusChanged
			if prev == d.Detail {
				f.Status = finding.StatusPreExisting
			}
		}
		if len(d.Lines) > 0 && !anyAdded(s.base.Files, d.Lines) {
			f.Status = finding.StatusPreExisting
		}
		if f.Status == finding.StatusPreExisting && !s.base.All {
			continue
		}
		if s.impossible(f.Config) {
			continue
		}
		if f.PatchLine == 0 {
			if l, ok := diffparse.PostLine(s.base.Files, f.File, f.Line); ok {
				f.PatchLine, f.Source = l.PatchLine, string(l.Op)+l.Text
			}
		}
		fs = append(fs, f)
	}
	finding.Sort(fs)
	return append(out, fs...)
}

// impossible reports whether a finding's configuration conditions can
// hold in no configuration that the post-patch tree's Kconfig allows
// (CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU, CONFIG_ARM64 on x86): such a
// finding is about code no one can build, and a maintainer would answer
// it with exactly that. Only when the pass has no .config (the review
// filters by a given one) and the index was built for the pass; code no
// Makefile builds yet (finding.NeverBuilt) is kept, as a patch may add a
// file before the patch that hooks it into Kbuild, and the reports say so.
func (s *run) impossible(conds []string) bool {
	if len(conds) == 0 || s.base.Config != nil || finding.NeverBuilt(conds) {
		return false
	}
	o, ok := s.done[Indexes]
	if !ok || !o.ran {
		return false
	}
	ix, _ := o.result.(*Indexed)
	if ix == nil || ix.Post == nil {
		return false
	}
	return !ix.Post.Possible(conds, nil)
}

// baseline runs a on the pre-patch versions of the definitions the
// diagnostics were found in and returns the details of what it reports
// there, by key.
func (s *run) baseline(a *Analyzer, o *outcome, diags []Diagnostic) map[string]string {
	var defs []Def
	seen := map[Def]bool{}
	for _, d := range diags {
		if d.Def != (Def{}) && !seen[d.Def] {
			seen[d.Def] = true
			defs = append(defs, d.Def)
		}
	}
	before := map[string]string{}
	if len(defs) == 0 {
		return before
	}
	pass := s.base
	pass.Analyzer, pass.ResultOf, pass.Baseline = a, o.results, defs
	pass.Report = func(d Diagnostic) { before[d.Key] = d.Detail }
	if _, err := runOne(a, &pass); err != nil {
		s.fail(a, fmt.Errorf("pre-patch re-check: %w", err))
	}
	return before
}

// anyAdded reports whether the patch adds one of the lines.
func anyAdded(files []*diffparse.File, ps []Pos) bool {
	for _, p := range ps {
		if diffparse.Added(files, p.File, p.Line) {
			return true
		}
	}
	return false
}
