package diffparse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// MaxDiffBytes bounds the diff text Parse accepts.
const MaxDiffBytes = 64 << 20

// binaryData keeps go-gitdiff's parsed binary fragments for Apply.
type binaryData struct {
	file *gitdiff.File
}

// Parse parses the diff part of one patch (text before the first file
// header, such as a commit message, is ignored) into files and hunks.
//
// It works around go-gitdiff's limits: CRLF line ends are normalised
// (File.CRLF remembers them), --no-prefix git patches and traditional
// diff -u / CVS Index: patches get tree-relative names, and hunks whose
// counts were damaged in transit are recounted when that is unambiguous
// (Hunk.Recounted). Every line gets its OldLine/NewLine and its PatchLine
// (1-based line within diff). Unsafe file names give an error wrapping
// ErrUnsafePath. Errors name the file (*FileError) and, for a hunk, the
// hunk and its header (*HunkError).
//
// Parse fills everything except the fields Apply fills (Applied*, Offset,
// OldFunc, NewFunc).
func Parse(diff string) ([]*File, error) {
	if len(diff) > MaxDiffBytes {
		return nil, fmt.Errorf("diff of %d bytes exceeds the %d byte limit", len(diff), MaxDiffBytes)
	}
	// A diff text that stops without a final newline is cut short, not a
	// file without one: only "\ No newline at end of file" says that, so
	// gitdiffText ends every line with a newline.
	lines, _ := splitLines(diff)
	crlf := normaliseCRLF(lines)
	metas := fixHeaders(lines)
	origHeaders := map[int]string{}
	for i, l := range lines {
		if strings.HasPrefix(l, "@@ -") {
			origHeaders[i] = l
		}
	}
	hunks, metas, err := scanHunks(lines, metas)
	if err != nil {
		return nil, restoreHeader(err, origHeaders)
	}
	text, added := gitdiffText(lines)
	gfiles, _, err := gitdiff.Parse(strings.NewReader(text))
	if err != nil {
		return nil, locateError(err, added, metas, hunks, origHeaders)
	}
	files := make([]*File, 0, len(gfiles))
	next := 0
	for fi, gf := range gfiles {
		f, err := convertFile(gf, crlf)
		if err != nil {
			return nil, err
		}
		if len(metas) == len(gfiles) {
			f.PatchLine = metas[fi].line + 1
		}
		for _, frag := range gf.TextFragments {
			if next >= len(hunks) {
				return nil, &FileError{File: f.Path(), PatchLine: f.PatchLine, Err: errors.New("internal error: hunk not found in the diff text")}
			}
			h, err := convertHunk(frag, hunks[next], lines, origHeaders)
			if err != nil {
				return nil, &HunkError{File: f.Path(), Hunk: len(f.Hunks) + 1, Header: frag.Header(), PatchLine: hunks[next].header + 1, Err: err}
			}
			next++
			h.Index = len(f.Hunks) + 1
			f.Hunks = append(f.Hunks, h)
		}
		if f.PatchLine == 0 && len(f.Hunks) > 0 {
			f.PatchLine = f.Hunks[0].PatchLine
		}
		files = append(files, f)
	}
	return files, nil
}

// convertFile turns go-gitdiff's file into ours and validates its names.
func convertFile(gf *gitdiff.File, crlf bool) (*File, error) {
	f := &File{
		OldName: gf.OldName, NewName: gf.NewName,
		IsNew: gf.IsNew, IsDelete: gf.IsDelete, IsRename: gf.IsRename, IsCopy: gf.IsCopy,
		IsBinary: gf.IsBinary,
		OldMode:  uint32(gf.OldMode), NewMode: uint32(gf.NewMode),
		CRLF: crlf, Score: gf.Score,
	}
	if f.NewMode == 0 && !f.IsDelete {
		f.NewMode = f.OldMode // the "index a..b mode" line: mode unchanged
	}
	if f.IsNew {
		f.OldName = ""
	}
	if f.IsDelete {
		f.NewName = ""
	}
	if f.OldName == "/dev/null" || f.NewName == "/dev/null" {
		return nil, &FileError{File: f.Path(), Err: errors.New("/dev/null names a file that is neither new nor deleted")}
	}
	for _, n := range []string{f.OldName, f.NewName} {
		if err := CheckPath(n); err != nil {
			return nil, &FileError{File: n, Err: err}
		}
	}
	if gf.BinaryFragment != nil {
		f.bin = &binaryData{file: gf}
		f.BinarySize = gf.BinaryFragment.Size
	}
	return f, nil
}

