package diffparse

import (
	"errors"
	"fmt"
)

// Reverse returns the patch that undoes files, as git apply -R reads a
// patch: old and new names, modes, creation and deletion swapped, every
// hunk with its added and deleted lines exchanged, and the files in
// reverse order. files is not modified; the returned hunks have no Apply
// results yet. A binary file is reversed with the reverse fragment the
// patch carries (git diff --binary writes one); without it the reversed
// file cannot be applied (ErrBinary).
func Reverse(files []*File) []*File {
	out := make([]*File, 0, len(files))
	for i := len(files) - 1; i >= 0; i-- {
		f := files[i]
		if f == nil {
			continue
		}
		r := &File{
			OldName: f.NewName, NewName: f.OldName,
			IsNew: f.IsDelete, IsDelete: f.IsNew,
			IsRename: f.IsRename, IsCopy: f.IsCopy, IsBinary: f.IsBinary,
			OldMode: f.NewMode, NewMode: f.OldMode,
			CRLF: f.CRLF, PatchLine: f.PatchLine, Score: f.Score,
		}
		if f.IsCopy {
			// Undoing a copy removes the copy; its content is the
			// copy's post-image, which the hunks do not hold in full.
			r.IsCopy, r.IsDelete, r.OldName, r.NewName = false, true, f.NewName, ""
		}
		if f.bin != nil && f.bin.file.ReverseBinaryFragment != nil {
			gf := *f.bin.file
			gf.BinaryFragment, gf.ReverseBinaryFragment = f.bin.file.ReverseBinaryFragment, f.bin.file.BinaryFragment
			r.bin = &binaryData{file: &gf}
			r.BinarySize = gf.BinaryFragment.Size
		}
		for _, h := range f.Hunks {
			if h != nil {
				r.Hunks = append(r.Hunks, reverseHunk(h))
			}
		}
		out = append(out, r)
	}
	return out
}

func reverseHunk(h *Hunk) *Hunk {
	r := &Hunk{
		Index:    h.Index,
		OldStart: h.NewStart, OldLines: h.NewLines,
		NewStart: h.OldStart, NewLines: h.OldLines,
		Section: h.Section, PatchLine: h.PatchLine, Recounted: h.Recounted,
	}
	r.Header = fmt.Sprintf("@@ -%d,%d +%d,%d @@", r.OldStart, r.OldLines, r.NewStart, r.NewLines)
	if r.Section != "" {
		r.Header += " " + r.Section
	}
	r.Lines = make([]Line, len(h.Lines))
	for i, l := range h.Lines {
		l.OldLine, l.NewLine = l.NewLine, l.OldLine
		switch l.Op {
		case Add:
			l.Op = Delete
		case Delete:
			l.Op = Add
		}
		r.Lines[i] = l
	}
	// A reversed hunk lists its lines in the same order; a run of deleted
	// lines must precede the run of added lines it replaces for Apply and
	// for readers, as diff writes them.
	reorderRuns(r.Lines)
	return r
}

// reorderRuns puts, within every run of changed lines, the deleted lines
// before the added ones (keeping their order within each kind).
func reorderRuns(ls []Line) {
	for i := 0; i < len(ls); {
		if ls[i].Op == Context {
			i++
			continue
		}
		j := i
		for j < len(ls) && ls[j].Op != Context {
			j++
		}
		var del, add []Line
		for _, l := range ls[i:j] {
			if l.Op == Delete {
				del = append(del, l)
			} else {
				add = append(add, l)
			}
		}
		copy(ls[i:], del)
		copy(ls[i+len(del):], add)
		i = j
	}
}

// AppliesInReverse reports whether the patch is already in src: its
// reverse applies cleanly (git apply -R --check). A patch with no text or
// binary change to undo (only mode changes, or nothing) does not count.
// The error explains why the reverse does not apply.
func AppliesInReverse(src Reader, files []*File) (bool, error) {
	changes := false
	for _, f := range files {
		if f != nil && (len(f.Hunks) > 0 || f.IsNew || f.IsDelete || f.IsBinary) {
			changes = true
		}
	}
	if !changes {
		return false, errors.New("the patch changes no content")
	}
	if _, err := Apply(src, Reverse(files)); err != nil {
		return false, err
	}
	return true, nil
}

// Clone copies files and their hunks, so that an Apply of the copy (which
// records placement in the hunks) leaves the originals alone.
func Clone(files []*File) []*File {
	out := make([]*File, len(files))
	for i, f := range files {
		if f == nil {
			continue
		}
		c := *f
		c.Hunks = make([]*Hunk, len(f.Hunks))
		for j, h := range f.Hunks {
			if h != nil {
				hc := *h
				hc.Lines = append([]Line(nil), h.Lines...)
				c.Hunks[j] = &hc
			}
		}
		out[i] = &c
	}
	return out
}
