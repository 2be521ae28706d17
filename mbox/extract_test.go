package mbox

import (
	"strings"
	"testing"
	"time"
)

// msgOf builds a Message the way ParseMessage would for a plain-text mail.
func msgOf(subject, from, body string) *Message {
	var a Address
	if as, _ := parseAddressList(from); len(as) > 0 {
		a = as[0]
	}
	return &Message{
		Raw:       &RawMessage{},
		Subject:   subject,
		MessageID: "id-" + subject,
		From:      a,
		Date:      time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		DateOK:    true,
		Body:      body,
		PatchBody: body,
	}
}

const sampleDiff = `diff --git a/kernel/rcu/tree.c b/kernel/rcu/tree.c
index 1111111..2222222 100644
--- a/kernel/rcu/tree.c
+++ b/kernel/rcu/tree.c
@@ -1,3 +1,3 @@
 a
-b
+c
 d
`

// TestChecklist13_AuthorInBodyFrom: the in-body From: at the top of the
// body (after optional scissors) beats the header; name-less and quoted
// names; a bogus in-body From keeps the header author with a problem.
func TestChecklist13_AuthorInBodyFrom(t *testing.T) {
	tests := []struct {
		name, from, body string
		want             Address
		inBody           bool
	}{
		{"header only", "Sender <s@x>", "msg\n---\n" + sampleDiff, Address{"Sender", "s@x"}, false},
		{"in-body wins", "Neeraj <n@x>", "From: Joel Fernandes <joel@x>\n\nmsg\n\nSigned-off-by: Joel Fernandes <joel@x>\n---\n" + sampleDiff, Address{"Joel Fernandes", "joel@x"}, true},
		{"in-body after blank lines", "Neeraj <n@x>", "\n\nFrom: joel@x\n\nmsg\n---\n" + sampleDiff, Address{"", "joel@x"}, true},
		{"quoted comma name", "List <l@x>", "From: \"Doe, Jane\" <jane@x>\n\nmsg\n---\n" + sampleDiff, Address{"Doe, Jane", "jane@x"}, true},
		{"not at top", "Greg <g@x>", "Preamble text.\nFrom: Other <o@x>\n\nmsg\n---\n" + sampleDiff, Address{"Greg", "g@x"}, false},
		{"after scissors", "Reviewer <r@x>", "> quoted\nSomething like this?\n\n-- >8 --\nFrom: Author <a@x>\nSubject: [PATCH] real title\n\nmsg\n---\n" + sampleDiff, Address{"Author", "a@x"}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := ExtractPatch(msgOf("[PATCH] t", tc.from, tc.body))
			if p.Author != tc.want || p.InBodyHeaders != tc.inBody {
				t.Errorf("author = %+v (in-body %v), want %+v (%v)", p.Author, p.InBodyHeaders, tc.want, tc.inBody)
			}
		})
	}
	t.Run("bogus in-body from and date", func(t *testing.T) {
		msgs := readCorpusMessages(t, "git/t5100/sample.mbox")
		if len(msgs) < 16 {
			t.Fatalf("%d messages", len(msgs))
		}
		for _, i := range []int{14, 15} {
			p := ExtractPatch(msgs[i])
			if p.Author.Email != "a.u.thor@example.com" || len(p.Problems) == 0 {
				t.Errorf("msg %d: author %+v problems %q", i+1, p.Author, p.Problems)
			}
		}
	})
}

