package diffparse

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxCount bounds the numbers of a hunk header so arithmetic never overflows.
const maxCount = 1 << 30

// hunkInfo is what scanHunks learns about one hunk in the diff lines.
type hunkInfo struct {
	file      string // the file's name, for messages
	index     int    // 1-based within the file
	header    int    // index of the "@@" line
	body      []int  // indices of the counted body lines ("\" markers excluded)
	recounted bool
}

// hunkHeader is a parsed "@@ -a,b +c,d @@ section" line.
type hunkHeader struct {
	oldStart, oldLines, newStart, newLines int
	suffix                                 string // everything after the closing "@@"
}

// parseHunkHeader parses a hunk header strictly.
func parseHunkHeader(l string) (hunkHeader, bool) {
	var h hunkHeader
	if !strings.HasPrefix(l, "@@ -") {
		return h, false
	}
	rest := l[len("@@ -"):]
	end := strings.Index(rest, " @@")
	if end < 0 {
		return h, false
	}
	h.suffix = rest[end+len(" @@"):]
	old, nw, ok := strings.Cut(rest[:end], " +")
	if !ok {
		return h, false
	}
	var ok1, ok2 bool
	h.oldStart, h.oldLines, ok1 = parseRange(old)
	h.newStart, h.newLines, ok2 = parseRange(nw)
	return h, ok1 && ok2
}

func parseRange(s string) (start, n int, ok bool) {
	a, b, hasCount := strings.Cut(s, ",")
	n = 1
	var err error
	if start, err = strconv.Atoi(a); err != nil || start < 0 || start > maxCount || a[0] == '+' {
		return 0, 0, false
	}
	if hasCount {
		if n, err = strconv.Atoi(b); err != nil || n < 0 || n > maxCount || b[0] == '+' {
			return 0, 0, false
		}
	}
	return start, n, true
}

func formatRange(start, n int) string {
	if n == 1 {
		return strconv.Itoa(start)
	}
	return strconv.Itoa(start) + "," + strconv.Itoa(n)
}

func (h hunkHeader) String() string {
	return "@@ -" + formatRange(h.oldStart, h.oldLines) + " +" + formatRange(h.newStart, h.newLines) + " @@" + h.suffix
}

// isNoNewlineMarker matches "\ No newline at end of file" in any locale,
// with go-gitdiff's test.
func isNoNewlineMarker(l string) bool {
	return len(l) >= 11 && strings.HasPrefix(l, `\ `)
}

// isSignatureOrBoundary matches lines that end a patch in a mail: the "-- "
// signature separator (trailing space possibly stripped) and MIME
// boundaries ("--" followed by a token without blanks).
func isSignatureOrBoundary(l string) bool {
	if l == "-- " || l == "--" || strings.TrimRight(l, " \t") == "---" {
		return true
	}
	return strings.HasPrefix(l, "--") && len(l) > 8 && !strings.ContainsAny(l, " \t")
}

// isHunkTerminator reports whether lines[q] certainly does not belong to a
// hunk body: the next hunk, the next file, the end of the patch.
func isHunkTerminator(lines []string, q int) bool {
	l := lines[q]
	return strings.HasPrefix(l, "@@ -") || strings.HasPrefix(l, "diff ") ||
		strings.HasPrefix(l, "Index: ") || isTraditionalHeader(lines, q) ||
		isSignatureOrBoundary(l)
}

// scanHunks finds the hunks of every file, checks their counts and repairs
// MUA damage where the repair is unambiguous (see scanHunk). It returns the
// hunks and the file metas that really are file headers (headers found
// inside a hunk body are dropped). Repaired headers are rewritten in lines.
func scanHunks(lines []string, metas []fileMeta) ([]hunkInfo, []fileMeta, error) {
	var out []hunkInfo
	var kept []fileMeta
	p := 0
	for _, m := range metas {
		if m.line < p {
			continue
		}
		kept = append(kept, m)
		p = m.body
		for n := 1; p < len(lines) && strings.HasPrefix(lines[p], "@@ -"); n++ {
			h, end, err := scanHunk(lines, p)
			if err != nil {
				return nil, nil, &HunkError{File: m.name, Hunk: n, Header: lines[p], PatchLine: p + 1, Err: err}
			}
			h.file, h.index = m.name, n
			out = append(out, h)
			p = end
		}
	}
	return out, kept, nil
}

