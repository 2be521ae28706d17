package diffparse

import (
	"strings"
)

// isBase85Line matches a data line of a "GIT binary patch" fragment: a
// length character and a multiple of five base85 characters.
func isBase85Line(l string) bool {
	if len(l) < 6 || (len(l)-1)%5 != 0 {
		return false
	}
	c := l[0]
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z'
}

// isBinaryFragmentHeader matches "literal N" and "delta N".
func isBinaryFragmentHeader(l string) bool {
	return strings.HasPrefix(l, "literal ") || strings.HasPrefix(l, "delta ")
}

// gitdiffText joins the lines for go-gitdiff, adding the blank line that
// must end each binary fragment when a mail client (or a hand edit) lost
// it, which go-gitdiff would reject as "corrupt data line". It returns the
// text and the indices (in lines) before which a blank line was added, so
// go-gitdiff's line numbers can be mapped back.
func gitdiffText(lines []string) (string, []int) {
	var b strings.Builder
	var added []int
	inData, afterData := false, false
	for i, l := range lines {
		endedHere := false
		if inData && !isBase85Line(l) {
			inData, endedHere = false, true
			if l != "" {
				b.WriteByte('\n')
				added = append(added, i)
			}
		}
		b.WriteString(l)
		b.WriteByte('\n')
		switch {
		case isBinaryFragmentHeader(l) && (i > 0 && lines[i-1] == "GIT binary patch" || afterData || endedHere):
			inData, afterData = true, false
		case endedHere && l == "":
			afterData = true // the reverse fragment may follow the blank line
		default:
			afterData = false
		}
	}
	if inData {
		b.WriteByte('\n')
	}
	return b.String(), added
}

// inputLine maps a 1-based line of gitdiffText's output back to the input.
func inputLine(n int, added []int) int {
	shift := 0
	for _, a := range added {
		if a+shift+1 < n {
			shift++
		}
	}
	return n - shift
}
