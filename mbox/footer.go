package mbox

import (
	"strings"
)

// CutMailFooter splits a mail body into the text and its trailing
// signature / mailing-list footer: from the first signature line or Mailman
// "_____…" rule line (isSignature, isListFooter — the same lines the patch
// extraction cuts at) after which no diff follows (patchwork's
// clean_content, b4's get_body_parts). A "-- " line that is a removed line
// of a diff hunk is not a signature: it must not be followed by diff lines.
// When nothing qualifies, footer is "".
func CutMailFooter(body string) (text, footer string) {
	off := 0
	for off < len(body) {
		end := strings.IndexByte(body[off:], '\n')
		next := len(body)
		if end >= 0 {
			next = off + end + 1
		}
		line := strings.TrimRight(body[off:next], "\r\n")
		if (isSignature(line) || isListFooter(line)) && !diffFollows(body[next:]) {
			return body[:off], body[off:]
		}
		off = next
	}
	return body, ""
}

// diffFollows reports whether rest starts with a diff line or contains a
// diff or hunk header.
func diffFollows(rest string) bool {
	if rest != "" {
		switch rest[0] {
		case ' ', '+', '-', '\\', '@':
			return true
		}
	}
	for len(rest) > 0 {
		end := strings.IndexByte(rest, '\n')
		line := rest
		if end >= 0 {
			line, rest = rest[:end], rest[end+1:]
		} else {
			rest = ""
		}
		if strings.HasPrefix(line, "diff ") || strings.HasPrefix(line, "@@ ") ||
			strings.HasPrefix(line, "+++ ") || strings.HasPrefix(line, "--- ") ||
			strings.HasPrefix(line, "Index: ") {
			return true
		}
	}
	return false
}
