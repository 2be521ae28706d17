package litmus

import (
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// Header returns the name on the first line "C name" (or "ARCH name") of a
// litmus test, without parsing the rest.
func Header(src []byte) (string, bool) {
	line := string(src)
	if i := strings.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	f := strings.Fields(line)
	if len(f) < 2 || len(f[0]) > 16 {
		return "", false
	}
	return f[1], true
}

// Claim is a "Result: VERDICT" comment of a litmus test: what its author
// says herd7 answers.
type Claim struct {
	Verdict string // Never, Sometimes, Always, or another word (Maybe, DEADLOCK)
	Line    int    // 1-based line in the test text
}

var claimRE = lazyre.New(`(?m)\bResult:[ \t]*([A-Za-z]+)`)

// ResultClaim finds the first "Result:" line of a test's text.
func ResultClaim(src []byte) (Claim, bool) {
	m := claimRE.FindSubmatchIndex(src)
	if m == nil {
		return Claim{}, false
	}
	line := 1 + strings.Count(string(src[:m[0]]), "\n")
	return Claim{Verdict: string(src[m[2]:m[3]]), Line: line}, true
}
