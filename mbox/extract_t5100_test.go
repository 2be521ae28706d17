package mbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// t5100Info parses git mailinfo's infoNNNN output.
func t5100Info(t *testing.T, name string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus, "git/t5100", name))
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	out := map[string]string{}
	for _, l := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(l, ": "); ok {
			out[k] = strings.TrimSpace(v)
		}
	}
	return out
}

// t5100Patch returns git's patchNNNN from its first diff line, without the
// signature, so it can be compared with Patch.Diff (git's patch output
// starts at the "---" separator and keeps the signature).
func t5100Patch(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus, "git/t5100", name))
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	res := extractDiff(string(b))
	return res.text
}

func t5100Msg(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedCorpus, "git/t5100", name))
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	return strings.TrimRight(string(b), "\n")
}

// TestGitT5100Golden compares ExtractPatch with git mailinfo's golden
// outputs for the 18 messages of t5100/sample.mbox.
//
// Deliberate differences from git (variants used instead of the default
// output):
//   - message 14: we honour scissors whenever a diff follows them (git
//     needs --scissors), so it is compared with the *--scissors outputs;
//   - message 15: a bogus in-body "From:" keeps the mail's author (git
//     blanks the author); we add a Problem instead;
//   - message 8: the in-body "From:" at the very top of the body (followed
//     by a quoted line, no blank line) is taken as the author, as research
//     §1.6 item 13 asks; git keeps the mail's author for this message;
//   - message 16: a bogus in-body "Date:" keeps the mail's date (Problem);
//   - author names: RFC 822 comments are dropped by net/mail parsing, so
//     only the e-mail address is compared where git keeps "(Comment)".
func TestGitT5100Golden(t *testing.T) {
	msgs := readCorpusMessages(t, "git/t5100/sample.mbox")
	if len(msgs) != 18 {
		t.Fatalf("sample.mbox: %d messages, want 18", len(msgs))
	}
	for i, m := range msgs {
		n := i + 1
		suffix := ""
		if n == 14 {
			suffix = "--scissors"
		}
		t.Run(fmt.Sprintf("msg%04d", n), func(t *testing.T) {
			p := ExtractPatch(m)
			info := t5100Info(t, fmt.Sprintf("info%04d%s", n, suffix))
			if n == 8 {
				if p.Author.Email != "a.u.thor@example.com" || !p.InBodyHeaders {
					t.Errorf("msg 8 author = %+v, want the in-body From", p.Author)
				}
			} else if n != 15 && !strings.EqualFold(p.Author.Email, info["Email"]) {
				t.Errorf("author email = %q, want %q", p.Author.Email, info["Email"])
			}
			if n != 15 && n != 8 && !strings.Contains(info["Author"], "(") && p.Author.Name != info["Author"] {
				t.Errorf("author name = %q, want %q", p.Author.Name, info["Author"])
			}
			if p.Title != info["Subject"] {
				t.Errorf("title = %q, want %q", p.Title, info["Subject"])
			}
			want := t5100Msg(t, fmt.Sprintf("msg%04d%s", n, suffix))
			if p.CommitMessage != want {
				t.Errorf("commit message:\n%s\n--- want ---\n%s", p.CommitMessage, want)
			}
			if wantDiff := t5100Patch(t, fmt.Sprintf("patch%04d%s", n, suffix)); p.Diff != wantDiff {
				t.Errorf("diff:\n%q\n--- want ---\n%q", p.Diff, wantDiff)
			}
		})
	}
}