// TestChecklist21_MessageNotesDiff: the commit message ends at git's
// patchbreak; notes hold the basement; the diff is byte-exact with its
// line number.
func TestChecklist21_MessageNotesDiff(t *testing.T) {
	body := "rcu: fix\n\nLong explanation.\n\nSigned-off-by: A <a@x>\n---\nv2: rebased\n\n kernel/rcu/tree.c | 2 +-\n 1 file changed, 1 insertion(+), 1 deletion(-)\n\n" +
		sampleDiff + "\nbase-commit: 0123456789abcdef0123456789abcdef01234567\n-- \n2.47.0\n"
	p := ExtractPatch(msgOf("[PATCH v2 1/1] rcu: fix", "A <a@x>", body))
	if p.Kind != KindPatch {
		t.Fatalf("kind %v", p.Kind)
	}
	if p.CommitMessage != "rcu: fix\n\nLong explanation.\n\nSigned-off-by: A <a@x>" {
		t.Errorf("commit message %q", p.CommitMessage)
	}
	if !strings.HasPrefix(p.Notes, "v2: rebased") || !strings.Contains(p.Notes, "1 file changed") || strings.Contains(p.Notes, "diff --git") {
		t.Errorf("notes %q", p.Notes)
	}
	if p.Diff != sampleDiff {
		t.Errorf("diff %q", p.Diff)
	}
	if p.DiffLine != 12 || strings.Split(body, "\n")[p.DiffLine-1] != "diff --git a/kernel/rcu/tree.c b/kernel/rcu/tree.c" {
		t.Errorf("DiffLine %d", p.DiffLine)
	}
	if p.BaseCommit != "0123456789abcdef0123456789abcdef01234567" {
		t.Errorf("base-commit %q", p.BaseCommit)
	}
	for _, tc := range []struct{ name, body, msg string }{
		{"diff without separator", "msg line\n" + sampleDiff, "msg line"},
		{"dashes with trailing space", "msg line\n---  \nnote\n" + sampleDiff, "msg line"},
		{"cvs index", "msg line\nIndex: foo.c\n===================================================================\n--- foo.c\n+++ foo.c\n@@ -1 +1 @@\n-a\n+b\n", "msg line"},
		{"--- file", "msg line\n--- a/foo.c\n+++ b/foo.c\n@@ -1 +1 @@\n-a\n+b\n", "msg line"},
		{"----- is not a break", "msg\n-----\nmore\n---\n" + sampleDiff, "msg\n-----\nmore"},
	} {
		p := ExtractPatch(msgOf("[PATCH] x", "A <a@x>", tc.body))
		if p.CommitMessage != tc.msg || p.Diff == "" {
			t.Errorf("%s: message %q diff %q", tc.name, p.CommitMessage, p.Diff)
		}
	}
	t.Run("CRLF bytes kept", func(t *testing.T) {
		crlf := strings.ReplaceAll("msg\n---\n"+sampleDiff, "\n", "\r\n")
		p := ExtractPatch(msgOf("[PATCH] x", "A <a@x>", crlf))
		if p.Diff != strings.ReplaceAll(sampleDiff, "\n", "\r\n") || p.CommitMessage != "msg" {
			t.Errorf("diff %q msg %q", p.Diff, p.CommitMessage)
		}
		if !hasProblemText(p, "CRLF") {
			t.Errorf("problems %q", p.Problems)
		}
	})
}

