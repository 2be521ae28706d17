package review

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
)

const sample = "../testdata/rcu-read-lock-notrace.mbox"

func corpus(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "corpus", rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("corpus not present: %s", p)
	}
	return p
}

func openInput(t *testing.T, path string) Input {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return Input{Name: path, R: f}
}

// repeatReader streams n bytes of the same line without holding them.
type repeatReader struct {
	line []byte
	left int64
	off  int
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left <= 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && r.left > 0 {
		c := copy(p[n:], r.line[r.off:])
		if int64(c) > r.left {
			c = int(r.left)
		}
		n += c
		r.left -= int64(c)
		r.off = (r.off + c) % len(r.line)
	}
	return n, nil
}

func TestHundredMegabyteMessageIsOneFailedItem(t *testing.T) {
	good, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	huge := io.MultiReader(
		strings.NewReader("From huge@z Thu Jan  1 00:00:00 1970\nFrom: a@b.c\nSubject: [PATCH] huge\nMessage-ID: <huge@x>\n\n"),
		&repeatReader{line: []byte("+ a line of a very large patch that nobody should send\n"), left: 100 << 20},
		strings.NewReader("\n"),
		bytes.NewReader(good),
	)
	res := Run([]Input{{Name: "huge.mbox", R: huge}}, Options{Tool: "rcureview"})
	var failed, reviewed int
	for _, p := range res.Report.Patches {
		if p.Error != "" && len(p.Findings) > 0 && p.Findings[0].Rule == finding.RuleInputMail {
			failed++
			if !strings.Contains(p.Error, "exceeds") {
				t.Errorf("error should say the size limit was exceeded: %q", p.Error)
			}
		}
		if strings.Contains(p.Subject, "rcu_read_lock_notrace") && p.Error == "" {
			reviewed++
		}
	}
	if failed != 1 || reviewed != 2 || res.Reviewed != 2 {
		t.Fatalf("want 1 failed item and the 2-patch series reviewed; got failed=%d reviewed=%d (%d)", failed, reviewed, res.Reviewed)
	}
}

func TestBareDiffIsReviewed(t *testing.T) {
	p := corpus(t, "patchwork/patches/0001-add-line.patch")
	res := Run([]Input{openInput(t, p)}, Options{Tool: "rcureview"})
	if res.Reviewed != 1 || len(res.Report.Patches) != 1 || res.Report.Patches[0].Error != "" {
		t.Fatalf("bare diff: reviewed %d, entries %+v", res.Reviewed, res.Report.Patches)
	}
}

func TestOnlyNewestVersionUnlessAsked(t *testing.T) {
	p := corpus(t, "patchwork/series/revision-threaded-to-cover.mbox")
	newest := Run([]Input{openInput(t, p)}, Options{Tool: "rcureview"})
	all := Run([]Input{openInput(t, p)}, Options{Tool: "rcureview", AllVersions: true})
	if len(all.Report.Patches) <= len(newest.Report.Patches) || len(newest.Report.Patches) == 0 {
		t.Fatalf("newest %d entries, all versions %d", len(newest.Report.Patches), len(all.Report.Patches))
	}
}

// TestB4SeriesAppliesToItsRealRepository applies b4's own sample series
// (cover + 4 patches, base-commit f435c12) to the git repository in b4's
// bundle, read with go-git at that commit: all four must apply in order.
func TestB4SeriesAppliesToItsRealRepository(t *testing.T) {
	bundle := corpus(t, "b4/samples/gitdir.bundle")
	series := corpus(t, "b4/samples/shazam-git1-just-series.mbox")
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed: needed to unpack b4's bundle")
	}
	dir := filepath.Join(t.TempDir(), "repo")
	if out, err := exec.Command("git", "clone", "-q", "--bare", bundle, dir).CombinedOutput(); err != nil {
		t.Fatalf("clone bundle: %v\n%s", err, out)
	}
	tree, err := ksrc.OpenGit(dir, "f435c12df7c0ecf20ab8937859e63cddffacabb4")
	if err != nil {
		t.Fatal(err)
	}
	res := Run([]Input{openInput(t, series)}, Options{Tool: "rcureview", Tree: tree})
	if len(res.Report.Patches) != 4 {
		t.Fatalf("want 4 patches (cover not applied), got %d", len(res.Report.Patches))
	}
	for i, p := range res.Report.Patches {
		if !p.Applied || p.Index != i+1 || p.Total != 4 {
			t.Errorf("patch %d: applied=%v index=%d total=%d error=%q", i+1, p.Applied, p.Index, p.Total, p.Error)
		}
	}
}

