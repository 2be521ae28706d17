package mbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/emersion/go-message/charset" // also registers message.CharsetReader
	"golang.org/x/text/encoding/charmap"
)

// wordDecoder decodes RFC 2047 words with every charset go-message knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: charset.Reader}

// latin1ToUTF8 decodes b as windows-1252 (a superset of the printable part
// of ISO-8859-1), the fallback patchwork and browsers use for unlabelled
// 8-bit text.
func latin1ToUTF8(b []byte) string {
	out, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

// toUTF8 returns s unchanged if it is valid UTF-8, else decoded as
// windows-1252; the bool reports a fallback.
func textToUTF8(s string) (string, bool) {
	if utf8.ValidString(s) {
		return s, false
	}
	return latin1ToUTF8([]byte(s)), true
}

// decodeText decodes an unstructured header value: raw 8-bit bytes (UTF-8,
// else windows-1252) and RFC 2047 encoded words. Adjacent encoded words
// separated only by whitespace are joined. An encoded word that cannot be
// decoded (unknown charset, bad encoding) is kept as is and reported.
//
// Hand-written around mime.WordDecoder.Decode because DecodeHeader fails
// the whole value on one bad word, and git/patchwork keep the rest.
func decodeText(raw string) (string, []string) {
	var problems []string
	s, fell := textToUTF8(raw)
	if fell {
		problems = append(problems, fmt.Sprintf("header: raw 8-bit text %q is not UTF-8; decoded as windows-1252", clipText(s, 40)))
	}
	if !strings.Contains(s, "=?") {
		return s, problems
	}
	var b strings.Builder
	b.Grow(len(s))
	pendingSpace := "" // whitespace after an encoded word, dropped if another follows
	prevWord := false
	for len(s) > 0 {
		i := strings.Index(s, "=?")
		if i < 0 {
			b.WriteString(pendingSpace)
			b.WriteString(s)
			pendingSpace = ""
			break
		}
		word, n := scanEncodedWord(s[i:])
		if n == 0 {
			// Not an encoded word: copy through "=?" and go on.
			b.WriteString(pendingSpace)
			pendingSpace = ""
			b.WriteString(s[:i+2])
			s = s[i+2:]
			prevWord = false
			continue
		}
		before := s[:i]
		if !(prevWord && strings.TrimLeft(before, " \t\r\n") == "") {
			b.WriteString(pendingSpace)
			b.WriteString(before)
		}
		pendingSpace = ""
		dec, err := wordDecoder.Decode(word)
		switch {
		case err != nil:
			problems = append(problems, fmt.Sprintf("header: cannot decode %q: %v", clipText(word, 60), err))
			dec = word
		case !utf8.ValidString(dec):
			problems = append(problems, fmt.Sprintf("header: encoded word %q is not valid in its charset; decoded as windows-1252", clipText(word, 60)))
			dec = latin1ToUTF8([]byte(dec))
		}
		b.WriteString(dec)
		s = s[i+n:]
		// Hold back the whitespace that follows, in case a word comes next.
		j := 0
		for j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\r' || s[j] == '\n') {
			j++
		}
		pendingSpace = s[:j]
		s = s[j:]
		prevWord = true
	}
	b.WriteString(pendingSpace)
	return b.String(), problems
}

// scanEncodedWord returns the encoded word "=?charset?e?text?=" at the
// start of s and its length, or n=0 when s does not start with one.
func scanEncodedWord(s string) (string, int) {
	if !strings.HasPrefix(s, "=?") {
		return "", 0
	}
	q1 := strings.IndexByte(s[2:], '?')
	if q1 <= 0 {
		return "", 0
	}
	q1 += 2
	if q1+2 >= len(s) || s[q1+2] != '?' {
		return "", 0
	}
	switch s[q1+1] {
	case 'b', 'B', 'q', 'Q':
	default:
		return "", 0
	}
	end := strings.Index(s[q1+3:], "?=")
	if end < 0 {
		return "", 0
	}
	n := q1 + 3 + end + 2
	if strings.ContainsAny(s[:n], " \t\r\n") {
		return "", 0
	}
	return s[:n], n
}

// decodeTransfer undoes a Content-Transfer-Encoding. Unknown encodings are
// treated as identity and reported. base64 and quoted-printable are
// decoded leniently by hand: go-message (via mime/quotedprintable) drops
// trailing whitespace on QP lines, which turns an encoded empty context
// line " " of a patch into "", and both stdlib decoders stop at the first
// bad byte, where git keeps going. broken is set when the body is not
// valid in its encoding (what was decoded may lack what was sent).
func decodeTransfer(cte string, body []byte) (out []byte, problems []string, broken bool) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
		return body, nil, false
	case "base64":
		out, problems = decodeBase64(body)
		return out, problems, len(problems) > 0
	case "quoted-printable":
		out, bad := decodeQP(body)
		if bad > 0 {
			return out, []string{fmt.Sprintf("body: quoted-printable has %d malformed escapes; kept as sent", bad)}, true
		}
		return out, nil, false
	}
	return body, []string{fmt.Sprintf("body: unknown Content-Transfer-Encoding %q; used as is", clipText(cte, 40))}, false
}

