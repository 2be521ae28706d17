package diffparse

import (
	"strconv"
	"strings"
)

// parseNameField reads a file name at the start of s: a C-quoted name
// ("a\tb"), or an unquoted name running to term (0: to the end). It returns
// the name, the rest of s after it, and whether it was quoted.
func parseNameField(s string, term byte) (name, rest string, quoted, ok bool) {
	if strings.HasPrefix(s, `"`) {
		for i := 1; i < len(s); i++ {
			switch s[i] {
			case '\\':
				i++
			case '"':
				n, err := strconv.Unquote(s[:i+1])
				if err != nil || n == "" {
					return "", s, true, false
				}
				return n, s[i+1:], true, true
			}
		}
		return "", s, true, false
	}
	end := len(s)
	if term != 0 {
		if i := strings.IndexByte(s, term); i >= 0 {
			end = i
		}
	}
	if end == 0 {
		return "", s, false, false
	}
	return s[:end], s[end:], false, true
}

// needsQuote reports whether a name must be quoted in a diff header.
func needsQuote(name string) bool {
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < 0x20 || c == 0x7f || c == '"' || c == '\\' {
			return true
		}
	}
	return false
}

// formatName writes a name for a diff header, quoting it when it must be
// (or when the original was quoted).
func formatName(name string, quoted bool) string {
	if quoted || needsQuote(name) {
		return strconv.Quote(name)
	}
	return name
}

// stripComponents removes n leading "/"-separated components of name; it
// returns name unchanged when name has fewer components.
func stripComponents(name string, n int) string {
	s := name
	for ; n > 0; n-- {
		i := strings.IndexByte(s, '/')
		if i < 0 {
			return name
		}
		s = s[i+1:]
	}
	return s
}

// firstComponent returns the part of name before its first "/", or "".
func firstComponent(name string) string {
	if i := strings.IndexByte(name, '/'); i > 0 {
		return name[:i]
	}
	return ""
}

// gitNames is the pair of names on a "diff --git A B" line.
type gitNames struct {
	a, b   string
	qa, qb bool
}

// splitGitNames splits the text after "diff --git " into its two names.
// Unquoted names may contain spaces, so, like git, it looks for the split
// that makes both names equal (no prefix) or equal after dropping one
// leading component (a/ b/ style); a single space is taken as is.
func splitGitNames(h string) (gitNames, bool) {
	if strings.HasPrefix(h, `"`) {
		a, rest, _, ok := parseNameField(h, 0)
		if !ok {
			return gitNames{}, false
		}
		rest = strings.TrimLeft(rest, " \t")
		b, _, qb, ok := parseNameField(rest, 0)
		if !ok {
			return gitNames{}, false
		}
		return gitNames{a: a, b: b, qa: true, qb: qb}, true
	}
	if i := strings.Index(h, ` "`); i > 0 {
		b, _, _, ok := parseNameField(h[i+1:], 0)
		if !ok {
			return gitNames{}, false
		}
		return gitNames{a: h[:i], b: b, qb: true}, true
	}
	if strings.Count(h, " ") == 1 {
		i := strings.IndexByte(h, ' ')
		if i == 0 || i == len(h)-1 {
			return gitNames{}, false
		}
		return gitNames{a: h[:i], b: h[i+1:]}, true
	}
	for i := 0; i < len(h); i++ {
		if h[i] != ' ' || i == 0 || i == len(h)-1 {
			continue
		}
		a, b := h[:i], h[i+1:]
		if a == b || (strings.Contains(a, "/") && stripComponents(a, 1) == stripComponents(b, 1)) {
			return gitNames{a: a, b: b}, true
		}
	}
	return gitNames{}, false
}
