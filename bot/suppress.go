package bot

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/lazyre"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
)

// invalidRE is the command a list member answers a finding with: a line
// "rcureview: invalid RULE[, RULE…]" (or false-positive), like syzbot's
// "#syz invalid". It must start a line; quoted lines do not count.
var invalidRE = lazyre.New(`(?im)^[ \t]*rcureview:[ \t]*(invalid|false[- ]positive)[ \t]+([A-Za-z0-9_, \t-]+?)[ \t]*$`)

// suppressions reads the invalid/false-positive commands of a mail: the
// rules it names (known ones, in rcureview's spelling) and the verdict.
func suppressions(m *mbox.Message) (verdict string, rules []string, unknown []string) {
	for _, sm := range invalidRE.FindAllStringSubmatch(quoteless(m.Body), -1) {
		verdict = strings.ToLower(strings.ReplaceAll(sm[1], " ", "-"))
		for _, id := range strings.FieldsFunc(sm[2], func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			id = strings.ToLower(strings.ReplaceAll(id, "_", "-"))
			if _, ok := finding.LookupRule(id); !ok {
				unknown = append(unknown, id)
				continue
			}
			if !slices.Contains(rules, id) {
				rules = append(rules, id)
			}
		}
	}
	return verdict, rules, unknown
}

// threadRoot is the Message-ID a thread is known by: the first of the
// mail's References, else its In-Reply-To, else its own.
func threadRoot(m *mbox.Message) string {
	switch {
	case len(m.References) > 0:
		return m.References[0]
	case m.InReplyTo != "":
		return m.InReplyTo
	}
	return m.MessageID
}

// takeSuppressions records the rules a list member's mail marks invalid
// for its thread. The mail is classified as usual afterwards.
func (b *Bot) takeSuppressions(tx *state.Tx, msg *mbox.Message, now time.Time) error {
	verdict, rules, unknown := suppressions(msg)
	if len(unknown) > 0 {
		b.log.Info("invalid command names unknown rules", "message_id", msg.MessageID, "rules", unknown)
	}
	for _, r := range rules {
		s := state.Suppression{Thread: threadRoot(msg), Rule: r, Verdict: verdict, By: strings.ToLower(msg.From.Email),
			MessageID: msg.MessageID, Time: now}
		if err := tx.PutSuppression(s); err != nil {
			return err
		}
		b.log.Info("rule suppressed in thread", "rule", r, "thread", s.Thread, "by", s.By, "verdict", verdict)
		if err := tx.Add("suppressions", 1); err != nil {
			return err
		}
	}
	return nil
}

// applySuppressions drops from a review the findings of the rules list
// members marked invalid in the series' thread, and says so in the
// report's notes.
func (b *Bot) applySuppressions(c *candidate, rep *reports.Report) error {
	threads := map[string]bool{}
	for _, p := range append([]*mbox.Patch{c.s.Cover}, c.s.Patches...) {
		if p != nil && p.Msg != nil {
			threads[threadRoot(p.Msg)] = true
			threads[p.Msg.MessageID] = true
		}
	}
	var sup []state.Suppression
	if err := b.opt.State.View(func(tx *state.Tx) error {
		all, err := tx.Suppressions()
		for _, s := range all {
			if threads[s.Thread] {
				sup = append(sup, s)
			}
		}
		return err
	}); err != nil {
		return err
	}
	for _, s := range sup {
		n := 0
		for _, p := range rep.Patches {
			kept := p.Findings[:0]
			for _, f := range p.Findings {
				if f.Rule == s.Rule {
					n++
					continue
				}
				kept = append(kept, f)
			}
			p.Findings = kept
		}
		note := fmt.Sprintf("%s is not reported in this thread: %s marked it %s (<%s>); %d finding(s) dropped.",
			s.Rule, s.By, s.Verdict, s.MessageID, n)
		rep.Notes = append(rep.Notes, note)
		c.remarks = append(c.remarks, note)
	}
	return nil
}
