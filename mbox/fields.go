package mbox

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// extractIDs returns the contents of every "<…>" in raw, the way b4's
// get_clean_msgid and patchwork's find_references use the regex
// <([^>]+)>: RFC 2047 is not decoded, comments and prose are ignored.
// Whitespace inside an id (left by folding) is removed.
func extractIDs(raw string, out []string) []string {
	for {
		i := strings.IndexByte(raw, '<')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(raw[i+1:], '>')
		if j < 0 {
			return out
		}
		if j == 0 {
			raw = raw[i+1:]
			continue
		}
		id := raw[i+1 : i+1+j]
		if strings.ContainsAny(id, " \t") {
			id = strings.Join(strings.Fields(id), "")
		}
		if id != "" {
			out = append(out, id)
		}
		raw = raw[i+1+j+1:]
	}
}

// bareID returns a bracket-less id (first whitespace-separated token) for
// headers that lack <…>.
func bareID(raw string) string {
	f := strings.Fields(raw)
	if len(f) == 0 {
		return ""
	}
	return strings.Trim(f[0], "<>")
}

// parseIDs fills MessageID, InReplyTo and References from the raw header.
func parseIDs(m *Message) {
	ids := m.Header["Message-Id"]
	if len(ids) > 1 {
		m.Problems = append(m.Problems, fmt.Sprintf("header: %d Message-ID headers; using the first", len(ids)))
	}
	if len(ids) > 0 {
		if got := extractIDs(ids[0], nil); len(got) > 0 {
			m.MessageID = got[0]
		} else if id := bareID(ids[0]); id != "" {
			m.MessageID = id
			m.Problems = append(m.Problems, fmt.Sprintf("header: Message-ID %q has no <brackets>; using it as is", clipText(ids[0], 60)))
		}
	}
	for _, v := range m.Header["In-Reply-To"] {
		if got := extractIDs(v, nil); len(got) > 0 {
			m.InReplyTo = got[0]
			break
		}
		if id := bareID(v); id != "" && strings.Contains(id, "@") {
			m.InReplyTo = id
			m.Problems = append(m.Problems, fmt.Sprintf("header: In-Reply-To %q has no <brackets>; using it as is", clipText(v, 60)))
			break
		}
	}
	refs := m.Header["References"]
	if len(refs) > 1 {
		m.Problems = append(m.Problems, fmt.Sprintf("header: %d References headers; merged", len(refs)))
	}
	var all []string
	for _, v := range refs {
		n := len(all)
		all = extractIDs(v, all)
		if len(all) == n {
			for _, tok := range strings.Fields(v) {
				if strings.Contains(tok, "@") {
					all = append(all, strings.Trim(tok, "<>,"))
				}
			}
			if len(all) > n {
				m.Problems = append(m.Problems, "header: References without <brackets>; used as is")
			}
		}
	}
	m.References = dedupeIDs(all)
}

// dedupe removes repeated strings, keeping the first occurrence.
func dedupeIDs(in []string) []string {
	if len(in) < 2 {
		return in
	}
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// mailDateLayouts are tried after net/mail.ParseDate, on a value whose
// comments were removed and whose blanks were collapsed.
var mailDateLayouts = []string{
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04 -0700",
	"2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05",
	"2 Jan 2006 15:04:05",
	"Mon, 2 Jan 06 15:04:05 -0700",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon, Jan 2 2006 15:04:05 -0700",
	time.RFC3339,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
}

// parseDate parses a Date header best-effort: RFC 5322 with comments
// ("(EDT)"), "GMT", no weekday, doubled blanks, odd layouts. An absurd
// numeric zone (beyond ±14:00) is replaced by UTC. ok is false when
// nothing worked or the year is outside 1970..2200.
func parseDateHeader(raw string) (t time.Time, ok bool, problems []string) {
	if t, ok := fastDate(raw); ok {
		return t, t.Year() >= 1970 && t.Year() <= 2200, nil
	}
	s := collapseWS(stripRFCComments(raw))
	if s == "" {
		return time.Time{}, false, nil
	}
	t, err := mail.ParseDate(s)
	if err != nil {
		t, err = parseDateLayouts(s)
	}
	if err != nil {
		if fixed, changed := fixZone(s); changed {
			t, err = mail.ParseDate(fixed)
			if err != nil {
				t, err = parseDateLayouts(fixed)
			}
			if err == nil {
				problems = append(problems, fmt.Sprintf("header: Date %q has an impossible time zone; used UTC", clipText(raw, 60)))
			}
		}
	}
	if err != nil {
		return time.Time{}, false, append(problems, fmt.Sprintf("header: cannot parse Date %q", clipText(raw, 60)))
	}
	if _, off := t.Zone(); off < -14*3600 || off > 14*3600 {
		t = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.UTC)
		problems = append(problems, fmt.Sprintf("header: Date %q has an impossible time zone; used UTC", clipText(raw, 60)))
	}
	if y := t.Year(); y < 1970 || y > 2200 {
		return t, false, append(problems, fmt.Sprintf("header: Date %q has an implausible year", clipText(raw, 60)))
	}
	return t, true, problems
}

