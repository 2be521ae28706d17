package bot

import (
	"path"
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
	"github.com/rcureview/rcureview/mbox"
)

// KnownBots are the From addresses of the bots that post on kernel lists
// (../shared/research/mail-ecosystem.md §3), as path.Match patterns on the
// lower-case address. The bot never answers them.
var KnownBots = []string{
	"lkp@intel.com",
	"oliver.sang@intel.com",
	"syzbot@syzkaller.appspotmail.com",
	"syzbot+*@syzkaller.appspotmail.com",
	"patchwork-bot@kernel.org",
	"patchwork-bot+*@kernel.org",
	"pr-tracker-bot@kernel.org",
	"bot+*@kernel.org",
	"noreply@*",
	"no-reply@*",
}

// HeaderPrefix starts the names of the headers the bot adds to its
// replies (X-Rcureview-Series, next to the X-Rcureview version header of
// the reports email format); a mail carrying one is never answered (by us
// or, we hope, by other bots).
const HeaderPrefix = "X-Rcureview-"

// replyIDPrefix starts the local part of every reply's Message-ID
// (reports.ReplyMessageID).
const replyIDPrefix = "rcureview-"

// optOutRE is the opt-out command: a line "rcureview: skip" (or no, stop,
// opt-out) in any mail of a thread, like syzbot's "#syz" commands and
// netdev's "pw-bot:" lines.
var optOutRE = lazyre.New(`(?im)^[ \t]*rcureview:[ \t]*(skip|no|stop|opt-out|optout)[ \t]*$`)

// Verdict says why a mail is not a candidate for review ("" when it is).
type Verdict string

// Reasons a mail is skipped.
const (
	VerdictOwn    Verdict = "own"     // sent by this bot
	VerdictBot    Verdict = "bot"     // sent by another bot or an autoresponder
	VerdictDenied Verdict = "denied"  // the sender is on the deny list
	VerdictReply  Verdict = "reply"   // a reply, pull request or other mail without a patch
	VerdictOptOut Verdict = "opt-out" // the mail asks not to be reviewed
)

// filter holds what the classification of one mail needs.
type filter struct {
	self   string // the bot's address, lower case
	domain string // the domain of the bot's Message-IDs
	bots   []string
	deny   []string
}

func matchAny(patterns []string, addr string) bool {
	for _, p := range patterns {
		if ok, _ := path.Match(strings.ToLower(p), addr); ok {
			return true
		}
	}
	return false
}

// sender classifies a mail by its headers alone.
func (f *filter) sender(m *mbox.Message) Verdict {
	from := strings.ToLower(m.From.Email)
	if from != "" && from == f.self {
		return VerdictOwn
	}
	if f.domain != "" && strings.HasPrefix(m.MessageID, replyIDPrefix) && strings.HasSuffix(m.MessageID, "@"+f.domain) {
		return VerdictOwn
	}
	if firstHeader(m, "X-Rcureview") != "" || firstHeader(m, HeaderPrefix+"Series") != "" || firstHeader(m, HeaderPrefix+"Version") != "" {
		return VerdictOwn
	}
	if matchAny(f.bots, from) {
		return VerdictBot
	}
	if v := strings.ToLower(strings.TrimSpace(firstHeader(m, "Auto-Submitted"))); v != "" && v != "no" {
		return VerdictBot
	}
	if strings.EqualFold(strings.TrimSpace(firstHeader(m, "X-Patchwork-Hint")), "ignore") {
		return VerdictBot
	}
	if firstHeader(m, "X-Google-Appengine-App-Id") != "" { // syzbot
		return VerdictBot
	}
	if matchAny(f.deny, from) {
		return VerdictDenied
	}
	return ""
}

// optsOut reports whether a mail carries the opt-out command or header.
func optsOut(p *mbox.Patch) bool {
	if v := firstHeader(p.Msg, "X-Rcureview-Opt-Out"); v != "" && !strings.EqualFold(strings.TrimSpace(v), "no") {
		return true
	}
	body := p.Msg.Body
	if p.Diff != "" {
		// Only the text before the diff counts: a patch may add the line.
		if i := strings.Index(body, p.Diff[:min(len(p.Diff), 40)]); i >= 0 {
			body = body[:i]
		}
	}
	return optOutRE.MatchString(quoteless(body))
}

// quoteless drops quoted lines, so quoting someone's opt-out does not opt
// out again (nor in).
func quoteless(body string) string {
	if !strings.Contains(body, "\n>") && !strings.HasPrefix(body, ">") {
		return body
	}
	var b strings.Builder
	for _, l := range strings.Split(body, "\n") {
		if !strings.HasPrefix(strings.TrimLeft(l, " \t"), ">") {
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func firstHeader(m *mbox.Message, key string) string {
	if m == nil {
		return ""
	}
	if v := m.Header[key]; len(v) > 0 {
		return v[0]
	}
	for k, v := range m.Header {
		if strings.EqualFold(k, key) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
