package reports

import (
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// MailContext is what a reply needs from the mail that carried a patch:
// its threading headers, its people, and the diff text as sent so that
// findings can be placed under the quoted line they concern. review fills
// it for every patch that came from a mail; it is not part of the JSON.
type MailContext struct {
	Subject    string         // as sent, decoded
	MessageID  string         // without <>
	References []string       // the mail's References, without <>
	From       mail.Address   // the sender, who gets the reply
	Author     mail.Address   // the patch author (in-body From wins), Cc'd when not the sender
	To, Cc     []mail.Address // the original recipients, Cc'd on the reply
	Date       time.Time      // the mail's Date, zero if unknown
	Diff       string         // the diff text as sent
	DiffLine   int            // 1-based line of Diff's first line within the mail body
}

// diffLine is one line of a patch's diff with what the quoting needs.
type diffLine struct {
	text    string
	kind    byte   // 'f' file header, 'h' hunk header, '+', '-', ' ', '\\', 0 other
	file    string // the post-image path of the file it belongs to
	newLine int    // post-patch line number for ' ' and '+' lines, else 0
	hunk    int    // index of the hunk in the whole diff, -1 outside hunks
}

var hunkHeaderRE = lazyre.New(`^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@`)

// splitDiff classifies the lines of a unified diff (git or plain) and
// numbers the post-patch lines of each hunk, starting at the line where the
// hunk actually applied when hunks says so (it applied with an offset).
//
// Written by hand rather than with diffparse: quoting needs every line of
// the diff exactly as sent, including headers diffparse consumes, and
// reports must not depend on the patch parser.
func splitDiff(diff string, hunks []Hunk) []diffLine {
	applied := map[string][]int{} // file -> applied new-start per hunk, in order
	for _, h := range hunks {
		applied[h.File] = append(applied[h.File], h.NewLine)
	}
	seen := map[string]int{}
	var out []diffLine
	file := ""
	hunkNo := -1
	newLine := 0
	inHunk := false
	lines := strings.Split(strings.TrimSuffix(diff, "\n"), "\n")
	for i, l := range lines {
		l = strings.TrimSuffix(l, "\r")
		d := diffLine{text: l, hunk: -1}
		switch {
		case strings.HasPrefix(l, "diff "):
			inHunk = false
			d.kind = 'f'
			if p := gitDiffPath(l); p != "" {
				file = p
			}
		case !inHunk && (strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "index ") ||
			strings.HasPrefix(l, "new file") || strings.HasPrefix(l, "deleted file") ||
			strings.HasPrefix(l, "similarity") || strings.HasPrefix(l, "rename ") ||
			strings.HasPrefix(l, "old mode") || strings.HasPrefix(l, "new mode")):
			d.kind = 'f'
		case strings.HasPrefix(l, "+++ ") && (!inHunk || i+1 < len(lines) && strings.HasPrefix(lines[i+1], "@@")):
			inHunk = false
			d.kind = 'f'
			if p := headerPath(l[4:]); p != "" && p != "/dev/null" {
				file = p
			}
		case strings.HasPrefix(l, "@@"):
			inHunk = true
			hunkNo++
			d.kind = 'h'
			if m := hunkHeaderRE.FindStringSubmatch(l); m != nil {
				newLine, _ = strconv.Atoi(m[1])
			}
			if starts := applied[file]; seen[file] < len(starts) && starts[seen[file]] > 0 {
				newLine = starts[seen[file]]
			}
			seen[file]++
		case inHunk && len(l) > 0 && (l[0] == '+' || l[0] == ' '):
			d.kind = l[0]
			d.newLine = newLine
			newLine++
		case inHunk && l == "":
			d.kind = ' ' // a context line whose space was eaten in transit
			d.newLine = newLine
			newLine++
		case inHunk && len(l) > 0 && (l[0] == '-' || l[0] == '\\'):
			d.kind = l[0]
		default:
			inHunk = false
		}
		d.file = file
		if inHunk {
			d.hunk = hunkNo
		}
		out = append(out, d)
	}
	return out
}

// gitDiffPath returns the b/ path of a "diff --git a/x b/x" line.
func gitDiffPath(l string) string {
	if i := strings.LastIndex(l, " b/"); i >= 0 {
		return l[i+3:]
	}
	return ""
}

// headerPath strips the a/ or b/ prefix and a trailing timestamp from the
// path of a ---/+++ line.
func headerPath(s string) string {
	if i := strings.IndexByte(s, '\t'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "a/") || strings.HasPrefix(s, "b/") {
		s = s[2:]
	}
	return s
}