// parseLayouts tries mailDateLayouts in order.
func parseDateLayouts(s string) (time.Time, error) {
	var err error
	for _, l := range mailDateLayouts {
		var t time.Time
		if t, err = time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, err
}

// fixZone replaces a trailing numeric zone whose hours exceed 14 by +0000.
func fixZone(s string) (string, bool) {
	i := strings.LastIndexByte(s, ' ')
	if i < 0 {
		return s, false
	}
	z := s[i+1:]
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return s, false
	}
	h, err := strconv.Atoi(z[1:3])
	if err != nil || h <= 14 {
		return s, false
	}
	return s[:i] + " +0000", true
}

// stripComments removes RFC 5322 comments "(…)" (nesting allowed).
func stripRFCComments(s string) string {
	if strings.IndexByte(s, '(') < 0 {
		return s
	}
	var b strings.Builder
	depth := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case depth == 0:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// collapseSpace turns every run of whitespace into one space and trims.
func collapseWS(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// addressParser parses address lists, decoding RFC 2047 display names.
var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

// parseAddressList parses To/Cc/From values. net/mail is tried first; on
// failure (8-bit names, stray brackets, missing quotes) a lenient split on
// top-level commas is used. Raw 8-bit bytes are decoded first.
func parseAddressList(raw string) ([]Address, []string) {
	s, fell := textToUTF8(raw)
	var problems []string
	if fell {
		problems = append(problems, fmt.Sprintf("header: raw 8-bit address %q is not UTF-8; decoded as windows-1252", clipText(s, 40)))
	}
	if strings.TrimSpace(s) == "" {
		return nil, problems
	}
	if list, ok := fastAddressList(s); ok {
		return list, problems
	}
	if list, err := addressParser.ParseList(s); err == nil {
		out := make([]Address, 0, len(list))
		for _, a := range list {
			name := a.Name
			if name == "" {
				name = commentName(s, a.Address)
			}
			out = append(out, Address{Name: name, Email: a.Address})
		}
		return out, problems
	}
	var out []Address
	for _, piece := range splitTopLevel(s) {
		a, ps := lenientAddress(piece)
		problems = append(problems, ps...)
		if a.Email != "" || a.Name != "" {
			out = append(out, a)
		}
	}
	return out, problems
}

// commentName returns the text of a comment following a bare address
// ("nsb@x (Nathaniel Borenstein)"), which git uses as the author name.
func commentName(s, email string) string {
	i := strings.Index(s, email)
	if i < 0 || len(splitTopLevel(s)) != 1 {
		return ""
	}
	rest := s[i+len(email):]
	if j := strings.IndexByte(rest, '('); j >= 0 {
		if k := strings.LastIndexByte(rest, ')'); k > j {
			name, _ := decodeText(collapseWS(rest[j+1 : k]))
			return name
		}
	}
	return ""
}

// splitTopLevel splits an address list on commas outside quotes, angle
// brackets and comments.
func splitTopLevel(s string) []string {
	var out []string
	depth, angle, quote, start := 0, false, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && quote:
			i++
		case c == '"':
			quote = !quote
		case quote:
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == '<':
			angle = true
		case c == '>':
			angle = false
		case c == ',' && depth == 0 && !angle:
			if p := strings.TrimSpace(s[start:i]); p != "" {
				out = append(out, p)
			}
			start = i + 1
		}
	}
	if p := strings.TrimSpace(s[start:]); p != "" {
		out = append(out, p)
	}
	return out
}

