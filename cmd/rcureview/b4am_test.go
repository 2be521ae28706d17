package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// Message-IDs of the samples' first mails, as b4 am takes them.
const (
	sampleMsgID = "20250708100000.0-rcureview-sample@example.org"
	cleanMsgID  = "20250708120000.1-rcureview-clean@example.org"
)

// TestDebianB4AmRoundTrip runs Debian's b4 (0.12: -m reads a local
// mailbox, no network): b4 am -o - piped into review -, and the .mbx and
// .cover files b4 am writes, give the same checkpatch lines as the
// mailbox itself; the cover joins its series; the clean patch prints
// nothing.
func TestDebianB4AmRoundTrip(t *testing.T) {
	if _, err := exec.LookPath("b4"); err != nil {
		t.Skip("b4 not installed (Debian package b4)")
	}
	dir := t.TempDir()
	var tree []string
	if d := os.Getenv(kerneltest.EnvTree); d != "" {
		tree = []string{"--tree", d}
	}
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	review := func(stdin string, args ...string) (int, string) {
		code, out, errOut := runCLI(t, stdin, append(append([]string{"review"}, tree...), args...)...)
		if errOut != "" {
			t.Errorf("review %v: stderr %q", args, errOut)
		}
		return code, out
	}
	terse := []string{"--terse", "--no-summary"}

	// b4 am -o - | rcureview review -
	am := runIn(t, dir, "", "b4", "am", "-m", abs(sample), "-o", "-", sampleMsgID)
	if strings.Count(am, "\nFrom git@z ") != 1 || !strings.HasPrefix(am, "From git@z ") {
		t.Fatalf("b4 am -o - did not write the two patches:\n%.400s", am)
	}
	wantCode, want := review("", append(terse, abs(sample))...)
	if wantCode != 1 || want == "" {
		t.Fatalf("the sample itself: exit %d\n%s", wantCode, want)
	}
	if code, got := review(am, append(terse, "-")...); code != 1 || got != want {
		t.Errorf("b4 am -o - | review -: exit %d\n%s\nwant\n%s", code, got, want)
	}

	// b4 am -o DIR: the .mbx alone, and with its .cover.
	runIn(t, dir, "", "b4", "am", "-m", abs(sample), "-o", dir, sampleMsgID)
	mbx, _ := filepath.Glob(filepath.Join(dir, "*.mbx"))
	cover, _ := filepath.Glob(filepath.Join(dir, "*.cover"))
	if len(mbx) != 1 || len(cover) != 1 {
		t.Fatalf("b4 am wrote %v and %v", mbx, cover)
	}
	if code, got := review("", append(terse, mbx[0])...); code != 1 || got != want {
		t.Errorf("review .mbx: exit %d\n%s", code, got)
	}
	if code, got := review("", append(terse, cover[0], mbx[0])...); code != 1 || got != want {
		t.Errorf("review .cover .mbx: exit %d\n%s", code, got)
	}
	_, js := review("", "--format", "json", cover[0], mbx[0])
	r := decodeReport(t, js)
	if len(r.Patches) != 2 {
		t.Fatalf(".cover .mbx: %d entries", len(r.Patches))
	}
	for _, p := range r.Patches {
		if p.Series != sampleMsgID || p.Total != 2 {
			t.Errorf(".cover .mbx: %q in series %q of %d, want the cover's", p.Subject, p.Series, p.Total)
		}
	}
	// A cover letter alone has nothing to review, and says so.
	if code, out, _ := runCLI(t, "", "review", cover[0]); code != 2 || !strings.Contains(out, "a cover letter without its patches; nothing to review") {
		t.Errorf(".cover alone: exit %d\n%s", code, out)
	}

	// The clean patch through b4 prints nothing, as b4's check hook wants.
	// b4 0.12 (Debian) fails on its folded Subject: ("Header values may
	// not contain linefeed"), a b4 bug: give it the subject on one line.
	data, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	unfolded := filepath.Join(dir, "clean.mbox")
	os.WriteFile(unfolded, []byte(strings.Replace(string(data), "rcu_sync_func()\n comment", "rcu_sync_func() comment", 1)), 0o644)
	am = runIn(t, dir, "", "b4", "am", "-m", unfolded, "-o", "-", cleanMsgID)
	if code, got := review(am, "--terse", "--quiet", "--no-summary", "-"); code != 0 || got != "" {
		t.Errorf("clean patch through b4 am: exit %d, stdout %q", code, got)
	}
}
