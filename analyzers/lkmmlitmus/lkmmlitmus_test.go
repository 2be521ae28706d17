package lkmmlitmus

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
)

// mp is message passing with smp_wmb() on the writer; rmb is what P1 has
// between its reads ("" or "smp_rmb();"). Without smp_rmb() the outcome is
// allowed (Sometimes), with it never.
func mp(claim, rmb string) string {
	return `C MP+wmb
(*
 * Result: ` + claim + `
 *)
{}

P0(int *x, int *y)
{
	WRITE_ONCE(*x, 1);
	smp_wmb();
	WRITE_ONCE(*y, 1);
}

P1(int *x, int *y)
{
	int r0;
	int r1;

	r0 = READ_ONCE(*y);
	` + rmb + `
	r1 = READ_ONCE(*x);
}

exists (1:r0=1 /\ 1:r1=0)
`
}

// newFile is the diff of a patch that adds path with text.
func newFile(path, text string) string {
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	var b strings.Builder
	b.WriteString("diff --git a/" + path + " b/" + path + "\nnew file mode 100644\n--- /dev/null\n+++ b/" + path + "\n")
	b.WriteString(fmt.Sprintf("@@ -0,0 +1,%d @@\n", len(lines)))
	for _, l := range lines {
		b.WriteString("+" + l + "\n")
	}
	return b.String()
}

func passOf(t *testing.T, diff string, mail ...analyzers.MailText) *analyzers.Pass {
	t.Helper()
	files, err := diffparse.Parse(diff)
	if err != nil {
		t.Fatal(err)
	}
	return &analyzers.Pass{Files: files, Mail: mail}
}

// TestLitmusFile: a patch that adds a .litmus file claiming "Result:
// Never" for a test the model allows gets an error at the claim, with the
// execution; the correct claim gets nothing.
func TestLitmusFile(t *testing.T) {
	const path = "tools/memory-model/litmus-tests/MP+wmb.litmus"
	fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, newFile(path, mp("Never", ""))))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 {
		t.Fatalf("want one finding:\n%s", realtest.Dump(fs))
	}
	f := fs[0]
	if f.Rule != finding.RuleLKMMLitmusResult || f.Severity != finding.Error || f.File != path || f.Line != 3 || f.Status != finding.StatusNew {
		t.Fatalf("want an error at %s:3:\n%s", path, realtest.Dump(fs))
	}
	for _, s := range []string{`claims "Result: Never"`, "gives Sometimes", "Observation MP+wmb Sometimes 1 3"} {
		if !strings.Contains(f.Message, s) {
			t.Errorf("message lacks %q: %s", s, f.Message)
		}
	}
	if f.Trace == nil {
		t.Fatal("no execution")
	}
	var steps []string
	for _, s := range f.Trace.Steps {
		steps = append(steps, s.Context+" "+s.Event)
	}
	all := strings.Join(steps, "\n")
	for _, s := range []string{"P0 a: W[once] x=1 (line 9)", "P0 b: F[wmb] (line 10)", "P1 d: R[once] y=1 (line 19)", "P1 e: R[once] x=0 (line 21)", "rf c -> d", "rf init(x) -> e"} {
		if !strings.Contains(all, s) {
			t.Errorf("execution lacks %q:\n%s", s, all)
		}
	}
	if f.PatchLine == 0 {
		t.Error("no patch line")
	}
	fs, err = realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, newFile(path, mp("Never", "smp_rmb();"))))
	if err != nil || len(fs) != 0 {
		t.Fatalf("a correct claim: want nothing (err %v):\n%s", err, realtest.Dump(fs))
	}
	fs, err = realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, newFile(path, mp("Sometimes", ""))))
	if err != nil || len(fs) != 0 {
		t.Fatalf("a correct claim: want nothing (err %v):\n%s", err, realtest.Dump(fs))
	}
	fs, err = realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, newFile(path, mp("Sometimes", "smp_rmb();"))))
	if err != nil || len(fs) != 1 || !strings.Contains(fs[0].Message, "gives Never") || fs[0].Trace != nil {
		t.Fatalf("a wrong Sometimes: want an error without execution (err %v):\n%s", err, realtest.Dump(fs))
	}
}

