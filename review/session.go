package review

import (
	"fmt"
	"strings"
	"time"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// Session reviews patches with one analyzer registry, one index provider
// and one set of options, for as many reviews as its owner asks: the
// command reviews its inputs with one, the bot every series it answers,
// the hook every commit of a range. What the reviews share (the base
// tree's index, the indexes of recent post-patch trees) lives in the
// session's provider, whose memo is bounded (index.Options.MaxTrees), so
// a long-lived session's memory does not grow with the reviews it made.
//
// Each entry point takes what its caller already has and parses nothing
// twice: Run reads mail, Series takes a series already grouped from
// parsed mail, Change takes a change that never was mail.
type Session struct {
	opt Options
}

// NewSession returns a session reviewing with opt. Without opt.Indexes it
// makes a provider of its own (the embedded facts, no cache).
func NewSession(opt Options) *Session {
	if opt.Indexes == nil {
		opt.Indexes = index.NewProvider(index.Options{}, index.Embedded())
	}
	return &Session{opt: opt}
}

// Indexes returns the session's index provider.
func (s *Session) Indexes() *index.Provider { return s.opt.Indexes }

// Run reads the inputs (mbox files, single mails, bare diffs), extracts
// each mail's patch once, groups the patches into series and reviews each
// series on the session's tree.
func (s *Session) Run(inputs []Input) *Result {
	opt := s.opt
	res := &Result{Report: newReport(opt)}
	rep := res.Report
	// Mails are classified as they are read and only what is reviewed is
	// kept (mbox.Collector), within the run's budget: memory follows the
	// patches reviewed, not the size of the mailbox.
	coll := mbox.NewCollector(opt.budget())
	failed := &failedList{max: coll.Budget().Patches}
	for _, in := range inputs {
		readInput(in, coll, failed)
	}
	rep.Patches = append(rep.Patches, failed.items...)
	if failed.unlisted > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d more unreadable mails are not listed", failed.unlisted))
	}
	collected(rep, coll)
	for _, ser := range mbox.GroupSeries(coll.Patches(), mbox.GroupOptions{AllVersions: opt.AllVersions}) {
		s.series(res, ser, opt)
	}
	rep.Normalize()
	s.opt.Indexes.SaveCaches() // what the next run can reuse (best effort)
	return res
}

// Series reviews one series grouped from mail already parsed (the bot
// groups what it collected) on the session's tree, as Run reviews each
// series it groups: the run's budget applies to the series' mails, and
// nothing is read or parsed again.
func (s *Session) Series(ser *mbox.Series) *Result {
	res := &Result{Report: newReport(s.opt)}
	s.grouped(res, ser, s.opt)
	res.Report.Normalize()
	s.opt.Indexes.SaveCaches() // what the next run can reuse (best effort)
	return res
}

// grouped reviews a series grouped by the caller with opt, its mails
// first taken into a collector for the run's budget, as Run takes them.
func (s *Session) grouped(res *Result, ser *mbox.Series, opt Options) {
	coll := mbox.NewCollector(opt.budget())
	if ser.Cover != nil {
		coll.Add(ser.Cover)
	}
	for _, p := range ser.Patches {
		coll.Add(p)
	}
	collected(res.Report, coll)
	kept := map[*mbox.Patch]bool{}
	for _, p := range coll.Patches() {
		kept[p] = true
	}
	in := *ser
	if in.Cover != nil && !kept[in.Cover] {
		in.Cover = nil
	}
	in.Patches = nil
	for _, p := range ser.Patches {
		if kept[p] {
			in.Patches = append(in.Patches, p)
		}
	}
	if in.Cover != nil || len(in.Patches) > 0 {
		s.series(res, &in, opt)
	}
}

// Change is a change to review that never was mail: a commit of a range
// or the staged changes of a repository.
type Change struct {
	// Name is the input the report names ("#N" and --emacs positions):
	// a commit's hash, or "staged changes".
	Name string
	// Tree is the tree the change applies to (a commit's parent); nil:
	// no tree.
	Tree ksrc.Tree
	// Title is a commit's title; "" for a bare diff, which is named after
	// Name.
	Title string
	// Index and Total place a commit in its range, as "[PATCH n/N]" does.
	Index, Total int
	Author       mbox.Address
	Date         time.Time
	Message      string // the commit message after the title
	Diff         string // the change as a git diff
	// HeaderLines is the number of lines a report counts before the
	// commit message (a format-patch mail's From_ line and headers), so
	// that "#N" positions count as in "git format-patch" output.
	HeaderLines int
}

// Change reviews one change on c.Tree as a series of one patch.
func (s *Session) Change(c Change) *Result {
	opt := s.opt
	opt.Tree, opt.RevGiven = c.Tree, false
	res := &Result{Report: newReport(opt)}
	p := changePatch(c)
	limit := mbox.NewCollector(opt.budget()).Budget().Bytes
	switch {
	case c.Title == "" && int64(len(c.Diff)) > limit:
		// As Run reads a bare diff.
		res.Report.Patches = append(res.Report.Patches, failedItem(c.Name, 0, finding.RuleInputMail,
			fmt.Errorf("%s: not reviewed: the diff exceeds the run's budget of %d bytes (--max-patch-bytes)", c.Name, limit)))
	default:
		for _, ser := range mbox.GroupSeries([]*mbox.Patch{p}, mbox.GroupOptions{AllVersions: opt.AllVersions}) {
			s.grouped(res, ser, opt)
		}
	}
	res.Report.Normalize()
	s.opt.Indexes.SaveCaches() // what the next run can reuse (best effort)
	return res
}

