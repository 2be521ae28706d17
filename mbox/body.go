package mbox

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"path"
	"strings"

	"github.com/emersion/go-message/textproto"
)

// maxMIMEDepth bounds multipart nesting.
const maxMIMEDepth = 16

// textPart is one text part kept for the body.
type textPart struct {
	sent []byte // transfer-decoded, charset untouched
	text string // decoded to UTF-8
}

// bodyWalker collects the text parts of a message.
type bodyWalker struct {
	m     *Message
	parts []textPart
}

// parseBody fills Body, PatchBody and Flowed. The parts are walked by hand
// (go-message's textproto multipart reader for the structure) because
// mail.Reader.NextPart gives up on an unknown transfer encoding and
// message.Entity decodes the charset together with the transfer encoding,
// while PatchBody must keep the bytes as sent.
//
// Every text/plain, text/x-patch, text/x-diff (and other non-HTML text
// part, and application/x-patch or *.patch/*.diff attachment) is kept, in
// order, joined by newlines, as b4's get_payload does; HTML is ignored,
// multipart/alternative contributes its plain-text alternative only,
// attached messages (message/rfc822) and attached mboxes are skipped.
func parseBody(m *Message, body []byte) {
	w := &bodyWalker{m: m}
	ct := firstHeader(m.Header, "Content-Type")
	cte := firstHeader(m.Header, "Content-Transfer-Encoding")
	if len(m.Header["Content-Type"]) > 1 {
		m.Problems = append(m.Problems, "header: several Content-Type headers; using the first")
	}
	mt, params := parseContentType(ct, m)
	w.walk(mt, params, cte, firstHeader(m.Header, "Content-Disposition"), body, 0)
	switch len(w.parts) {
	case 0:
		if len(bytes.TrimSpace(body)) > 0 {
			m.Problems = append(m.Problems, "body: no text part")
		}
	case 1:
		m.Body, m.PatchBody = w.parts[0].text, bodyString(w.parts[0])
	default:
		var b, p strings.Builder
		for _, tp := range w.parts {
			joinPart(&b, tp.text)
			joinPart(&p, bodyString(tp))
		}
		m.Body, m.PatchBody = b.String(), p.String()
	}
}

// bodyString returns the part's sent bytes as a string, sharing the UTF-8
// text when the two are equal (the common case, no second copy).
func bodyString(tp textPart) string {
	if len(tp.sent) == len(tp.text) && string(tp.sent) == tp.text {
		return tp.text
	}
	return string(tp.sent)
}

// joinPart appends s to b, starting on a new line.
func joinPart(b *strings.Builder, s string) {
	if b.Len() > 0 {
		b.WriteByte('\n')
	}
	b.WriteString(s)
	if s != "" && !strings.HasSuffix(s, "\n") {
		b.WriteByte('\n')
	}
}

// parseContentType parses a Content-Type value leniently; an empty value
// means text/plain (RFC 2045).
func parseContentType(v string, m *Message) (string, map[string]string) {
	if strings.TrimSpace(v) == "" {
		return "text/plain", nil
	}
	mt, params, err := mime.ParseMediaType(v)
	if err == nil {
		return mt, params
	}
	// Hand-rolled fallback: mime.ParseMediaType rejects duplicate or
	// malformed parameters that real mail has.
	parts := strings.Split(v, ";")
	mt = strings.ToLower(strings.TrimSpace(parts[0]))
	params = map[string]string{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, dup := params[k]; !dup {
			params[k] = strings.Trim(strings.TrimSpace(val), `"'`)
		}
	}
	if !strings.Contains(mt, "/") {
		m.Problems = append(m.Problems, fmt.Sprintf("header: bad Content-Type %q; assuming text/plain", clipText(v, 60)))
		mt = "text/plain"
	} else {
		m.Problems = append(m.Problems, fmt.Sprintf("header: Content-Type %q: %v; parsed leniently", clipText(v, 60), err))
	}
	return mt, params
}

