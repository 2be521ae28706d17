// Package review drives one review: it reads inputs (mbox files, single
// mails, bare diffs), extracts patches and groups them into series, applies
// each series in order onto an in-memory overlay of the kernel tree, runs
// the registered analyzers on every patch, and collects a reports.Report.
// A bad item is reported in its own entry and never stops the others.
//
// A Session holds what reviews share (the analyzer registry, the index
// provider, the options) and reviews mail inputs (Run), a series grouped
// from mail already parsed (Series, the bot) or a change that never was
// mail (Change: a commit of a range or the staged changes, the hook).
package review

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// EmbeddedSource is the kernel source named in reports when no tree is given.
const EmbeddedSource = "embedded:6.12"

// StdinName is the Input name of standard input; checkpatch-style
// positions print it as "-".
const StdinName = "<stdin>"

// Input is one file (or stdin) to review.
type Input struct {
	Name string    // shown in messages; "-" for stdin
	R    io.Reader // the content; gzip is detected
}

// Options configures a review.
type Options struct {
	Tool, Version string
	Tree          ksrc.Tree       // nil: no tree, embedded facts only
	Config        *kconfig.Config // nil: no .config
	ConfigName    string          // the --config path or name, for the report
	// Named returns the configurations every finding is checked against
	// when Config is nil (kconfig.Installed: Debian's, when installed);
	// it is called only when a patch has a finding to check, and at most
	// once. Nil: none.
	Named    func() []kconfig.Loaded
	Registry *analyzers.Registry // nil: no analyzers
	// Indexes hands the analyzers the indexes of the trees; nil: a
	// provider without cache for this review (embedded facts without a
	// tree).
	Indexes *index.Provider
	// MaxPatches and MaxPatchBytes are the run's budget: patches (and
	// covers) reviewed and the bytes of their diffs; a mail past it is an
	// input-mail error. 0: mbox.DefaultBudgetPatches, DefaultBudgetBytes.
	MaxPatches    int
	MaxPatchBytes int64
	AllVersions   bool // review every version of a series, not only the newest
	All           bool // audit the whole tree (passed to analyzers)
	// RevGiven says the revision of a git Tree was named by the user
	// (--rev): it is tried before a series' base-commit, not after.
	RevGiven bool
	// TryRevs are revisions of a git Tree a series may apply to (a bot
	// following several branches): the newest where the whole series
	// applies is its base, after its base-commit: and before the Tree's
	// own revision.
	TryRevs []string
}

// Result is a finished review and what it says about the inputs.
type Result struct {
	Report *reports.Report
	// Reviewed counts patches whose mail and diff could be parsed; zero
	// means no input could be reviewed at all (exit code 2).
	Reviewed int
}

// Run reviews the inputs: NewSession(opt).Run(inputs).
func Run(inputs []Input, opt Options) *Result {
	return NewSession(opt).Run(inputs)
}

// rejectionEntry reports a mail that may have carried a patch but is not
// reviewed: it says it is a patch and has no diff (input-patch), or its
// body cannot be decoded, or the run's budget is spent (input-mail).
func rejectionEntry(r mbox.Rejection) *reports.Patch {
	e := &reports.Patch{Subject: r.Subject, MessageID: r.MessageID, Index: r.Index, Total: r.Total, Error: r.Reason}
	rule := finding.RuleInputMail
	if r.NoDiff {
		rule = finding.RuleInputPatch
	}
	e.Findings = []finding.Finding{inputFinding(rule, r.Reason, "", 0, 0, "")}
	return e
}

// failedList collects the entries of unreadable mails, listing at most
// max of them.
type failedList struct {
	items    []*reports.Patch
	max      int
	unlisted int
}

func (l *failedList) add(e *reports.Patch) {
	if len(l.items) >= l.max {
		l.unlisted++
		return
	}
	l.items = append(l.items, e)
}

