package hook

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/rcureview/rcureview/mbox"
)

// maxRange bounds the commits of a range.
const maxRange = 5000

// CommitPatch is one commit of a range as a patch: what "git format-patch"
// would write of it, as values.
type CommitPatch struct {
	Hash         string
	Parent       string // "" for a root commit
	Subject      string // the commit's title
	Index, Total int    // its place in the range, "[PATCH Index/Total]"
	Author       mbox.Address
	Date         time.Time
	Message      string // the commit message after the title
	Diff         string // the commit against its first parent, as a git diff
}

// formatPatchHeaderLines counts the lines "git format-patch" writes before
// the commit message (From_ line, From:, Date:, Subject:, blank line):
// report positions count the lines of that mail.
const formatPatchHeaderLines = 5

// ParseRange splits "A..B" (B defaults to HEAD, A must be given).
func ParseRange(spec string) (from, to string, err error) {
	a, b, ok := strings.Cut(spec, "..")
	if !ok || a == "" || strings.HasPrefix(b, ".") {
		return "", "", fmt.Errorf("range %q: want A..B", spec)
	}
	if b == "" {
		b = "HEAD"
	}
	return a, b, nil
}

// RangeCommits returns the non-merge commits reachable from B but not
// from A ("git rev-list --no-merges A..B"), oldest first, each as a
// format-patch patch "[PATCH n/N]".
func RangeCommits(r *git.Repository, spec string) ([]*CommitPatch, error) {
	a, b, err := ParseRange(spec)
	if err != nil {
		return nil, err
	}
	from, err := resolve(r, a)
	if err != nil {
		return nil, err
	}
	to, err := resolve(r, b)
	if err != nil {
		return nil, err
	}
	exclude, err := ancestorsOfBases(r, from, to)
	if err != nil {
		return nil, err
	}
	var order []*object.Commit
	seen := map[plumbing.Hash]bool{}
	stack := []plumbing.Hash{to.Hash}
	for len(stack) > 0 {
		h := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[h] || exclude[h] {
			continue
		}
		seen[h] = true
		if len(seen) > maxRange {
			return nil, fmt.Errorf("range %s: more than %d commits", spec, maxRange)
		}
		c, err := r.CommitObject(h)
		if err != nil {
			return nil, fmt.Errorf("range %s: %w", spec, err)
		}
		order = append(order, c)
		stack = append(stack, c.ParentHashes...)
	}
	// Oldest first: parents before children (commit time, then depth).
	sort.SliceStable(order, func(i, j int) bool {
		return order[i].Committer.When.Before(order[j].Committer.When)
	})
	order = topoFix(order)
	var out []*CommitPatch
	var commits []*object.Commit
	for _, c := range order {
		if len(c.ParentHashes) <= 1 {
			commits = append(commits, c)
		}
	}
	for i, c := range commits {
		cp, err := commitPatch(c, i+1, len(commits))
		if err != nil {
			return nil, err
		}
		out = append(out, cp)
	}
	return out, nil
}

// topoFix moves every commit after its parents within the list (commit
// times can lie).
func topoFix(list []*object.Commit) []*object.Commit {
	in := map[plumbing.Hash]bool{}
	for _, c := range list {
		in[c.Hash] = true
	}
	placed := map[plumbing.Hash]bool{}
	var out []*object.Commit
	var visit func(c *object.Commit, depth int)
	byHash := map[plumbing.Hash]*object.Commit{}
	for _, c := range list {
		byHash[c.Hash] = c
	}
	visit = func(c *object.Commit, depth int) {
		if placed[c.Hash] || depth > maxRange {
			return
		}
		placed[c.Hash] = true
		for _, p := range c.ParentHashes {
			if pc, ok := byHash[p]; ok {
				visit(pc, depth+1)
			}
		}
		out = append(out, c)
	}
	for _, c := range list {
		visit(c, 0)
	}
	return out
}

func resolve(r *git.Repository, rev string) (*object.Commit, error) {
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", rev, err)
	}
	c, err := r.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("resolve %s: %w", rev, err)
	}
	return c, nil
}

// ancestorsOfBases returns the merge bases of a and b, which stop the
// walk from b (everything behind them is reachable from a).
func ancestorsOfBases(r *git.Repository, a, b *object.Commit) (map[plumbing.Hash]bool, error) {
	out := map[plumbing.Hash]bool{a.Hash: true}
	bases, err := a.MergeBase(b)
	if err != nil {
		return nil, fmt.Errorf("merge base of %s and %s: %w", a.Hash, b.Hash, err)
	}
	for _, c := range bases {
		out[c.Hash] = true
	}
	return out, nil
}

// commitPatch takes what git format-patch would write of a commit.
func commitPatch(c *object.Commit, n, total int) (*CommitPatch, error) {
	cp := &CommitPatch{Hash: c.Hash.String()}
	var diff string
	if len(c.ParentHashes) == 0 {
		t, err := c.Tree()
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
		changes, err := object.DiffTreeWithOptions(context.Background(), nil, t, object.DefaultDiffTreeOptions)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
		p, err := changes.Patch()
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
		diff = p.String()
	} else {
		parent, err := c.Parent(0)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
		cp.Parent = parent.Hash.String()
		p, err := parent.Patch(c)
		if err != nil {
			return nil, fmt.Errorf("commit %s: %w", c.Hash, err)
		}
		diff = p.String()
	}
	title, body, _ := strings.Cut(strings.TrimLeft(c.Message, "\n"), "\n")
	cp.Subject = strings.TrimSpace(title)
	cp.Index, cp.Total = n, total
	cp.Author = mbox.Address{Name: c.Author.Name, Email: c.Author.Email}
	cp.Date = c.Author.When
	cp.Message = strings.Trim(body, "\n")
	cp.Diff = diff
	return cp, nil
}
