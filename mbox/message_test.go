package mbox

import (
	"bufio"
	"bytes"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
)

// gitInfo reads a git mailinfo "info" file (Author/Email/Subject/Date).
func gitInfo(b []byte) map[string]string {
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), ": "); ok {
			out[k] = v
		}
	}
	return out
}

// stripReply removes leading "Re: " as git's cleanup_subject does.
func stripReply(s string) string {
	for {
		t := strings.TrimSpace(s)
		if len(t) >= 3 && strings.EqualFold(t[:3], "re:") {
			s = t[3:]
			continue
		}
		return t
	}
}

func TestChecklist07_SeveralMessageIDsAndDuplicates(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/ids.eml"))
	if m.MessageID != "first@example.com" || !hasProblem(m, "2 Message-ID headers") {
		t.Errorf("MessageID %q problems %q", m.MessageID, m.Problems)
	}
	// De-duplication across list copies: keep the least-mangled copy.
	mk := func(list string) *Message {
		return &Message{MessageID: "same@x", ListID: list, Header: map[string][]string{}}
	}
	msgs := []*Message{mk("linux-kernel.vger.kernel.org"), mk("rcu.vger.kernel.org"), mk("lkml.feeds.kernel.org"), {MessageID: "other@x"}, mk("foo.example.org")}
	got := DedupeMessages(msgs)
	if len(got) != 2 || got[0].ListID != "lkml.feeds.kernel.org" || got[1].MessageID != "other@x" {
		var ids []string
		for _, m := range got {
			ids = append(ids, m.MessageID+"/"+m.ListID)
		}
		t.Errorf("dedupe: %v", ids)
	}
}

func TestChecklist09_RFC2047(t *testing.T) {
	data := readCorpus(t, "git/t5100/rfc2047-samples.mbox")
	raws := splitAll(t, data, SplitOptions{})
	if len(raws) != 11 {
		t.Fatalf("%d messages, want 11", len(raws))
	}
	for i, r := range raws {
		t.Run(fmt.Sprintf("rfc2047-info-%04d", i+1), func(t *testing.T) {
			m, err := ParseMessage(r)
			if err != nil {
				t.Fatal(err)
			}
			want := gitInfo(readCorpus(t, fmt.Sprintf("git/t5100/rfc2047-info-%04d", i+1)))
			if got := stripReply(m.Subject); got != want["Subject"] {
				t.Errorf("Subject %q, want %q", got, want["Subject"])
			}
			if want["Email"] != "" && (m.From.Email != want["Email"] || m.From.Name != want["Author"]) {
				t.Errorf("From %q <%s>, want %q <%s>", m.From.Name, m.From.Email, want["Author"], want["Email"])
			}
		})
	}
	tests := []struct{ raw, want string }{
		{"=?utf-8?b?Y2Fmw6k=?=", "café"},
		{"=?UTF-8?Q?caf=C3=A9_au_lait?=", "café au lait"},
		{"=?utf-8?q?a?=\n =?utf-8?q?b?=", "ab"},
		{"x =?iso-8859-1?q?=E9?= y", "x é y"},
		{"=?x-unknown?q?abc?= tail", "=?x-unknown?q?abc?= tail"},
		{"not =? an encoded word", "not =? an encoded word"},
	}
	for _, tt := range tests {
		got, problems := decodeText(collapseWS(tt.raw))
		if got != tt.want {
			t.Errorf("decodeText(%q) = %q, want %q", tt.raw, got, tt.want)
		}
		if strings.Contains(tt.raw, "unknown") && len(problems) == 0 {
			t.Errorf("decodeText(%q): unknown charset not reported", tt.raw)
		}
	}
	m := parseOne(t, readTestdata(t, "msg/broken-header.eml"))
	if m.Subject != "café au lait and more" {
		t.Errorf("folded subject %q", m.Subject)
	}
}