// TestFailedPatchLeavesSeriesTreeUnchanged: when patch 1 does not apply,
// patch 2 is applied to the tree without patch 1 and still reviewed.
func TestFailedPatchLeavesSeriesTreeUnchanged(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "a.c"), []byte("int a(void)\n{\n\treturn 1;\n}\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "b.c"), []byte("int b(void)\n{\n\treturn 2;\n}\n"), 0o644)
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	mk := func(n int, file, old, new string) string {
		return "From x@z Thu Jan  1 00:00:00 1970\nFrom: A <a@b.c>\nSubject: [PATCH " +
			string(rune('0'+n)) + "/2] change " + file + "\nMessage-ID: <p" + string(rune('0'+n)) + "@x>\n" +
			"Date: Thu, 1 Jan 2025 00:0" + string(rune('0'+n)) + ":00 +0000\n\nmsg\n---\n" +
			"diff --git a/" + file + " b/" + file + "\n--- a/" + file + "\n+++ b/" + file + "\n@@ -2,3 +2,3 @@\n {\n-\t" + old + "\n+\t" + new + "\n }\n\n"
	}
	in := mk(1, "a.c", "return 9;", "return 10;") + mk(2, "b.c", "return 2;", "return 20;")
	res := Run([]Input{{Name: "s.mbox", R: strings.NewReader(in)}}, Options{Tool: "rcureview", Tree: tree})
	ps := res.Report.Patches
	if len(ps) != 2 || ps[0].Applied || !ps[1].Applied {
		t.Fatalf("entries: %+v", ps)
	}
	f := ps[0].Findings[0]
	if f.Rule != finding.RuleInputApply || f.File != "a.c" || !strings.Contains(f.Message, "@@ -2,3 +2,3 @@") {
		t.Errorf("finding %+v", f)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "b.c")); !bytes.Contains(b, []byte("return 2;")) {
		t.Error("the tree on disk was modified")
	}
}

func TestNotesSayWhatIsSkipped(t *testing.T) {
	p := corpus(t, "patchwork/mail/0001-git-pull-request.mbox")
	res := Run([]Input{openInput(t, p)}, Options{Tool: "rcureview"})
	if res.Reviewed != 0 || !strings.Contains(strings.Join(res.Report.Notes, "\n"), "pull-request") {
		t.Fatalf("reviewed %d, notes %q", res.Reviewed, res.Report.Notes)
	}
}

// TestDuplicateMailsAreReviewedOnce: the same series in two inputs (as when
// it was cross-posted to two lists) is reviewed once (checklist item 7).
func TestDuplicateMailsAreReviewedOnce(t *testing.T) {
	res := Run([]Input{openInput(t, sample), openInput(t, sample)}, Options{Tool: "rcureview"})
	if len(res.Report.Patches) != 2 || res.Reviewed != 2 {
		t.Fatalf("want the 2 patches once, got %d entries (%d reviewed)", len(res.Report.Patches), res.Reviewed)
	}
	if !strings.Contains(strings.Join(res.Report.Notes, "\n"), "dropped 3 duplicate mail(s)") {
		t.Errorf("notes: %q", res.Report.Notes)
	}
}

// TestUndecodablePatchMailIsAnInputError: a patch mail whose base64 body
// is garbage, or whose multipart boundary never appears, is an input-mail
// error, not a mail "without a patch" skipped silently; the good patch
// next to it is still reviewed.
func TestUndecodablePatchMailIsAnInputError(t *testing.T) {
	good, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	bad := "From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\nSubject: [PATCH] rcu: garbled\nMessage-ID: <garbled@x>\n" +
		"MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n!!!! not base64 ~~~~\n\n" +
		"From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\nSubject: [PATCH] rcu: no boundary\nMessage-ID: <noboundary@x>\n" +
		"MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XYZZY\"\n\npreamble only\n\n"
	res := Run([]Input{{Name: "bad.mbox", R: io.MultiReader(strings.NewReader(bad), bytes.NewReader(good))}}, Options{Tool: "rcureview"})
	errs := map[string]string{}
	for _, p := range res.Report.Patches {
		if p.Error != "" && len(p.Findings) > 0 && p.Findings[0].Rule == finding.RuleInputMail {
			errs[p.MessageID] = p.Error
		}
	}
	for _, id := range []string{"garbled@x", "noboundary@x"} {
		if !strings.Contains(errs[id], "cannot be decoded") {
			t.Errorf("<%s>: error %q, want an input-mail error saying the body cannot be decoded", id, errs[id])
		}
	}
	if res.Reviewed != 2 {
		t.Errorf("%d patches reviewed, want the sample's 2", res.Reviewed)
	}
}