// convertHunk turns a go-gitdiff fragment into a Hunk, numbering its lines
// from the hunk information scanHunks collected.
func convertHunk(frag *gitdiff.TextFragment, info hunkInfo, lines []string, orig map[int]string) (*Hunk, error) {
	if hh, ok := parseHunkHeader(lines[info.header]); !ok || int64(hh.oldStart) != frag.OldPosition ||
		int64(hh.newStart) != frag.NewPosition || int64(hh.oldLines) != frag.OldLines || int64(hh.newLines) != frag.NewLines {
		return nil, fmt.Errorf("internal error: hunk at line %d does not match the parsed one", info.header+1)
	}
	if len(frag.Lines) != len(info.body) {
		return nil, fmt.Errorf("internal error: %d lines parsed, %d found", len(frag.Lines), len(info.body))
	}
	h := &Hunk{
		Header:    orig[info.header],
		OldStart:  int(frag.OldPosition),
		OldLines:  int(frag.OldLines),
		NewStart:  int(frag.NewPosition),
		NewLines:  int(frag.NewLines),
		Section:   strings.TrimSpace(frag.Comment),
		PatchLine: info.header + 1,
		Recounted: info.recounted,
		Lines:     make([]Line, 0, len(frag.Lines)),
	}
	if h.Header == "" {
		h.Header = lines[info.header]
	}
	oldN, newN := h.OldStart, h.NewStart
	if h.OldLines == 0 {
		oldN++
	}
	if h.NewLines == 0 {
		newN++
	}
	for k, gl := range frag.Lines {
		l := Line{
			Text:      strings.TrimSuffix(gl.Line, "\n"),
			NoEOL:     !strings.HasSuffix(gl.Line, "\n"),
			PatchLine: info.body[k] + 1,
		}
		switch gl.Op {
		case gitdiff.OpContext:
			l.Op, l.OldLine, l.NewLine = Context, oldN, newN
			oldN, newN = oldN+1, newN+1
		case gitdiff.OpDelete:
			l.Op, l.OldLine = Delete, oldN
			oldN++
		case gitdiff.OpAdd:
			l.Op, l.NewLine = Add, newN
			newN++
		default:
			return nil, fmt.Errorf("unknown line operation %v", gl.Op)
		}
		h.Lines = append(h.Lines, l)
	}
	return h, nil
}

// restoreHeader puts the original (not recounted) header in a HunkError.
func restoreHeader(err error, orig map[int]string) error {
	var he *HunkError
	if errors.As(err, &he) && he.PatchLine > 0 {
		if o, ok := orig[he.PatchLine-1]; ok {
			he.Header = o
		}
	}
	return err
}

var gitdiffLineRE = lazyre.New(`^gitdiff: line (\d+): `)

// locateError turns a go-gitdiff parse error into a *FileError or
// *HunkError naming the file (and hunk) at the line it reports.
func locateError(err error, added []int, metas []fileMeta, hunks []hunkInfo, orig map[int]string) error {
	m := gitdiffLineRE.FindStringSubmatch(err.Error())
	if m == nil {
		return fmt.Errorf("parse diff: %w", err)
	}
	n, _ := strconv.Atoi(m[1])
	n = inputLine(n, added)
	idx := n - 1
	for i := len(hunks) - 1; i >= 0; i-- {
		h := hunks[i]
		last := h.header
		if len(h.body) > 0 {
			last = h.body[len(h.body)-1]
		}
		if h.header <= idx && idx <= last+1 {
			return &HunkError{File: h.file, Hunk: h.index, Header: orig[h.header], PatchLine: n, Err: err}
		}
	}
	name := ""
	for _, fm := range metas {
		if fm.line <= idx {
			name = fm.name
		}
	}
	return &FileError{File: name, PatchLine: n, Err: err}
}
