package reports

import (
	"fmt"
	"net/mail"
	"strings"

	"github.com/rcureview/rcureview/ruledoc"
)

// SeriesEmailReply builds one reply for a whole series, as a list bot sends
// it: threaded on anchor (the cover letter, or the first patch when the
// series has none), with one section per patch — its verdict, its hunks
// quoted with each finding under the line it concerns — in series order.
// Patches without a mail are left out; with OnlyFindings, so are patches
// without findings. The Message-ID derives from the anchor's, so a resend
// of the same review is recognisable.
func SeriesEmailReply(r *Report, patches []*Patch, anchor *MailContext, opt EmailOptions) (*EmailMessage, error) {
	if anchor == nil || anchor.MessageID == "" {
		return nil, fmt.Errorf("reply to series: %w", ErrNoMail)
	}
	r.Normalize()
	from := opt.From
	if from == nil {
		from = &mail.Address{Name: "rcureview", Address: "rcureview@localhost"}
	}
	var shown []*Patch
	for _, p := range patches {
		if p.Mail == nil || p.Mail.MessageID == "" || (opt.OnlyFindings && len(p.Findings) == 0) {
			continue
		}
		shown = append(shown, p)
	}
	var b strings.Builder
	b.WriteString(greeting(anchor) + "\n\n")
	what := fmt.Sprintf("rcureview reviewed the %d patches of this series", len(patches))
	if len(patches) == 1 {
		what = "rcureview reviewed this patch"
	}
	found := false
	for _, p := range shown {
		found = found || len(p.Findings) > 0
	}
	if !found {
		what += " and found nothing to report."
	} else {
		what += "; the findings are below, patch by patch."
	}
	for _, l := range ruledoc.Wrap(what, emailWidth, "", "") {
		b.WriteString(l + "\n")
	}
	for _, p := range shown {
		title := p.Subject
		if p.Mail.Subject != "" {
			title = p.Mail.Subject
		}
		b.WriteString("\n" + strings.Repeat("=", min(emailWidth, len(title))) + "\n")
		for _, l := range ruledoc.Wrap(title, emailWidth, "", "") {
			b.WriteString(l + "\n")
		}
		b.WriteString("\n")
		writePatchSection(&b, r, p)
	}
	replyID := ReplyMessageID(anchor.MessageID, r.Version, from.Address)
	writeClosing(&b, r, shown, opt, replyID)
	body := strings.TrimRight(b.String(), "\n") + "\n\n-- \n" + footer(r, &Patch{Mail: anchor}, opt)
	m := &EmailMessage{
		MessageID:  replyID,
		InReplyTo:  anchor.MessageID,
		References: appendUnique(append([]string(nil), anchor.References...), anchor.MessageID),
		Subject:    replySubject(anchor.Subject, anchor.Subject),
		Body:       body,
	}
	if len(shown) > 0 {
		m.Patch = shown[0]
	}
	if err := m.render(r, anchor, from, opt); err != nil {
		return nil, err
	}
	return m, nil
}