// scanHunk reads the hunk whose header is lines[p] and returns it and the
// index of the first line after it.
//
// First the body is read strictly by the header's counts, as git apply
// and go-gitdiff do (an empty line is an empty context line). If that
// fails, or if more +/- lines follow, the hunk's real extent is taken up
// to the next hunk, file, signature or end of input, and it is recounted
// as "git apply --recount" would when that is unambiguous: either lines
// are missing equally from both sides (context lines lost, typically the
// last empty context line eaten by a MIME boundary) or there are more lines
// than the header says. Anything else, and a non-diff line inside the hunk
// (a line wrapped by a mail client), is reported as ErrMangled.
func scanHunk(lines []string, p int) (hunkInfo, int, error) {
	h, ok := parseHunkHeader(lines[p])
	if !ok {
		return hunkInfo{}, 0, errors.New("invalid hunk header")
	}
	info := hunkInfo{header: p}
	ro, rn := h.oldLines, h.newLines
	q := p + 1
	for ; (ro > 0 || rn > 0) && q < len(lines); q++ {
		l := lines[q]
		if isTraditionalHeader(lines, q) {
			break
		}
		if l == "" || l[0] == ' ' {
			ro, rn = ro-1, rn-1
		} else if l[0] == '-' {
			ro--
		} else if l[0] == '+' {
			rn--
		} else if isNoNewlineMarker(l) {
			continue
		} else {
			break
		}
		if ro < 0 || rn < 0 {
			break
		}
		info.body = append(info.body, q)
	}
	if ro == 0 && rn == 0 {
		if q < len(lines) && isNoNewlineMarker(lines[q]) {
			q++
		}
		if !moreChangesFollow(lines, q) {
			return info, q, checkChanges(lines, info.body)
		}
		// More +/- lines follow: recount only if they run cleanly to the
		// next hunk, file or end; otherwise keep git's reading (the
		// counts rule, what follows is not part of the patch).
		saved := lines[p]
		if r, end, clean, err := recount(lines, p, h); err == nil && clean {
			return r, end, nil
		}
		lines[p] = saved
		return info, q, checkChanges(lines, info.body)
	}
	r, end, _, err := recount(lines, p, h)
	return r, end, err
}

// moreChangesFollow reports whether lines[q] looks like a further +/- line
// of the hunk that just ended by its counts.
func moreChangesFollow(lines []string, q int) bool {
	if q >= len(lines) || isHunkTerminator(lines, q) {
		return false
	}
	l := lines[q]
	return (strings.HasPrefix(l, "+") && !strings.HasPrefix(l, "+++ ")) || strings.HasPrefix(l, "-")
}

// recount takes the hunk at lines[p] to its real extent; see scanHunk.
// clean reports that the hunk ended at a terminator (or the end), not at a
// line that is no diff line.
func recount(lines []string, p int, h hunkHeader) (info hunkInfo, end int, clean bool, err error) {
	info = hunkInfo{header: p, recounted: true}
	clean = true
	var pending []int
	fo, fn := 0, 0
	q := p + 1
	for ; q < len(lines); q++ {
		l := lines[q]
		if isHunkTerminator(lines, q) {
			break
		}
		if l == "" {
			pending = append(pending, q)
			continue
		}
		switch l[0] {
		case ' ', '+', '-':
			for _, e := range pending {
				info.body = append(info.body, e)
				fo, fn = fo+1, fn+1
			}
			pending = nil
			info.body = append(info.body, q)
			if l[0] != '+' {
				fo++
			}
			if l[0] != '-' {
				fn++
			}
			continue
		case '\\':
			if isNoNewlineMarker(l) && len(pending) == 0 {
				continue
			}
		}
		if fo < h.oldLines || fn < h.newLines {
			return info, 0, false, fmt.Errorf("%w: line %d inside the hunk is not a diff line (wrapped line?): %q",
				ErrMangled, q+1, clip(l))
		}
		clean = false
		break
	}
	q -= len(pending)
	switch {
	case fo == h.oldLines && fn == h.newLines:
		info.recounted = false
	case fo <= h.oldLines && h.oldLines-fo == h.newLines-fn:
	case fo >= h.oldLines && fn >= h.newLines:
	default:
		return info, 0, clean, fmt.Errorf("%w: header counts %d old and %d new lines, the hunk has %d and %d",
			ErrMangled, h.oldLines, h.newLines, fo, fn)
	}
	h.oldLines, h.newLines = fo, fn
	lines[p] = h.String()
	return info, q, clean, checkChanges(lines, info.body)
}

// checkChanges refuses a hunk without a single + or - line.
func checkChanges(lines []string, body []int) error {
	for _, i := range body {
		if l := lines[i]; l != "" && (l[0] == '+' || l[0] == '-') {
			return nil
		}
	}
	return errors.New("hunk contains no changes")
}

// clip shortens a line for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