func TestChecklist10_Raw8BitHeaders(t *testing.T) {
	for _, f := range []string{"patchwork/mail/0014-with-unencoded-utf8-headers.mbox", "patchwork/mail/0015-with-invalid-utf8-headers.mbox"} {
		t.Run(f, func(t *testing.T) {
			m := parseOne(t, readCorpus(t, f))
			for _, s := range []string{m.Subject, m.From.Name} {
				if !utf8Valid(s) {
					t.Errorf("invalid UTF-8 %q", s)
				}
			}
			if m.From.Email == "" {
				t.Errorf("From lost: %+v (problems %q)", m.From, m.Problems)
			}
		})
	}
	m := parseOne(t, readCorpus(t, "patchwork/mail/0014-with-unencoded-utf8-headers.mbox"))
	if !strings.Contains(m.From.Name+m.Subject, "\u00f6") && !strings.ContainsFunc(m.From.Name+m.Subject, func(r rune) bool { return r > 127 }) {
		t.Errorf("8-bit UTF-8 not kept: %q / %q", m.From.Name, m.Subject)
	}
	m = parseOne(t, readTestdata(t, "msg/broken-header.eml"))
	if got := m.Header["X-Raw8bit"]; len(got) != 1 || got[0] != "café crème" {
		t.Errorf("latin-1 header %q", got)
	}
	if !hasProblem(m, "windows-1252") {
		t.Errorf("fallback not reported: %q", m.Problems)
	}
	t.Run("b4 save-8bit-clean", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "b4/samples/save-8bit-clean.txt"))
		m7 := parseOne(t, readCorpus(t, "b4/samples/save-7bit-clean.txt"))
		if m.Subject != m7.Subject || m.From != m7.From {
			t.Errorf("8-bit %q %v vs 7-bit %q %v", m.Subject, m.From, m7.Subject, m7.From)
		}
	})
}