func hasProblemText(p *Patch, sub string) bool {
	for _, s := range p.Problems {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// TestChecklist22_Scissors: git's is_scissors_line, and a reply whose real
// submission follows the scissors.
func TestChecklist22_Scissors(t *testing.T) {
	for line, want := range map[string]bool{
		"-- >8 --":   true,
		"---8<---":   true,
		"8<--------": true,
		"- - >8 - - please remove everything above this line - - >8 - -": true,
		"-- 8< -- cut here -- 8< --":                                     true,
		" This line is not a scissors mark -- >8 -- but talks about it.": false,
		"-- >8":      false,
		"----------": false,
		"8<":         false,
	} {
		if got := isScissorsLine(line); got != want {
			t.Errorf("isScissorsLine(%q) = %v, want %v", line, got, want)
		}
	}
	body := "On Mon, X wrote:\n> diff --git a/x b/x\n> -old\n\nHow about this instead?\n\n---8<---\nFrom: Paul <paul@x>\nSubject: [PATCH v2 3/3] rcu: better fix\n\nBetter.\n\nSigned-off-by: Paul <paul@x>\n---\n" + sampleDiff
	p := ExtractPatch(msgOf("Re: [PATCH 3/3] rcu: fix", "Paul <paul@x>", body))
	if p.Kind != KindPatch || !p.Scissors || p.Title != "rcu: better fix" || p.Tags.Version != 2 || p.Tags.Index != 3 {
		t.Errorf("kind %v scissors %v title %q tags %+v", p.Kind, p.Scissors, p.Title, p.Tags)
	}
	if p.CommitMessage != "Better.\n\nSigned-off-by: Paul <paul@x>" {
		t.Errorf("message %q", p.CommitMessage)
	}
	// Without a diff after it, a scissors line is just text.
	q := ExtractPatch(msgOf("Re: x", "A <a@x>", "text\n-- >8 --\nmore\n"))
	if q.Scissors || q.Kind != KindReply {
		t.Errorf("no-diff scissors: %v %v", q.Scissors, q.Kind)
	}
}

// TestChecklist24_DiffRecognition runs the diff recogniser over corpus
// mails and hand-made prose.
func TestChecklist24_DiffRecognition(t *testing.T) {
	tests := []struct {
		file, firstLine string
		kind            Kind
	}{
		{"patchwork/mail/0007-cvs-format-diff.mbox", "Index: ", KindPatch},
		{"patchwork/mail/0008-git-rename.mbox", "diff --git ", KindPatch},
		{"patchwork/mail/0011-no-newline-at-end-of-file.mbox", "diff --git ", KindPatch},
		{"patchwork/mail/0021-git-empty-new-file.mbox", "diff --git ", KindPatch},
		{"patchwork/mail/0022-git-mode-change.mbox", "diff --git ", KindPatch},
		{"patchwork/mail/0025-git-add-binary-file.mbox", "diff --git pixel.bmp pixel.bmp", KindPatch},
		{"patchwork/mail/0026-git-add-mixed-binary-text-files.mbox", "diff --git ", KindPatch},
		{"patchwork/mail/0027-git-modify-binary-file.mbox", "diff --git ", KindPatch},
		{"b4/samples/trailers-followup-non-git-patch.mbox", "--- a/b4/junk.py", KindPatch},
		{"patchwork/mail/0020-multipart-comment.mbox", "", KindReply},
		{"bot-replies/bpf-ci-ai-review.multipart.reply.20251120.eml", "", KindReply},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			msgs := readCorpusMessages(t, tc.file)
			if len(msgs) == 0 {
				t.Fatal("no messages")
			}
			p := ExtractPatch(msgs[0])
			if p.Kind != tc.kind {
				t.Errorf("kind %v, want %v (subject %q)", p.Kind, tc.kind, p.Subject)
			}
			if tc.firstLine == "" {
				if p.Diff != "" {
					t.Errorf("quoted/no diff taken as a diff: %q", p.Diff)
				}
				return
			}
			if !strings.HasPrefix(p.Diff, tc.firstLine) {
				t.Errorf("diff starts %q", firstN(p.Diff, 80))
			}
			src := p.Msg.PatchBody
			if src == "" {
				src = p.Msg.Body
			}
			lines := strings.Split(src, "\n")
			if p.DiffLine < 1 || p.DiffLine > len(lines) || !strings.HasPrefix(p.Diff, lines[p.DiffLine-1]) {
				t.Errorf("DiffLine %d does not point at the diff", p.DiffLine)
			}
			if strings.Contains(p.Diff, "\n-- \n") {
				t.Errorf("signature inside the diff")
			}
		})
	}
	for name, body := range map[string]string{
		"prose diff words": "Lines can start with words beginning in \"diff\"\ndifficult\nDifferent\n",
		"diff in prose":    "diff --git is what I ran, and\nit printed nothing\n",
		"quoted diff":      "> diff --git a/x b/x\n> index 1..2 100644\n> --- a/x\n> +++ b/x\n> @@ -1 +1 @@\n> -a\n> +b\n\nLooks good.\n",
		"glued diff #95":   "Thanks, Jamesdiff --git a/x b/x\nindex 1..2\n",
	} {
		if d := extractDiff(body); d.text != "" {
			t.Errorf("%s: found diff %q", name, d.text)
		}
	}
	if d := extractDiff("text\n" + sampleDiff + "-- \n2.1\n"); d.text != sampleDiff || d.line != 2 {
		t.Errorf("signature not cut: %q line %d", d.text, d.line)
	}
	// A removed line "- " inside a hunk is not a signature.
	tricky := "diff --git a/x b/x\nindex 1..2 100644\n--- a/x\n+++ b/x\n@@ -1,2 +1,1 @@\n-- \n a\n"
	if d := extractDiff(tricky); d.text != tricky {
		t.Errorf("removal of \"- \" cut: %q", d.text)
	}
	// Mailman footer after the diff.
	if d := extractDiff(sampleDiff + "_______________________________________________\nLinuxppc-dev mailing list\n"); d.text != sampleDiff {
		t.Errorf("footer not cut: %q", d.text)
	}
}

