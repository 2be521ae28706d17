package mbox

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// The body splitting here is hand-written after git mailinfo (in-body
// headers, scissors, patchbreak) and patchwork's parse_patch (diff
// recognition): go-gitdiff's ParsePatchHeader works on format-patch output
// only (it cannot find a diff inside prose, ignores scissors, and uses
// net/mail for headers, see research §2.3), so it is not used here.

var (
	// sourceFromRE is git format-patch's fixed From_ line.
	sourceFromRE = lazyre.New(`^>?From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001\s*$`)
	// diffstatRE is the summary line of a diffstat.
	diffstatRE = lazyre.New(`^\s*\d+ files? changed(, \d+ insertions?\(\+\))?(, \d+ deletions?\(-\))?\s*$`)
	// metaRE is a base-commit:/change-id:/prerequisite-*: line (git format-patch --base, b4).
	metaRE = lazyre.New(`^(base-commit|change-id|prerequisite-patch-id|prerequisite-change-id|prerequisite-message-id):[ \t]*(\S+)`)
	// dependsRE is patchwork's Depends-on: tag.
	dependsRE = lazyre.New(`(?i)^Depends-on:[ \t]*(\S+)`)
	// pullSinceRE and pullAtRE frame a git request-pull message.
	pullSinceRE = lazyre.New(`(?im)^The following changes since commit`)
	pullAtRE    = lazyre.New(`(?im)^are available in the git repository at:[ \t]*$`)
	// pullURLRE is the start of a repository URL (scheme:// or user@host:).
	pullURLRE = lazyre.New(`^[\w+.-]+(?:://|@)\S+$`)
	// pullRefRE is a branch or tag name wrapped onto the next line.
	pullRefRE = lazyre.New(`^[\w/._-]+$`)
)

// ExtractPatch classifies m and extracts what it contributes: subject tags,
// author (in-body From: wins), commit message, trailers, notes, diff text
// (bytes as sent), base/source commits and pull-request URL. It never
// fails; anything suspicious is listed in Patch.Problems. A nil message
// yields a KindOther patch with a problem.
func ExtractPatch(m *Message) *Patch {
	p := &Patch{Msg: m, Kind: KindOther}
	if m == nil {
		p.Problems = append(p.Problems, "extract: no message")
		p.Tags.Version = 1
		return p
	}
	p.Subject = m.Subject
	p.Title, p.Tags = ParseSubject(m.Subject)
	p.Author = m.From
	p.Date = m.Date
	if m.Raw != nil {
		if sm := sourceFromRE.FindStringSubmatch(m.Raw.FromLine); sm != nil {
			p.SourceCommit = sm[1]
		}
	}
	if m.Flowed {
		p.Problems = append(p.Problems, "body was format=flowed and has been un-flowed; trailing white space in the diff may be lost")
	}

	src := m.PatchBody
	if src == "" {
		src = m.Body
	}
	d := extractDiff(src)
	p.Diff, p.DiffLine = d.text, d.line
	p.Problems = append(p.Problems, d.problems...)

	body := strings.ReplaceAll(m.Body, "\r\n", "\n")
	lines := strings.Split(body, "\n")
	limit := findDiffStart(lines)
	if limit < 0 {
		limit = len(lines)
	}
	start := 0
	if p.Diff != "" {
		if s := lastScissors(lines[:limit]); s >= 0 {
			start = s + 1
			p.Scissors = true
		}
	}
	next, hdr := parseInBodyHeaders(lines, start)
	applyInBodyHeaders(p, hdr)
	splitMessage(p, lines, next, limit)
	p.Trailers = ParseTrailers(p.CommitMessage)
	readMetadata(p, lines[next:])
	p.PullURL = parsePullRequest(body)
	p.Kind = classify(p, lines[next:])
	return p
}

// classify decides the message kind.
func classify(p *Patch, body []string) Kind {
	m := p.Msg
	switch {
	case p.PullURL != "" && !p.Tags.IsReply:
		return KindPullRequest
	case p.Tags.IsReply && !p.Scissors:
		return KindReply
	case p.Diff != "":
		return KindPatch
	case p.Tags.HasCounter && p.Tags.Index == 0:
		return KindCover
	case hasDiffstat(body):
		return KindCover
	case m.InReplyTo != "" || len(m.References) > 0:
		return KindReply
	}
	return KindOther
}

// LostToDecoding says why a mail that may have carried a patch yields
// none: it is not a reply (by its subject), it has no diff and is no
// cover letter or pull request, and its body could not be decoded
// (Message.Undecodable). Such a mail is an input error, not a mail
// without a patch. "" otherwise.
func (p *Patch) LostToDecoding() string {
	if p.Msg == nil || p.Msg.Undecodable == "" || p.Tags.IsReply {
		return ""
	}
	if p.Kind != KindOther && p.Kind != KindReply {
		return ""
	}
	return "the body cannot be decoded (" + p.Msg.Undecodable + "); a patch in it would be lost"
}