// utf8Valid is strings.ToValidUTF8 equality.
func utf8Valid(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func TestChecklist11_MessageIDs(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/ids.eml"))
	if m.InReplyTo != "parent@example.com" {
		t.Errorf("InReplyTo %q", m.InReplyTo)
	}
	if want := []string{"root@example.com", "parent@example.com", "other@example.com"}; !reflect.DeepEqual(m.References, want) {
		t.Errorf("References %q, want %q", m.References, want)
	}
	m = parseOne(t, readTestdata(t, "msg/ids-nobrackets.eml"))
	if m.MessageID != "abc@def.example" || m.InReplyTo != "parent@def.example" || len(m.References) != 2 || !hasProblem(m, "brackets") {
		t.Errorf("no brackets: %q %q %q %q", m.MessageID, m.InReplyTo, m.References, m.Problems)
	}
	t.Run("patchwork duplicated References", func(t *testing.T) {
		msgs, errs := ReadAll(bytes.NewReader(readCorpus(t, "patchwork/series/bugs-multiple-references.mbox")))
		if len(errs) != 0 || len(msgs) == 0 {
			t.Fatalf("%d msgs, errs %v", len(msgs), errs)
		}
		for _, m := range msgs {
			seen := map[string]bool{}
			for _, r := range m.References {
				if seen[r] {
					t.Errorf("duplicate reference %q", r)
				}
				seen[r] = true
			}
			if m.MessageID == "" {
				t.Errorf("message %d without id", m.Raw.Index)
			}
		}
	})
	for _, f := range []string{"msgid-len", "msgid-len2", "msgidheader", "refshdr"} {
		t.Run("patchwork fuzz "+f, func(t *testing.T) {
			msgs, _ := ReadAll(bytes.NewReader(readCorpus(t, "patchwork/fuzz/"+f+".mbox")))
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
		})
	}
}

func TestChecklist12_Dates(t *testing.T) {
	tests := []struct {
		raw  string
		want string // RFC 3339, "" = DateOK false
	}{
		{"Thu, 21 Jul 2005 09:10:36 -0400 (EDT)", "2005-07-21T09:10:36-04:00"},
		{"Fri, 8 Aug 2008 13:08:37 +0200 (CEST)", "2008-08-08T13:08:37+02:00"},
		{"Mon, 17 Sep 2001 00:00:00 GMT", "2001-09-17T00:00:00Z"},
		{"17 Sep 2001 00:00:00 +0900", "2001-09-17T00:00:00+09:00"},
		{"Mon,  3 Aug 2020  22:40:55   +0700", "2020-08-03T22:40:55+07:00"},
		{"Mon, 3 Aug 2020 22:40:55 -9900", "2020-08-03T22:40:55Z"},
		{"Mon Aug  3 22:40:55 2020", "2020-08-03T22:40:55Z"},
		{"Tue, 1 Jan 1001 00:00:00 +0000", ""},
		{"bogus", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got, ok, _ := parseDateHeader(tt.raw)
		if !ok {
			if tt.want != "" {
				t.Errorf("parseDateHeader(%q) failed, want %s", tt.raw, tt.want)
			}
			continue
		}
		if tt.want == "" {
			t.Errorf("parseDateHeader(%q) = %v, want failure", tt.raw, got)
			continue
		}
		if s := got.Format(time.RFC3339); s != tt.want {
			t.Errorf("parseDateHeader(%q) = %s, want %s", tt.raw, s, tt.want)
		}
	}
	raws := splitAll(t, readCorpus(t, "git/t5100/sample.mbox"), SplitOptions{})
	for _, i := range []int{4, 11} {
		m, err := ParseMessage(raws[i-1])
		if err != nil {
			t.Fatal(err)
		}
		want := gitInfo(readCorpus(t, fmt.Sprintf("git/t5100/info%04d", i)))["Date"]
		wt, _, _ := parseDateHeader(want)
		if !m.DateOK || !m.Date.Equal(wt) {
			t.Errorf("sample.mbox message %d: Date %v ok=%v, want %s", i, m.Date, m.DateOK, want)
		}
	}
	for _, f := range []string{"date", "date-too-long", "date-oserror", "year-out-of-range", "dateheader"} {
		t.Run("patchwork fuzz "+f, func(t *testing.T) {
			msgs, _ := ReadAll(bytes.NewReader(readCorpus(t, "patchwork/fuzz/"+f+".mbox")))
			for _, m := range msgs {
				if m.DateOK && (m.Date.Year() < 1970 || m.Date.Year() > 2200) {
					t.Errorf("implausible date accepted: %v", m.Date)
				}
			}
		})
	}
}

func TestChecklist15_ChooseTextParts(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/multipart.eml"))
	if !strings.Contains(m.Body, "Please apply the attached patch.") {
		t.Errorf("plain alternative missing: %q", m.Body)
	}
	if strings.Contains(m.Body, "<p>") || strings.Contains(m.Body, "HTML") {
		t.Error("HTML alternative included")
	}
	if !strings.Contains(m.PatchBody, "diff --git a/x.c b/x.c\n") {
		t.Errorf("x-patch attachment missing: %q", m.PatchBody)
	}
	if strings.Contains(m.Body, "evil") {
		t.Error("attached message/rfc822 or mbox taken as the patch")
	}
	t.Run("patchwork 0019 multipart/alternative patch", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "patchwork/mail/0019-multipart-patch.mbox"))
		if !strings.Contains(m.Body, "diff --git") || strings.Contains(m.Body, "<div") {
			t.Errorf("body %q", clipText(m.Body, 200))
		}
	})
	t.Run("patchwork 0020 comment ignores HTML", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "patchwork/mail/0020-multipart-comment.mbox"))
		if m.Body == "" || strings.Contains(strings.ToLower(m.Body), "<div") {
			t.Errorf("body %q", clipText(m.Body, 200))
		}
	})
	t.Run("patchwork 0007 patch in second text part", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "patchwork/mail/0007-cvs-format-diff.mbox"))
		if !strings.Contains(m.Body, "Index: ") || !strings.Contains(m.Body, "===") {
			t.Errorf("CVS diff part missing: %q", clipText(m.Body, 300))
		}
	})
	t.Run("public-inbox attached mbox is not the patch", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "public-inbox/t/data/attached-mbox-with-utf8.eml"))
		if strings.Contains(m.Body, "diff --git") || !strings.Contains(m.Body, "hello world") {
			t.Errorf("body %q", m.Body)
		}
	})
	t.Run("public-inbox attached patch", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "public-inbox/t/plack-attached-patch.eml"))
		if !strings.Contains(m.PatchBody, "hi, see attached\n\n--- a/file\n+++ b/file\n") {
			t.Errorf("body %q", clipText(m.Body, 300))
		}
	})
	t.Run("public-inbox embedded message/rfc822", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "public-inbox/t/data/message_embed.eml"))
		if strings.Contains(m.Body, "diff --git") {
			t.Errorf("embedded message used: %q", clipText(m.Body, 300))
		}
	})
}