// TestLitmusInMail: tests pasted in the commit message, with the claim in
// the test or as herd7's output after it.
func TestLitmusInMail(t *testing.T) {
	diff := "diff --git a/kernel/x.c b/kernel/x.c\n--- a/kernel/x.c\n+++ b/kernel/x.c\n@@ -1,1 +1,2 @@\n a\n+b\n"
	indent := func(s string) string {
		return "\t" + strings.ReplaceAll(strings.TrimSuffix(s, "\n"), "\n", "\n\t") + "\n"
	}
	test := strings.Replace(mp("X", ""), " * Result: X\n", "", 1)
	msg := "The reads of P1 are ordered by the fence:\n\n" + indent(test) + "\nherd7 says:\n\n\tObservation MP+wmb Never 0 3\n\nSigned-off-by: A <a@example.org>\n"
	fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, diff, analyzers.MailText{Part: "commit message", Text: msg, Line: 5}))
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Severity != finding.Error || !strings.Contains(fs[0].Message, "commit message, line ") ||
		!strings.Contains(fs[0].Message, `claims "Observation MP+wmb Never"`) {
		t.Fatalf("want an error on the commit message's claim:\n%s", realtest.Dump(fs))
	}
	lines := strings.Split(msg, "\n")
	claimLine := 0
	for i, l := range lines {
		if strings.Contains(l, "Observation") {
			claimLine = i
		}
	}
	if fs[0].MailLine != 5+claimLine {
		t.Errorf("MailLine %d, want %d (the Observation line)", fs[0].MailLine, 5+claimLine)
	}
	// The right claim: nothing.
	ok := strings.Replace(msg, "Never 0 3", "Sometimes 1 3", 1)
	if fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, diff, analyzers.MailText{Part: "commit message", Text: ok})); err != nil || len(fs) != 0 {
		t.Fatalf("a right claim: want nothing (err %v):\n%s", err, realtest.Dump(fs))
	}
	// A test herd7 would reject: a note.
	bad := strings.Replace(msg, "r0 = READ_ONCE(*y);", "r0 = !READ_ONCE(*y);", 1)
	fs, err = realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, diff, analyzers.MailText{Part: "cover letter", Text: bad}))
	if err != nil || len(fs) != 1 || fs[0].Severity != finding.Note || !strings.Contains(fs[0].Message, "cannot be checked") {
		t.Fatalf("want a note for a test herd7 rejects (err %v):\n%s", err, realtest.Dump(fs))
	}
	// Text that only talks about a test is not one.
	prose := "C MP+wmb is the usual example\n\nexists (1:r0=1) is its condition.\n"
	if fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, diff, analyzers.MailText{Part: "commit message", Text: prose})); err != nil || len(fs) != 0 {
		t.Fatalf("prose: want nothing (err %v):\n%s", err, realtest.Dump(fs))
	}
}

// TestModelChange: a patch that changes the model is not checked with the
// old one.
func TestModelChange(t *testing.T) {
	diff := newFile("tools/memory-model/litmus-tests/MP+wmb.litmus", mp("Never", "")) +
		"diff --git a/tools/memory-model/linux-kernel.cat b/tools/memory-model/linux-kernel.cat\n--- a/tools/memory-model/linux-kernel.cat\n+++ b/tools/memory-model/linux-kernel.cat\n@@ -1,1 +1,2 @@\n a\n+b\n"
	fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), passOf(t, diff))
	if err != nil || len(fs) != 1 || fs[0].Severity != finding.Note || !strings.Contains(fs[0].Message, "changes linux-kernel.cat") {
		t.Fatalf("want a note (err %v):\n%s", err, realtest.Dump(fs))
	}
}

// TestPreExisting: a patch that edits a .litmus file whose claim was
// already wrong does not introduce the finding; one that breaks a right
// claim does.
func TestPreExisting(t *testing.T) {
	const path = "Documentation/litmus-tests/MP.litmus"
	base := ksrc.NewOverlay(realtest.MiniTree(t))
	if err := base.Set(path, []byte(mp("Never", ""))); err != nil {
		t.Fatal(err)
	}
	edit := func(from, to string) *analyzers.Pass {
		diff := "diff --git a/" + path + " b/" + path + "\n--- a/" + path + "\n+++ b/" + path + "\n@@ -20,3 +20,3 @@ P1(int *x, int *y)\n \tr0 = READ_ONCE(*y);\n-" + from + "\n+" + to + "\n \tr1 = READ_ONCE(*x);\n"
		files, err := diffparse.Parse(diff)
		if err != nil {
			t.Fatal(err)
		}
		res, err := diffparse.Apply(base, files)
		if err != nil {
			t.Fatal(err)
		}
		post := ksrc.NewOverlay(base)
		for p, data := range res.Files {
			if err := post.Set(p, data); err != nil {
				t.Fatal(err)
			}
		}
		return &analyzers.Pass{Files: files, Pre: base, Post: post}
	}
	fs, err := realtest.Run(Analyzer, realtest.MiniProvider(), edit("\t", "\t/* no fence */"))
	if err != nil || len(fs) != 0 {
		t.Fatalf("claim already wrong before: want nothing (err %v):\n%s", err, realtest.Dump(fs))
	}
	if err := base.Set(path, []byte(mp("Never", "smp_rmb();"))); err != nil {
		t.Fatal(err)
	}
	fs, err = realtest.Run(Analyzer, realtest.MiniProvider(), edit("\tsmp_rmb();", "\t"))
	if err != nil || len(fs) != 1 || fs[0].Status != finding.StatusNew || fs[0].Severity != finding.Error {
		t.Fatalf("dropping smp_rmb(): want a new error (err %v):\n%s", err, realtest.Dump(fs))
	}
}
