package reports

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"

	"github.com/rcureview/rcureview/internal/lazyre"
)

// EmailOptions tunes the email replies.
type EmailOptions struct {
	// From is the sender of the replies; default "rcureview
	// <rcureview@localhost>". Its domain also names our Message-IDs.
	From *mail.Address
	// Date is the Date of the replies; zero means now.
	Date time.Time
	// OnlyFindings skips patches without findings (a bot's default).
	OnlyFindings bool
	// Reproduce is the command line printed in the footer; empty means
	// one built from the report ("b4 am -o - MSGID | rcureview review …").
	Reproduce string
	// Headers are added to every reply (e.g. X-Patchwork-Hint: ignore).
	Headers map[string]string
	// Repository names the reviewed git repository in the reply's base
	// line (a URL or "rcu/linux.git"), where a local path means nothing.
	Repository string
	// Remarks are paragraphs at the end of the reply, before the tags and
	// the signature (what a bot left out, and why).
	Remarks []string
	// ReportedBy and ArchiveURL make a reply with a warning or an error
	// suggest the Reported-by: and Closes: tags of a fix, as 0-day's do.
	// ArchiveURL is a template: "{reply}" is the reply's Message-ID.
	ReportedBy string
	ArchiveURL string
}

// EmailMessage is one reply, threaded on the patch it reviews.
type EmailMessage struct {
	Patch      *Patch
	MessageID  string   // ours, without <>
	InReplyTo  string   // the patch's Message-ID
	References []string // the patch's References plus its Message-ID
	Subject    string
	Recipients []string // the To and Cc addresses, for the SMTP envelope
	Body       string   // the plain-text body, UTF-8, LF line endings
	Raw        []byte   // the whole message, RFC 5322, CRLF line endings
}

// ErrNoMail is returned for a patch that did not come from a mail with a
// Message-ID: there is nothing to reply to.
var ErrNoMail = errors.New("patch has no mail to reply to")

// Email body layout.
const (
	emailWidth  = 78 // our own text; quoted lines stay as sent
	quoteBefore = 3  // lines of the patch quoted above a finding's line
)

