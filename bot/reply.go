package bot

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/emersion/go-message/mail"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// replyIDPrefix starts the local part of every reply's Message-ID.
const replyIDPrefix = "rcureview-"

// ReplyMessageID is the deterministic Message-ID (without <>) of the reply
// to the series with the given key: the same series always gets the same
// id, so a reply sent again after a crash is recognisable as the same
// mail by every receiver.
func ReplyMessageID(seriesKey, domain string) string {
	sum := sha256.Sum256([]byte("rcureview reply\x00" + seriesKey))
	return replyIDPrefix + hex.EncodeToString(sum[:12]) + "@" + domain
}

// ReplyInput is what a reply is made of.
type ReplyInput struct {
	From      mbox.Address    // the bot
	To        *mbox.Message   // the mail answered: the cover, else the first patch
	SeriesKey string          // mbox.Series.ID
	Patches   int             // patches in the series as reviewed
	Missing   []int           // patches never received
	Report    *reports.Report // the review of the series
	Version   string          // the tool version
	MessageID string          // from ReplyMessageID
	Date      time.Time
}

// Reply is a rendered reply with its envelope.
type Reply struct {
	MessageID string
	Rcpts     []string // envelope recipients: To and Cc
	Data      []byte   // the mail, CRLF line endings
}

// RenderReply writes the reply mail, following the conventions of the
// kernel bots (../shared/research/mail-ecosystem.md §3): Subject "Re:
// <original subject>", In-Reply-To the original, References the original
// References plus the original, To the author, Cc the original To and Cc,
// plain UTF-8 text, Auto-Submitted: auto-generated, X-Patchwork-Hint:
// ignore, and X-Rcureview-* headers so that bots (this one included) skip
// it. It is a minimal format until reports has an email writer.
func RenderReply(in ReplyInput) (*Reply, error) {
	if in.To == nil || in.To.MessageID == "" {
		return nil, fmt.Errorf("render reply: the original mail has no Message-ID")
	}
	var h mail.Header
	h.SetDate(in.Date)
	h.SetAddressList("From", []*mail.Address{{Name: in.From.Name, Address: in.From.Email}})
	to, cc, rcpts := recipients(in.To, in.From.Email)
	if len(to) == 0 {
		return nil, fmt.Errorf("render reply to <%s>: the original mail has no usable sender address", in.To.MessageID)
	}
	h.SetAddressList("To", to)
	if len(cc) > 0 {
		h.SetAddressList("Cc", cc)
	}
	subj := in.To.Subject
	if !strings.HasPrefix(strings.ToLower(subj), "re:") {
		subj = "Re: " + subj
	}
	h.SetSubject(subj)
	h.SetMessageID(in.MessageID)
	h.SetMsgIDList("In-Reply-To", []string{in.To.MessageID})
	refs := append(append([]string(nil), in.To.References...), in.To.MessageID)
	h.SetMsgIDList("References", dedupe(refs))
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("X-Patchwork-Hint", "ignore")
	h.Set(HeaderPrefix+"Version", in.Version)
	h.Set(HeaderPrefix+"Series", "<"+in.SeriesKey+">")
	body := replyBody(in)
	if isPlain(body) {
		h.Set("Content-Transfer-Encoding", "7bit")
	} else {
		h.Set("Content-Transfer-Encoding", "quoted-printable")
	}
	var buf bytes.Buffer
	w, err := mail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return nil, fmt.Errorf("render reply to <%s>: %w", in.To.MessageID, err)
	}
	if _, err := w.Write([]byte(strings.ReplaceAll(body, "\n", "\r\n"))); err != nil {
		return nil, fmt.Errorf("render reply to <%s>: %w", in.To.MessageID, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("render reply to <%s>: %w", in.To.MessageID, err)
	}
	return &Reply{MessageID: in.MessageID, Rcpts: rcpts, Data: buf.Bytes()}, nil
}

