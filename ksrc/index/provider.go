package index

import (
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/ksrc"
)

// Provider hands out indexes for the trees of one review: the base tree is
// built (or loaded from the cache) once, and every overlay on top of it is
// indexed by skimming only the files it changes. A Provider is safe for
// concurrent use.
type Provider struct {
	opt      Options
	mu       sync.Mutex
	memo     map[ksrc.Tree]*Index
	patches  map[*diffparse.File]*Index // ForPatch results, keyed by a patch's first file
	embedded func() (*Index, error)
}

// NewProvider returns a provider that builds indexes with opt. embedded,
// if not nil, supplies the index used when there is no tree.
func NewProvider(opt Options, embedded func() (*Index, error)) *Provider {
	return &Provider{opt: opt, memo: map[ksrc.Tree]*Index{}, patches: map[*diffparse.File]*Index{}, embedded: embedded}
}

// ForPatch returns pre with the patch's hunks skimmed over it (Fragments),
// the post-patch index of a review without a post-patch tree. It is built
// once per patch and shared by every analyzer that asks for it.
func (p *Provider) ForPatch(pre *Index, files []*diffparse.File) *Index {
	if len(files) == 0 {
		return pre
	}
	p.mu.Lock()
	ix, ok := p.patches[files[0]]
	p.mu.Unlock()
	if ok {
		return ix
	}
	ix = pre.With(Fragments(pre, files, p.opt.arch()), nil)
	p.mu.Lock()
	p.patches[files[0]] = ix
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
	ix, ok := p.memo[t]
	p.mu.Unlock()
	if ok {
		return ix, nil
	}
	var err error
	if o, isOverlay := t.(*ksrc.Overlay); isOverlay {
		ix, err = p.forOverlay(o)
	} else {
		ix, _, err = Build(t, p.opt)
	}
	if err != nil {
		return nil, err
	}
	p.mu.Lock()
	p.memo[t] = ix
	p.mu.Unlock()
	return ix, nil
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
