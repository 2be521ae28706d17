package mbox

import (
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// Trailer parsing is hand-written: go-gitdiff does not parse trailers and
// git interpret-trailers is not available as a library. The rules follow
// b4's LoreMessage.find_trailers (person/utility trailers, wrapped lines,
// [extinfo] lines, "# comment" suffixes) restricted to lines at column 0.

// maxTrailerJoin caps how many lines a wrapped trailer may span.
const maxTrailerJoin = 4

var (
	// trailerLineRE is "Key: value" at column 0.
	trailerLineRE = lazyre.New(`^([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*):[ \t]*(\S.*)$`)
	// commentSuffixRE is a "  # comment" suffix (white space before '#').
	commentSuffixRE = lazyre.New(`[ \t]+#.*$`)
	// fixesRE is the start of a Fixes: value (b4 wants at least 6 hex digits).
	fixesRE = lazyre.New(`^[0-9a-fA-F]{6,40}\b`)
)

// knownTrailers maps lower-case keys to their canonical spelling. Keys ending
// in "-by" are accepted whatever they are; other keys only when listed here.
var knownTrailers = map[string]string{
	"signed-off-by":          "Signed-off-by",
	"co-developed-by":        "Co-developed-by",
	"reviewed-by":            "Reviewed-by",
	"acked-by":               "Acked-by",
	"tested-by":              "Tested-by",
	"reported-by":            "Reported-by",
	"suggested-by":           "Suggested-by",
	"assisted-by":            "Assisted-by",
	"debugged-by":            "Debugged-by",
	"requested-by":           "Requested-by",
	"originally-by":          "Originally-by",
	"fixes":                  "Fixes",
	"link":                   "Link",
	"buglink":                "BugLink",
	"closes":                 "Closes",
	"cc":                     "Cc",
	"depends-on":             "Depends-on",
	"change-id":              "Change-Id",
	"message-id":             "Message-ID",
	"base-commit":            "base-commit",
	"prerequisite-patch-id":  "prerequisite-patch-id",
	"prerequisite-change-id": "prerequisite-change-id",
}

// canonicalTrailerKey returns the canonical key and whether the key is a
// trailer key at all.
func canonicalTrailerKey(k string) (string, bool) {
	l := strings.ToLower(k)
	if c, ok := knownTrailers[l]; ok {
		return c, true
	}
	if strings.HasSuffix(l, "-by") && len(l) > 3 {
		return strings.ToUpper(l[:1]) + l[1:], true
	}
	return "", false
}

// ParseTrailers returns the trailers of a commit message (or of a reply
// body): "Key: value" lines at column 0 with a known key or a key ending in
// "-by". Quoted lines ("> ...") are ignored, everything from a "-- "
// signature on is ignored, wrapped values are re-joined ("Name\n<addr>",
// an unbalanced "(" or '"' in Fixes:, indented continuation lines), a
// "  # comment" suffix and a following "[ ... ]" line (chain-of-custody
// note, b4's extinfo) go to Trailer.Extinfo.
func ParseTrailers(msg string) []Trailer {
	lines := strings.Split(strings.ReplaceAll(msg, "\r\n", "\n"), "\n")
	var out []Trailer
	last := -1 // index in out of the trailer the previous line belonged to
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		if line == "-- " || line == "--" {
			break
		}
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(line, ">") {
			last = -1
			continue
		}
		if last >= 0 && strings.HasPrefix(trimmed, "[") && strings.HasSuffix(trimmed, "]") {
			out[last].Extinfo = joinExtinfo(out[last].Extinfo, line)
			continue
		}
		m := trailerLineRE.FindStringSubmatch(line)
		if m == nil {
			if last >= 0 && (line[0] == ' ' || line[0] == '\t') {
				out[last].Value = strings.TrimSpace(out[last].Value + " " + trimmed)
				continue
			}
			last = -1
			continue
		}
		key, ok := canonicalTrailerKey(m[1])
		if !ok {
			last = -1
			continue
		}
		value := strings.TrimSpace(m[2])
		// Re-join wrapped values.
		for j := 0; j < maxTrailerJoin && i+1 < len(lines) && needsJoin(key, value, lines[i+1]); j++ {
			i++
			value = strings.TrimSpace(value + " " + strings.TrimSpace(lines[i]))
		}
		t := Trailer{Key: key, Value: value}
		if loc := commentSuffixRE.FindStringIndex(value); loc != nil && !inAngle(value, loc[0]) {
			t.Value = strings.TrimSpace(value[:loc[0]])
			t.Extinfo = value[loc[0]:]
		}
		out = append(out, t)
		last = len(out) - 1
	}
	return out
}

// needsJoin reports whether next continues a trailer whose value so far is
// value.
func needsJoin(key, value, next string) bool {
	nt := strings.TrimSpace(next)
	if nt == "" || strings.HasPrefix(next, ">") || trailerLineRE.MatchString(next) {
		return false
	}
	// "Signed-off-by: Name" + "<addr>" on the next line.
	if strings.HasPrefix(nt, "<") && !strings.Contains(value, "<") && !strings.Contains(value, "@") {
		return true
	}
	// Fixes: 123456789abc ("subject wrapped
	//   over two lines")
	if key == "Fixes" && (strings.Count(value, "(") > strings.Count(value, ")") ||
		strings.Count(value, `"`)%2 == 1) {
		return true
	}
	return false
}

// inAngle reports whether byte offset i of s is inside <...>.
func inAngle(s string, i int) bool {
	open := strings.LastIndexByte(s[:i], '<')
	return open >= 0 && strings.IndexByte(s[open:i], '>') < 0
}

func joinExtinfo(a, b string) string {
	if a == "" {
		return b
	}
	return a + "\n" + b
}

// FixesLooksValid reports whether a Fixes: value starts with at least six
// hex digits, the minimum b4 accepts (the kernel asks for twelve).
func FixesLooksValid(value string) bool {
	return fixesRE.MatchString(value)
}