// walk visits one entity.
func (w *bodyWalker) walk(mt string, params map[string]string, cte, disp string, body []byte, depth int) {
	if strings.HasPrefix(mt, "multipart/") {
		if depth >= maxMIMEDepth {
			w.m.Problems = append(w.m.Problems, "body: multipart nesting too deep; rest ignored")
			return
		}
		w.walkMultipart(mt, params, body, depth)
		return
	}
	if !w.wanted(mt, disp, params) {
		return
	}
	sent, ps, broken := decodeTransfer(cte, body)
	w.m.Problems = append(w.m.Problems, ps...)
	if broken {
		w.undecodable(ps[0])
	}
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64", "quoted-printable":
		var had bool
		if sent, had = stripQuotedCR(sent); had {
			w.m.Problems = append(w.m.Problems, "body: CRLF line ends inside the "+strings.ToLower(cte)+" body were stripped (git am --quoted-cr=strip)")
		}
	}
	if strings.EqualFold(params["format"], "flowed") {
		sent = unflow(sent, strings.EqualFold(params["delsp"], "yes"))
		if !w.m.Flowed {
			w.m.Flowed = true
			w.m.Problems = append(w.m.Problems, "body: format=flowed was un-flowed; trailing spaces on patch lines may have been lost")
		}
	}
	text, ps := decodeCharset(params["charset"], sent)
	w.m.Problems = append(w.m.Problems, ps...)
	w.parts = append(w.parts, textPart{sent: sent, text: text})
}

// undecodable records the first reason the body could not be decoded.
func (w *bodyWalker) undecodable(why string) {
	if w.m.Undecodable == "" {
		why, _, _ = strings.Cut(strings.TrimPrefix(why, "body: "), "; ")
		w.m.Undecodable = why
	}
}

// wanted reports whether a leaf part belongs to the body.
func (w *bodyWalker) wanted(mt, disp string, params map[string]string) bool {
	name := strings.ToLower(params["name"])
	if disp != "" {
		if _, dp, err := mime.ParseMediaType(disp); err == nil && dp["filename"] != "" {
			name = strings.ToLower(dp["filename"])
		}
	}
	switch ext := path.Ext(name); ext {
	case ".mbox", ".mbx", ".eml":
		return false // an attached mailbox is not this message's patch
	case ".patch", ".diff":
		if mt == "application/octet-stream" {
			return true
		}
	}
	switch mt {
	case "text/html", "text/enriched", "text/richtext", "text/calendar", "text/vcard",
		"text/x-vcard", "text/rtf", "text/css", "text/xml", "text/csv":
		return false
	case "application/x-patch", "application/x-diff", "application/patch", "application/diff":
		return true
	}
	return strings.HasPrefix(mt, "text/")
}

// walkMultipart visits the parts of a multipart entity.
func (w *bodyWalker) walkMultipart(mt string, params map[string]string, body []byte, depth int) {
	boundary := params["boundary"]
	if boundary == "" {
		w.m.Problems = append(w.m.Problems, "body: multipart without boundary; taken as text/plain")
		w.walk("text/plain", nil, "", "", body, depth+1)
		return
	}
	if !bytes.Contains(body, []byte("--"+boundary)) {
		w.m.Problems = append(w.m.Problems, fmt.Sprintf("body: multipart boundary %q never appears; no part can be read", clipText(boundary, 60)))
		w.undecodable(fmt.Sprintf("multipart boundary %q never appears", clipText(boundary, 60)))
		return
	}
	mr := textproto.NewMultipartReader(bytes.NewReader(body), boundary)
	alternative := mt == "multipart/alternative"
	type child struct {
		mt, cte, disp string
		params        map[string]string
		body          []byte
	}
	var alts []child
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			w.m.Problems = append(w.m.Problems, fmt.Sprintf("body: multipart: %v; later parts ignored", err))
			w.undecodable(fmt.Sprintf("multipart: %v", err))
			break
		}
		data, err := io.ReadAll(p)
		if err != nil {
			w.m.Problems = append(w.m.Problems, fmt.Sprintf("body: multipart part: %v", err))
		}
		pmt, pparams := parseContentType(p.Header.Get("Content-Type"), w.m)
		c := child{pmt, p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), pparams, data}
		if alternative {
			alts = append(alts, c)
			continue
		}
		w.walk(c.mt, c.params, c.cte, c.disp, c.body, depth+1)
	}
	if !alternative || len(alts) == 0 {
		return
	}
	// multipart/alternative: the plain-text version, else the first
	// alternative that is not HTML.
	pick := -1
	for i, c := range alts {
		if c.mt == "text/plain" {
			pick = i
			break
		}
	}
	for i, c := range alts {
		if pick < 0 && c.mt != "text/html" {
			pick = i
		}
	}
	if pick >= 0 {
		c := alts[pick]
		w.walk(c.mt, c.params, c.cte, c.disp, c.body, depth+1)
	}
}
