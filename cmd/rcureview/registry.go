package main

import (
	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/analyzers/rcuflavor"
	"github.com/rcureview/rcureview/analyzers/rcumodelcheck"
	"github.com/rcureview/rcureview/analyzers/rcuusage"
	"github.com/rcureview/rcureview/ksrc/index"
)

// defaultRegistry lists the analyzers "review" runs. Adding an analyzer is
// adding it here. All analyzers share one index
// provider, so the base tree is indexed (or loaded from the cache) once
// per review and each patch re-indexes only the files it changes.
func defaultRegistry() (*analyzers.Registry, error) {
	opt := index.Options{}
	if c, err := index.DefaultCache(); err == nil {
		opt.Cache = c
	}
	p := index.NewProvider(opt, index.Embedded())
	return analyzers.NewRegistry(notrace.New(p), noinstr.New(p), rcumodelcheck.New(p), rcuusage.New(p), rcuflavor.New(p))
}
