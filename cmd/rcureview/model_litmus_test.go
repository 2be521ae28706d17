package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const litmusData = "../../rcumodel/lkmm/testdata/herd"

func TestModelLitmus(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{"one file", []string{litmusData + "/plain-race.litmus"}, 0, []string{
			"Test plain-race Allowed\nStates 3\n", "Flag data-race\n", "Observation plain-race Sometimes 1 2\n"}},
		{"witness", []string{"--witness", litmusData + "/notexists.litmus", litmusData + "/trylock.litmus"}, 0, []string{
			"Observation notexists Never 0 3\n\n", "Observation trylock Sometimes", "Witness\n  P0", "rf: "}},
		{"parse error exits 2", []string{litmusData + "/syntax.litmus"}, 2, []string{"Error syntax: line 8: unexpected character '!'"}},
		{"unknown macro", []string{litmusData + "/call-rcu.litmus"}, 2, []string{"Error call-rcu: ", "unknown macro call_rcu"}},
		{"directory", []string{litmusData}, 2, []string{"Observation srcu-gp Never", "tests ", "Error 2", "time "}},
		{"no args", nil, 2, nil},
		{"missing", []string{litmusData + "/nope.litmus"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"model", "litmus"}, tt.args...), strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s\n%s", code, tt.code, errb.String(), out.String())
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

// TestModelLitmusBound: a test past the parser's limits (issue 12: one
// process with 6,000 registers, about 214 KB) gets NoVerdict naming the
// limit, and the command exits 3 ("no verdict"), as model check does; so
// does a test whose candidates exceed --max-executions.
func TestModelLitmusBound(t *testing.T) {
	var b strings.Builder
	b.WriteString("C regs\n\n{}\n\nP0(int *x)\n{\n")
	for i := 0; i < 6000; i++ {
		fmt.Fprintf(&b, "\tint r%d;\n", i)
	}
	for i := 0; i < 6000; i++ {
		fmt.Fprintf(&b, "\tr%d = READ_ONCE(*x);\n", i)
	}
	b.WriteString("}\n\nexists (0:r0=1)\n")
	file := filepath.Join(t.TempDir(), "regs.litmus")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{file}, {"--max-executions", "1", litmusData + "/trylock.litmus"}} {
		var out, errb bytes.Buffer
		code := run(append([]string{"model", "litmus"}, args...), strings.NewReader(""), &out, &errb)
		if code != 3 || !strings.HasPrefix(out.String(), "NoVerdict ") {
			t.Errorf("%v: exit %d, want 3 with NoVerdict; stderr %s\n%s", args, code, errb.String(), out.String())
		}
	}
}

func TestModelLitmusJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"model", "litmus", "--json", "--witness", litmusData + "/srcu-updown.litmus"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r struct {
		Name, Verdict string
		Positive      int
		Negative      int
		Witness       *struct{ RF []struct{ From, To string } }
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if r.Name != "srcu-updown" || r.Verdict != "Sometimes" || r.Witness == nil || len(r.Witness.RF) == 0 {
		t.Fatalf("got %+v", r)
	}
}

// TestModelLitmusIndex: a corpus index whose paths leave the root gets an
// Error line per such entry (nothing outside the root is read), the
// verdicts are compared with the expected ones, and a disagreement with
// herd7's verdict exits 1.
func TestModelLitmusIndex(t *testing.T) {
	root := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.litmus")
	if err := os.WriteFile(outside, []byte("C secret-content\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"notexists.litmus", "plain-race.litmus"} {
		b, err := os.ReadFile(filepath.Join(litmusData, f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(root, "link.litmus")); err != nil {
		t.Fatal(err)
	}
	index := "path\tdialect\texpected_result\tnprocs\trcu_features\n" +
		"notexists.litmus\tC\therd:Never\t2\t-\n" +
		"plain-race.litmus\tC\tSometimes\t2\t-\n" +
		"../" + filepath.Base(filepath.Dir(outside)) + "/secret.litmus\tC\t-\t1\t-\n" +
		outside + "\tC\t-\t1\t-\n" +
		"link.litmus\tC\t-\t1\t-\n"
	if err := os.WriteFile(filepath.Join(root, "INDEX.tsv"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	code := run([]string{"model", "litmus", "--index", root}, strings.NewReader(""), &out, &errb)
	if code != 2 {
		t.Fatalf("exit %d, want 2 (entries outside the root)\n%s", code, out.String())
	}
	s := out.String()
	if strings.Contains(s, "secret-content") {
		t.Fatalf("read a file outside the corpus root:\n%s", s)
	}
	for _, w := range []string{"leaves the corpus root", "is not relative to the corpus root", "outside the corpus root through a symbolic link",
		"herd7 verdicts: 1 of 1 agree", "Result: claims: 1 of 1 agree"} {
		if !strings.Contains(s, w) {
			t.Errorf("output lacks %q:\n%s", w, s)
		}
	}
	// A wrong herd7 expectation is a disagreement: exit 1.
	index = "path\tdialect\texpected_result\tnprocs\trcu_features\nnotexists.litmus\tC\therd:Sometimes\t2\t-\n"
	if err := os.WriteFile(filepath.Join(root, "INDEX.tsv"), []byte(index), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	code = run([]string{"model", "litmus", "--index", root}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "disagree: notexists.litmus: herd7 Sometimes, got Never") {
		t.Fatalf("exit %d, want 1 with a disagreement:\n%s", code, out.String())
	}
}

// TestReviewLitmusClaims: review checks the litmus tests of a patch, the
// .litmus file it adds and the test its commit message shows with
// herd7's output, in every format; with the 6.12 tree the file's claim is
// checked with the tree's linux-kernel.def.
func TestReviewLitmusClaims(t *testing.T) {
	const mb = "../../testdata/lkmm-litmus-claim.mbox"
	want := map[string][]string{
		"text":  {"ERROR: lkmm-litmus-result: commit message, line 28: litmus test SB+poonceonces", "FILE: tools/memory-model/litmus-tests/MP+wmb+po.litmus:3:", "| P0 ", "rf: c -> d"},
		"json":  {`"rule": "lkmm-litmus-result"`, `"property": "LKMM execution of MP+wmb+po"`},
		"sarif": {`"ruleId": "lkmm-litmus-result"`},
		"html":  {"lkmm-litmus-result", "LKMM execution of SB"},
		"email": {"[lkmm-litmus-result]", "Not on a line of this patch:", "Observation\nSB+poonceonces Never"},
	}
	for format, ws := range want {
		var out, errb bytes.Buffer
		code := run([]string{"review", "--format", format, mb}, strings.NewReader(""), &out, &errb)
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1: %s", format, code, errb.String())
		}
		for _, w := range ws {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s output lacks %q", format, w)
			}
		}
	}
	tree := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if tree == "" {
		t.Skip("RCUREVIEW_KERNEL_TREE not set: skipping the review against the tree")
	}
	var out, errb bytes.Buffer
	code := run([]string{"review", "--tree", tree, mb}, strings.NewReader(""), &out, &errb)
	if code != 1 || !strings.Contains(out.String(), "FILE: tools/memory-model/litmus-tests/MP+wmb+po.litmus:3:") ||
		!strings.Contains(out.String(), "applied: yes") {
		t.Fatalf("with the tree: exit %d\n%s\n%s", code, out.String(), errb.String())
	}
}