// decodeBase64 decodes base64 ignoring whitespace and stray bytes; it
// stops at the padding and reports garbage.
func decodeBase64(body []byte) ([]byte, []string) {
	clean := make([]byte, 0, len(body))
	stray := 0
	for _, c := range body {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '=' || c == ' ' || c == '\t' || c == '\r' || c == '\n':
		default:
			stray++
		}
	}
	var problems []string
	if stray > 0 {
		problems = append(problems, fmt.Sprintf("body: base64 contains %d invalid bytes; skipped", stray))
	}
	if len(clean)%4 == 1 {
		problems = append(problems, "body: base64 is truncated")
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, err := base64.RawStdEncoding.Decode(out, clean)
	if err != nil {
		problems = append(problems, fmt.Sprintf("body: base64: %v", err))
	}
	return out[:n], problems
}

// decodeQP decodes quoted-printable the way git's decode_q_segment does:
// "=XX" (either case) is a byte, "=" at the end of a line (after optional
// blanks) is a soft break, anything else is kept literally and counted
// in bad.
func decodeQP(body []byte) (out []byte, bad int) {
	out = make([]byte, 0, len(body))
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		if i+2 < len(body) && isHexDigit(body[i+1]) && isHexDigit(body[i+2]) {
			out = append(out, unhexDigit(body[i+1])<<4|unhexDigit(body[i+2]))
			i += 2
			continue
		}
		// Soft line break: '=' [blanks] ["\r"] "\n" (or end of input).
		j := i + 1
		for j < len(body) && (body[j] == ' ' || body[j] == '\t') {
			j++
		}
		if j < len(body) && body[j] == '\r' {
			j++
		}
		if j == len(body) {
			i = j - 1
			continue
		}
		if body[j] == '\n' {
			i = j
			continue
		}
		out = append(out, c)
		bad++
	}
	return out, bad
}

// unhex returns the value of a hex digit.
func unhexDigit(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// decodeCharset converts text in the named charset to UTF-8. Unknown
// charsets fall back to UTF-8 if the bytes are valid UTF-8, else
// windows-1252 (patchwork's fallback list), and are reported.
func decodeCharset(cs string, b []byte) (string, []string) {
	cs = strings.ToLower(strings.Trim(strings.TrimSpace(cs), `"'`))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		if utf8.Valid(b) {
			return string(b), nil
		}
		if cs == "" || cs == "us-ascii" || cs == "ascii" {
			return latin1ToUTF8(b), []string{"body: 8-bit text without a usable charset; decoded as windows-1252"}
		}
		return latin1ToUTF8(b), []string{"body: text labelled UTF-8 is not valid UTF-8; decoded as windows-1252"}
	}
	r, err := charset.Reader(cs, bytes.NewReader(b))
	if err == nil {
		out, rerr := io.ReadAll(r)
		if rerr == nil {
			return string(out), nil
		}
		err = rerr
	}
	if utf8.Valid(b) {
		return string(b), []string{fmt.Sprintf("body: charset %q: %v; used as UTF-8", clipText(cs, 30), err)}
	}
	return latin1ToUTF8(b), []string{fmt.Sprintf("body: charset %q: %v; decoded as windows-1252", clipText(cs, 30), err)}
}

// stripQuotedCR turns CRLF into LF in a transfer-decoded body (git
// mailinfo --quoted-cr=strip). Lone CRs inside lines stay.
func stripQuotedCR(b []byte) ([]byte, bool) {
	if bytes.Index(b, []byte("\r\n")) < 0 {
		return b, false
	}
	return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")), true
}

// unflow decodes a format=flowed body (RFC 3676) the way git ≥ 2.20 does
// (mailinfo.c handle_filter_flowed): a line ending in a space is joined
// with the next one (the space dropped too with delsp=yes), one leading
// space is removed (space-stuffing), the signature line "-- " is kept.
func unflow(b []byte, delsp bool) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		line, rest := cutLineLF(b)
		b = rest
		nl := len(line) > 0 && line[len(line)-1] == '\n'
		if nl {
			line = line[:len(line)-1]
		}
		if string(line) == "-- " {
			out = append(out, line...)
			if nl {
				out = append(out, '\n')
			}
			continue
		}
		if len(line) > 0 && line[0] == ' ' {
			line = line[1:]
		}
		if len(line) > 0 && line[len(line)-1] == ' ' && nl {
			if delsp {
				line = line[:len(line)-1]
			}
			out = append(out, line...)
			continue
		}
		out = append(out, line...)
		if nl {
			out = append(out, '\n')
		}
	}
	return out
}
