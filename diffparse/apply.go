package diffparse

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/bluekeyes/go-gitdiff/gitdiff"
)

// MaxBinaryBytes bounds the size of the content a binary patch may
// produce (and of its decompressed delta), so a hostile patch cannot
// exhaust memory; go-gitdiff's own default is 100 MiB.
const MaxBinaryBytes = 16 << 20

// Apply applies the files of one patch, in order, onto the tree src, in
// memory; nothing is written anywhere. To apply a series, call it once per
// patch with Chain(src, previousResult).
//
// Text hunks are placed the way git apply places them: at the line the
// header states (shifted by the offset of the previous hunk of the file),
// else at the nearest exact match searching alternately down and up
// (git's find_pos). Each hunk records AppliedOld, AppliedNew, Offset and
// the enclosing function before and after the change (OldFunc, NewFunc).
// Whitespace is never ignored; a hunk that would apply but for whitespace
// gets an error wrapping ErrWhitespace that names the line.
//
// Errors: *HunkError for a hunk that does not apply (wrapping ErrNoMatch
// or ErrWhitespace); *FileError for a file that exists when it should
// not (ErrFileExists), is missing (ErrFileMissing and fs.ErrNotExist), has
// an unsafe name (ErrUnsafePath) or a binary patch that cannot be applied
// (ErrBinary).
func Apply(src Reader, files []*File) (*Result, error) {
	return apply(src, files, true)
}

// Place is Apply without looking up the hunks' enclosing functions (a C
// scan of each file before and after the patch): for a caller that needs
// only whether and where the files apply, and what they make.
func Place(src Reader, files []*File) (*Result, error) {
	return apply(src, files, false)
}

func apply(src Reader, files []*File, funcs bool) (*Result, error) {
	if src == nil {
		return nil, errors.New("apply: no source tree")
	}
	res := newResult()
	cur := Chain(src, res)
	for _, f := range files {
		if f == nil {
			continue
		}
		if err := applyFile(cur, res, f, funcs); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func applyFile(cur Reader, res *Result, f *File, funcs bool) error {
	path := f.Path()
	ferr := func(err error) error { return &FileError{File: path, PatchLine: f.PatchLine, Err: err} }
	for _, n := range []string{f.OldName, f.NewName} {
		if err := CheckPath(n); err != nil {
			return ferr(err)
		}
	}
	if path == "" {
		return ferr(errors.New("file has no name"))
	}
	var pre []byte
	if f.IsNew || f.OldName == "" {
		if err := mustNotExist(cur, f.NewName); err != nil {
			return ferr(err)
		}
	} else {
		data, err := cur.ReadFile(f.OldName)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return ferr(fmt.Errorf("%w: %s: %w", ErrFileMissing, f.OldName, err))
			}
			return ferr(fmt.Errorf("read %s: %w", f.OldName, err))
		}
		if _, touched := res.Files[f.OldName]; !touched {
			if _, seen := res.Pre[f.OldName]; !seen {
				res.Pre[f.OldName] = data
			}
		}
		pre = data
		if (f.IsRename || f.IsCopy) && f.NewName != "" && f.NewName != f.OldName {
			if err := mustNotExist(cur, f.NewName); err != nil {
				return ferr(err)
			}
		}
	}
	var post []byte
	var err error
	switch {
	case f.IsBinary:
		post, err = applyBinary(pre, f)
		if err != nil {
			return ferr(err)
		}
	case len(f.Hunks) == 0:
		post = pre
	default:
		if post, err = applyText(path, pre, f, funcs); err != nil {
			return err
		}
	}
	if f.IsDelete || f.NewName == "" {
		if len(post) != 0 {
			return ferr(errors.New("deleted file still has contents after the patch"))
		}
		res.set(f.OldName, nil)
		return nil
	}
	if post == nil {
		post = []byte{}
	}
	res.set(f.NewName, post)
	if f.IsRename && f.OldName != "" && f.OldName != f.NewName {
		res.set(f.OldName, nil)
	}
	return nil
}