// recipients returns To (the author: Reply-To wins, as b4 does), Cc (the
// original To and Cc without the author and the bot) and the envelope.
func recipients(m *mbox.Message, self string) (to, cc []*mail.Address, rcpts []string) {
	seen := map[string]bool{strings.ToLower(self): true}
	add := func(list *[]*mail.Address, a mbox.Address) {
		e := strings.TrimSpace(a.Email)
		if e == "" || !strings.Contains(e, "@") || seen[strings.ToLower(e)] {
			return
		}
		seen[strings.ToLower(e)] = true
		*list = append(*list, &mail.Address{Name: a.Name, Address: e})
		rcpts = append(rcpts, e)
	}
	author := m.From
	if rt := firstHeader(m, "Reply-To"); rt != "" {
		if a, err := mail.ParseAddress(rt); err == nil {
			author = mbox.Address{Name: a.Name, Email: a.Address}
		}
	}
	add(&to, author)
	for _, a := range m.To {
		add(&cc, a)
	}
	for _, a := range m.Cc {
		add(&cc, a)
	}
	return to, cc, rcpts
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, id := range ids {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

func isPlain(s string) bool {
	for _, l := range strings.Split(s, "\n") {
		if len(l) > 900 {
			return false
		}
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// replyBody writes the greeting, the verdict, the checkpatch-shaped
// findings of every patch and the signature, wrapped under 80 columns.
func replyBody(in ReplyInput) string {
	var b strings.Builder
	name := strings.Fields(in.To.From.Name)
	if len(name) > 0 {
		fmt.Fprintf(&b, "Hi %s,\n\n", strings.Trim(name[0], `",`))
	} else {
		b.WriteString("Hello,\n\n")
	}
	rep := in.Report
	e, w, n := rep.Counts()
	what := "this patch"
	if in.Patches > 1 {
		what = fmt.Sprintf("this series (%d patches)", in.Patches)
	}
	if e+w+n == 0 {
		fmt.Fprintf(&b, "rcureview reviewed %s against %s and found nothing to report.\n", what, rep.Kernel.Source)
	} else {
		fmt.Fprintf(&b, "rcureview reviewed %s against %s and found %d error(s), %d warning(s) and %d note(s).\n", what, rep.Kernel.Source, e, w, n)
	}
	if len(in.Missing) > 0 {
		fmt.Fprintf(&b, "\nPatches %v of the series never reached the list; the review\ncovers the patches received.\n", in.Missing)
	}
	b.WriteString("\n")
	var txt bytes.Buffer
	if err := reports.WriteText(&txt, rep, reports.TextOptions{}); err != nil {
		fmt.Fprintf(&b, "(the report could not be written: %v)\n", err)
	}
	b.WriteString(strings.TrimRight(txt.String(), "\n"))
	fmt.Fprintf(&b, "\n\n-- \nrcureview %s, an automated RCU and tracing reviewer; it can be wrong.\n", in.Version)
	b.WriteString("To stop reviews of a thread, reply with a line \"rcureview: skip\".\n")
	var out strings.Builder
	for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
		for _, wl := range wrap(l, 78) {
			out.WriteString(wl)
			out.WriteByte('\n')
		}
	}
	return out.String()
}

// wrap breaks a prose line longer than width at spaces, indenting the
// continuation. Patch lines (starting with +, - or a space after the
// "#N:" marker) are kept whole so that they can be searched for.
func wrap(l string, width int) []string {
	if utf8.RuneCountInString(l) <= width || strings.HasPrefix(l, "+") || strings.HasPrefix(l, "-") {
		return []string{l}
	}
	indent := "    "
	var out []string
	for utf8.RuneCountInString(l) > width {
		cut := strings.LastIndex(l[:min(len(l), width)], " ")
		if cut <= len(indent) {
			break
		}
		out = append(out, l[:cut])
		l = indent + strings.TrimLeft(l[cut:], " ")
	}
	return append(out, l)
}