// readInput splits and parses one input and hands each mail (or the
// patch of a bare diff) to coll as it is read; items that cannot be read
// go to failed.
func readInput(in Input, coll *mbox.Collector, failed *failedList) {
	br := bufio.NewReaderSize(in.R, 64*1024)
	head, _ := br.Peek(4096)
	if isBareDiff(head) {
		// A bare diff is one patch: read no more of it than the budget
		// can take.
		limit := coll.Budget().Bytes
		data, err := io.ReadAll(io.LimitReader(br, limit+1))
		switch {
		case err != nil:
			failed.add(failedItem(in.Name, 0, finding.RuleInputMail, fmt.Errorf("read %s: %w", in.Name, err)))
		case int64(len(data)) > limit:
			failed.add(failedItem(in.Name, 0, finding.RuleInputMail,
				fmt.Errorf("%s: not reviewed: the diff exceeds the run's budget of %d bytes (--max-patch-bytes)", in.Name, limit)))
		default:
			coll.Add(bareDiffPatch(in.Name, data))
		}
		return
	}
	n := 0
	for msg, err := range mbox.Messages(mbox.NewSplitter(br)) {
		n++
		if err == nil {
			if msg.Raw != nil {
				msg.Raw.Source = in.Name
			}
			coll.Add(mbox.ExtractPatch(msg))
			continue
		}
		var ie *mbox.ItemError
		if errors.As(err, &ie) {
			failed.add(failedItem(in.Name, ie.Index+1, finding.RuleInputMail, err))
		} else {
			failed.add(failedItem(in.Name, n, finding.RuleInputMail, fmt.Errorf("read %s: %w", in.Name, err)))
		}
	}
	if n == 0 {
		failed.add(failedItem(in.Name, 0, finding.RuleInputMail, fmt.Errorf("%s: no mail or patch found", in.Name)))
	}
}

// isBareDiff reports whether the input starts like a diff rather than a mail
// (a .patch made by diff -u, or a diff without mail headers).
func isBareDiff(head []byte) bool {
	s := bytes.TrimLeft(head, " \t\r\n")
	for _, p := range []string{"diff --git ", "diff -", "--- ", "Index: "} {
		if bytes.HasPrefix(s, []byte(p)) {
			return true
		}
	}
	return false
}

func bareDiffPatch(name string, data []byte) *mbox.Patch {
	title := filepath.Base(name)
	return &mbox.Patch{
		Msg:      &mbox.Message{Subject: title, PatchBody: string(data), Raw: &mbox.RawMessage{Data: data, Source: name, Line: 1}},
		Kind:     mbox.KindPatch,
		Subject:  title,
		Title:    title,
		Tags:     mbox.SubjectTags{Version: 1},
		Diff:     string(data),
		DiffLine: 1,
	}
}

func failedItem(input string, n int, rule string, err error) *reports.Patch {
	subj := input
	if n > 0 {
		subj = fmt.Sprintf("%s: message %d", input, n)
	}
	return &reports.Patch{
		Subject:  subj,
		Error:    err.Error(),
		Findings: []finding.Finding{inputFinding(rule, err.Error(), "", 0, 0, "")},
	}
}

// FailedInput is the report entry for an input that could not be read at
// all (a file that cannot be opened), with its input-mail finding.
func FailedInput(name string, err error) *reports.Patch {
	return failedItem(name, 0, finding.RuleInputMail, err)
}

func seriesTitle(s *mbox.Series) string {
	if s.Cover != nil {
		return s.Cover.Title
	}
	if len(s.Patches) > 0 {
		return s.Patches[0].Title
	}
	return s.ID
}