func TestChecklist16_TransferEncodings(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/multipart.eml"))
	if !strings.Contains(m.PatchBody, "+b\n") {
		t.Errorf("base64 with spaces not decoded: %q", m.PatchBody)
	}
	m = parseOne(t, readTestdata(t, "msg/qp-latin1.eml"))
	if !strings.Contains(m.Body, "\n \n-old café\n") {
		t.Errorf("QP: encoded space context line or =E9 lost: %q", m.Body)
	}
	if !strings.Contains(m.Body, "soft-broken here\n context=x\n") {
		t.Errorf("QP soft break / =3D: %q", m.Body)
	}
	m = parseOne(t, readTestdata(t, "msg/bogus-cte.eml"))
	if m.Body != "diff --git a/f b/f\n" || !hasProblem(m, "x-bogus") || !hasProblem(m, `"none"`) {
		t.Errorf("bogus CTE: body %q problems %q", m.Body, m.Problems)
	}
	for _, f := range []string{"charset", "unknown-encoding", "base64err", "codec-null"} {
		t.Run("patchwork fuzz "+f, func(t *testing.T) {
			msgs, _ := ReadAll(bytes.NewReader(readCorpus(t, "patchwork/fuzz/"+f+".mbox")))
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			if f == "charset" && msgs[0].Body == "" {
				t.Errorf("bogus encoding lost the body (go-message NextPart behaviour); problems %q", msgs[0].Problems)
			}
		})
	}
	t.Run("public-inbox plack-qp", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "public-inbox/t/plack-qp.eml"))
		if strings.Contains(m.Body, "=\n") || strings.Contains(m.Body, "=3D") {
			t.Errorf("QP left: %q", clipText(m.Body, 300))
		}
	})
	t.Run("git sample.mbox QP in-body subject", func(t *testing.T) {
		raws := splitAll(t, readCorpus(t, "git/t5100/sample.mbox"), SplitOptions{})
		m, _ := ParseMessage(raws[8])
		if !strings.HasPrefix(m.Body, "\n\nFrom: F U Bar <f.u.bar@example.com>\nSubject: [PATCH] updates\n\nThis is to fix") {
			t.Errorf("body %q", clipText(m.Body, 120))
		}
		if !strings.Contains(m.Body, "GIT_DIFF_OPTS=-c") {
			t.Error("=3D not decoded")
		}
	})
}

func TestChecklist17_CharsetsPatchBytesAsSent(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/qp-latin1.eml"))
	if !strings.Contains(m.Body, "-old café\n") || !strings.Contains(m.PatchBody, "-old caf\xe9\n") {
		t.Errorf("Body %q\nPatchBody %q", m.Body, m.PatchBody)
	}
	t.Run("patchwork 0010 charset none", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "patchwork/mail/0010-invalid-charset.mbox"))
		if !strings.Contains(m.Body, "diff") || !hasProblem(m, "none") {
			t.Errorf("body %q problems %q", clipText(m.Body, 200), m.Problems)
		}
	})
	t.Run("public-inbox iso-2022-jp", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "public-inbox/t/iso-2202-jp.eml"))
		if !utf8Valid(m.Body) || m.Body == m.PatchBody {
			t.Errorf("not converted: %q", clipText(m.Body, 100))
		}
	})
	t.Run("git sample.mbox ISO8859-1 QP", func(t *testing.T) {
		raws := splitAll(t, readCorpus(t, "git/t5100/sample.mbox"), SplitOptions{})
		m, _ := ParseMessage(raws[4]) // David Kågedal, ISO-8859-1 QP
		if !strings.Contains(m.Body, "Kågedal") && !strings.Contains(m.Body, "å") {
			t.Errorf("latin-1 body not decoded: %q", clipText(m.Body, 200))
		}
		if !utf8Valid(m.Body) {
			t.Error("invalid UTF-8 body")
		}
	})
}

func TestChecklist18_FormatFlowed(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/flowed.eml"))
	if !m.Flowed || !hasProblem(m, "trailing spaces") {
		t.Errorf("Flowed=%v problems %q", m.Flowed, m.Problems)
	}
	want := "A long commit message line that was wrapped by the client.\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1,2 +1,2 @@\n context\n-old\n+new\n-- \n2.40.0\n"
	if m.Body != want {
		t.Errorf("unflowed body %q\nwant %q", m.Body, want)
	}
	t.Run("git t4256/patch", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "git/t4256/patch"))
		if !m.Flowed {
			t.Fatal("format=flowed not detected")
		}
		for _, want := range []string{
			"@@ -237,11 +237,22 @@ static int slurp_attr(const char *line, const char *name, struct strbuf *attr)\n \treturn 1;\n }\n",
			"+static int has_attr_value(const char *line, const char *name, const char *value)\n",
		} {
			if !strings.Contains(m.PatchBody, want) {
				t.Errorf("missing %q", want)
			}
		}
	})
}

