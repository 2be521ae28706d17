package litmus

import (
	"fmt"
	"os"
	"path/filepath"
)

// RCUTests selects the C tests of an index that use RCU.
func RCUTests(e Entry) bool { return e.Dialect == "C" && len(e.Features) > 0 }

// CTests selects every C test of an index.
func CTests(e Entry) bool { return e.Dialect == "C" }

// SweepIndex checks every test of root/INDEX.tsv that sel accepts, calling
// each (if not nil) with every result, and returns the summary against the
// index's expected verdicts.
func SweepIndex(root string, sel func(Entry) bool, opt Options, each func(Entry, Result)) (Summary, error) {
	var sum Summary
	ents, err := LoadIndex(root)
	if err != nil {
		return sum, fmt.Errorf("sweep: %w", err)
	}
	for _, e := range ents {
		if sel != nil && !sel(e) {
			continue
		}
		r := CheckFile(filepath.Join(root, e.Path), opt)
		r.File = e.Path
		sum.Add(r, e.Expected)
		if each != nil {
			each(e, r)
		}
	}
	return sum, nil
}

// Expectations maps the files of the corpus index found in dir or its
// nearest ancestor holding an INDEX.tsv, by absolute path, to their expected
// verdicts; it is empty without an index.
func Expectations(dir string) map[string]Verdict {
	out := map[string]Verdict{}
	root, err := filepath.Abs(dir)
	if err != nil {
		return out
	}
	for {
		if _, err := os.Stat(filepath.Join(root, "INDEX.tsv")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return out
		}
		root = parent
	}
	ents, err := LoadIndex(root)
	if err != nil {
		return out
	}
	for _, e := range ents {
		out[filepath.Join(root, e.Path)] = e.Expected
	}
	return out
}
