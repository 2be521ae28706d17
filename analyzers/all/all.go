// Package all lists the analyzers rcureview runs: the registry of "review",
// "check" and the bot, and of the tests that claim to match them. It
// defines no analyzer itself.
package all

import (
	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/lkmmlitmus"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/analyzers/rcuflavor"
	"github.com/rcureview/rcureview/analyzers/rcumodelcheck"
	"github.com/rcureview/rcureview/analyzers/rcuprotect"
	"github.com/rcureview/rcureview/analyzers/rcuusage"
)

// Analyzers returns the analyzers rcureview runs. Adding an analyzer is
// adding it here.
func Analyzers() []*analyzers.Analyzer {
	return []*analyzers.Analyzer{notrace.Analyzer, noinstr.Analyzer, rcumodelcheck.Analyzer, rcuusage.Analyzer, rcuflavor.Analyzer, rcuprotect.Analyzer, lkmmlitmus.Analyzer}
}

// Registry returns a registry of Analyzers.
func Registry() (*analyzers.Registry, error) { return analyzers.NewRegistry(Analyzers()...) }
