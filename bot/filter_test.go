package bot

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/mbox"
)

func TestSenderVerdicts(t *testing.T) {
	f := &filter{self: "bot@rcureview.example", domain: "rcureview.example", bots: KnownBots, deny: []string{"*@spam.example"}}
	tests := []struct {
		name string
		mail tmail
		want Verdict
	}{
		{"a developer", tmail{id: "a@x", from: "Dev <dev@example.org>"}, ""},
		{"ourselves by address", tmail{id: "a@x", from: "rcureview <BOT@rcureview.example>"}, VerdictOwn},
		{"ourselves by Message-ID", tmail{id: "rcureview-0011@rcureview.example", from: "x <x@example.org>"}, VerdictOwn},
		{"ourselves by header", tmail{id: "a@x", from: "x <x@example.org>", headers: map[string]string{"X-Rcureview": "0.1.0"}}, VerdictOwn},
		{"kernel test robot", tmail{id: "a@x", from: "kernel test robot <lkp@intel.com>"}, VerdictBot},
		{"syzbot with a bug hash", tmail{id: "a@x", from: "syzbot <syzbot+5a9f@syzkaller.appspotmail.com>"}, VerdictBot},
		{"patchwork bot", tmail{id: "a@x", from: "patchwork-bot+netdevbpf@kernel.org"}, VerdictBot},
		{"BPF CI", tmail{id: "a@x", from: "bot+bpf-ci@kernel.org"}, VerdictBot},
		{"auto-replied", tmail{id: "a@x", from: "x <x@example.org>", headers: map[string]string{"Auto-Submitted": "auto-replied"}}, VerdictBot},
		{"Auto-Submitted: no is a person", tmail{id: "a@x", from: "x <x@example.org>", headers: map[string]string{"Auto-Submitted": "no"}}, ""},
		{"patchwork hint", tmail{id: "a@x", from: "x <x@example.org>", headers: map[string]string{"X-Patchwork-Hint": "ignore"}}, VerdictBot},
		{"denied sender", tmail{id: "a@x", from: "S <s@spam.example>"}, VerdictDenied},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseRaw(tc.mail.bytes())
			if err != nil {
				t.Fatal(err)
			}
			if got := f.sender(m); got != tc.want {
				t.Errorf("verdict %q, want %q", got, tc.want)
			}
		})
	}
}

func TestOptOutCommand(t *testing.T) {
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"command line", "Thanks.\n\nrcureview: skip\n", true},
		{"other words", "rcureview: stop\n", true},
		{"quoted by someone else", "> rcureview: skip\n\nWhy skip?\n", false},
		{"mentioned in prose", "Should we say rcureview: skip here?\n", false},
		{"added by the patch itself", patchBody("kernel/rcu/x.c") + "+rcureview: skip\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := parseRaw(tmail{id: "a@x", subject: "Re: x", body: tc.body}.bytes())
			if err != nil {
				t.Fatal(err)
			}
			if got := optsOut(mbox.ExtractPatch(m)); got != tc.want {
				t.Errorf("optsOut = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzClassify feeds arbitrary bytes through what the bot does with a new
// archive item: parse, classify the sender, extract, look for opt-out;
// the verdict is a known one, the bot's own mail (by From or by its
// header) is never answered, and only the opt-out header or command opts
// out.
func FuzzClassify(f *testing.F) {
	f.Add(series("fz", 1, 2, true, 1, 2)[1].bytes())
	f.Add(tmail{id: "a@x", subject: "Re: x", body: "rcureview: skip\n"}.bytes())
	f.Add([]byte("From: \"unterminated <x@\nSubject: =?utf-8?q?broken\n\n"))
	f.Add([]byte("\x00\x01"))
	fl := &filter{self: "bot@rcureview.example", domain: "rcureview.example", bots: KnownBots}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseRaw(data)
		if err != nil {
			return
		}
		v := fl.sender(m)
		switch v {
		case "", VerdictOwn, VerdictBot, VerdictDenied:
		default:
			t.Fatalf("sender verdict %q", v)
		}
		if strings.EqualFold(m.From.Email, fl.self) && v != VerdictOwn {
			t.Fatalf("the bot's own mail (From %q) classified %q", m.From.Email, v)
		}
		p := mbox.ExtractPatch(m)
		if optsOut(p) && firstHeader(m, "X-Rcureview-Opt-Out") == "" && !strings.Contains(strings.ToLower(m.Body), "rcureview:") {
			t.Fatal("opted out without the opt-out header or command")
		}
		// The same mail with the bot's own header, or the opt-out header,
		// in front: never answered, always opted out.
		for _, h := range []string{"X-Rcureview: 1\n", "X-Rcureview-Opt-Out: yes\n"} {
			m2, err := parseRaw(append([]byte(h), data...))
			name, _, _ := strings.Cut(h, ":")
			if err != nil || firstHeader(m2, name) == "" {
				continue // the header did not land in a header block
			}
			if name == "X-Rcureview" && fl.sender(m2) != VerdictOwn {
				t.Fatalf("a mail with the bot's header classified %q", fl.sender(m2))
			}
			if name == "X-Rcureview-Opt-Out" && !optsOut(mbox.ExtractPatch(m2)) {
				t.Fatal("a mail with the opt-out header does not opt out")
			}
		}
	})
}