func TestChecklist19_MUADamageKeptAsSent(t *testing.T) {
	// This layer must not add damage: blank context lines, the swallowed
	// last context line and trailing blanks stay exactly as the text part
	// had them, so the diff layer can recount (go-gitdiff: "fragment
	// header miscounts lines").
	m := parseOne(t, readCorpus(t, "patchwork/mail/0019-multipart-patch.mbox"))
	if !strings.Contains(m.PatchBody, "\n\n") || strings.Contains(m.PatchBody, "\r") {
		t.Errorf("body %q", clipText(m.PatchBody, 300))
	}
	m = parseOne(t, readTestdata(t, "msg/qp-latin1.eml"))
	if !strings.Contains(m.PatchBody, "@@ -1,3 +1,3 @@\n \n") {
		t.Errorf("encoded blank context line lost: %q", m.PatchBody)
	}
	t.Run("b4 stripped lines", func(t *testing.T) {
		msgs, errs := ReadAll(bytes.NewReader(readCorpus(t, "b4/samples/trailers-followup-stripped-lines.mbox")))
		if len(errs) != 0 || len(msgs) < 2 {
			t.Fatalf("%d msgs %v", len(msgs), errs)
		}
	})
}

func TestChecklist20_SignatureAndListFooter(t *testing.T) {
	// A Mailman footer part is a separate text part; it is kept (the
	// patch layer cuts it) but it never merges into the diff's last line.
	data := "From: A <a@example.com>\nSubject: s\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\ndiff --git a/f b/f\n+x\n--b\nContent-Type: text/plain\n\n_______________________________________________\nf2fs-devel mailing list\n--b--\n"
	m := parseOne(t, []byte(data))
	if !strings.Contains(m.Body, "+x\n\n____") {
		t.Errorf("footer not separated: %q", m.Body)
	}
	body, footer := CutMailFooter(m.Body)
	if body != "diff --git a/f b/f\n+x\n\n" || !strings.Contains(footer, "f2fs-devel") {
		t.Errorf("CutMailFooter: %q / %q", body, footer)
	}
	qc, err := ParseMessage(splitAll(t, readCorpus(t, "git/t5100/quoted-cr.mbox"), SplitOptions{})[0])
	if err != nil {
		t.Fatal(err)
	}
	body, footer = CutMailFooter(qc.Body)
	if !strings.HasSuffix(body, "     else\n") || !strings.HasPrefix(footer, "-- \n2.28.0\n____") {
		t.Errorf("signature + footer: body tail %q footer %q", body[len(body)-20:], footer)
	}
	// A removed line "- " inside a diff is not a signature.
	diff := "diff --git a/f b/f\n@@ -1,2 +1 @@\n-- \n ctx\n"
	if b, f := CutMailFooter(diff); b != diff || f != "" {
		t.Errorf("cut inside diff: %q / %q", b, f)
	}
}

func TestChecklist29_HeaderSizeCap(t *testing.T) {
	big := "From: A <a@example.com>\nX-Big: " + strings.Repeat("a", 100) + "\n" +
		strings.Repeat(" "+strings.Repeat("b", 90)+"\n", 12000) + "Subject: s\n\nbody\n"
	_, err := ParseMessage(&RawMessage{Data: []byte(big)})
	if err == nil || !strings.Contains(err.Error(), "1 MiB") {
		t.Fatalf("err %v", err)
	}
	msgs, errs := ReadAll(strings.NewReader("From a@b Mon Jan  1 00:00:00 2024\n" + big + "\nFrom a@b Mon Jan  1 00:00:00 2024\nSubject: ok\n\nx\n"))
	if len(msgs) != 1 || len(errs) != 1 || msgs[0].Subject != "ok" {
		t.Errorf("ReadAll: %d msgs, errs %v", len(msgs), errs)
	}
}

