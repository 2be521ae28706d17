package review

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/mbox"
)

// chooseTryRev picks the base of a series among configured revisions
// (--try-rev A,B,…, a bot following several branches): the series'
// base-commit: when the repository has it and the whole series applies
// there, else the newest (by committer date) of the revisions where the
// whole series applies, else the given revision; when no candidate takes
// the whole series, the one where most patches apply (the first in that
// order on a tie). The description says which and how.
func chooseTryRev(s *mbox.Series, diffs [][]*diffparse.File, opt Options, g *ksrc.GitTree) seriesBase {
	list := strings.Join(opt.TryRevs, ",")
	var cands []seriesBase
	var notes []string
	if bc := baseCommit(s); bc != "" {
		if bt, err := g.At(bc); err == nil {
			cands = append(cands, seriesBase{tree: bt, desc: revOf(bt) + ", the series' base-commit"})
		} else {
			notes = append(notes, fmt.Sprintf("the series' base-commit %s is not in the repository", shortHash(bc)))
		}
	}
	var revs []*ksrc.GitTree
	for _, r := range opt.TryRevs {
		t, err := g.At(r)
		if err != nil {
			notes = append(notes, fmt.Sprintf("--try-rev %s is not in the repository", r))
			continue
		}
		revs = append(revs, t)
	}
	sort.SliceStable(revs, func(i, j int) bool { return revs[i].CommitTime().After(revs[j].CommitTime()) })
	for _, t := range revs {
		cands = append(cands, seriesBase{tree: t, desc: revOf(t) + ", the newest of --try-rev " + list + " where the series applies"})
	}
	cands = append(cands, seriesBase{tree: g, desc: revOf(g) + " (--rev; the series applies on none of --try-rev " + list + ")"})
	total := 0
	for _, fs := range diffs {
		if fs != nil {
			total++
		}
	}
	best, bestN := -1, -1
	for i, c := range cands {
		n := appliesCount(c.tree, diffs)
		if n == total {
			c.desc = joinNotes(c.desc, notes)
			return c
		}
		if n > bestN {
			best, bestN = i, n
		}
	}
	c := cands[best]
	c.desc = revOf(c.tree.(*ksrc.GitTree)) + fmt.Sprintf(" (%d of %d patches apply here, the most among --try-rev %s and --rev)", bestN, total, list)
	return seriesBase{tree: c.tree, desc: joinNotes(c.desc, notes)}
}

func joinNotes(desc string, notes []string) string {
	for _, n := range notes {
		desc += "; " + n
	}
	return desc
}
