package review

import (
	"net/mail"

	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// mailContext keeps what an email reply to p needs; nil when p did not
// come from a mail with a Message-ID (a bare diff).
func mailContext(p *mbox.Patch) *reports.MailContext {
	if p.Msg == nil || p.Msg.MessageID == "" {
		return nil
	}
	m := p.Msg
	mc := &reports.MailContext{
		Subject:    m.Subject,
		MessageID:  m.MessageID,
		References: append([]string(nil), m.References...),
		From:       addr(m.From),
		Author:     addr(p.Author),
		Diff:       p.Diff,
		DiffLine:   p.DiffLine,
	}
	if m.DateOK {
		mc.Date = m.Date
	}
	for _, a := range m.To {
		mc.To = append(mc.To, addr(a))
	}
	for _, a := range m.Cc {
		mc.Cc = append(mc.Cc, addr(a))
	}
	return mc
}

func addr(a mbox.Address) mail.Address { return mail.Address{Name: a.Name, Address: a.Email} }

// MessageContext is the reply context of a mail that carries no patch to
// quote, such as a cover letter a series reply is threaded on; nil when the
// mail has no Message-ID.
func MessageContext(m *mbox.Message) *reports.MailContext {
	if m == nil || m.MessageID == "" {
		return nil
	}
	return mailContext(&mbox.Patch{Msg: m, Author: m.From})
}
