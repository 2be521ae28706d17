package mbox

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Diff recognition follows patchwork's parse_patch state machine: a line
// only starts a diff when the header lines that must follow it are there,
// and hunks are walked by their line counts, so prose that mentions "diff",
// quoted "> diff --git" and a "-- " removal line inside a hunk are told
// apart from the real thing.

// maxProblemsPerKind caps repeated problem reports of one kind.
const maxProblemsPerKind = 5

// gitHeaderPrefixes are the lines that may follow "diff --git".
var gitHeaderPrefixes = []string{
	"index ", "--- ", "old mode ", "new mode ", "deleted file mode ", "new file mode ",
	"similarity index ", "dissimilarity index ", "rename from ", "rename to ",
	"copy from ", "copy to ", "Binary files ", "GIT binary patch",
}

// diffHeaderPrefixes are lines that belong to a diff outside of hunks.
var diffHeaderPrefixes = append([]string{
	"diff ", "Index: ", "===", "RCS file: ", "retrieving revision ", "+++ ",
	"rename old ", "rename new ", "Only in ", "\\ No newline",
}, gitHeaderPrefixes...)

// diffResult is the diff found in a text.
type diffResult struct {
	text     string
	line     int // 1-based line of the first diff line
	problems []string
}

// dropCR drops one trailing carriage return.
func dropCR(s string) string {
	return strings.TrimSuffix(s, "\r")
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// findDiffStart returns the index of the first line that starts a real
// diff, or -1.
func findDiffStart(lines []string) int {
	for i := range lines {
		if isDiffStart(lines, i) {
			return i
		}
	}
	return -1
}

// isDiffStart reports whether lines[i] starts a diff.
func isDiffStart(lines []string, i int) bool {
	l := dropCR(lines[i])
	n := len(lines)
	next := func(k int) string {
		if i+k < n {
			return dropCR(lines[i+k])
		}
		return ""
	}
	// "--- x" + "+++ y" within the next few lines.
	minusPlus := func(from, to int) bool {
		for k := from; k <= to; k++ {
			if strings.HasPrefix(next(k), "--- ") && strings.HasPrefix(next(k+1), "+++ ") {
				return true
			}
			if strings.HasPrefix(next(k), "Binary files ") || strings.HasPrefix(next(k), "GIT binary patch") {
				return true
			}
		}
		return false
	}
	switch {
	case strings.HasPrefix(l, "diff --git "):
		return hasAnyPrefix(next(1), gitHeaderPrefixes)
	case strings.HasPrefix(l, "diff "):
		return minusPlus(1, 3)
	case strings.HasPrefix(l, "Index: "):
		return minusPlus(1, 8)
	case strings.HasPrefix(l, "--- "):
		return strings.HasPrefix(next(1), "+++ ") && strings.HasPrefix(next(2), "@@")
	}
	return false
}

// parseHunkHeader parses "@@ -a[,b] +c[,d] @@" into the line counts.
func parseHunkHeader(l string) (oldN, newN int, ok bool) {
	if !strings.HasPrefix(l, "@@ -") {
		return 0, 0, false
	}
	rest := l[4:]
	end := strings.Index(rest, " @@")
	if end < 0 {
		return 0, 0, false
	}
	f := strings.Fields(rest[:end])
	if len(f) != 2 || !strings.HasPrefix(f[1], "+") {
		return 0, 0, false
	}
	count := func(r string) (int, bool) {
		if c := strings.IndexByte(r, ','); c >= 0 {
			if _, err := strconv.Atoi(r[:c]); err != nil {
				return 0, false
			}
			v, err := strconv.Atoi(r[c+1:])
			return v, err == nil && v >= 0
		}
		_, err := strconv.Atoi(r)
		return 1, err == nil
	}
	o, ok1 := count(f[0])
	nn, ok2 := count(f[1][1:])
	return o, nn, ok1 && ok2
}

// restLooksLikeDiff reports whether a diff-ish line follows index i; used to
// tell a signature "-- " from a removed "- " line in a short hunk.
func restLooksLikeDiff(lines []string, i int) bool {
	for _, l := range lines[i+1:] {
		l = dropCR(l)
		if l == "" {
			continue
		}
		switch l[0] {
		case ' ', '+', '-', '@', '\\':
			return true
		}
		return strings.HasPrefix(l, "diff ")
	}
	return false
}

// extractDiff finds the diff in src and returns it byte-exact, from its
// first line to its last diff line, without signature or list footer.
func extractDiff(src string) diffResult {
	raw := strings.SplitAfter(src, "\n")
	lines := make([]string, len(raw))
	for i, l := range raw {
		lines[i] = strings.TrimSuffix(l, "\n")
	}
	start := findDiffStart(lines)
	if start < 0 {
		return diffResult{}
	}
	last, problems := walkDiff(lines, start)
	// The diff is a run of whole lines of src: slice it, do not copy it
	// (a 60 MB patch would be copied, and its copy grown, line by line).
	off, n := 0, 0
	for _, l := range raw[:start] {
		off += len(l)
	}
	for _, l := range raw[start : last+1] {
		n += len(l)
	}
	res := diffResult{text: src[off : off+n], line: start + 1, problems: problems}
	res.problems = append(res.problems, scanDiffChars(lines[start:last+1], start+1)...)
	return res
}

// walkDiff walks the diff from start and returns the index of its last
// line, with problems about damaged hunks.
func walkDiff(lines []string, start int) (int, []string) {
	var problems []string
	last := start
	inHunk, combined, binary := false, false, false
	oldLeft, newLeft, hunkAt, emptyCtx, short := 0, 0, 0, 0, 0
	for i := start; i < len(lines); i++ {
		l := dropCR(lines[i])
		if inHunk && !combined && (oldLeft > 0 || newLeft > 0) {
			if l == "-- " && !restLooksLikeDiff(lines, i) {
				short++
				break
			}
			c := byte(' ')
			if l != "" {
				c = l[0]
			} else {
				emptyCtx++
			}
			switch c {
			case ' ':
				oldLeft--
				newLeft--
			case '-':
				oldLeft--
			case '+':
				newLeft--
			case '\\':
			default:
				short++
				if short <= maxProblemsPerKind {
					problems = append(problems, fmt.Sprintf("hunk at line %d has fewer lines than its header says (patch damaged by the mail client?)", hunkAt+1))
				}
				inHunk = false
				goto outside
			}
			if oldLeft < 0 || newLeft < 0 {
				problems = append(problems, fmt.Sprintf("hunk at line %d: line counts do not match its header", hunkAt+1))
				inHunk = false
			}
			last = i
			continue
		}
		if inHunk && combined && l != "" && (l[0] == ' ' || l[0] == '+' || l[0] == '-') && !isSignature(l) {
			last = i
			continue
		}
		if inHunk && strings.HasPrefix(l, "\\") {
			last = i
			continue
		}
		inHunk, combined = false, false
	outside:
		if binary {
			if l == "" {
				continue
			}
			if strings.HasPrefix(l, "literal ") || strings.HasPrefix(l, "delta ") || isBase85Line(l) {
				last = i
				continue
			}
			binary = false
		}
		switch {
		case isSignature(l) || isListFooter(l):
			return last, finishProblems(problems, emptyCtx)
		case strings.HasPrefix(l, "@@@"):
			inHunk, combined = true, true
			last = i
		case strings.HasPrefix(l, "@@ -"):
			o, n, ok := parseHunkHeader(l)
			if !ok {
				problems = append(problems, fmt.Sprintf("line %d: malformed hunk header", i+1))
				last = i
				continue
			}
			inHunk, oldLeft, newLeft, hunkAt = true, o, n, i
			last = i
		case strings.HasPrefix(l, "GIT binary patch"):
			binary = true
			last = i
		case hasAnyPrefix(l, diffHeaderPrefixes) || strings.HasPrefix(l, "--- "):
			last = i
		}
	}
	if inHunk && !combined && (oldLeft > 0 || newLeft > 0) && short == 0 {
		problems = append(problems, fmt.Sprintf("hunk at line %d is truncated (last context line lost?)", hunkAt+1))
	}
	return last, finishProblems(problems, emptyCtx)
}

// finishProblems adds the summary of empty context lines.
func finishProblems(problems []string, emptyCtx int) []string {
	if emptyCtx > 0 {
		problems = append(problems, fmt.Sprintf("%d empty line(s) inside hunks used as context (white space stripped by the mail client?)", emptyCtx))
	}
	return problems
}

// isBase85Line is a line of git's base85 binary patch encoding: a length
// character A-Z/a-z followed by base85 characters.
func isBase85Line(l string) bool {
	if len(l) < 2 {
		return false
	}
	c := l[0]
	if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z') {
		return false
	}
	for i := 1; i < len(l); i++ {
		c := l[i]
		if c <= ' ' || c > '~' || c == '"' || c == '\'' || c == ',' || c == '.' || c == '/' || c == ':' || c == '[' || c == '\\' || c == ']' {
			return false
		}
	}
	return true
}

// scanDiffChars reports Unicode format (Cf) characters ("trojan source",
// b4's BadCharsError), non-breaking spaces and CRLF line endings in the
// diff. first is the 1-based line number of lines[0].
func scanDiffChars(lines []string, first int) []string {
	var problems []string
	cf, nbsp, crlf := 0, 0, 0
	for i, l := range lines {
		if strings.HasSuffix(l, "\r") {
			crlf++
		}
		if !utf8.ValidString(l) {
			continue
		}
		for _, r := range l {
			switch {
			case unicode.Is(unicode.Cf, r):
				cf++
				if cf <= maxProblemsPerKind {
					problems = append(problems, fmt.Sprintf("line %d: Unicode format character %U in the diff (trojan source?)", first+i, r))
				}
			case r == '\u00a0':
				nbsp++
				if nbsp <= maxProblemsPerKind {
					problems = append(problems, fmt.Sprintf("line %d: non-breaking space in the diff (white space mangled by the mail client?)", first+i))
				}
			}
		}
	}
	if crlf > 0 {
		problems = append(problems, fmt.Sprintf("%d diff line(s) end in CRLF", crlf))
	}
	return problems
}
