package lkmmlitmus

import (
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// block is a litmus test found in the text of a mail.
type block struct {
	start, end int    // 0-based lines of the text: the "C name" line, the condition's last line
	src        string // the test, with the indentation it had in the mail removed
	name       string
}

var (
	headerRE = lazyre.New(`^([ \t]*)C[ \t]+([A-Za-z0-9_+\-.\[\]/]+)[ \t]*$`)
	condRE   = lazyre.New(`^[ \t]*(~[ \t]*exists|exists|forall|final)\b`)
)

// maxTestLines bounds what is taken for one test.
const maxTestLines = 2000

// findTests finds the litmus tests pasted in a text (a commit message or a
// cover letter): a "C name" line, an init block, processes P0, P1, ... and
// an exists/~exists/forall condition, all with the same indentation. Text
// that only mentions a test, or does not look like one, is not returned.
func findTests(text string) []block {
	lines := strings.Split(text, "\n")
	var out []block
	for i := 0; i < len(lines); i++ {
		m := headerRE.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		ind := m[1]
		var body []string
		body = append(body, strings.TrimPrefix(lines[i], ind))
		end := -1
		depth, inCond, init, procs := 0, false, false, false
		for j := i + 1; j < len(lines) && j-i < maxTestLines; j++ {
			l := strings.TrimRight(lines[j], "\r")
			if strings.TrimSpace(l) != "" && !strings.HasPrefix(l, ind) {
				break
			}
			l = strings.TrimPrefix(l, ind)
			if headerRE.MatchString(l) {
				break
			}
			body = append(body, l)
			t := strings.TrimSpace(l)
			if strings.HasPrefix(t, "{") {
				init = true
			}
			if strings.HasPrefix(t, "P0") {
				procs = true
			}
			if !inCond && condRE.MatchString(l) {
				inCond = true
			}
			if inCond {
				depth += strings.Count(l, "(") - strings.Count(l, ")")
				// The condition ends where its parentheses close and
				// something follows the keyword.
				if depth <= 0 && strings.ContainsAny(l, "=)") {
					end = j
					break
				}
			}
		}
		if end < 0 || !init || !procs {
			continue
		}
		out = append(out, block{start: i, end: end, src: strings.Join(body, "\n") + "\n", name: m[2]})
		i = end
	}
	return out
}

var verdictWords = map[string]bool{"Never": true, "Sometimes": true, "Always": true}

// claim is what the author says the test gives.
type claim struct {
	verdict string
	text    string // the words of the claim as written
	line    int    // 0-based line of the text
}

var (
	resultRE      = lazyre.New(`\bResult:[ \t]*([A-Za-z]+)`)
	observationRE = lazyre.New(`\bObservation[ \t]+(\S+)[ \t]+(Never|Sometimes|Always)\b`)
)

// mailClaim finds the claim of a test pasted in a mail: a "Result:"
// comment in the test, else herd7's "Observation NAME VERDICT" line or a
// "Result: VERDICT" line in the text just before or after it (up to the
// neighbouring tests). Words that are not herd7 verdicts ("Maybe") are no
// claim.
func mailClaim(lines []string, b block, lo, hi int) (claim, bool) {
	for j := b.start; j <= b.end; j++ {
		if m := resultRE.FindStringSubmatch(lines[j]); m != nil {
			if verdictWords[m[1]] {
				return claim{m[1], "Result: " + m[1], j}, true
			}
			return claim{}, false
		}
	}
	const near = 15
	try := func(j int) (claim, bool) {
		if m := observationRE.FindStringSubmatch(lines[j]); m != nil && m[1] == b.name {
			return claim{m[2], strings.TrimSpace(m[0]), j}, true
		}
		if m := resultRE.FindStringSubmatch(lines[j]); m != nil && verdictWords[m[1]] {
			return claim{m[1], "Result: " + m[1], j}, true
		}
		return claim{}, false
	}
	for j := b.end + 1; j < hi && j <= b.end+near; j++ {
		if c, ok := try(j); ok {
			return c, true
		}
	}
	for j := b.start - 1; j >= lo && j >= b.start-near; j-- {
		if c, ok := try(j); ok {
			return c, true
		}
	}
	return claim{}, false
}