// reviewSeries applies the series' patches in order onto one overlay and
// analyzes each. It returns the entries and how many patches were reviewable.
func reviewSeries(s *mbox.Series, opt Options, notes *[]string) ([]*reports.Patch, int) {
	var out []*reports.Patch
	reviewed := 0
	named := namedConfigs(opt.Named)
	var cur ksrc.Tree = opt.Tree
	base := seriesBase{tree: opt.Tree}
	if opt.Tree != nil {
		diffs := make([][]*diffparse.File, len(s.Patches))
		for i, p := range s.Patches {
			if strings.TrimSpace(p.Diff) != "" {
				diffs[i], _ = diffparse.Parse(p.Diff)
			}
		}
		base = chooseBase(s, diffs, opt)
		cur = base.tree
		if rev, ok := seriesInTree(cur, diffs); ok {
			// The tree already has the series: review it as it was
			// sent, against the tree with the series reversed.
			what := "series"
			if len(s.Patches) == 1 {
				what = "patch"
			}
			base.desc = joinDesc(base.desc, inTreeNote(what))
			base.inTree = true
			cur = rev
		}
	}
	for pi, p := range s.Patches {
		e := &reports.Patch{
			Subject: p.Subject, Series: s.ID, Index: p.Tags.Index, Total: s.Total,
		}
		if p.Msg != nil {
			e.MessageID = p.Msg.MessageID
			if p.Msg.Raw != nil {
				e.Input = p.Msg.Raw.Source
			}
		}
		e.Mail = mailContext(p)
		e.Base = base.desc
		if e.Total == 0 && len(s.Patches) > 1 {
			e.Total = len(s.Patches)
		}
		for _, prob := range p.Problems {
			e.Findings = append(e.Findings, finding.Finding{
				Rule: finding.RuleInputMail, Severity: finding.Note, Status: finding.StatusNew,
				Message: prob,
			})
		}
		out = append(out, e)
		if strings.TrimSpace(p.Diff) == "" {
			e.Error = "the mail carries no diff"
			e.Findings = append(e.Findings, inputFinding(finding.RuleInputPatch, e.Error, "", 0, 0, ""))
			continue
		}
		e.Lines = strings.Count(p.Diff, "\n")
		files, err := diffparse.Parse(p.Diff)
		if err != nil {
			e.Error = fmt.Sprintf("parse diff: %v", err)
			e.Findings = append(e.Findings, parseErrorFinding(p, err))
			continue
		}
		reviewed++
		pass := analyzers.Pass{Subject: p.Subject, Files: files, Config: opt.Config, All: opt.All, Provider: opt.Indexes}
		if opt.Config == nil {
			pass.Named = named
		}
		pass.Mail = mailTexts(p)
		if pi == 0 && s.Cover != nil {
			pass.Mail = append(pass.Mail, analyzers.MailText{Part: "cover letter", Text: s.Cover.CommitMessage})
		}
		if cur != nil {
			e.AlreadyApplied = base.inTree
			post, ferr := applyPatch(cur, p, files, e)
			if ferr != nil && ferr.Rule == finding.RuleInputApply {
				// A patch the tree already has (its reverse applies):
				// review it against the tree with it reversed.
				forgetPlacement(files)
				if pre, ok := unapplied(cur, files); ok {
					if post, perr := applyPatch(pre, p, files, e); perr == nil {
						e.Applied, e.AlreadyApplied = true, true
						e.Base = joinDesc(e.Base, inTreeNote("patch"))
						pass.Pre, pass.Post = pre, post
						ferr = nil
					}
				}
			}
			switch {
			case ferr != nil:
				forgetPlacement(files)
				e.Error = ferr.Message
				e.Findings = append(e.Findings, *ferr)
				pass.Pre = cur
			case !e.Applied:
				e.Applied = true
				pass.Pre, pass.Post = cur, post
				cur = post
			}
		}
		if opt.Registry != nil {
			fs, skipped := opt.Registry.Run(pass)
			for _, sk := range skipped {
				note := fmt.Sprintf("analyzer %s skipped: %s", sk.Analyzer, sk.Reason)
				if !slices.Contains(*notes, note) {
					*notes = append(*notes, note)
				}
			}
			// Analyzers count PatchLine within the diff (diffparse's
			// Line.PatchLine); reports count it within the mail body.
			if !e.Applied {
				fs = hunksOnly(fs, files)
			}
			for i := range fs {
				if fs[i].MailLine > 0 {
					fs[i].PatchLine, fs[i].InputLine, fs[i].Source = fs[i].MailLine, mailInputLine(p, fs[i].MailLine), mailBodyLine(p, fs[i].MailLine)
					continue
				}
				if fs[i].MailLine < 0 {
					continue
				}
				fs[i].InputLine = p.InputLine(fs[i].PatchLine)
				fs[i].PatchLine = patchLine(p, fs[i].PatchLine)
			}
			fs = filterByConfig(fs, opt.Config)
			setHolds(fs, pass.Named)
			e.Findings = append(e.Findings, finding.Group(fs)...)
		}
	}
	return out, reviewed
}

