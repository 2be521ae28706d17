package main

import (
	"github.com/rcureview/rcureview/ksrc/index"
)

// defaultIndexes returns the index provider of a review: all analyzers
// share it, so the base tree is indexed (or loaded from the user cache)
// once per review and each patch re-indexes only the files it changes.
// arch is the architecture whose arch/ directory and Kconfig are read
// ("" for x86).
func defaultIndexes(arch string) *index.Provider {
	opt := index.Options{Arch: arch}
	if c, err := index.DefaultCache(); err == nil {
		opt.Cache = c
	}
	return index.NewProvider(opt, index.Embedded())
}
