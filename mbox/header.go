package mbox

import (
	"bytes"
	"errors"
	"fmt"
	"net/textproto"
	"strings"
	"unicode/utf8"
)

// MaxHeaderBytes caps the header block of a message (go-message's default).
const MaxHeaderBytes = 1 << 20

// ErrHeaderTooLarge is returned for a header block over MaxHeaderBytes.
var ErrHeaderTooLarge = errors.New("header exceeds 1 MiB")

// ErrNoHeader is returned by ParseMessage for empty input.
var ErrNoHeader = errors.New("empty message")

// field is one header field: canonical key and unfolded raw value (RFC 2047
// words not decoded, 8-bit bytes as sent).
type field struct {
	Key   string
	Value string
}

// The header reader is hand-written because go-message's
// textproto.ReadHeader rejects much real list mail outright (From_ line
// #198, unindented continuation lines #130, "\r\r\n" #38, Microsoft
// folding #144; the maintainer prefers not to parse broken mail). This
// reader cleans as it goes and records what it repaired; the result is
// handed to go-message as a message.Header for MIME decoding.

// splitHeader parses the header block at the start of data. It returns the
// fields, the body (after the empty line), repairs made, and ok=false when
// data does not start with a header at all (then body is all of data).
func splitHeader(data []byte) (fields []field, body []byte, problems []string, ok bool, err error) {
	rest := data
	// Drop leading From_ / >From lines (go-message #198) and blank lines.
	for len(rest) > 0 {
		line, next := cutLineLF(rest)
		t := trimCR(line)
		if bytes.HasPrefix(t, []byte("From ")) || bytes.HasPrefix(t, []byte(">From ")) {
			rest = next
			continue
		}
		break
	}
	first, _ := cutLineLF(rest)
	if ft := trimCR(first); !isFieldLine(ft) && !isFieldLine(bytes.TrimLeft(ft, " \t")) {
		return nil, data, nil, false, nil
	}
	fields = make([]field, 0, 24)
	var cur []byte // raw bytes of the field being built
	curKey := ""
	flush := func() {
		if curKey != "" {
			fields = append(fields, field{Key: curKey, Value: cleanValue(cur)})
		}
		curKey, cur = "", cur[:0]
	}
	consumed := len(data) - len(rest)
	for {
		if len(rest) == 0 {
			body = nil
			break
		}
		line, next := cutLineLF(rest)
		consumed += len(line)
		if consumed > MaxHeaderBytes {
			return nil, nil, nil, true, fmt.Errorf("mbox: %w", ErrHeaderTooLarge)
		}
		rest = next
		t := trimCR(line)
		if len(t) == 0 {
			body = rest
			break
		}
		if curKey == "" && (t[0] == ' ' || t[0] == '\t') && isFieldLine(bytes.TrimLeft(t, " \t")) {
			// Leading whitespace before the first field (go-message #144).
			problems = append(problems, "header: leading whitespace before a field removed")
			t = bytes.TrimLeft(t, " \t")
		}
		switch {
		case t[0] == ' ' || t[0] == '\t':
			if curKey == "" {
				problems = append(problems, "header: dropped continuation line without a field")
				continue
			}
			cur = append(cur, '\n')
			cur = append(cur, t...)
		case isFieldLine(t):
			flush()
			colon := bytes.IndexByte(t, ':')
			key := strings.TrimRight(string(t[:colon]), " \t")
			curKey = textproto.CanonicalMIMEHeaderKey(key)
			cur = append(cur[:0], t[colon+1:]...)
		case curKey != "":
			// An unindented continuation (go-message #130) or a line with
			// an invalid key: keep its text as part of the previous field.
			problems = append(problems, fmt.Sprintf("header: line %q is not a field; joined to %s", clipText(string(t), 40), curKey))
			cur = append(cur, '\n', ' ')
			cur = append(cur, t...)
		default:
			problems = append(problems, fmt.Sprintf("header: dropped line %q", clipText(string(t), 40)))
		}
	}
	flush()
	return fields, body, problems, true, nil
}

// cutLine splits off the first line of b, including its '\n'.
func cutLineLF(b []byte) (line, rest []byte) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil
	}
	return b[:i+1], b[i+1:]
}

// trimCR removes the line ending: "\n", "\r\n" and "\r\r\n" (go-message #38).
func trimCR(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	for n := len(line); n > 0 && line[n-1] == '\r'; n = len(line) {
		line = line[:n-1]
	}
	return line
}

// isFieldLine reports whether line is "key: value" with a valid key:
// printable US-ASCII except ':' (RFC 5322 ftext), optionally followed by
// blanks before the colon ("Subject :" is accepted as git does).
func isFieldLine(line []byte) bool {
	colon := bytes.IndexByte(line, ':')
	if colon <= 0 {
		return false
	}
	key := bytes.TrimRight(line[:colon], " \t")
	if len(key) == 0 {
		return false
	}
	for _, c := range key {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// cleanValue unfolds a raw field value: line breaks go, the whitespace
// that followed them stays (RFC 5322 unfolding); NULs are dropped
// (patchwork does the same) and the ends trimmed.
func cleanValue(raw []byte) string {
	if bytes.IndexByte(raw, '\n') < 0 && bytes.IndexByte(raw, 0) < 0 && bytes.IndexByte(raw, '\r') < 0 {
		return string(bytes.TrimSpace(raw))
	}
	out := make([]byte, 0, len(raw))
	for _, c := range raw {
		if c != '\n' && c != 0 && c != '\r' {
			out = append(out, c)
		}
	}
	return string(bytes.TrimSpace(out))
}

// clip shortens s for messages.
func clipText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// headerGet returns the first value of key (canonical) or "".
func firstHeader(h map[string][]string, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