// LostDiff reports whether a mail says it is patch n of a series (not a
// reply to one) but carries no diff: truncated or mangled in transit.
func (p *Patch) LostDiff() bool {
	return (p.Kind == KindOther || p.Kind == KindReply) && !p.Tags.IsReply && p.Tags.Patch && p.Tags.HasCounter && p.Tags.Index > 0
}

// hasDiffstat reports an unquoted diffstat summary line.
func hasDiffstat(lines []string) bool {
	for _, l := range lines {
		if diffstatRE.MatchString(l) {
			return true
		}
	}
	return false
}

// inBodyHeaders is what the top of a body said (git check_inbody_header).
type inBodyHeaders struct {
	from, subject, date string
	found               bool
}

// parseInBodyHeaders reads in-body From:/Subject:/Date: lines (with
// continuation lines), an optional escaped format-patch From_ line and a
// "[PATCH] subject" first line, starting at line i. It returns the index
// of the first line of the message proper.
func parseInBodyHeaders(lines []string, i int) (int, inBodyHeaders) {
	var h inBodyHeaders
	n := len(lines)
	for i < n && strings.TrimSpace(lines[i]) == "" {
		i++
	}
	if i < n && sourceFromRE.MatchString(lines[i]) {
		i++
	}
	for i < n {
		l := lines[i]
		if !h.found && strings.HasPrefix(l, "[PATCH]") && len(l) > 7 && (l[7] == ' ' || l[7] == '\t') {
			h.subject, h.found = strings.TrimSpace(l), true
			i++
			continue
		}
		key, val, ok := inBodyHeaderLine(l)
		if !ok {
			break
		}
		i++
		for i < n && len(lines[i]) > 0 && (lines[i][0] == ' ' || lines[i][0] == '\t') {
			val = strings.TrimSpace(val + " " + strings.TrimSpace(lines[i]))
			i++
		}
		switch key {
		case "from":
			if h.from == "" {
				h.from = val
			}
		case "subject":
			if h.subject == "" {
				h.subject = val
			}
		case "date":
			if h.date == "" {
				h.date = val
			}
		}
		h.found = true
	}
	if h.found {
		for i < n && strings.TrimSpace(lines[i]) == "" {
			i++
		}
	}
	return i, h
}

// inBodyHeaderLine matches "From:", "Subject:" or "Date:" (any case).
func inBodyHeaderLine(l string) (key, val string, ok bool) {
	c := strings.IndexByte(l, ':')
	if c < 4 || c > 7 {
		return "", "", false
	}
	k := strings.ToLower(l[:c])
	if k != "from" && k != "subject" && k != "date" {
		return "", "", false
	}
	return k, strings.TrimSpace(l[c+1:]), true
}

// applyInBodyHeaders lets in-body headers override the mail headers.
func applyInBodyHeaders(p *Patch, h inBodyHeaders) {
	if h.from != "" {
		if as, _ := parseAddressList(h.from); len(as) > 0 && as[0].Email != "" {
			p.Author = as[0]
			p.InBodyHeaders = true
		} else {
			p.Problems = append(p.Problems, fmt.Sprintf("in-body From: %q is not an address; kept the mail's From", h.from))
		}
	}
	if h.subject != "" {
		title, tags := ParseSubject(h.subject)
		p.Title = title
		p.InBodyHeaders = true
		if p.Scissors || p.Tags.IsReply {
			// The real submission follows the scissors: its own tags count.
			p.Tags = tags
		}
	}
	if h.date != "" {
		if t, ok, _ := parseDateHeader(h.date); ok {
			p.Date = t
			p.InBodyHeaders = true
		} else {
			p.Problems = append(p.Problems, fmt.Sprintf("in-body Date: %q is not a date; kept the mail's Date", h.date))
		}
	}
}

// splitMessage fills CommitMessage and Notes from body lines [from, limit).
func splitMessage(p *Patch, lines []string, from, limit int) {
	if from > limit {
		limit = len(lines)
	}
	end := from
	for end < len(lines) && !patchbreak(lines[end]) {
		end++
	}
	p.CommitMessage = joinTrimmed(cutFooter(lines[from:end]))
	if end < len(lines) && isDashSeparator(lines[end]) {
		stop := limit
		if stop <= end {
			stop = len(lines)
		}
		p.Notes = joinTrimmed(cutFooter(lines[end+1 : stop]))
	}
}

// patchbreak is git mailinfo's end of the commit message: "diff -",
// "Index: ", "--- <file>" or "---" followed only by white space.
func patchbreak(l string) bool {
	if strings.HasPrefix(l, "diff -") || strings.HasPrefix(l, "Index: ") {
		return true
	}
	if len(l) < 3 || !strings.HasPrefix(l, "---") {
		return false
	}
	if len(l) > 4 && l[3] == ' ' && l[4] != ' ' && l[4] != '\t' {
		return true
	}
	return isDashSeparator(l)
}

