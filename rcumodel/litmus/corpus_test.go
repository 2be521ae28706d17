package litmus

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// corpusRoot is the shared litmus corpus, relative to this package.
const corpusRoot = "../../../shared/litmus"

func needCorpus(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(corpusRoot, "INDEX.tsv")); err != nil {
		t.Skip("litmus corpus not present: " + corpusRoot)
	}
}

var resultRe = regexp.MustCompile(`Result:\s*(Never|Sometimes|Always)`)

// TestKernelRCULitmus checks the kernel's RCU litmus tests against the
// result documented in each file.
func TestKernelRCULitmus(t *testing.T) {
	needCorpus(t)
	files := []string{
		"linux-6.12/Documentation/litmus-tests/rcu/RCU+sync+free.litmus",
		"linux-6.12/Documentation/litmus-tests/rcu/RCU+sync+read.litmus",
		"linux-6.12/tools/memory-model/litmus-tests/MP+onceassign+derefonce.litmus",
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			path := filepath.Join(corpusRoot, f)
			src, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			m := resultRe.FindSubmatch(src)
			if m == nil {
				t.Fatalf("%s documents no result", f)
			}
			r := CheckFile(path, Options{})
			if r.Verdict != Verdict(m[1]) {
				t.Fatalf("got %s (%s), documented %s", r.Verdict, r.Reason, m[1])
			}
		})
	}
}

// TestKernelLitmusNever checks that every kernel litmus test whose
// documented result is Never is supported and comes out Never.
func TestKernelLitmusNever(t *testing.T) {
	needCorpus(t)
	files, err := Files([]string{filepath.Join(corpusRoot, "linux-6.12")})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m := resultRe.FindSubmatch(src)
		if m == nil || string(m[1]) != "Never" {
			continue
		}
		n++
		if r := CheckFile(f, Options{}); r.Verdict != Never {
			t.Errorf("%s: got %s %s, documented Never", f, r.Verdict, r.Reason)
		}
	}
	if n < 20 {
		t.Errorf("only %d kernel tests document Never", n)
	}
}

// TestSweepRCUNever is V0 of issue 4: every supported RCU C test expected
// Never must come out Never (SC is stronger than the LKMM), and at least 90%
// must be supported. Sometimes agreement is only logged.
func TestSweepRCUNever(t *testing.T) {
	needCorpus(t)
	if testing.Short() {
		t.Skip("full sweep takes seconds; run without -short")
	}
	start := time.Now()
	sum, err := SweepIndex(corpusRoot, RCUTests, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	_ = sum.Write(&b)
	t.Logf("sweep in %v\n%s", time.Since(start).Round(time.Millisecond), b.String())
	for _, f := range sum.ModelBugs {
		t.Errorf("model bug: %s expected Never, came out Sometimes/Always", f)
	}
	if sum.ExpectedNever < 1000 {
		t.Fatalf("only %d RCU tests expected Never; index changed?", sum.ExpectedNever)
	}
	if 10*sum.NeverSupported < 9*sum.ExpectedNever {
		t.Errorf("supported %d of %d expected-Never RCU tests, want >= 90%%", sum.NeverSupported, sum.ExpectedNever)
	}
	if sum.SometimesAgree == 0 {
		t.Errorf("no expected-Sometimes test came out Sometimes: the interpreter never finds an outcome?")
	}
}

// TestReductionsPreserveVerdicts cross-checks the eager independent steps
// and three-valued pruning against plain exploration on every C test of the
// corpus with at most five processes (about 3,400 tests, seconds), or a
// sample of RCU tests under -short.
func TestReductionsPreserveVerdicts(t *testing.T) {
	needCorpus(t)
	ents, err := LoadIndex(corpusRoot)
	if err != nil {
		t.Fatal(err)
	}
	limit, maxProcs, sel := 1<<30, 5, CTests
	if testing.Short() {
		limit, maxProcs, sel = 60, 4, RCUTests
	}
	n := 0
	for _, e := range ents {
		if !sel(e) || e.NProcs > maxProcs || n >= limit {
			continue
		}
		path := filepath.Join(corpusRoot, e.Path)
		plain := CheckFile(path, Options{NoReduction: true, MaxStates: 300_000})
		if plain.Verdict == NoVerdict || plain.Verdict == Unsupported {
			continue
		}
		n++
		red := CheckFile(path, Options{Counts: true})
		if red.Verdict != plain.Verdict {
			t.Errorf("%s: reduced %s, plain %s", e.Path, red.Verdict, plain.Verdict)
		}
		// The unpruned enumeration of final states must agree too.
		if red.HasCounts && (red.Pos > 0) != (red.Verdict != Never) {
			t.Errorf("%s: %s but %d satisfying final states", e.Path, red.Verdict, red.Pos)
		}
		if red.HasCounts && red.Verdict == Always && red.Neg > 0 {
			t.Errorf("%s: Always but %d final states fail the condition", e.Path, red.Neg)
		}
	}
	t.Logf("cross-checked %d tests", n)
	if want := min(limit/2, 1000); n < want {
		t.Errorf("only %d tests cross-checked, want >= %d", n, want)
	}
}
