package mbox

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDir is the shared test corpus, relative to this package.
const corpusDir = "../../shared/corpus"

// readCorpus returns a corpus file or skips the test.
func readCorpus(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, rel))
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	return b
}

// readTestdata returns a file under testdata/.
func readTestdata(t testing.TB, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", rel))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// splitAll splits data with opts and fails the test on any error.
func splitAll(t testing.TB, data []byte, opts SplitOptions) []*RawMessage {
	t.Helper()
	s := NewSplitterOptions(bytes.NewReader(data), opts)
	var out []*RawMessage
	for {
		m, err := s.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("split: %v", err)
		}
		out = append(out, m)
	}
}

// parseOne parses data as a single message.
func parseOne(t testing.TB, data []byte) *Message {
	t.Helper()
	raws := splitAll(t, data, SplitOptions{})
	if len(raws) != 1 {
		t.Fatalf("got %d messages, want 1", len(raws))
	}
	m, err := ParseMessage(raws[0])
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return m
}

func TestChecklist01_ContainersMboxoMboxrdBareGzip(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		want     int
		fromLine string // of the first message
	}{
		{"mboxo", readTestdata(t, "split/mboxo-basic.mbox"), 2, "From a@b Mon Jan  1 00:00:00 2024"},
		{"mboxrd", readTestdata(t, "split/lore.mboxrd"), 2, "From mboxrd@z Thu Jan  1 00:00:00 1970"},
		{"gzip", readTestdata(t, "split/lore.mboxrd.gz"), 2, "From mboxrd@z Thu Jan  1 00:00:00 1970"},
		{"bare starting with Received", readTestdata(t, "split/bare-received.eml"), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitAll(t, tt.data, SplitOptions{})
			if len(got) != tt.want {
				t.Fatalf("got %d messages, want %d", len(got), tt.want)
			}
			if got[0].FromLine != tt.fromLine {
				t.Errorf("FromLine = %q, want %q", got[0].FromLine, tt.fromLine)
			}
		})
	}
	t.Run("bare-received keeps its body From line", func(t *testing.T) {
		m := parseOne(t, readTestdata(t, "split/bare-received.eml"))
		if m.Subject != "bare" || !strings.Contains(m.Body, "From the start") {
			t.Errorf("subject %q body %q", m.Subject, m.Body)
		}
	})
	corpusCases := []struct {
		file    string
		subject string
	}{
		{"git/t4258/mbox", ""},
		{"public-inbox/t/data/0001.patch", ""},
		{"patchwork/mail/0007-cvs-format-diff.mbox", ""},
	}
	for _, c := range corpusCases {
		t.Run(c.file, func(t *testing.T) {
			data := readCorpus(t, c.file)
			raws := splitAll(t, data, SplitOptions{})
			if len(raws) != 1 {
				t.Fatalf("got %d messages, want 1", len(raws))
			}
			m, err := ParseMessage(raws[0])
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject == "" || m.From.Email == "" {
				t.Errorf("bare message lost its header: subject %q from %v", m.Subject, m.From)
			}
		})
	}
}

func TestChecklist02_LeadingWhitespaceBeforeFirstFromLine(t *testing.T) {
	data := readCorpus(t, "git/t5100/sample.mbox")
	if !bytes.HasPrefix(data, []byte("    \n")) {
		t.Fatal("sample.mbox no longer starts with whitespace lines")
	}
	got := splitAll(t, data, SplitOptions{})
	if len(got) != 18 { // git mailsplit sample.mbox → 18 (t5100-mailinfo.sh)
		t.Fatalf("got %d messages, want 18", len(got))
	}
	if got[0].FromLine != "From nobody Mon Sep 17 00:00:00 2001" {
		t.Errorf("first FromLine %q", got[0].FromLine)
	}
	if !bytes.HasPrefix(got[0].Data, []byte("From: A (zzz)\n")) {
		t.Errorf("first message starts %q", got[0].Data[:20])
	}
	// Same count the git way.
	if n := len(splitAll(t, data, SplitOptions{GitCompat: true})); n != 18 {
		t.Errorf("GitCompat: got %d messages, want 18", n)
	}
	// Own sample: whitespace lines then a From_ line.
	if n := len(splitAll(t, readTestdata(t, "split/mboxo-basic.mbox"), SplitOptions{})); n != 2 {
		t.Errorf("mboxo-basic: %d messages", n)
	}
}

