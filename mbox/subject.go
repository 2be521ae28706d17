package mbox

import (
	"strconv"
	"strings"
	"unicode"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// Subject parsing is hand-written: neither go-message nor go-gitdiff parses
// patch subject prefixes (go-gitdiff only strips them, see go-gitdiff #33),
// and the rules below merge git's cleanup_subject, patchwork's
// clean_subject/parse_series_marker and b4's LoreSubject.

// maxSubjectLen caps how much of a subject is examined; longer subjects are
// cut (a subject is one header line, 998 bytes by RFC 5322).
const maxSubjectLen = 4096

var (
	// replyPrefixRE matches one reply/forward marker at the start.
	replyPrefixRE = lazyre.New(`^(?i)(re|aw|fwd?|fw|sv|antw)\s*:`)
	// tokenRE classifies one prefix token: [vN[.M]][PATCH|RFC|RESEND][vN][n/N].
	tokenRE = lazyre.New(`^(?i)(?:v(\d{1,6})(?:\.\d+)?)?(patch|rfc|resend)?(?:v(\d{1,6}))?(?:(\d{1,4})/(\d{1,4}))?$`)
	// numRE is a counter number (up to 4 digits), optionally glued to PATCH.
	numRE = lazyre.New(`^(?i)(?:patch)?(\d{1,4})$`)
	// suffixVersionRE is the "(v2)" version marker patchwork accepts in the title.
	suffixVersionRE = lazyre.New(`\([vV](\d{1,6})\)`)
)

// ParseSubject splits a decoded subject into its title (git's
// cleanup_subject: reply markers and every leading [...] group removed) and
// what the bracketed prefixes say. It never fails; unknown prefix tokens are
// kept in tags.Prefixes.
func ParseSubject(s string) (title string, tags SubjectTags) {
	tags.Version = 1
	if len(s) > maxSubjectLen {
		s = s[:maxSubjectLen]
	}
	s = unfoldSubject(s)
	var groups []string
	for {
		s = strings.TrimLeft(s, " :")
		if m := replyPrefixRE.FindStringIndex(s); m != nil {
			tags.IsReply = true
			s = s[m[1]:]
			continue
		}
		if strings.HasPrefix(s, "[") {
			end := matchBracket(s)
			if end < 0 {
				break
			}
			groups = append(groups, s[1:end])
			s = s[end+1:]
			continue
		}
		// "PATCH v2 3/4] title": an opening bracket lost by the sender.
		if len(groups) == 0 {
			if g, rest, ok := missingOpenBracket(s); ok {
				groups = append(groups, g)
				s = rest
				continue
			}
		}
		break
	}
	title = strings.TrimSpace(s)
	var toks []string
	for _, g := range groups {
		toks = append(toks, splitPrefixTokens(g)...)
	}
	tags.Prefixes = toks
	classifyTokens(toks, &tags)
	if tags.Version == 1 && !versionGiven(toks) {
		if m := suffixVersionRE.FindStringSubmatch(title); m != nil {
			if v, err := strconv.Atoi(m[1]); err == nil && v > 0 {
				tags.Version = v
			}
		}
	}
	return title, tags
}

// unfoldSubject joins folded lines and collapses runs of white space.
func unfoldSubject(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\r' || r == '\n'
	}), " ")
}

// matchBracket returns the index of the ']' closing the '[' at s[0],
// honouring nesting, or -1.
func matchBracket(s string) int {
	depth := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// missingOpenBracket recognises "PATCH V2 3/4] title" (a real subject from
// patchwork's bugs-multiple-references.mbox): a PATCH token, a ']' within
// 64 bytes and no '[' before it.
func missingOpenBracket(s string) (group, rest string, ok bool) {
	if len(s) < 5 || !strings.EqualFold(s[:5], "patch") {
		return "", "", false
	}
	end := strings.IndexByte(s, ']')
	if end < 0 || end > 64 || strings.IndexByte(s[:end], '[') >= 0 {
		return "", "", false
	}
	return s[:end], s[end+1:], true
}

// splitPrefixTokens splits one bracket group on white space and commas;
// nested brackets are flattened (b4).
func splitPrefixTokens(g string) []string {
	return strings.FieldsFunc(g, func(r rune) bool {
		return r == ',' || r == '[' || r == ']' || unicode.IsSpace(r)
	})
}

// versionGiven reports whether a vN token was among the prefixes.
func versionGiven(toks []string) bool {
	for _, t := range toks {
		if m := tokenRE.FindStringSubmatch(t); m != nil && (m[1] != "" || m[3] != "") {
			return true
		}
	}
	return false
}

// classifyTokens fills tags from the prefix tokens.
func classifyTokens(toks []string, tags *SubjectTags) {
	versionSet := false
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		// "n of N" (hg patchbomb), also "PATCH1 of 8".
		if !tags.HasCounter && i+2 < len(toks) && strings.EqualFold(toks[i+1], "of") {
			a, b := numRE.FindStringSubmatch(t), numRE.FindStringSubmatch(toks[i+2])
			if a != nil && b != nil && !strings.HasPrefix(strings.ToLower(toks[i+2]), "patch") {
				if strings.HasPrefix(strings.ToLower(t), "patch") {
					tags.Patch = true
				}
				tags.Index, _ = strconv.Atoi(a[1])
				tags.Total, _ = strconv.Atoi(b[1])
				tags.HasCounter = true
				i += 2
				continue
			}
		}
		m := tokenRE.FindStringSubmatch(t)
		if m == nil || t == "" {
			classifyWordToken(t, tags)
			continue
		}
		if v := firstNonEmpty(m[3], m[1]); v != "" && !versionSet {
			if n, err := strconv.Atoi(v); err == nil && n > 0 {
				tags.Version = n
				versionSet = true
			}
		}
		switch strings.ToLower(m[2]) {
		case "patch":
			tags.Patch = true
		case "rfc":
			tags.RFC = true
		case "resend":
			tags.Resend = true
		}
		if m[4] != "" && !tags.HasCounter {
			tags.Index, _ = strconv.Atoi(m[4])
			tags.Total, _ = strconv.Atoi(m[5])
			tags.HasCounter = true
		}
	}
}

// classifyWordToken handles tokens like "RFCv2", "RESEND^2" or "RFC-v3"
// that the strict token pattern rejects (b4 matches RFC*/RESEND* loosely).
func classifyWordToken(t string, tags *SubjectTags) {
	l := strings.ToLower(t)
	switch {
	case strings.HasPrefix(l, "resend"):
		tags.Resend = true
	case l == "rfc" || strings.HasPrefix(l, "rfc-") || strings.HasPrefix(l, "rfc^"):
		tags.RFC = true
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
