package review

import (
	"bytes"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/mbox"
)

// mailTexts returns the commit message and the notes of a patch mail, with
// the line of the mail body each starts at (0 when not found as sent).
func mailTexts(p *mbox.Patch) []analyzers.MailText {
	var out []analyzers.MailText
	body := ""
	if p.Msg != nil {
		body = p.Msg.PatchBody
	}
	lineOf := func(text string) int {
		if text == "" || body == "" {
			return 0
		}
		i := strings.Index(body, text)
		if i < 0 {
			return 0
		}
		return 1 + strings.Count(body[:i], "\n")
	}
	if strings.TrimSpace(p.CommitMessage) != "" {
		out = append(out, analyzers.MailText{Part: "commit message", Text: p.CommitMessage, Line: lineOf(p.CommitMessage)})
	}
	if strings.TrimSpace(p.Notes) != "" {
		out = append(out, analyzers.MailText{Part: "notes", Text: p.Notes, Line: lineOf(p.Notes)})
	}
	return out
}

// mailBodyLine returns line n (1-based) of the patch mail's body.
func mailBodyLine(p *mbox.Patch, n int) string {
	if p.Msg == nil {
		return ""
	}
	lines := strings.Split(p.Msg.PatchBody, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return strings.TrimRight(lines[n-1], "\r")
}

// mailInputLine returns the line of the input file holding line n of the
// patch mail's body, when the body is in the input as decoded; else 0.
func mailInputLine(p *mbox.Patch, n int) int {
	if p.Msg == nil || p.Msg.Raw == nil || p.Msg.Raw.Line <= 0 || n <= 0 || p.Msg.PatchBody == "" {
		return 0
	}
	data := p.Msg.Raw.Data
	j := bytes.Index(data, []byte(p.Msg.PatchBody))
	if j < 0 {
		return 0
	}
	return p.Msg.Raw.Line + bytes.Count(data[:j], []byte("\n")) + n - 1
}