func TestChecklist03_SplitOnlyOnRealFromLines(t *testing.T) {
	data := readCorpus(t, "git/t5100/sample.mboxrd")
	got := splitAll(t, data, SplitOptions{})
	if len(got) != 2 {
		t.Fatalf("sample.mboxrd: got %d messages, want 2 (git)", len(got))
	}
	if !bytes.Contains(got[0].Data, []byte("\nFrom not mangled but this line should have been escaped\n")) {
		t.Error("body line 'From not mangled…' was lost or split")
	}
	t.Run("format-patch body line with a date is no separator", func(t *testing.T) {
		data := readTestdata(t, "split/format-patch.mbox")
		got := splitAll(t, data, SplitOptions{})
		if len(got) != 2 {
			t.Fatalf("got %d messages, want 2", len(got))
		}
		if !bytes.Contains(got[0].Data, []byte("\nFrom x Mon Jan  1 12:00:00 2001 unescaped")) {
			t.Error("prose From line lost")
		}
		// git splits there (no blank-line rule): GitCompat reproduces that.
		if n := len(splitAll(t, data, SplitOptions{GitCompat: true})); n != 3 {
			t.Errorf("GitCompat: %d messages, want 3", n)
		}
	})
	isFrom := []struct {
		line string
		want bool
	}{
		{"From nobody Mon Sep 17 00:00:00 2001", true},
		{"From mboxrd@z Thu Jan  1 00:00:00 1970", true},
		{"From a@b Mon Jan  1 00:00:00 1990", true},
		{"From not mangled but this line should have been escaped", false},
		{"From me: hello 12:3x:00 2001", false},
		{"From x 1:00:00", false},
		{"From short 0:00:00 99", true},
		{"From ", false},
		{"From x Mon Sep 17 00:00:00 85", false},
		{"Fromx Mon Sep 17 00:00:00 2001", false},
	}
	for _, c := range isFrom {
		if got := IsFromLine([]byte(c.line)); got != c.want {
			t.Errorf("IsFromLine(%q) = %v, want %v", c.line, got, c.want)
		}
	}
}

func TestChecklist04_MboxFlavours(t *testing.T) {
	t.Run("git sample.mboxrd matches 0001mboxrd/0002mboxrd", func(t *testing.T) {
		data := readCorpus(t, "git/t5100/sample.mboxrd")
		for _, opts := range []SplitOptions{{}, {Flavour: FlavourMboxrd}} {
			got := splitAll(t, data, opts)
			for i, golden := range []string{"git/t5100/0001mboxrd", "git/t5100/0002mboxrd"} {
				m, err := ParseMessage(got[i])
				if err != nil {
					t.Fatal(err)
				}
				want := string(readCorpus(t, golden))
				if m.Body != want {
					t.Errorf("%v message %d body:\n%q\nwant\n%q", opts.Flavour, i, m.Body, want)
				}
			}
		}
	})
	t.Run("lore mboxrd detected from From mboxrd@z", func(t *testing.T) {
		got := splitAll(t, readTestdata(t, "split/lore.mboxrd"), SplitOptions{})
		want := "From: A <a@example.com>\nSubject: rd\n\nFrom one\n>From two\n>>From three\n>From\n\n"
		if string(got[0].Data) != want {
			t.Errorf("got %q\nwant %q", got[0].Data, want)
		}
		if !bytes.Contains(got[1].Data, []byte("\n>From again\n")) {
			t.Errorf("second message %q", got[1].Data)
		}
	})
	t.Run("forced mboxo is lossy", func(t *testing.T) {
		got := splitAll(t, readTestdata(t, "split/lore.mboxrd"), SplitOptions{Flavour: FlavourMboxo})
		if !bytes.Contains(got[0].Data, []byte("\nFrom one\n>>From two\n>>>From three\n")) {
			t.Errorf("mboxo unescape: %q", got[0].Data)
		}
	})
	t.Run("mboxo auto strips one level", func(t *testing.T) {
		got := splitAll(t, readTestdata(t, "split/mboxo-basic.mbox"), SplitOptions{})
		if !bytes.Contains(got[0].Data, []byte("\nFrom quoted\n")) {
			t.Errorf("got %q", got[0].Data)
		}
	})
	t.Run("format-patch is not unescaped", func(t *testing.T) {
		got := splitAll(t, readTestdata(t, "split/format-patch.mbox"), SplitOptions{})
		if !bytes.Contains(got[0].Data, []byte("\n>From stays escaped\n")) {
			t.Errorf("got %q", got[0].Data)
		}
	})
	t.Run("FlavourNone keeps everything", func(t *testing.T) {
		got := splitAll(t, readTestdata(t, "split/lore.mboxrd"), SplitOptions{Flavour: FlavourNone})
		if !bytes.Contains(got[0].Data, []byte("\n>From one\n>>From two\n")) {
			t.Errorf("got %q", got[0].Data)
		}
	})
	t.Run("late >>From in a format-patch message unescapes retroactively", func(t *testing.T) {
		in := "From 0123456789abcdef0123456789abcdef01234567 Mon Sep 17 00:00:00 2001\nSubject: x\n\n>From a\n>>From b\n"
		got := splitAll(t, []byte(in), SplitOptions{})
		if want := "Subject: x\n\nFrom a\n>From b\n"; string(got[0].Data) != want {
			t.Errorf("got %q want %q", got[0].Data, want)
		}
	})
}

