package main

import "github.com/rcureview/rcureview/analyzers"

// defaultRegistry lists the analyzers "review" runs. Adding an analyzer is
// adding it here.
func defaultRegistry() (*analyzers.Registry, error) {
	return analyzers.NewRegistry()
}
