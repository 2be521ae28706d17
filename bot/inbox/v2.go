package inbox

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// MaxMessageSize bounds one message read from any source; larger items
// are skipped with a problem.
const MaxMessageSize = 64 << 20

// emptyBlob is the hash of the empty blob, which a purge leaves in "m".
var emptyBlob = plumbing.NewHash("e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")

// maxWalk bounds the commits walked in one epoch per Read (lore's largest
// epochs hold well under a million commits).
const maxWalk = 10_000_000

// V2 reads a public-inbox v2 archive: each epoch git/N.git is a bare
// repository whose branch master is a linear history of commits, each
// tree holding one file: "m" (a message) or "d" (a message removed by
// public-inbox-learn rm); public-inbox-purge rewrites the history from the
// purged message on, leaving an empty "m" in its place. The cursor holds
// the last commit read per epoch; a cursor commit that is no longer in the
// history means the epoch was rewritten, and the whole epoch is re-read
// (items are keyed by blob, so the caller's seen set skips what it had).
//
// Opened epochs are kept between reads (go-git then loads each pack index
// once; it lists packs and reads refs from disk on every lookup, so new
// messages are seen); an epoch that fails to read is reopened once.
type V2 struct {
	dir   string
	repos map[int]*git.Repository
}

// NewV2 returns a reader of the public-inbox v2 archive in dir.
func NewV2(dir string) *V2 { return &V2{dir: dir, repos: map[int]*git.Repository{}} }

// String names the archive.
func (v *V2) String() string { return "public-inbox-v2:" + v.dir }

// Epochs lists the epoch numbers present under git/, ascending.
func (v *V2) Epochs() ([]int, error) {
	ents, err := os.ReadDir(filepath.Join(v.dir, "git"))
	if err != nil {
		return nil, fmt.Errorf("list epochs of %s: %w", v.dir, err)
	}
	var out []int
	for _, e := range ents {
		name, ok := strings.CutSuffix(e.Name(), ".git")
		if !ok || !e.IsDir() {
			continue
		}
		n, err := strconv.Atoi(name)
		if err != nil || n < 0 || strconv.Itoa(n) != name {
			continue
		}
		out = append(out, n)
	}
	sort.Ints(out)
	return out, nil
}

func cursorKey(epoch int) string { return "v2:" + strconv.Itoa(epoch) }

// Read returns up to max new items, oldest first, epoch by epoch.
func (v *V2) Read(cur Cursor, seen func(string) bool, max int) (*Batch, error) {
	if max <= 0 {
		max = 1
	}
	epochs, err := v.Epochs()
	if err != nil {
		return nil, err
	}
	b := &Batch{Cursor: cur.Clone()}
	for _, ep := range epochs {
		done, err := v.readEpoch(ep, b, seen, max)
		if err != nil && v.repos[ep] != nil {
			// A repack or rewrite may have removed what the cached
			// repository knew: read the epoch again from a fresh open.
			delete(v.repos, ep)
			b.Cursor[cursorKey(ep)] = cur[cursorKey(ep)]
			done, err = v.readEpoch(ep, b, seen, max)
		}
		if err != nil {
			return nil, err
		}
		if !done {
			b.More = true
			break
		}
	}
	return b, nil
}

// readEpoch appends the epoch's new items to b; it returns false when it
// stopped because b is full.
func (v *V2) readEpoch(ep int, b *Batch, seen func(string) bool, max int) (bool, error) {
	repo, err := v.open(ep)
	if err != nil {
		return false, err
	}
	head, err := epochHead(repo)
	if errors.Is(err, plumbing.ErrReferenceNotFound) {
		return true, nil // a new epoch without commits yet
	}
	if err != nil {
		return false, fmt.Errorf("epoch %d: %w", ep, err)
	}
	key := cursorKey(ep)
	last := b.Cursor[key]
	if last == head.String() {
		return true, nil
	}
	commits, found, err := walkBack(repo, head, last)
	if err != nil {
		return false, fmt.Errorf("epoch %d: %w", ep, err)
	}
	prefix := "v2/" + strconv.Itoa(ep) + "/"
	if last != "" && !found {
		// History rewritten (purge): every commit is a candidate again.
		present, err := presentKeys(repo, commits, prefix)
		if err != nil {
			return false, fmt.Errorf("epoch %d rescan: %w", ep, err)
		}
		b.Rescans = append(b.Rescans, Rescan{Prefix: prefix + "m/", Present: present})
	}
	for i := len(commits) - 1; i >= 0; i-- {
		if len(b.Items) >= max {
			return false, nil
		}
		items, probs := commitItems(repo, commits[i], prefix, seen)
		b.Items = append(b.Items, items...)
		b.Problems = append(b.Problems, probs...)
		b.Cursor[key] = commits[i].String()
	}
	return true, nil
}

