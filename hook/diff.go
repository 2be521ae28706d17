// Package hook is rcureview's developer mode: it turns staged changes
// (the index against HEAD) or a commit range of a git repository into
// patches, reviews them against the repository's own tree, and installs a
// pre-commit hook that runs "rcureview check --staged". Everything is read
// with go-git, without a work tree scan.
package hook

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	fdiff "github.com/go-git/go-git/v5/plumbing/format/diff"
	udiff "github.com/go-git/go-git/v5/utils/diff"
	"github.com/sergi/go-diff/diffmatchpatch"
)

// go-git can diff two trees but not a tree against the index; its unified
// encoder takes any fdiff.Patch, so the types below feed it the changes
// found by comparing the index with HEAD (the same chunking as go-git's
// own object.Patch: utils/diff, line mode).

type gitFile struct {
	hash plumbing.Hash
	mode filemode.FileMode
	path string
}

func (f *gitFile) Hash() plumbing.Hash     { return f.hash }
func (f *gitFile) Mode() filemode.FileMode { return f.mode }
func (f *gitFile) Path() string            { return f.path }

type chunk struct {
	content string
	op      fdiff.Operation
}

func (c chunk) Content() string       { return c.content }
func (c chunk) Type() fdiff.Operation { return c.op }

type filePatch struct {
	from, to *gitFile
	binary   bool
	chunks   []fdiff.Chunk
}

func (p *filePatch) IsBinary() bool { return p.binary }
func (p *filePatch) Files() (fdiff.File, fdiff.File) {
	var from, to fdiff.File
	if p.from != nil {
		from = p.from
	}
	if p.to != nil {
		to = p.to
	}
	return from, to
}
func (p *filePatch) Chunks() []fdiff.Chunk { return p.chunks }

type patch struct{ files []fdiff.FilePatch }

func (p *patch) FilePatches() []fdiff.FilePatch { return p.files }
func (p *patch) Message() string                { return "" }

// diffTimeout bounds the line diff of one file.
const diffTimeout = 30 * time.Second

// newFilePatch diffs the contents of one file (nil side: created or deleted).
func newFilePatch(from, to *gitFile, old, cur []byte) *filePatch {
	fp := &filePatch{from: from, to: to}
	if bytes.IndexByte(old, 0) >= 0 || bytes.IndexByte(cur, 0) >= 0 {
		fp.binary = true
		return fp
	}
	for _, d := range udiff.DoWithTimeout(string(old), string(cur), diffTimeout) {
		op := fdiff.Equal
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			op = fdiff.Add
		case diffmatchpatch.DiffDelete:
			op = fdiff.Delete
		}
		fp.chunks = append(fp.chunks, chunk{d.Text, op})
	}
	return fp
}

// encode writes the patch as a git diff.
func encode(files []fdiff.FilePatch) (string, error) {
	var buf strings.Builder
	if err := fdiff.NewUnifiedEncoder(&buf, fdiff.DefaultContextLines).Encode(&patch{files: files}); err != nil {
		return "", fmt.Errorf("encode diff: %w", err)
	}
	return buf.String(), nil
}