func firstN(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// TestChecklist25_PullRequests: git request-pull mails carry a URL.
func TestChecklist25_PullRequests(t *testing.T) {
	tests := map[string]string{
		"patchwork/mail/0001-git-pull-request.mbox":                        "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
		"patchwork/mail/0002-git-pull-request-wrapped.mbox":                "git://git.kernel.org/pub/scm/linux/kernel/git/benh/powerpc.git next",
		"patchwork/mail/0017-git-pull-request-git-2-14-3.mbox":             "git://git.kernel.org/pub/scm/linux/kernel/git/davem/net",
		"patchwork/mail/0023-git-pull-request-newline-in-url.mbox":         "https://git.kernel.org/pub/scm/linux/kernel/git/matthias.bgg/linux.git/ tags/v5.4-next-soc",
		"patchwork/mail/0024-git-pull-request-trailing-space.mbox":         "git://git.kernel.org/pub/scm/linux/kernel/git/nsekhar/linux-davinci.git tags/davinci-for-v5.6/soc",
		"patchwork/mail-historic/0018-git-pull-request-crlf-newlines.mbox": "",
	}
	for file, want := range tests {
		t.Run(file, func(t *testing.T) {
			msgs := readCorpusMessages(t, file)
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			p := ExtractPatch(msgs[0])
			if p.Kind != KindPullRequest {
				t.Errorf("kind %v", p.Kind)
			}
			if want != "" && p.PullURL != want {
				t.Errorf("PullURL %q, want %q", p.PullURL, want)
			}
			if p.PullURL == "" {
				t.Errorf("no PullURL")
			}
		})
	}
	for _, f := range []string{"0003-git-pull-request-with-diff.mbox", "0004-git-pull-request-git+ssh.mbox", "0005-git-pull-request-ssh.mbox", "0006-git-pull-request-http.mbox"} {
		msgs := readCorpusMessages(t, "patchwork/mail/"+f)
		if len(msgs) == 0 {
			t.Fatalf("%s: no message", f)
		}
		p := ExtractPatch(msgs[0])
		if p.Kind != KindPullRequest || p.PullURL == "" {
			t.Errorf("%s: kind %v url %q", f, p.Kind, p.PullURL)
		}
		if f[:4] == "0003" && p.Diff == "" {
			t.Errorf("%s: diff of the pull request lost", f)
		}
	}
}

// TestExtractProblems: trojan-source characters, format=flowed, mangled
// whitespace are reported; a nil message does not panic.
func TestExtractProblems(t *testing.T) {
	trojan := strings.Replace(sampleDiff, "+c", "+c\u202e // admin", 1)
	p := ExtractPatch(msgOf("[PATCH] x", "A <a@x>", "m\n---\n"+trojan))
	if !hasProblemText(p, "U+202E") {
		t.Errorf("Cf not reported: %q", p.Problems)
	}
	m := msgOf("[PATCH] x", "A <a@x>", "m\n---\n"+sampleDiff)
	m.Flowed = true
	if p := ExtractPatch(m); !hasProblemText(p, "format=flowed") {
		t.Errorf("flowed not reported: %q", p.Problems)
	}
	mangled := strings.Replace(sampleDiff, "\n d\n", "\n\n", 1)
	mangled = strings.Replace(mangled, " a\n", "", 1)
	if p := ExtractPatch(msgOf("[PATCH] x", "A <a@x>", "m\n---\n"+mangled)); !hasProblemText(p, "white space") && !hasProblemText(p, "truncated") {
		t.Errorf("mangled hunk not reported: %q", p.Problems)
	}
	if p := ExtractPatch(nil); p.Kind != KindOther || len(p.Problems) == 0 {
		t.Errorf("nil message: %+v", p)
	}
	msgs := readCorpusMessages(t, "patchwork/mail/0019-multipart-patch.mbox")
	if len(msgs) == 1 {
		if p := ExtractPatch(msgs[0]); p.Diff == "" || len(p.Problems) == 0 {
			t.Errorf("0019: diff %d bytes, problems %q", len(p.Diff), p.Problems)
		}
	}
}
