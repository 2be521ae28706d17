package main

import (
	"errors"
	"flag"
	"fmt"

	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// treeFlag names one of the options of treeFlags.
type treeFlag uint

const (
	flagTree   treeFlag = 1 << iota // --tree DIR
	flagGit                         // --git DIR, with --rev REV
	flagArch                        // --arch ARCH
	flagCache                       // --cache DIR and --no-cache
	flagConfig                      // --config FILE|NAME
	// flagRepo is --git naming the repository a command works in (check,
	// hook; default "."), not a kernel tree to read; no --rev.
	flagRepo
	// flagTryRev is --try-rev A,B,…: more revisions of --git a series may
	// apply to (review, bot).
	flagTryRev

	// kernelTree is what the commands that read a kernel tree take.
	kernelTree = flagTree | flagGit | flagArch | flagCache | flagConfig
)

// treeFlags are the options that select the kernel tree and how it is
// indexed: --tree, --git and --rev, --arch, --cache and --no-cache,
// --config. Every command that takes one of them registers it from here,
// so that they mean the same everywhere (an index "rcureview index --arch
// A --cache D" built is the one "review --arch A --cache D" reads).
type treeFlags struct {
	tree, git, rev, arch, cache, config string
	tryRev                              string
	noCache                             bool
	set                                 *flag.FlagSet
}

// treeUse says what a command does with the tree and the configuration,
// for the flags' help ("" keeps the generic text).
type treeUse struct {
	tree, config string
}

// register adds the options in which to fs.
func (t *treeFlags) register(fs *flag.FlagSet, which treeFlag, use treeUse) {
	t.set = fs
	if which&flagTree != 0 {
		doc := "kernel source `DIR`"
		if use.tree != "" {
			doc += " " + use.tree
		}
		fs.StringVar(&t.tree, "tree", "", doc)
	}
	if which&flagGit != 0 {
		fs.StringVar(&t.git, "git", "", "kernel git repository `DIR`, read with go-git at --rev (no checkout); instead of --tree")
		fs.StringVar(&t.rev, "rev", "HEAD", "`REV`ision of --git")
	}
	if which&flagTryRev != 0 {
		fs.StringVar(&t.tryRev, "try-rev", "", "revisions `A,B,…` of --git a series may apply to: the newest where it applies is its base (after its base-commit:, before --rev)")
	}
	if which&flagRepo != 0 {
		fs.StringVar(&t.git, "git", ".", "git repository `DIR` (a work tree, a subdirectory of one, or a git dir)")
	}
	if which&flagArch != 0 {
		fs.StringVar(&t.arch, "arch", "x86", "`ARCH`itecture of the tree: its arch/ directory and Kconfig are read and indexed")
	}
	if which&flagCache != 0 {
		fs.StringVar(&t.cache, "cache", "", "index cache `DIR` (default: the user cache directory's rcureview/index), as \"rcureview index --cache\" fills it")
		fs.BoolVar(&t.noCache, "no-cache", false, "do not read or write the index cache")
	}
	if which&flagConfig != 0 {
		doc := "kernel .config `FILE` (plain, .xz or .gz) or configuration name (debian-amd64, debian-rt, debian-cloud)"
		if use.config != "" {
			doc += ": " + use.config
		}
		fs.StringVar(&t.config, "config", "", doc)
	}
}

// revGiven says whether --rev was on the command line (or in the options
// file), rather than its default.
func (t *treeFlags) revGiven() bool {
	given := false
	if t.set != nil {
		t.set.Visit(func(f *flag.Flag) { given = given || f.Name == "rev" })
	}
	return given
}

// check rejects options that exclude each other.
func (t *treeFlags) check() error {
	if t.tree != "" && t.git != "" && t.set != nil && t.set.Lookup("rev") != nil {
		return errors.New("--tree and --git exclude each other")
	}
	if t.tryRev != "" && t.git == "" {
		return errors.New("--try-rev needs --git")
	}
	return nil
}

// tryRevs are the revisions --try-rev names.
func (t *treeFlags) tryRevs() []string { return splitList(t.tryRev) }

// open opens the kernel tree the options name; nil when they name none.
func (t *treeFlags) open() (ksrc.Tree, error) {
	switch {
	case t.tree != "":
		tr, err := ksrc.OpenDir(t.tree)
		if err != nil {
			return nil, fmt.Errorf("--tree %s: %w", t.tree, err)
		}
		return tr, nil
	case t.git != "":
		tr, err := ksrc.OpenGit(t.git, t.rev)
		if err != nil {
			return nil, fmt.Errorf("--git %s --rev %s: %w", t.git, t.rev, err)
		}
		return tr, nil
	}
	return nil, nil
}

// indexOptions are the index options of the flags: the architecture and
// the cache (--cache, else the user cache; none with --no-cache).
func (t *treeFlags) indexOptions() (index.Options, error) {
	opt := index.Options{Arch: t.arch}
	switch {
	case t.noCache:
	case t.cache != "":
		opt.Cache = &index.Cache{Dir: t.cache}
	default:
		c, err := index.DefaultCache()
		if err != nil {
			return opt, err
		}
		opt.Cache = c
	}
	return opt, nil
}

// indexes returns the index provider of a review session: all analyzers
// share it, so the base tree is indexed (or loaded from the cache) once
// and each patch re-indexes only the files it changes. Without a usable
// user cache directory the provider indexes without a cache.
func (t *treeFlags) indexes() *index.Provider {
	opt, err := t.indexOptions()
	if err != nil {
		opt.Cache = nil
	}
	return index.NewProvider(opt, index.Embedded())
}

// loadConfig reads --config; nil when it is not given.
func (t *treeFlags) loadConfig() (*kconfig.Config, error) {
	if t.config == "" {
		return nil, nil
	}
	c, err := kconfig.Load(t.config)
	if err != nil {
		return nil, fmt.Errorf("--config %w", err)
	}
	return c, nil
}