// lenientAddress parses one address the forgiving way.
func lenientAddress(p string) (Address, []string) {
	var a Address
	var comment string
	if i := strings.IndexByte(p, '<'); i >= 0 {
		j := strings.IndexByte(p[i:], '>')
		if j < 0 {
			j = len(p) - i
		}
		a.Email = strings.TrimSpace(p[i+1 : i+j])
		rest := p[:i]
		if i+j+1 < len(p) {
			comment = p[i+j+1:]
		}
		a.Name = strings.TrimSpace(stripRFCComments(rest))
	} else {
		for _, tok := range strings.Fields(stripRFCComments(p)) {
			if strings.Contains(tok, "@") {
				a.Email = strings.Trim(tok, "\"',;")
				break
			}
		}
		comment = p
		if a.Email == "" {
			a.Name = strings.TrimSpace(stripRFCComments(p))
		}
	}
	if a.Name == "" {
		if j := strings.IndexByte(comment, '('); j >= 0 {
			if k := strings.LastIndexByte(comment, ')'); k > j {
				a.Name = collapseWS(comment[j+1 : k])
			}
		}
	}
	a.Name = unquoteName(a.Name)
	name, problems := decodeText(a.Name)
	a.Name = collapseWS(name)
	return a, problems
}

// unquote removes surrounding double quotes and backslash escapes.
func unquoteName(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
		if strings.IndexByte(s, '\\') >= 0 {
			var b strings.Builder
			for i := 0; i < len(s); i++ {
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				b.WriteByte(s[i])
			}
			s = b.String()
		}
	}
	return s
}

// parseAuthor parses a From value that contains RFC 822 comments the way
// git mailinfo does: the display name is everything outside <…>, with
// comments kept in parentheses ("A (zzz) U Thor (Comment)"), quotes and
// backslash escapes removed, blanks collapsed, RFC 2047 words decoded.
// Without <…>, the address is the token with an '@' and the name the
// comment text.
func parseAuthor(raw string) (Address, []string) {
	s, _ := textToUTF8(raw)
	lt, gt := -1, -1
	depth, quote := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\':
			i++
		case quote:
			quote = c != '"'
		case c == '"' && depth == 0:
			quote = true
		case c == '(':
			depth++
		case c == ')' && depth > 0:
			depth--
		case c == '<' && depth == 0 && lt < 0:
			lt = i
		case c == '>' && depth == 0 && lt >= 0 && gt < 0:
			gt = i
		}
	}
	var a Address
	var name string
	if lt >= 0 && gt > lt {
		a.Email = strings.TrimSpace(s[lt+1 : gt])
		before, after := strings.TrimSpace(gitName(s[:lt])), strings.TrimSpace(gitName(s[gt+1:]))
		if before == "" && strings.HasPrefix(after, "(") && strings.HasSuffix(after, ")") {
			after = after[1 : len(after)-1] // "<a@b> (Name)": the comment is the name
		}
		name = before + " " + after
	} else {
		for _, tok := range strings.Fields(stripRFCComments(s)) {
			if strings.Contains(tok, "@") {
				a.Email = strings.Trim(tok, "\"',;<>")
				break
			}
		}
		if c := strings.IndexByte(s, '('); c >= 0 {
			name = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(gitName(s[c:])), "("), ")")
		}
	}
	name, problems := decodeText(collapseWS(name))
	a.Name = collapseWS(name)
	return a, problems
}

// gitName removes quotes and backslash escapes, keeping comments.
func gitName(s string) string {
	var b strings.Builder
	depth, quote := 0, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case quote:
			if c == '"' {
				quote = false
			} else {
				b.WriteByte(c)
			}
		case c == '"' && depth == 0:
			quote = true
		default:
			if c == '(' {
				depth++
			} else if c == ')' && depth > 0 {
				depth--
			}
			b.WriteByte(c)
		}
	}
	return b.String()
}