func TestHeaderRepairs(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/broken-header.eml"))
	if m.From.Name != "Doe, Jane (Jane at work)" || m.From.Email != "jane@example.com" {
		t.Errorf("From %+v", m.From)
	}
	wantTo := []Address{{"", "a@example.com"}, {"B, Bee", "b@example.com"}, {"See", "c@example.com"}}
	if !reflect.DeepEqual(m.To, wantTo) {
		t.Errorf("To %+v", m.To)
	}
	if got := m.Header["X-Microsoft-Antispam"]; len(got) != 1 || got[0] != "BCL:0; ARA:13230040|376014; 13230040|376015; Bad Key: value with a space in the key" {
		t.Errorf("unindented continuation: %q", got)
	}
	if got := m.Header["X-Microsoft-Antispam"]; !strings.Contains(got[0], "Bad Key: value") {
		t.Errorf("invalid key line not joined: %q", got)
	}
	if m.MessageID != "broken@example.com" {
		t.Errorf("MessageID %q", m.MessageID)
	}
	if !hasProblem(m, "not a field") {
		t.Errorf("repairs not reported: %q", m.Problems)
	}
	if got := m.Header["Subject-Unknown"]; len(got) != 1 || got[0] != "=?x-unknown-charset?q?abc?= tail" {
		t.Errorf("raw header value %q", got)
	}
	// Leading whitespace on the first header line (go-message #144).
	m, err := ParseMessage(&RawMessage{Data: []byte("  Received: from x\n\tby y\nSubject: ws\n\nb\n")})
	if err != nil || m.Subject != "ws" || len(m.Header["Received"]) != 1 || !hasProblem(m, "leading whitespace") {
		t.Errorf("leading whitespace: %v %q %v %q", err, m.Subject, m.Header, m.Problems)
	}
	// Bare diff without header.
	m, err = ParseMessage(&RawMessage{Data: []byte("diff --git a/f b/f\n+x\n")})
	if err != nil || m.Body != "diff --git a/f b/f\n+x\n" || !hasProblem(m, "no mail header") {
		t.Errorf("bare diff: %v %q %q", err, m.Body, m.Problems)
	}
	if _, err := ParseMessage(&RawMessage{}); err == nil {
		t.Error("empty message accepted")
	}
}

func TestAddressesAndDMARC(t *testing.T) {
	m := parseOne(t, readTestdata(t, "msg/dmarc.eml"))
	if m.From != (Address{"Jane Doe", "jane@example.com"}) || !hasProblem(m, "DMARC") {
		t.Errorf("From %+v problems %q", m.From, m.Problems)
	}
	if m.ListID != "linux-foo.lists.example.org" {
		t.Errorf("ListID %q", m.ListID)
	}
	if m.Header["X-Original-From"][0] != "Jane Doe <jane@example.com>" {
		t.Errorf("Header %v", m.Header)
	}
	tests := []struct {
		raw  string
		want []Address
	}{
		{`"Doe, Jane" <jane@x.org>`, []Address{{"Doe, Jane", "jane@x.org"}}},
		{`jane@x.org (Jane Doe)`, []Address{{"Jane Doe", "jane@x.org"}}},
		{`bare@x.org`, []Address{{"", "bare@x.org"}}},
		{`Jöhn Døe <j@x.org>, <k@x.org>`, []Address{{"Jöhn Døe", "j@x.org"}, {"", "k@x.org"}}},
		{"J\xf6hn <j@x.org>", []Address{{"Jöhn", "j@x.org"}}},
		{`=?utf-8?q?J=C3=B6hn?= <j@x.org>`, []Address{{"Jöhn", "j@x.org"}}},
		{`Broken <j@x.org`, []Address{{"Broken", "j@x.org"}}},
	}
	for _, tt := range tests {
		got, _ := parseAddressList(tt.raw)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parseAddressList(%q) = %+v, want %+v", tt.raw, got, tt.want)
		}
	}
	// git t5100 golden authors: comment.in, quoted-string.in, info-from.in.
	for _, name := range []string{"comment", "quoted-string", "info-from"} {
		t.Run(name, func(t *testing.T) {
			in := readCorpus(t, "git/t5100/"+name+".in")
			want := gitInfo(readCorpus(t, "git/t5100/"+name+".expect"))
			m, err := ParseMessage(&RawMessage{Data: in})
			if err != nil {
				t.Fatal(err)
			}
			if name == "info-from" {
				want["Author"] = "" // git uses the address as the name; we keep it empty
			}
			if m.From.Email != want["Email"] || m.From.Name != want["Author"] {
				t.Errorf("From %q <%s>, want %q <%s>", m.From.Name, m.From.Email, want["Author"], want["Email"])
			}
		})
	}
}

func TestMessagesIteratorStopsEarly(t *testing.T) {
	data := readTestdata(t, "split/mboxo-basic.mbox")
	n := 0
	for m, err := range Messages(NewSplitter(bytes.NewReader(data))) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if m.Subject != "one" {
			t.Errorf("subject %q", m.Subject)
		}
		break
	}
	if n != 1 {
		t.Errorf("n=%d", n)
	}
}