func (v *V2) open(ep int) (*git.Repository, error) {
	if r, ok := v.repos[ep]; ok {
		return r, nil
	}
	gitDir := filepath.Join(v.dir, "git", strconv.Itoa(ep)+".git")
	r, err := git.PlainOpen(gitDir)
	if err != nil {
		return nil, fmt.Errorf("open epoch %s: %w", gitDir, err)
	}
	if v.repos == nil {
		v.repos = map[int]*git.Repository{}
	}
	v.repos[ep] = r
	return r, nil
}

func epochHead(repo *git.Repository) (plumbing.Hash, error) {
	for _, name := range []plumbing.ReferenceName{"refs/heads/master", plumbing.HEAD} {
		ref, err := repo.Reference(name, true)
		if err == nil {
			return ref.Hash(), nil
		}
		if !errors.Is(err, plumbing.ErrReferenceNotFound) {
			return plumbing.ZeroHash, fmt.Errorf("resolve %s: %w", name, err)
		}
	}
	return plumbing.ZeroHash, plumbing.ErrReferenceNotFound
}

// walkBack follows first parents from head until the commit named stop
// (exclusive). It returns the commits newest first and whether stop was met.
func walkBack(repo *git.Repository, head plumbing.Hash, stop string) ([]plumbing.Hash, bool, error) {
	var out []plumbing.Hash
	h := head
	for n := 0; n < maxWalk; n++ {
		if h.String() == stop {
			return out, true, nil
		}
		c, err := repo.CommitObject(h)
		if err != nil {
			return nil, false, fmt.Errorf("read commit %s: %w", h, err)
		}
		out = append(out, h)
		if len(c.ParentHashes) == 0 {
			return out, false, nil
		}
		h = c.ParentHashes[0]
	}
	return nil, false, fmt.Errorf("history longer than %d commits", maxWalk)
}

// entries returns the "m" and "d" entries of a commit's tree.
func entries(repo *git.Repository, h plumbing.Hash) (m, d *object.TreeEntry, err error) {
	c, err := repo.CommitObject(h)
	if err != nil {
		return nil, nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	t, err := c.Tree()
	if err != nil {
		return nil, nil, fmt.Errorf("read tree of %s: %w", h, err)
	}
	for i := range t.Entries {
		e := &t.Entries[i]
		switch e.Name {
		case "m":
			m = e
		case "d":
			d = e
		}
	}
	return m, d, nil
}

// presentKeys lists the message keys of every commit.
func presentKeys(repo *git.Repository, commits []plumbing.Hash, prefix string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, h := range commits {
		m, _, err := entries(repo, h)
		if err != nil {
			return nil, err
		}
		if m != nil && m.Hash != emptyBlob {
			out[prefix+"m/"+m.Hash.String()] = true
		}
	}
	return out, nil
}

// commitItems returns the unseen items of one commit. Unreadable objects
// are reported as problems, not errors, so that one bad commit does not
// stop the archive.
func commitItems(repo *git.Repository, h plumbing.Hash, prefix string, seen func(string) bool) ([]Item, []string) {
	m, d, err := entries(repo, h)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var items []Item
	var probs []string
	add := func(e *object.TreeEntry, kind string, deleted bool) {
		key := prefix + kind + "/" + e.Hash.String()
		if seen != nil && seen(key) {
			return
		}
		data, err := readBlob(repo, e.Hash)
		if err != nil {
			probs = append(probs, fmt.Sprintf("commit %s: %v", h, err))
			return
		}
		if len(data) == 0 {
			return // a purged message leaves an empty "m"
		}
		items = append(items, Item{Key: key, Data: data, Deleted: deleted})
	}
	if d != nil {
		add(d, "d", true)
	}
	if m != nil {
		add(m, "m", false)
	}
	return items, probs
}

func readBlob(repo *git.Repository, h plumbing.Hash) ([]byte, error) {
	blob, err := repo.BlobObject(h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	if blob.Size > MaxMessageSize {
		return nil, fmt.Errorf("blob %s: message of %d bytes exceeds %d", h, blob.Size, MaxMessageSize)
	}
	r, err := blob.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	return data, nil
}
