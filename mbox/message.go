package mbox

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"
)

// ParseMessage parses one split message. It fails only for empty input,
// binary data, or a header block over MaxHeaderBytes; everything else that
// cannot be decoded is kept as sent and listed in Message.Problems. Input
// without any header (a bare diff) gives a Message whose Body is the whole
// input.
func ParseMessage(raw *RawMessage) (*Message, error) {
	if raw == nil || len(raw.Data) == 0 {
		return nil, fmt.Errorf("mbox: parse: %w", ErrNoHeader)
	}
	fields, body, problems, ok, err := splitHeader(raw.Data)
	if err != nil {
		return nil, fmt.Errorf("mbox: parse message %d: %w", raw.Index, err)
	}
	m := &Message{Raw: raw, Problems: problems}
	if !ok {
		first, _ := cutLineLF(raw.Data)
		if looksBinary(first) {
			return nil, fmt.Errorf("mbox: parse message %d: %w", raw.Index, ErrNotMail)
		}
		m.Header = map[string][]string{}
		m.Problems = append(m.Problems, "header: no mail header; the whole message is taken as the body")
		m.PatchBody = string(raw.Data)
		m.Body, problems = decodeCharset("", raw.Data)
		m.Problems = append(m.Problems, problems...)
		return m, nil
	}
	m.Header = make(map[string][]string, len(fields))
	for _, f := range fields {
		v, fell := textToUTF8(f.Value)
		if fell {
			m.Problems = append(m.Problems, fmt.Sprintf("header: %s has raw 8-bit text that is not UTF-8; decoded as windows-1252", f.Key))
		}
		m.Header[f.Key] = append(m.Header[f.Key], v)
	}
	parseHeaders(m)
	parseBody(m, body)
	return m, nil
}

// parseHeaders fills the decoded header fields of m from m.Header.
func parseHeaders(m *Message) {
	h := m.Header
	if subj, ok := h["Subject"]; ok && len(subj) > 0 {
		var ps []string
		m.Subject, ps = decodeText(collapseWS(subj[0]))
		m.Subject = strings.TrimSpace(m.Subject)
		m.Problems = append(m.Problems, ps...)
	}
	if v := firstHeader(h, "From"); v != "" {
		if strings.IndexByte(v, '(') >= 0 {
			var ps []string
			m.From, ps = parseAuthor(v)
			m.Problems = append(m.Problems, ps...)
		} else {
			list, ps := parseAddressList(v)
			m.Problems = append(m.Problems, ps...)
			if len(list) > 0 {
				m.From = list[0]
			}
		}
		unmungeDMARC(m)
	} else {
		m.Problems = append(m.Problems, "header: no From")
	}
	for _, v := range h["To"] {
		list, ps := parseAddressList(v)
		m.To = append(m.To, list...)
		m.Problems = append(m.Problems, ps...)
	}
	for _, v := range h["Cc"] {
		list, ps := parseAddressList(v)
		m.Cc = append(m.Cc, list...)
		m.Problems = append(m.Problems, ps...)
	}
	if v := firstHeader(h, "Date"); v != "" {
		var ps []string
		m.Date, m.DateOK, ps = parseDateHeader(v)
		m.Problems = append(m.Problems, ps...)
	}
	if v := firstHeader(h, "List-Id"); v != "" {
		if ids := extractIDs(v, nil); len(ids) > 0 {
			m.ListID = ids[len(ids)-1]
		} else {
			m.ListID = strings.TrimSpace(v)
		}
	}
	parseIDs(m)
}

// unmungeDMARC undoes the From rewriting lists do for DMARC
// ("Jane Doe via Linux-foo" <list@…>), as patchwork's get_original_sender
// does: X-Original-From wins, else a Reply-To whose name matches.
func unmungeDMARC(m *Message) {
	name := m.From.Name
	i := strings.LastIndex(strings.ToLower(name), " via ")
	if i <= 0 {
		return
	}
	real := strings.TrimSpace(name[:i])
	if v := firstHeader(m.Header, "X-Original-From"); v != "" {
		if list, _ := parseAddressList(v); len(list) > 0 && list[0].Email != "" {
			m.Problems = append(m.Problems, fmt.Sprintf("header: DMARC-munged From %q; using X-Original-From", clipText(m.From.String(), 60)))
			m.From = list[0]
			return
		}
	}
	for _, key := range []string{"Reply-To", "Cc"} {
		for _, v := range m.Header[key] {
			list, _ := parseAddressList(v)
			for _, a := range list {
				if a.Email != "" && strings.EqualFold(a.Name, real) {
					m.Problems = append(m.Problems, fmt.Sprintf("header: DMARC-munged From %q; using %s", clipText(m.From.String(), 60), key))
					m.From = a
					return
				}
			}
		}
	}
	m.Problems = append(m.Problems, fmt.Sprintf("header: From %q looks DMARC-munged; original sender unknown", clipText(m.From.String(), 60)))
}

// ReadAll splits r and parses every message. Errors about single messages
// (*ItemError) are collected and reading goes on; an error reading the
// input itself ends the loop and is the last error returned.
func ReadAll(r io.Reader) ([]*Message, []error) {
	var msgs []*Message
	var errs []error
	for m, err := range Messages(NewSplitter(r)) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs, errs
}

// Messages iterates over the parsed messages of a Splitter. Per-message
// failures are yielded as *ItemError with a nil message and iteration
// continues; an input error is yielded last.
func Messages(s *Splitter) iter.Seq2[*Message, error] {
	return func(yield func(*Message, error) bool) {
		for {
			raw, err := s.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var ie *ItemError
				if errors.As(err, &ie) {
					if !yield(nil, err) {
						return
					}
					continue
				}
				yield(nil, err)
				return
			}
			m, err := ParseMessage(raw)
			if err != nil {
				if !yield(nil, &ItemError{Index: raw.Index, Err: err}) {
					return
				}
				continue
			}
			if !yield(m, nil) {
				return
			}
		}
	}
}
