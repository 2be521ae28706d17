package diffparse

import "strings"

// splitLines splits s into lines without their "\n" and reports whether the
// text ended with a newline.
func splitLines(s string) (lines []string, finalNL bool) {
	if s == "" {
		return nil, false
	}
	finalNL = strings.HasSuffix(s, "\n")
	if finalNL {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n"), finalNL
}

// isDiffHeaderLine reports whether l starts a diff structure whose line end
// tells how the whole patch was transported.
func isDiffHeaderLine(l string) bool {
	for _, p := range []string{"diff ", "--- ", "+++ ", "@@ -", "Index: "} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// normaliseCRLF detects a patch that travelled with CRLF line ends (its diff
// header lines end in "\r") and strips one "\r" from every line that has
// one, in place. Content lines of a CRLF file diffed by git keep their own
// "\r" because only one is stripped. It reports whether the patch was CRLF.
func normaliseCRLF(lines []string) bool {
	crlf := false
	for _, l := range lines {
		if isDiffHeaderLine(l) {
			crlf = strings.HasSuffix(l, "\r")
			break
		}
	}
	if !crlf {
		return false
	}
	for i, l := range lines {
		lines[i] = strings.TrimSuffix(l, "\r")
	}
	return true
}
