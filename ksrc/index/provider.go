package index

import (
	"container/list"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/ksrc"
)

// DefaultMaxTrees is the number of tree indexes a Provider keeps when
// Options.MaxTrees is 0: the base tree, a few base-commits, and the
// post-patch trees of the series under review (each a thin layer over its
// base).
const DefaultMaxTrees = 16

// Provider hands out indexes for the trees of a review session: the base
// tree is built (or loaded from the cache) once, and every overlay on top
// of it is indexed by skimming only the files it changes. It memoises the
// indexes it made, the least recently used dropped first past
// Options.MaxTrees (and as many patched indexes, see ForPatch), so that a
// long-lived session (the bot daemon) keeps the indexes its current work
// needs and not those of every series it reviewed. A Provider is safe for
// concurrent use.
type Provider struct {
	opt      Options
	mu       sync.Mutex
	memo     *lru[ksrc.Tree, *Index]
	building map[ksrc.Tree]*flight         // builds in progress
	patches  *lru[*diffparse.File, *Index] // ForPatch results, keyed by a patch's first file
	embedded func() (*Index, error)
}

// NewProvider returns a provider that builds indexes with opt. embedded,
// if not nil, supplies the index used when there is no tree.
func NewProvider(opt Options, embedded func() (*Index, error)) *Provider {
	n := opt.MaxTrees
	if n <= 0 {
		n = DefaultMaxTrees
	}
	return &Provider{opt: opt, memo: newLRU[ksrc.Tree, *Index](n), patches: newLRU[*diffparse.File, *Index](n), embedded: embedded}
}

// Memoised returns how many tree indexes and patched indexes the provider
// keeps.
func (p *Provider) Memoised() (trees, patches int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.memo.len(), p.patches.len()
}

// ForPatch returns pre with the patch's hunks skimmed over it (Fragments),
// the post-patch index of a review without a post-patch tree. It is built
// once per patch and shared by every analyzer that asks for it.
func (p *Provider) ForPatch(pre *Index, files []*diffparse.File) *Index {
	if len(files) == 0 {
		return pre
	}
	p.mu.Lock()
	ix, ok := p.patches.get(files[0])
	p.mu.Unlock()
	if ok {
		return ix
	}
	ix = pre.With(Fragments(pre, files, p.opt.arch()), nil)
	p.mu.Lock()
	p.patches.put(files[0], ix)
	p.mu.Unlock()
	return ix
}

// For returns the index of a tree; nil gives the embedded index, or an
// error wrapping ErrNoEmbedded when the provider has none.
func (p *Provider) For(t ksrc.Tree) (*Index, error) {
	if t == nil {
		if p.embedded == nil {
			return nil, fmt.Errorf("no kernel tree: %w", ErrNoEmbedded)
		}
		return p.embedded()
	}
	p.mu.Lock()
	ix, ok := p.memo.get(t)
	if ok {
		p.mu.Unlock()
		return ix, nil
	}
	// one build per tree: a caller that comes while it runs waits for it
	if f, busy := p.building[t]; busy {
		p.mu.Unlock()
		<-f.done
		return f.ix, f.err
	}
	f := &flight{done: make(chan struct{})}
	if p.building == nil {
		p.building = map[ksrc.Tree]*flight{}
	}
	p.building[t] = f
	p.mu.Unlock()
	if o, isOverlay := t.(*ksrc.Overlay); isOverlay {
		f.ix, f.err = p.forOverlay(o)
	} else {
		f.ix, _, f.err = Build(t, p.opt)
	}
	p.mu.Lock()
	delete(p.building, t)
	if f.err == nil {
		p.memo.put(t, f.ix)
	}
	p.mu.Unlock()
	close(f.done)
	return f.ix, f.err
}

// flight is a build of a tree's index in progress.
type flight struct {
	done chan struct{}
	ix   *Index
	err  error
}

// Prefetch starts building (or loading) the index of a tree in the
// background, so that it overlaps the work a caller does before it asks
// For it (reading and parsing the patches); For waits for it.
func (p *Provider) Prefetch(t ksrc.Tree) {
	if t == nil {
		return
	}
	go p.For(t) // the error is For's to report to whoever asks
}

// PrefetchKconfig is Prefetch that also reads the tree's Kconfig model
// once its index is there: a review without a .config asks it whether
// each chain's conditions can hold, and validating the model (a stat of
// every Kconfig file of a directory tree) then overlaps the reading of
// the patches instead of the first analyzer's walk.
func (p *Provider) PrefetchKconfig(t ksrc.Tree) {
	if t == nil {
		return
	}
	go func() {
		if ix, err := p.For(t); err == nil {
			ix.Kconfig()
		}
	}()
}

func (p *Provider) forOverlay(o *ksrc.Overlay) (*Index, error) {
	base, err := p.For(o.Base())
	if err != nil {
		return nil, err
	}
	var changed []*FileFacts
	var deleted []string
	var sk Skimmer
	for _, path := range o.Changed() {
		if !Wanted(path, p.opt.arch()) {
			continue
		}
		data, err := o.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			deleted = append(deleted, path)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("index %s: %w", path, err)
		}
		f := sk.SkimFile(path, data)
		f.Key = "overlay"
		changed = append(changed, f)
	}
	ix := base.With(changed, deleted)
	ix.Source = o.Describe()
	return ix, nil
}

// lru is a map that keeps its max most recently used entries.
type lru[K comparable, V any] struct {
	max   int
	order *list.List // of lruEntry, most recently used first
	items map[K]*list.Element
}

type lruEntry[K comparable, V any] struct {
	key K
	val V
}

func newLRU[K comparable, V any](max int) *lru[K, V] {
	return &lru[K, V]{max: max, order: list.New(), items: map[K]*list.Element{}}
}

func (l *lru[K, V]) get(k K) (V, bool) {
	e, ok := l.items[k]
	if !ok {
		var zero V
		return zero, false
	}
	l.order.MoveToFront(e)
	return e.Value.(lruEntry[K, V]).val, true
}

func (l *lru[K, V]) put(k K, v V) {
	if e, ok := l.items[k]; ok {
		e.Value = lruEntry[K, V]{k, v}
		l.order.MoveToFront(e)
		return
	}
	l.items[k] = l.order.PushFront(lruEntry[K, V]{k, v})
	for l.order.Len() > l.max {
		last := l.order.Back()
		l.order.Remove(last)
		delete(l.items, last.Value.(lruEntry[K, V]).key)
	}
}

// values returns the entries' values, most recently used first.
func (l *lru[K, V]) values() []V {
	var vs []V
	for e := l.order.Front(); e != nil; e = e.Next() {
		vs = append(vs, e.Value.(lruEntry[K, V]).val)
	}
	return vs
}

func (l *lru[K, V]) len() int { return l.order.Len() }