func TestChecklist05_FromLineVariants(t *testing.T) {
	tests := []struct {
		line, commit string
	}{
		{"From b9704a518e21158433baa2cc2d591fea687967f6 Mon Sep 17 00:00:00 2001", "b9704a518e21158433baa2cc2d591fea687967f6"},
		{">From b9704a518e21158433baa2cc2d591fea687967f6 Mon Sep 17 00:00:00 2001", "b9704a518e21158433baa2cc2d591fea687967f6"},
		{"From git@z Thu Jan  1 00:00:00 1970", ""},
		{"From mboxrd@z Thu Jan  1 00:00:00 1970", ""},
		{"From nobody Mon Sep 17 00:00:00 2001", ""},
		{"From b9704a518e21158433baa2cc2d591fea687967f Mon Sep 17 00:00:00 2001", ""},
		{"From b9704a518e21158433baa2cc2d591fea687967f6 Tue Sep 17 00:00:00 2001", ""},
	}
	for _, tt := range tests {
		if got := FormatPatchCommit(tt.line); got != tt.commit {
			t.Errorf("FormatPatchCommit(%q) = %q, want %q", tt.line, got, tt.commit)
		}
	}
	// Every variant is recognised as a separator and stripped before parsing.
	for _, tt := range tests[2:5] {
		data := tt.line + "\nFrom: A <a@example.com>\nSubject: s\n\nbody\n"
		raws := splitAll(t, []byte(data), SplitOptions{})
		if len(raws) != 1 || raws[0].FromLine != tt.line {
			t.Fatalf("%q: %d messages", tt.line, len(raws))
		}
		m, err := ParseMessage(raws[0])
		if err != nil || m.Subject != "s" || m.From.Email != "a@example.com" || len(m.Problems) != 0 {
			t.Errorf("%q: %v %+v %q", tt.line, err, m.From, m.Problems)
		}
	}
	// The format-patch message of git's sample.mbox exposes its commit.
	raws := splitAll(t, readCorpus(t, "git/t5100/sample.mbox"), SplitOptions{})
	if c := FormatPatchCommit(raws[9].FromLine); c != "b9704a518e21158433baa2cc2d591fea687967f6" {
		t.Errorf("sample.mbox message 10: commit %q", c)
	}
	// A parse of a RawMessage that still has its From_ line works too
	// (go-message #198).
	m, err := ParseMessage(&RawMessage{Data: []byte("From nobody Mon Sep 17 00:00:00 2001\nSubject: s\n\nb\n")})
	if err != nil || m.Subject != "s" {
		t.Errorf("leading From_ line: %v %q", err, m.Subject)
	}
}

func TestChecklist06_CRLF(t *testing.T) {
	got := splitAll(t, readTestdata(t, "split/crlf.mbox"), SplitOptions{})
	if len(got) != 1 || !got[0].HadCRLF {
		t.Fatalf("got %d messages, HadCRLF=%v", len(got), got[0].HadCRLF)
	}
	if bytes.IndexByte(got[0].Data, '\r') >= 0 {
		t.Errorf("CR left in %q", got[0].Data)
	}
	t.Run("patchwork historic CRLF pull request", func(t *testing.T) {
		data := readCorpus(t, "patchwork/mail-historic/0018-git-pull-request-crlf-newlines.mbox")
		raws := splitAll(t, data, SplitOptions{})
		if len(raws) != 1 || !raws[0].HadCRLF {
			t.Fatalf("%d messages, HadCRLF=%v", len(raws), raws[0].HadCRLF)
		}
		m, err := ParseMessage(raws[0])
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(m.Body, "\r") || !strings.Contains(m.Body, "git://") {
			t.Errorf("body %q", clipText(m.Body, 200))
		}
	})
	t.Run("quoted CR stripped from base64 (git t5100/quoted-cr.mbox)", func(t *testing.T) {
		data := readCorpus(t, "git/t5100/quoted-cr.mbox")
		raws := splitAll(t, data, SplitOptions{})
		if len(raws) != 2 {
			t.Fatalf("%d messages", len(raws))
		}
		for i, r := range raws {
			m, err := ParseMessage(r)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(m.PatchBody, "\r\n") {
				t.Errorf("message %d: CRLF left", i)
			}
			// The lone CR inside a line is content and stays (git keeps it).
			if !strings.Contains(m.PatchBody, "distro, \rpytest") {
				t.Errorf("message %d: inner CR lost: %q", i, clipText(m.PatchBody, 80))
			}
			noted := hasProblem(m, "quoted-cr")
			if noted != (i == 1) {
				t.Errorf("message %d: quoted-CR problem noted=%v", i, noted)
			}
		}
	})
	t.Run("git t4258/mbox", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "git/t4258/mbox"))
		if strings.Contains(m.PatchBody, "\r\n") || !strings.Contains(m.PatchBody, "diff --git") {
			t.Errorf("body %q", clipText(m.PatchBody, 120))
		}
	})
}

