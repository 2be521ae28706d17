package analyzers

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
)

// Indexes is the helper analyzer that indexes the trees of a pass, once
// for all the analyzers that require it. Its result is an *Indexed.
//
// Without a tree the pre-patch index is the facts embedded from linux
// 6.12; without a post-patch tree (no tree given, or a patch that did not
// apply) the post-patch index is the pre-patch one with the patch's hunks
// skimmed over it. With no tree and no embedded facts it does not apply.
var Indexes = &Analyzer{
	Name:       "indexes",
	Doc:        "index the pre- and post-patch trees once per pass",
	ResultType: reflect.TypeOf((*Indexed)(nil)),
	Run:        runIndexes,
}

// Indexed is the result of Indexes.
type Indexed struct {
	Pre, Post *index.Index
	// Changed lists the definitions of Post the patch adds or changes.
	Changed []index.Changed
}

func runIndexes(pass *Pass) (any, error) {
	if pass.Provider == nil {
		return nil, errors.New("no index provider")
	}
	pre, err := pass.Provider.For(pass.Pre)
	if errors.Is(err, index.ErrNoEmbedded) {
		return nil, fmt.Errorf("%w: %v", ErrNotApplicable, err)
	}
	if err != nil {
		return nil, fmt.Errorf("index pre-patch tree: %w", err)
	}
	var post *index.Index
	if pass.Post == nil {
		post = pass.Provider.ForPatch(pre, pass.Files)
	} else if post, err = pass.Provider.For(pass.Post); err != nil {
		return nil, fmt.Errorf("index post-patch tree: %w", err)
	}
	return &Indexed{Pre: pre, Post: post, Changed: index.ChangedDefs(post, pass.Files)}, nil
}

// IndexesOf returns the result of Indexes in a pass that requires it.
func IndexesOf(pass *Pass) *Indexed {
	ix, _ := pass.ResultOf[Indexes].(*Indexed)
	return ix
}

// Effects is the helper analyzer that builds the effect summarizers
// (package rcueffects) of the pre- and post-patch code, once for all the
// analyzers that require it, under the pass's .config (or
// rcueffects.DefaultConfig). Its result is a *Summarizers. The post-patch
// text comes from the post-patch tree, or without a tree from the patch's
// hunks; it does not apply to a patch that did not apply onto the tree
// given.
var Effects = &Analyzer{
	Name:       "effects",
	Doc:        "effect summaries of the pre- and post-patch code, once per pass",
	Requires:   []*Analyzer{Indexes},
	ResultType: reflect.TypeOf((*Summarizers)(nil)),
	Run:        runEffects,
}

// Summarizers is the result of Effects. A Summarizer is not safe for
// concurrent use; the registry runs analyzers one at a time.
type Summarizers struct {
	Pre, Post *rcueffects.Summarizer
}

func runEffects(pass *Pass) (any, error) {
	if !pass.Applied() {
		return nil, fmt.Errorf("%w: the patch did not apply", ErrNotApplicable)
	}
	ix := IndexesOf(pass)
	return &Summarizers{
		Pre:  rcueffects.NewSummarizer(ix.Pre, rcueffects.NewSource(pass.Pre, nil), pass.Config),
		Post: rcueffects.NewSummarizer(ix.Post, rcueffects.NewSource(pass.Post, pass.Files), pass.Config),
	}, nil
}

// EffectsOf returns the result of Effects in a pass that requires it.
func EffectsOf(pass *Pass) *Summarizers {
	z, _ := pass.ResultOf[Effects].(*Summarizers)
	return z
}
