package hook

import (
	"errors"
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

// CheckOptions says what to check.
type CheckOptions struct {
	Dir       string // the repository (work tree, subdirectory or git dir); "" = "."
	Staged    bool   // check the index against HEAD
	Range     string // or check each commit of A..B
	IndexFile string // the index to read ($GIT_INDEX_FILE); "" = the repository's
	Registry  *analyzers.Registry
	Rules     reports.RuleFilter // findings of rules to drop (--ignore, --types)
	Baseline  *reports.Baseline  // findings an earlier report had (--baseline) are unchanged and never block
	Indexes   *index.Provider    // nil: a provider without cache for the check
	// Config, when set, drops findings whose conditions it rules out
	// (ConfigName names it in the report).
	Config     *kconfig.Config
	ConfigName string
	Tool       string
	Version    string
}

// CheckResult is a finished check.
type CheckResult struct {
	Report   *reports.Report
	Reviewed int // patches that could be reviewed
	Blocking int // findings that block: errors introduced by the change
}

// Blocks reports whether a finding blocks a commit: an error introduced
// or changed by the change itself. Warnings, notes, pre-existing
// findings, findings a baseline already had, and input-* findings
// (rcureview failing to read or apply the change, which is not the
// change's fault) never block.
func Blocks(f finding.Finding) bool {
	return f.Severity == finding.Error && f.Status != finding.StatusPreExisting && f.Status != finding.StatusUnchanged &&
		!strings.HasPrefix(f.Rule, "input-")
}

// Check reviews the staged change or each commit of a range against the
// repository's own tree (HEAD for staged changes, each commit's parent for
// a range).
func Check(opt CheckOptions) (*CheckResult, error) {
	if opt.Staged == (opt.Range != "") {
		return nil, errors.New("check: give either --staged or a range A..B")
	}
	r, err := Open(opt.Dir)
	if err != nil {
		return nil, err
	}
	gitDir, err := GitDir(r)
	if err != nil {
		return nil, err
	}
	res := &CheckResult{Report: &reports.Report{Tool: opt.Tool, Version: opt.Version}}
	session := opt.session()
	if opt.Staged {
		diff, err := StagedDiff(r, opt.IndexFile)
		if err != nil {
			return nil, err
		}
		if diff == "" {
			res.Report.Kernel.Source = "git:" + gitDir + "@HEAD"
			res.Report.Notes = append(res.Report.Notes, "nothing staged")
			res.Report.Normalize()
			return res, nil
		}
		var tree ksrc.Tree
		if _, head, err := headTree(r); err != nil {
			return nil, err
		} else if !head.IsZero() {
			// the repository StagedDiff read: its pack indexes are not read again
			if tree, err = ksrc.GitTreeOf(r, gitDir, head.String()); err != nil {
				return nil, err
			}
		}
		one := session.Change(review.Change{Name: "staged changes", Tree: tree, Diff: diff})
		res.add(one)
		res.Report.Kernel = one.Report.Kernel
		res.Report.Notes = one.Report.Notes
		return res.finish(opt.Rules, opt.Baseline), nil
	}
	commits, err := RangeCommits(r, opt.Range)
	if err != nil {
		return nil, err
	}
	if len(commits) == 0 {
		res.Report.Notes = append(res.Report.Notes, fmt.Sprintf("range %s has no commits to check", opt.Range))
	}
	for _, c := range commits {
		var tree ksrc.Tree
		if c.Parent != "" {
			if tree, err = ksrc.OpenGit(gitDir, c.Parent); err != nil {
				return nil, err
			}
		}
		one := session.Change(review.Change{Name: c.Hash, Tree: tree, Title: c.Subject, Index: c.Index, Total: c.Total,
			Author: c.Author, Date: c.Date, Message: c.Message, Diff: c.Diff, HeaderLines: formatPatchHeaderLines})
		res.add(one)
		if res.Report.Kernel.Source == "" {
			res.Report.Kernel = one.Report.Kernel
			res.Report.Notes = one.Report.Notes
		}
	}
	if res.Report.Kernel.Source == "" {
		res.Report.Kernel.Source = "git:" + gitDir
	}
	return res.finish(opt.Rules, opt.Baseline), nil
}

// session is the review session of a check: one registry and one index
// provider for every commit.
func (opt CheckOptions) session() *review.Session {
	return review.NewSession(review.Options{Tool: opt.Tool, Version: opt.Version, Registry: opt.Registry, Indexes: opt.Indexes,
		Config: opt.Config, ConfigName: opt.ConfigName})
}

func (res *CheckResult) add(one *review.Result) {
	res.Reviewed += one.Reviewed
	res.Report.Patches = append(res.Report.Patches, one.Report.Patches...)
}

func (res *CheckResult) finish(rules reports.RuleFilter, b *reports.Baseline) *CheckResult {
	reports.Curate(res.Report, rules, b)
	res.Report.Normalize()
	for _, p := range res.Report.Patches {
		for _, f := range p.Findings {
			if Blocks(f) {
				res.Blocking++
			}
		}
	}
	return res
}
