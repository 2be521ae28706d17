package lkmm

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// Model is the memory model tests are checked against: the kernel API of
// linux-kernel.def (the tree's when given) and the model files encoded in
// this package (those of Linux 6.12).
type Model struct {
	Macros *litmus.MacroTable
	// Source says where the API table came from.
	Source string
	// Note is non-empty when the tree's model files differ from the ones
	// encoded here; verdicts then follow Linux 6.12's model.
	Note string
}

// encodedFiles are the SHA-256 sums of Linux 6.12's model files, which
// model.go and check.go encode.
var encodedFiles = map[string]string{
	"linux-kernel.bell": "3a882ae3b3af95537f15ba0ca8f2572f3a16d16a349268b2117f0e1fc98794de",
	"linux-kernel.cat":  "7a4dd2a8646d7ede296d9e6ef156a5b99e9d1176f35bddafa822086eb5be68e8",
	"lock.cat":          "a51a7f04ae3afea610253a04f4c930eced36c6141ba834517f9b0e2755057a79",
}

// DefaultModel is Linux 6.12's model with its API table.
func DefaultModel() *Model {
	m := litmus.DefaultMacros()
	return &Model{Macros: m, Source: m.Source}
}

// LoadModel reads tools/memory-model of a kernel tree: its
// linux-kernel.def is used, and its model files are compared with the
// encoded ones.
func LoadModel(tree string) (*Model, error) {
	return ModelFrom(func(p string) ([]byte, error) { return os.ReadFile(filepath.Join(tree, p)) }, tree)
}

// ModelFrom is LoadModel for a tree read through read (paths relative to
// the tree's root); name names the tree in messages.
func ModelFrom(read func(path string) ([]byte, error), name string) (*Model, error) {
	dir := "tools/memory-model"
	def, err := read(dir + "/linux-kernel.def")
	if err != nil {
		return nil, fmt.Errorf("model: %w", err)
	}
	macros, err := litmus.ParseMacros(def, name+"/"+dir+"/linux-kernel.def")
	if err != nil {
		return nil, err
	}
	mod := &Model{Macros: macros, Source: macros.Source}
	var differ []string
	for _, f := range []string{"linux-kernel.bell", "linux-kernel.cat", "lock.cat"} {
		b, err := read(dir + "/" + f)
		if err != nil {
			return nil, fmt.Errorf("model: %w", err)
		}
		sum := sha256.Sum256(b)
		if hex.EncodeToString(sum[:]) != encodedFiles[f] {
			differ = append(differ, f)
		}
	}
	if len(differ) > 0 {
		mod.Note = fmt.Sprintf("%s of %s differ from Linux 6.12's; verdicts follow the 6.12 model", strings.Join(differ, ", "), name+"/"+dir)
	}
	return mod, nil
}

// ParseOptions returns the parser options for this model.
func (m *Model) ParseOptions(lim litmus.Limits) litmus.Options {
	return litmus.Options{Macros: m.Macros, Limits: lim}
}

// CheckSource parses and checks the text of one test.
func (m *Model) CheckSource(src []byte, opt Options) Result {
	t, err := litmus.Parse(src, m.ParseOptions(opt.Limits))
	if err != nil {
		name := ""
		if h, ok := litmus.Header(src); ok {
			name = h
		}
		return errorResult(Result{Name: name}, err)
	}
	return Check(t, opt)
}

// CheckFile reads, parses and checks one test file.
func (m *Model) CheckFile(path string, opt Options) Result {
	src, err := os.ReadFile(path)
	if err != nil {
		return Result{Name: strings.TrimSuffix(filepath.Base(path), ".litmus"), File: path, Verdict: Invalid, Reason: fmt.Sprintf("read: %v", err)}
	}
	r := m.CheckSource(src, opt)
	if r.Name == "" {
		r.Name = strings.TrimSuffix(filepath.Base(path), ".litmus")
	}
	r.File = path
	return r
}
