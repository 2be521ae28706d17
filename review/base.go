package review

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/mbox"
)

// seriesBase is the tree a series is applied to and what the report says
// about it ("" when it is the tree given, with nothing to add).
type seriesBase struct {
	tree ksrc.Tree
	desc string
	// inTree: tree is the given one with the series reversed, because
	// the given one already has it.
	inTree bool
}

// chooseBase picks the tree a series applies to. With a git repository
// and a series that names its base-commit: (git format-patch --base, b4),
// that revision is tried first when the repository has it, or after the
// given revision when --rev named one explicitly (opt.RevGiven); the
// candidate on which more of the series applies wins, the first on a tie.
// The description says which base was used and why.
func chooseBase(s *mbox.Series, diffs [][]*diffparse.File, opt Options) seriesBase {
	given := seriesBase{tree: opt.Tree}
	g, isGit := opt.Tree.(*ksrc.GitTree)
	if isGit && len(opt.TryRevs) > 0 {
		return chooseTryRev(s, diffs, opt, g)
	}
	bc := baseCommit(s)
	if !isGit || bc == "" {
		return given
	}
	bt, err := g.At(bc)
	if err != nil {
		given.desc = fmt.Sprintf("%s; the series' base-commit %s is not in the repository", revOf(g), shortHash(bc))
		return given
	}
	if bt.Commit() == g.Commit() {
		given.desc = revOf(g) + ", the series' base-commit"
		return given
	}
	cands := []seriesBase{
		{tree: bt, desc: revOf(bt) + ", the series' base-commit"},
		{tree: g, desc: revOf(g)},
	}
	if opt.RevGiven {
		cands[0], cands[1] = cands[1], cands[0]
	}
	total := 0
	for _, fs := range diffs {
		if fs != nil {
			total++
		}
	}
	n0 := appliesCount(cands[0].tree, diffs)
	if n0 == total {
		if opt.RevGiven {
			cands[0].desc += fmt.Sprintf(" (--rev; the series names base-commit %s)", shortHash(bc))
		}
		return cands[0]
	}
	n1 := appliesCount(cands[1].tree, diffs)
	if n1 > n0 {
		cands[1].desc += fmt.Sprintf(" (%d of %d patches apply here, %d on %s)", n1, total, n0, cands[0].desc)
		return cands[1]
	}
	cands[0].desc += fmt.Sprintf(" (%d of %d patches apply here, %d on %s)", n0, total, n1, cands[1].desc)
	return cands[0]
}

// baseCommit is the series' base-commit: from its cover letter, else from
// its first patch that names one.
func baseCommit(s *mbox.Series) string {
	if s.Cover != nil && s.Cover.BaseCommit != "" {
		return s.Cover.BaseCommit
	}
	for _, p := range s.Patches {
		if p.BaseCommit != "" {
			return p.BaseCommit
		}
	}
	return ""
}

// revOf names a git tree's revision without the repository path, as
// "HEAD (0b3e05608e5a)" or "0b3e05608e5a".
func revOf(g *ksrc.GitTree) string {
	d := g.Describe()
	return d[strings.LastIndexByte(d, '@')+1:]
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// appliesCount applies the diffs in order onto t, as reviewSeries does (a
// patch that does not apply is skipped), and counts those that apply.
func appliesCount(t ksrc.Tree, diffs [][]*diffparse.File) int {
	var cur diffparse.Reader = t
	n := 0
	for _, fs := range diffs {
		if fs == nil {
			continue
		}
		res, err := diffparse.Place(cur, diffparse.Clone(fs))
		if err != nil {
			continue
		}
		n++
		cur = diffparse.Chain(cur, res)
	}
	return n
}

// Unapply returns t with the patch files reversed in an in-memory overlay:
// the tree as it was before a patch that t already contains (git apply -R).
func Unapply(t ksrc.Tree, files []*diffparse.File) (ksrc.Tree, error) {
	res, err := diffparse.Place(t, diffparse.Reverse(files))
	if err != nil {
		return nil, fmt.Errorf("reverse-apply: %w", err)
	}
	return overlayOf(t, res)
}

// overlayOf layers an apply result over t.
func overlayOf(t ksrc.Tree, res *diffparse.Result) (ksrc.Tree, error) {
	post := ksrc.NewOverlay(t)
	for path, data := range res.Files {
		var err error
		if data == nil {
			err = post.Delete(path)
		} else {
			err = post.Set(path, data)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return post, nil
}

// seriesInTree reports whether t already has the whole series: its first
// patch does not apply and the series reverses cleanly, last patch first
// (a b4 prep worktree, or --git at a revision that contains it). It then
// returns t with the series reversed, the tree the series was written
// for, onto which the patches apply again in order.
func seriesInTree(t ksrc.Tree, diffs [][]*diffparse.File) (ksrc.Tree, bool) {
	first := -1
	for i, fs := range diffs {
		if fs != nil {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, false
	}
	if _, err := diffparse.Place(t, diffparse.Clone(diffs[first])); err == nil {
		return nil, false
	}
	cur := t
	for i := len(diffs) - 1; i >= first; i-- {
		if diffs[i] == nil {
			continue
		}
		rev, err := Unapply(cur, diffs[i])
		if err != nil {
			return nil, false
		}
		cur = rev
	}
	return cur, true
}

// unapplied returns t with files reversed when they reverse cleanly.
func unapplied(t ksrc.Tree, files []*diffparse.File) (ksrc.Tree, bool) {
	if ok, _ := diffparse.AppliesInReverse(t, files); !ok {
		return nil, false
	}
	pre, err := Unapply(t, files)
	return pre, err == nil
}

// joinDesc appends to a base description.
func joinDesc(desc, more string) string {
	if desc == "" {
		return more
	}
	return desc + "; " + more
}

// inTreeNote says how a patch the tree already has was reviewed (without
// the tree's local path: the text is quoted in mail).
func inTreeNote(what string) string {
	return fmt.Sprintf("the tree given already has the %s: reviewed against it with the %s reversed (as git apply -R)", what, what)
}

// hunksOnly keeps the analyzer findings of a patch reviewed from its hunks
// alone (no tree, or the patch did not apply) that sit on a line the patch
// adds, and marks them: anything else describes code the patch did not
// change, seen through facts that may not match the tree the patch was
// written for.
func hunksOnly(fs []finding.Finding, files []*diffparse.File) []finding.Finding {
	var out []finding.Finding
	for _, f := range fs {
		if f.MailLine != 0 {
			// On the mail text (a litmus test in the commit message), not
			// on the tree: the hunks do not matter.
			out = append(out, f)
			continue
		}
		l, ok := diffparse.PostLine(files, f.File, f.Line)
		if !ok || l.Op != diffparse.Add {
			continue
		}
		f.HunksOnly = true
		out = append(out, f)
	}
	return out
}

// forgetPlacement clears what a failed Apply recorded in the hunks, so
// that a patch that did not apply reads as its headers state.
func forgetPlacement(files []*diffparse.File) {
	for _, f := range files {
		for _, h := range f.Hunks {
			h.Applied, h.AppliedOld, h.AppliedNew, h.Offset = false, 0, 0, 0
		}
	}
}