// hasProblem reports whether a problem mentions sub.
func hasProblem(m *Message, sub string) bool {
	for _, p := range m.Problems {
		if strings.Contains(p, sub) {
			return true
		}
	}
	return false
}

func TestChecklist08_NULBytesSurvive(t *testing.T) {
	data := readCorpus(t, "git/t5100/nul-plain")
	m := parseOne(t, data)
	if !strings.Contains(m.PatchBody, "\x00\bSome strange test\x00\b\x00\b\n\x00\n") {
		t.Errorf("NULs lost: %q", m.PatchBody)
	}
	t.Run("base64 NULs", func(t *testing.T) {
		m := parseOne(t, readCorpus(t, "git/t5100/nul-b64.in"))
		if !strings.Contains(m.PatchBody, "\x00") {
			t.Errorf("NUL lost in %q", clipText(m.PatchBody, 200))
		}
	})
	m = parseOne(t, readTestdata(t, "msg/nul-body.eml"))
	if m.Body != "before\x00after\n" {
		t.Errorf("own sample body %q", m.Body)
	}
}

func TestSplitOversizeMessageIsItemErrorAndContinues(t *testing.T) {
	big := "From a@b Mon Jan  1 00:00:00 2024\nSubject: big\n\n" + strings.Repeat("x", 5000) + "\n\n"
	small := "From a@b Mon Jan  1 00:00:00 2024\nSubject: small\n\nok\n"
	s := NewSplitterOptions(strings.NewReader(small+"\n"+big+small), SplitOptions{MaxMessageBytes: 1000})
	var subjects []string
	var itemErrs []*ItemError
	for {
		m, err := s.Next()
		if err == io.EOF {
			break
		}
		var ie *ItemError
		if errors.As(err, &ie) {
			itemErrs = append(itemErrs, ie)
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		subjects = append(subjects, string(m.Data[:14]))
	}
	if len(subjects) != 2 || len(itemErrs) != 1 || itemErrs[0].Index != 1 || !errors.Is(itemErrs[0], ErrMessageTooLarge) {
		t.Fatalf("subjects %q, item errors %v", subjects, itemErrs)
	}
	// A single line longer than the read buffer and the cap.
	s = NewSplitterOptions(strings.NewReader("Subject: x\n\n"+strings.Repeat("y", 200<<10)+"\n"), SplitOptions{MaxMessageBytes: 100 << 10})
	if _, err := s.Next(); !errors.Is(err, ErrMessageTooLarge) {
		t.Errorf("long line: %v", err)
	}
	if _, err := s.Next(); err != io.EOF {
		t.Errorf("after: %v", err)
	}
}

func TestSplitLongLinesSurvive(t *testing.T) {
	line := strings.Repeat("z", 300<<10)
	got := splitAll(t, []byte("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\n"+line+"\n"), SplitOptions{})
	if len(got) != 1 || string(got[0].Data) != "Subject: x\n\n"+line+"\n" {
		t.Fatalf("long line damaged")
	}
}

func TestSplitBinaryGarbageIsAnError(t *testing.T) {
	garbage := []byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, '\n', 0xff, 0xfe}
	s := NewSplitter(bytes.NewReader(garbage))
	if _, err := s.Next(); !errors.Is(err, ErrNotMail) {
		t.Fatalf("got %v, want ErrNotMail", err)
	}
	if _, err := s.Next(); err != io.EOF {
		t.Fatalf("then %v, want EOF", err)
	}
	// Broken gzip: clear error.
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write([]byte(strings.Repeat("From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\nbody\n", 100)))
	zw.Close()
	trunc := buf.Bytes()[:buf.Len()/2]
	msgs, errs := ReadAll(bytes.NewReader(trunc))
	if len(errs) == 0 {
		t.Errorf("truncated gzip: no error (%d messages)", len(msgs))
	}
	if _, errs := ReadAll(bytes.NewReader([]byte{0x1f, 0x8b, 1})); len(errs) != 1 {
		t.Errorf("bad gzip header: %v", errs)
	}
	if msgs, errs := ReadAll(bytes.NewReader(nil)); len(msgs)+len(errs) != 0 {
		t.Errorf("empty input: %d %v", len(msgs), errs)
	}
}