// mustNotExist checks that a file about to be created is absent.
func mustNotExist(r Reader, path string) error {
	_, err := r.ReadFile(path)
	switch {
	case err == nil:
		return fmt.Errorf("%w: %s", ErrFileExists, path)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("check %s: %w", path, err)
	}
}

// applyBinary applies a binary patch with go-gitdiff, capped at
// MaxBinaryBytes.
func applyBinary(pre []byte, f *File) ([]byte, error) {
	if f.bin == nil {
		return nil, fmt.Errorf("%w: the patch carries no binary data (\"Binary files differ\")", ErrBinary)
	}
	var buf bytes.Buffer
	err := gitdiff.Apply(&buf, bytes.NewReader(pre), f.bin.file, gitdiff.WithMaxBinaryFragmentBytes(MaxBinaryBytes))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBinary, err)
	}
	return buf.Bytes(), nil
}

// splitKeep splits data into lines that keep their "\n".
func splitKeep(data []byte) []string {
	s := string(data)
	out := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// lineEq compares a line of the file (with its terminator) with a patch
// line. A patch that came with CRLF line ends was normalised, so the
// file's "\r" is then ignored.
func lineEq(src string, l Line, crlf bool) bool {
	body, hasEOL := strings.CutSuffix(src, "\n")
	if hasEOL == l.NoEOL {
		return false
	}
	if body == l.Text {
		return true
	}
	return crlf && strings.TrimSuffix(body, "\r") == l.Text
}

// applyText applies f's hunks to pre.
func applyText(path string, pre []byte, f *File, funcs bool) ([]byte, error) {
	src := splitKeep(pre)
	eol := "\n"
	if f.CRLF && len(src) > 0 && strings.HasSuffix(src[0], "\r\n") {
		eol = "\r\n"
	}
	order := make([]*Hunk, len(f.Hunks))
	copy(order, f.Hunks)
	sort.SliceStable(order, func(i, j int) bool { return order[i].OldStart < order[j].OldStart })

	out := make([]string, 0, len(src)+8)
	pos, delta, lastOffset := 0, 0, 0
	var noEOL *Hunk // the hunk that added a last line without newline
	midEOLErr := func() error {
		return &HunkError{File: path, Hunk: noEOL.Index, Header: noEOL.Header, PatchLine: noEOL.PatchLine,
			Err: fmt.Errorf("%w: a line without newline would not be the last line of the file", ErrNoMatch)}
	}
	for _, h := range order {
		if h == nil {
			continue
		}
		if noEOL != nil {
			return nil, midEOLErr()
		}
		herr := func(line, patchLine int, err error) error {
			if patchLine == 0 {
				patchLine = h.PatchLine
			}
			return &HunkError{File: path, Hunk: h.Index, Header: h.Header, Line: line, PatchLine: patchLine, Err: err}
		}
		var preImg []Line
		leading, trailing, changed := 0, 0, false
		for _, l := range h.Lines {
			switch l.Op {
			case Context:
				if changed {
					trailing++
				} else {
					leading++
				}
			default:
				changed, trailing = true, 0
			}
			if l.Op != Add {
				preImg = append(preImg, l)
			}
		}
		unidiffZero := leading == 0 && trailing == 0 && !f.IsNew && !f.IsDelete
		matchBeg := h.OldStart == 0 || (h.OldStart == 1 && !unidiffZero)
		matchEnd := !unidiffZero && trailing == 0 && !h.Recounted
		start := h.OldStart - 1
		if h.OldLines == 0 {
			start = h.OldStart
		}
		start += lastOffset
		match := func(i int) bool {
			for k, l := range preImg {
				if !lineEq(src[i+k], l, f.CRLF) {
					return false
				}
			}
			return true
		}
		idx := findPos(len(src), len(preImg), start, pos, matchBeg, matchEnd, match)
		if idx < 0 {
			line, pl, err := diagnose(src, preImg, start, pos, matchBeg, matchEnd, f.CRLF)
			return nil, herr(line, pl, err)
		}
		out = append(out, src[pos:idx]...)
		si := idx
		added, deleted := 0, 0
		for _, l := range h.Lines {
			switch l.Op {
			case Context:
				out = append(out, src[si])
				si++
			case Delete:
				si++
				deleted++
			case Add:
				if noEOL != nil {
					return nil, midEOLErr()
				}
				t := l.Text
				if l.NoEOL {
					noEOL = h
				} else {
					t += eol
				}
				out = append(out, t)
				added++
			}
			if noEOL != nil && l.Op == Context {
				return nil, midEOLErr()
			}
		}
		pos = si
		h.AppliedOld, h.AppliedNew = idx+1, idx+delta+1
		if h.OldLines == 0 {
			h.AppliedOld = idx
		}
		if h.NewLines == 0 {
			h.AppliedNew = idx + delta
		}
		h.Offset = h.AppliedOld - h.OldStart
		h.Applied = true
		lastOffset = h.Offset
		delta += added - deleted
	}
	if noEOL != nil && pos < len(src) {
		return nil, midEOLErr()
	}
	out = append(out, src[pos:]...)
	post := []byte(strings.Join(out, ""))
	if funcs {
		fillFunctions(path, pre, post, f)
	}
	return post, nil
}

// diagnose explains why a pre-image matched nowhere: whitespace only
// (trailing, or any), a position constraint, or the first line that
// differs at the expected place. It returns the file line and patch line
// to point at, and the error.
func diagnose(src []string, pre []Line, start, lo int, matchBeg, matchEnd, crlf bool) (int, int, error) {
	n, m := len(src), len(pre)
	body := func(s string) string {
		s = strings.TrimSuffix(s, "\n")
		if crlf {
			s = strings.TrimSuffix(s, "\r")
		}
		return s
	}
	type loose struct {
		what string
		norm func(string) string
	}
	for _, lz := range []loose{
		{"only in trailing whitespace", func(s string) string { return strings.TrimRight(s, " \t\r") }},
		{"in whitespace (tabs turned into spaces, lines re-indented?)", func(s string) string { return strings.Join(strings.Fields(s), " ") }},
	} {
		match := func(i int) bool {
			for k, l := range pre {
				if lz.norm(body(src[i+k])) != lz.norm(l.Text) {
					return false
				}
			}
			return true
		}
		if i := findPos(n, m, start, lo, matchBeg, matchEnd, match); i >= 0 {
			for k, l := range pre {
				if !lineEq(src[i+k], l, crlf) {
					return i + k + 1, l.PatchLine, fmt.Errorf("%w: line %d of the file differs from patch line %d %s: file %q, patch %q",
						ErrWhitespace, i+k+1, l.PatchLine, lz.what, body(src[i+k]), l.Text)
				}
			}
		}
	}
	exact := func(i int) bool {
		for k, l := range pre {
			if !lineEq(src[i+k], l, crlf) {
				return false
			}
		}
		return true
	}
	if (matchBeg || matchEnd) && m > 0 {
		if i := findPos(n, m, start, lo, false, false, exact); i >= 0 {
			why := "a hunk with no trailing context must apply at the end of the file"
			if !matchEnd || i+m == n {
				why = "a hunk starting at line 0 or 1 must apply at the beginning of the file"
			}
			return i + 1, 0, fmt.Errorf("%w: its lines match at line %d, but %s", ErrNoMatch, i+1, why)
		}
	}
	if matchBeg {
		start = 0
	} else if matchEnd {
		start = n - m
	}
	start = max(start, 0)
	for k, l := range pre {
		if start+k >= n {
			return n, l.PatchLine, fmt.Errorf("%w: the file has only %d lines, patch line %d expects %q at line %d",
				ErrNoMatch, n, l.PatchLine, l.Text, start+k+1)
		}
		if !lineEq(src[start+k], l, crlf) {
			return start + k + 1, l.PatchLine, fmt.Errorf("%w: its lines match nowhere; at line %d the file has %q where patch line %d expects %q",
				ErrNoMatch, start+k+1, clip(body(src[start+k])), l.PatchLine, clip(l.Text))
		}
	}
	return start + 1, 0, fmt.Errorf("%w: it overlaps the previous hunk", ErrNoMatch)
}