// applyPatch applies files onto cur and returns the post-patch tree; on
// failure it returns the finding to report.
func applyPatch(cur ksrc.Tree, p *mbox.Patch, files []*diffparse.File, e *reports.Patch) (ksrc.Tree, *finding.Finding) {
	res, err := diffparse.Apply(cur, files)
	if err != nil {
		f := applyErrorFinding(p, err)
		return nil, &f
	}
	post, err := overlayOf(cur, res)
	if err != nil {
		f := inputFinding(finding.RuleInputPatch, err.Error(), "", 0, 0, "")
		return nil, &f
	}
	for _, f := range files {
		for _, h := range f.Hunks {
			e.Hunks = append(e.Hunks, reports.Hunk{
				File: f.Path(), Header: h.Header, OldLine: h.AppliedOld, NewLine: h.AppliedNew,
				Offset: h.Offset, FunctionBefore: h.OldFunc, FunctionAfter: h.NewFunc,
			})
		}
	}
	return post, nil
}

func inputFinding(rule, msg, file string, line, patchLine int, src string) finding.Finding {
	return finding.Finding{
		Rule: rule, Severity: finding.Error, Status: finding.StatusNew,
		File: file, Line: line, Message: msg, PatchLine: patchLine, Source: src,
	}
}

// parseErrorFinding reports a diff that could not be parsed, as input-patch.
func parseErrorFinding(p *mbox.Patch, err error) finding.Finding {
	var he *diffparse.HunkError
	if errors.As(err, &he) {
		return inputFinding(finding.RuleInputPatch, err.Error(), he.File, 0, 0, he.Header)
	}
	return inputFinding(finding.RuleInputPatch, err.Error(), "", 0, 0, "")
}

// applyErrorFinding reports a patch that does not apply. Unsafe paths are
// input-patch; everything else input-apply, located at the hunk.
func applyErrorFinding(p *mbox.Patch, err error) finding.Finding {
	rule := finding.RuleInputApply
	if errors.Is(err, ksrc.ErrUnsafePath) || errors.Is(err, diffparse.ErrUnsafePath) {
		rule = finding.RuleInputPatch
	}
	var he *diffparse.HunkError
	if errors.As(err, &he) {
		f := inputFinding(rule, err.Error(), he.File, he.Line, patchLine(p, he.PatchLine), he.Header)
		f.InputLine = p.InputLine(he.PatchLine)
		return f
	}
	return inputFinding(rule, err.Error(), "", 0, 0, "")
}

// patchLine converts a line of the diff text to a line of the mail body.
func patchLine(p *mbox.Patch, diffLine int) int {
	if diffLine <= 0 {
		return 0
	}
	if p.DiffLine > 0 {
		return p.DiffLine - 1 + diffLine
	}
	return diffLine
}

// namedConfigs returns the analyzers' view of the named configurations,
// read on the first call; nil when there are none.
func namedConfigs(named func() []kconfig.Loaded) func() []analyzers.NamedConfig {
	if named == nil {
		return nil
	}
	return sync.OnceValue(func() []analyzers.NamedConfig {
		var out []analyzers.NamedConfig
		for _, n := range named() {
			out = append(out, analyzers.NamedConfig{Name: n.Name, Config: n.Config})
		}
		return out
	})
}

// setHolds says, for the findings whose analyzer did not, whether each
// holds in the named configurations: whether its conditions do.
func setHolds(fs []finding.Finding, named func() []analyzers.NamedConfig) {
	if named == nil {
		return
	}
	for i := range fs {
		f := &fs[i]
		if f.Holds != nil || strings.HasPrefix(f.Rule, "input-") {
			continue
		}
		for _, n := range named() {
			f.Holds = append(f.Holds, finding.ConfigHold{Config: n.Name, Holds: index.CondsHold(f.Config, n.Config)})
		}
	}
}

// filterByConfig drops findings whose config conditions a given .config
// rules out. Conditions it cannot evaluate keep the finding.
func filterByConfig(fs []finding.Finding, c *kconfig.Config) []finding.Finding {
	if c == nil {
		return fs
	}
	var out []finding.Finding
	for _, f := range fs {
		if index.CondsHold(f.Config, c) {
			out = append(out, f)
		}
	}
	return out
}