// EmailReplies builds one reply per patch that came from a mail (with
// OnlyFindings, per patch with findings), in report order.
func EmailReplies(r *Report, opt EmailOptions) ([]*EmailMessage, error) {
	r.Normalize()
	var out []*EmailMessage
	for _, p := range r.Patches {
		if p.Mail == nil || p.Mail.MessageID == "" || (opt.OnlyFindings && len(p.Findings) == 0) {
			continue
		}
		m, err := EmailReply(r, p, opt)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// EmailReply builds the reply to one patch of r; the bot calls it one
// patch at a time.
func EmailReply(r *Report, p *Patch, opt EmailOptions) (*EmailMessage, error) {
	if p.Mail == nil || p.Mail.MessageID == "" {
		return nil, fmt.Errorf("reply to %q: %w", p.Subject, ErrNoMail)
	}
	from := opt.From
	if from == nil {
		from = &mail.Address{Name: "rcureview", Address: "rcureview@localhost"}
	}
	m := &EmailMessage{
		Patch:      p,
		MessageID:  ReplyMessageID(p.Mail.MessageID, r.Version, from.Address),
		InReplyTo:  p.Mail.MessageID,
		References: appendUnique(append([]string(nil), p.Mail.References...), p.Mail.MessageID),
		Subject:    replySubject(p.Mail.Subject, p.Subject),
	}
	m.Body = emailBody(r, p, opt, m.MessageID)
	if err := m.render(r, p.Mail, from, opt); err != nil {
		return nil, err
	}
	return m, nil
}

// render writes m as an RFC 5322 message answering mc into m.Raw.
func (m *EmailMessage) render(r *Report, mc *MailContext, from *mail.Address, opt EmailOptions) error {
	to, cc := recipients(mc, from)
	m.Recipients = m.Recipients[:0]
	for _, a := range append(append([]*gomail.Address(nil), to...), cc...) {
		m.Recipients = append(m.Recipients, a.Address)
	}
	date := opt.Date
	if date.IsZero() {
		date = time.Now()
	}
	cte := transferEncoding(m.Body)
	// go-message writes header fields in the reverse order of insertion,
	// so they are added last first: the reader sees From, To, Cc, Subject,
	// Date, the threading fields, then MIME and robot markers.
	var h gomail.Header
	for _, k := range sortedKeys(opt.Headers) {
		h.Set(k, opt.Headers[k])
	}
	h.Set("X-Rcureview", r.Version)
	h.Set("Auto-Submitted", "auto-generated")
	h.Set("Content-Disposition", "inline")
	h.Set("Content-Transfer-Encoding", cte)
	h.SetContentType("text/plain", map[string]string{"charset": "utf-8"})
	h.Set("MIME-Version", "1.0")
	h.SetMsgIDList("References", m.References)
	h.SetMsgIDList("In-Reply-To", []string{m.InReplyTo})
	h.SetMessageID(m.MessageID)
	h.SetDate(date)
	h.SetSubject(m.Subject)
	h.SetAddressList("Cc", cc)
	h.SetAddressList("To", to)
	h.SetAddressList("From", []*gomail.Address{from})
	var buf bytes.Buffer
	w, err := gomail.CreateSingleInlineWriter(&buf, h)
	if err != nil {
		return fmt.Errorf("reply to %s: %w", mc.MessageID, err)
	}
	if _, err := io.WriteString(w, strings.ReplaceAll(m.Body, "\n", "\r\n")); err != nil {
		return fmt.Errorf("reply to %s: %w", mc.MessageID, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("reply to %s: %w", mc.MessageID, err)
	}
	m.Raw = buf.Bytes()
	return nil
}

// ReplyMessageID derives our Message-ID from the patch's Message-ID and the
// tool version, so that a resend of the same review is recognisable (same
// ID) while a review by another version is a new message.
func ReplyMessageID(patchID, version, fromAddr string) string {
	sum := sha256.Sum256([]byte(patchID + "\x00" + version))
	domain := "localhost"
	if i := strings.LastIndexByte(fromAddr, '@'); i >= 0 && i+1 < len(fromAddr) {
		domain = fromAddr[i+1:]
	}
	return "rcureview-" + hex.EncodeToString(sum[:12]) + "@" + domain
}

// transferEncoding picks 7bit for plain ASCII with lines under RFC 5322's
// 998-octet limit, quoted-printable otherwise (non-ASCII text, long lines).
func transferEncoding(body string) string {
	for _, l := range strings.Split(body, "\n") {
		if len(l) > 998 {
			return "quoted-printable"
		}
	}
	for i := 0; i < len(body); i++ {
		if c := body[i]; c >= 0x80 || (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f {
			return "quoted-printable"
		}
	}
	return "7bit"
}

var replyPrefixRE = lazyre.New(`(?i)^\s*re:`)

func replySubject(mailSubject, fallback string) string {
	s := mailSubject
	if s == "" {
		s = fallback
	}
	if replyPrefixRE.MatchString(s) {
		return s
	}
	return "Re: " + s
}

// recipients: To the sender, Cc the original To and Cc and the patch author,
// each once, never ourselves.
func recipients(mc *MailContext, self *mail.Address) (to, cc []*gomail.Address) {
	seen := map[string]bool{strings.ToLower(self.Address): true}
	add := func(list []*gomail.Address, a mail.Address) []*gomail.Address {
		k := strings.ToLower(a.Address)
		if k == "" || seen[k] {
			return list
		}
		seen[k] = true
		aa := a
		return append(list, &aa)
	}
	to = add(to, mc.From)
	if len(to) == 0 {
		to = add(to, mc.Author)
	}
	cc = add(cc, mc.Author)
	for _, a := range mc.To {
		cc = add(cc, a)
	}
	for _, a := range mc.Cc {
		cc = add(cc, a)
	}
	return to, cc
}

func sortedKeys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Sort(sort.Reverse(sort.StringSlice(ks)))
	return ks
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}

// WriteEmail writes the replies as one mboxrd file (public-inbox's
// "From mboxrd@z" separators, LF line endings), which git am, b4, mutt and
// rcureview's own reader all split.
func WriteEmail(w io.Writer, r *Report, opt EmailOptions) error {
	ms, err := EmailReplies(r, opt)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if _, err := io.WriteString(w, "From mboxrd@z Thu Jan  1 00:00:00 1970\n"); err != nil {
			return err
		}
		if _, err := w.Write(mboxrdEscape(lfLines(m.Raw))); err != nil {
			return err
		}
		if _, err := io.WriteString(w, "\n"); err != nil {
			return err
		}
	}
	return nil
}

// WriteEmailDir writes one file per reply into dir, named after the
// position and subject of the patch ("0002-Re-tracing-Use-….eml", LF line
// endings), and returns the paths written. Names come from the sender's
// subject, so a file is never opened by its name: each is written under
// a fresh temporary name (O_EXCL) and renamed into place, which replaces
// an existing file or symlink of that name without following it. A reply
// that cannot be written (a directory has its name, the disk is full) is
// an error for that reply; the others are still written, and the errors
// are returned joined.
func WriteEmailDir(dir string, r *Report, opt EmailOptions) ([]string, error) {
	ms, err := EmailReplies(r, opt)
	if err != nil {
		return nil, err
	}
	var paths []string
	var errs []error
	for i, m := range ms {
		name := fmt.Sprintf("%04d-%s.eml", i+1, fileSlug(m.Subject))
		p := filepath.Join(dir, name)
		if err := writeFileRenamed(p, lfLines(m.Raw)); err != nil {
			errs = append(errs, fmt.Errorf("write reply %d: %w", i+1, err))
			continue
		}
		paths = append(paths, p)
	}
	return paths, errors.Join(errs...)
}

// writeFileRenamed writes data to a new temporary file next to path and
// renames it to path.
func writeFileRenamed(path string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

func lfLines(b []byte) []byte { return bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n")) }

var mboxFromRE = lazyre.New(`(?m)^(>*From )`)

// mboxrdEscape quotes every line that starts with ">*From " with one more
// ">", as mboxrd requires.
func mboxrdEscape(b []byte) []byte { return mboxFromRE.ReplaceAll(b, []byte(">$1")) }

var slugRE = lazyre.New(`[^A-Za-z0-9._-]+`)

func fileSlug(s string) string {
	s = strings.Trim(slugRE.ReplaceAllString(s, "-"), "-.")
	for len(s) > 60 {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	if s == "" {
		s = "reply"
	}
	return s
}