// tinyMails streams n small mails without a patch.
type tinyMails struct {
	n, i int
	buf  []byte
}

func (r *tinyMails) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.i == r.n {
			return 0, io.EOF
		}
		r.buf = fmt.Appendf(nil, "From x@z Thu Jan  1 00:00:00 1970\nFrom: a%d@example.org\nSubject: hello %d\nMessage-ID: <%d@x>\n\nhi\n\n", r.i%89, r.i, r.i)
		r.i++
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// peakHeap runs fn and samples the heap in use while it runs.
func peakHeap(fn func()) uint64 {
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var peakSeen uint64
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peakSeen = max(peakSeen, ms.HeapInuse)
			select {
			case <-done:
				peak <- peakSeen
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	return <-peak
}

// TestMemoryFollowsWhatIsReviewed reviews 300,000 small mails without a
// patch and the sample series: the heap stays near what the two patches
// need, because mails are dropped once classified (it grew with every
// mail read before).
func TestMemoryFollowsWhatIsReviewed(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 300,000 mails")
	}
	good, err := os.ReadFile(sample)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	var res *Result
	peak := peakHeap(func() {
		res = Run([]Input{{Name: "big.mbox", R: io.MultiReader(&tinyMails{n: 300_000}, bytes.NewReader(good))}}, Options{Tool: "rcureview"})
	})
	if res.Reviewed != 2 {
		t.Errorf("%d patches reviewed, want the sample's 2", res.Reviewed)
	}
	if !strings.Contains(strings.Join(res.Report.Notes, "\n"), "skipped 300000 other mail(s)") {
		t.Errorf("notes %q", res.Report.Notes)
	}
	t.Logf("peak heap in use: %d MiB", peak>>20)
	if peak > 256<<20 {
		t.Errorf("peak heap %d MiB for 300,000 skipped mails", peak>>20)
	}
}

// TestBudgetBoundsTheRun: past --max-patches / --max-patch-bytes a patch
// is an input-mail error naming the budget; the listed errors are bounded
// too.
func TestBudgetBoundsTheRun(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&b, "From x@z Thu Jan  1 00:00:00 1970\nFrom: Dev <dev@example.org>\nSubject: [PATCH] rcu: change %d\nMessage-ID: <p%d@x>\n\n"+
			"Fix.\n---\ndiff --git a/kernel/rcu/f%d.c b/kernel/rcu/f%d.c\n--- a/kernel/rcu/f%d.c\n+++ b/kernel/rcu/f%d.c\n@@ -1 +1 @@\n-a\n+b\n\n", i, i, i, i, i, i)
	}
	res := Run([]Input{{Name: "many.mbox", R: strings.NewReader(b.String())}}, Options{Tool: "rcureview", MaxPatches: 4})
	over := 0
	for _, p := range res.Report.Patches {
		if strings.Contains(p.Error, "budget of 4 patches") && p.Findings[0].Rule == finding.RuleInputMail {
			over++
		}
	}
	if res.Reviewed != 4 || over != 4 {
		t.Errorf("reviewed %d, %d budget errors listed; want 4 and 4", res.Reviewed, over)
	}
	if !strings.Contains(strings.Join(res.Report.Notes, "\n"), "4 more mails were not reviewed") {
		t.Errorf("notes %q", res.Report.Notes)
	}
	res = Run([]Input{{Name: "many.mbox", R: strings.NewReader(b.String())}}, Options{Tool: "rcureview", MaxPatchBytes: 300})
	if res.Reviewed == 0 || res.Reviewed == 12 {
		t.Errorf("with a 300-byte budget %d patches were reviewed", res.Reviewed)
	}
	// A bare diff larger than the budget is refused without reading it whole.
	big := &repeatReader{line: []byte("+ a line of a diff\n"), left: 10 << 20}
	res = Run([]Input{{Name: "big.patch", R: io.MultiReader(strings.NewReader("--- a/x.c\n+++ b/x.c\n@@ -0,0 +1 @@\n"), big)}}, Options{Tool: "rcureview", MaxPatchBytes: 1 << 20})
	if len(res.Report.Patches) != 1 || !strings.Contains(res.Report.Patches[0].Error, "exceeds the run's budget") || big.left < 8<<20 {
		t.Errorf("big bare diff: %+v (%d bytes left unread)", res.Report.Patches[0], big.left)
	}
}