// isDashSeparator is "---" plus optional white space.
func isDashSeparator(l string) bool {
	return strings.HasPrefix(l, "---") && strings.TrimSpace(l[3:]) == ""
}

// cutFooter drops everything from a "-- " signature or a Mailman
// "_____" footer on.
func cutFooter(lines []string) []string {
	for i, l := range lines {
		if isSignature(l) || isListFooter(l) {
			return lines[:i]
		}
	}
	return lines
}

// isSignature is the "-- " signature separator (also "--" as sent by some
// tools, e.g. b4's samples).
func isSignature(l string) bool {
	l = strings.TrimRight(l, "\r")
	return l == "-- " || l == "--"
}

// isListFooter is a Mailman footer rule: ten or more underscores.
func isListFooter(l string) bool {
	t := strings.TrimSpace(l)
	return len(t) >= 10 && strings.Trim(t, "_") == ""
}

// joinTrimmed joins lines and drops leading and trailing blank lines and
// trailing white space of the whole text.
func joinTrimmed(lines []string) string {
	for len(lines) > 0 && strings.TrimSpace(lines[0]) == "" {
		lines = lines[1:]
	}
	for len(lines) > 0 && strings.TrimSpace(lines[len(lines)-1]) == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.TrimRight(strings.Join(lines, "\n"), " \t\r\n")
}

// lastScissors returns the index of the last scissors line, or -1.
func lastScissors(lines []string) int {
	idx := -1
	for i, l := range lines {
		if isScissorsLine(l) {
			idx = i
		}
	}
	return idx
}

// isScissorsLine reimplements git mailinfo's is_scissors_line: a ">8",
// "8<", ">%" or "%<" mark, at least 8 visible characters, a perforation
// (dashes, marks and the gaps between them) over a third of the visible
// width, and marks plus dashes over half of the perforation.
func isScissorsLine(l string) bool {
	scissors, gap, perforation := 0, 0, 0
	inPerforation := false
	first, last := -1, -1
	for i := 0; i < len(l); i++ {
		c := l[i]
		if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v' {
			if inPerforation {
				perforation++
				gap++
			}
			continue
		}
		last = i
		if first < 0 {
			first = i
		}
		if c == '-' {
			inPerforation = true
			perforation++
			continue
		}
		if i+1 < len(l) {
			two := l[i : i+2]
			if two == ">8" || two == "8<" || two == ">%" || two == "%<" {
				inPerforation = true
				perforation += 2
				scissors += 2
				i++
				last = i
				continue
			}
		}
		inPerforation = false
	}
	if scissors == 0 {
		return false
	}
	visible := last - first + 1
	if visible < 8 || perforation*3 < visible {
		return false
	}
	return gap*2 < perforation
}

// readMetadata collects base-commit:, change-id:, prerequisite-*: and
// Depends-on: lines (unquoted, column 0).
func readMetadata(p *Patch, lines []string) {
	for _, l := range lines {
		l = strings.TrimRight(l, "\r")
		if m := metaRE.FindStringSubmatch(l); m != nil {
			switch m[1] {
			case "base-commit":
				if p.BaseCommit == "" {
					p.BaseCommit = m[2]
				}
			case "change-id":
				if p.ChangeID == "" {
					p.ChangeID = m[2]
				}
			default:
				p.Prerequisites = append(p.Prerequisites, m[2])
			}
			continue
		}
		if m := dependsRE.FindStringSubmatch(l); m != nil {
			p.DependsOn = append(p.DependsOn, strings.Trim(m[1], "<>"))
		}
	}
}

// parsePullRequest finds a git request-pull URL (patchwork's
// parse_pull_request): "The following changes since commit" … "are
// available in the git repository at:", then, after blank lines, the URL
// and optional branch, possibly wrapped onto the next line.
func parsePullRequest(text string) string {
	since := pullSinceRE.FindStringIndex(text)
	if since == nil {
		return ""
	}
	at := pullAtRE.FindStringIndex(text[since[1]:])
	if at == nil {
		return ""
	}
	rest := strings.Split(text[since[1]+at[1]:], "\n")
	i := 1 // rest[0] is the remainder of the "at:" line
	for i < len(rest) && strings.TrimSpace(rest[i]) == "" {
		i++
	}
	if i >= len(rest) {
		return ""
	}
	f := strings.Fields(rest[i])
	if len(f) == 0 || !pullURLRE.MatchString(f[0]) {
		return ""
	}
	if len(f) > 2 {
		f = f[:2]
	}
	if len(f) == 1 && i+1 < len(rest) {
		if next := strings.TrimSpace(rest[i+1]); next != "" && pullRefRE.MatchString(next) &&
			!strings.HasPrefix(strings.ToLower(next), "for") {
			f = append(f, next)
		}
	}
	return strings.Join(f, " ")
}