// changePatch is the patch of a change, with the lines of its body
// counted as a format-patch mail of it would have them.
func changePatch(c Change) *mbox.Patch {
	if c.Title == "" {
		return bareDiffPatch(c.Name, []byte(c.Diff))
	}
	var body strings.Builder
	msg := strings.Trim(c.Message, "\n")
	if msg != "" {
		body.WriteString(msg)
		body.WriteString("\n")
	}
	body.WriteString("---\n")
	diffLine := strings.Count(body.String(), "\n") + 1
	body.WriteString(c.Diff)
	subject := fmt.Sprintf("[PATCH %d/%d] %s", c.Index, c.Total, c.Title)
	text := body.String()
	return &mbox.Patch{
		Msg: &mbox.Message{Subject: subject, From: c.Author, Date: c.Date, DateOK: !c.Date.IsZero(), PatchBody: text,
			Raw: &mbox.RawMessage{Data: []byte(text), Source: c.Name, Line: c.HeaderLines + 1}},
		Kind:    mbox.KindPatch,
		Subject: subject,
		Title:   c.Title,
		Tags: mbox.SubjectTags{Prefixes: []string{"PATCH", fmt.Sprintf("%d/%d", c.Index, c.Total)}, Patch: true,
			Version: 1, Index: c.Index, Total: c.Total, HasCounter: true},
		Author:        c.Author,
		Date:          c.Date,
		CommitMessage: joinTrimmed(msg),
		Trailers:      mbox.ParseTrailers(joinTrimmed(msg)),
		Diff:          c.Diff,
		DiffLine:      diffLine,
	}
}

// joinTrimmed drops the blank lines around a text and its trailing white
// space, as a commit message extracted from mail is.
func joinTrimmed(s string) string {
	lines := strings.Split(s, "\n")
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	return strings.TrimRight(strings.Join(lines, "\n"), " \t\r\n")
}

// series reviews one series with opt and adds its entries to res.
func (s *Session) series(res *Result, ser *mbox.Series, opt Options) {
	rep := res.Report
	if len(ser.Missing) > 0 && len(ser.Patches) > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("series %q: patches %v of %d were not received; later patches may not apply",
			seriesTitle(ser), ser.Missing, ser.Total))
	}
	if len(ser.Patches) == 0 && ser.Cover != nil {
		// b4 am writes the cover letter apart (NAME.cover): say why
		// nothing was reviewed.
		rep.Notes = append(rep.Notes, fmt.Sprintf("series %q: a cover letter without its patches; nothing to review (give the patches too, e.g. b4 am's .mbx)",
			seriesTitle(ser)))
	}
	entries, reviewed := reviewSeries(ser, opt, &rep.Notes)
	rep.Patches = append(rep.Patches, entries...)
	res.Reviewed += reviewed
}

// newReport is the report of a review with opt: its header, and the note
// that says what a review without a tree cannot do.
func newReport(opt Options) *reports.Report {
	rep := &reports.Report{Tool: opt.Tool, Version: opt.Version, Kernel: reports.Kernel{Config: opt.ConfigName}}
	if opt.Tree != nil {
		rep.Kernel.Source = opt.Tree.Describe()
		return rep
	}
	rep.Kernel.Source = EmbeddedSource
	rep.Notes = append(rep.Notes, "no kernel tree given (--tree or --git): patches are parsed but not applied, "+
		"findings cannot point at post-patch lines, and analyzers only see the diff and the facts embedded "+
		"from linux 6.12 (kernel/rcu, kernel/trace, kernel/sched, include/linux, …)")
	return rep
}

// collected adds what a collector set aside to the report: duplicates,
// mails it rejected, mails without a patch.
func collected(rep *reports.Report, coll *mbox.Collector) {
	// The same mail can arrive several times (cross-posted to several
	// lists, or in several input files): one copy is reviewed, the least
	// mangled.
	if n := coll.Duplicates(); n > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("dropped %d duplicate mail(s) (same Message-ID)", n))
	}
	rejected, more := coll.Rejections()
	for _, r := range rejected {
		rep.Patches = append(rep.Patches, rejectionEntry(r))
	}
	if more > 0 {
		rep.Notes = append(rep.Notes, fmt.Sprintf("%d more mails were not reviewed and are not listed (the run's budget of %d patches)", more, coll.Budget().Patches))
	}
	skipped := coll.Skipped()
	for _, k := range []mbox.Kind{mbox.KindReply, mbox.KindPullRequest, mbox.KindOther} {
		if n := skipped[k]; n > 0 {
			rep.Notes = append(rep.Notes, fmt.Sprintf("skipped %d %s mail(s): they carry no patch to review", n, k))
		}
	}
}

// budget is the run's budget of opt.
func (opt Options) budget() mbox.Budget {
	return mbox.Budget{Patches: opt.MaxPatches, Bytes: opt.MaxPatchBytes}
}
