package lkmm

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// herdRow is herd7's output for one corpus test (testdata/herd-corpus.tsv,
// from herd7 7.57 built from source, "herd7 -conf linux-kernel.cfg" in
// tools/memory-model of Linux 6.12).
type herdRow struct {
	obs, pos, neg, flags, states string
}

func loadHerdRows(t *testing.T) map[string]herdRow {
	f, err := os.Open("testdata/herd-corpus.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]herdRow{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) == 6 && c[0] != "path" {
			out[c[0]] = herdRow{c[1], c[2], c[3], c[4], c[5]}
		}
	}
	return out
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

// TestCorpus checks the corpus tests that have herd7's verdict
// (HERD7-RESULTS.tsv, the herd-generated results of INDEX.tsv): same
// verdict, and where herd7's full output is known (herd-corpus.tsv) the
// same Positive/Negative counts, flags and number of final states. With
// LKMM_CORPUS=all it checks every C test of the corpus that herd7's output
// is known for. It also lists the constructs the checker does not support
// over the whole corpus, which must stay below 1% of it.
func TestCorpus(t *testing.T) {
	root := litmus.CorpusRoot()
	if root == "" {
		t.Skip("litmus corpus ../shared/litmus not found next to the module")
	}
	entries, err := litmus.LoadIndex(root)
	if err != nil {
		t.Fatal(err)
	}
	herd := loadHerdRows(t)
	all := os.Getenv("LKMM_CORPUS") == "all"
	mod := DefaultModel()
	unsupported := map[string][]string{}
	nC, checked, counts := 0, 0, 0
	for _, e := range entries {
		if e.Dialect != "C" || e.Err != nil {
			continue
		}
		nC++
		h, haveHerd := herd[e.Path]
		herdVerdict, reference := "", false
		switch {
		case e.Herd == "Never" || e.Herd == "Sometimes" || e.Herd == "Always":
			herdVerdict, reference = e.Herd, true
		case e.HerdExpected:
			herdVerdict, reference = e.Expected, true
		case haveHerd && (h.obs == "Never" || h.obs == "Sometimes" || h.obs == "Always"):
			herdVerdict = h.obs
		}
		selected := reference || all && herdVerdict != ""
		if !selected {
			// Only parse and compile: does the checker support the test?
			r := mod.CheckFile(e.File, Options{MaxExecutions: 1})
			if r.Verdict == Unsupported {
				unsupported[r.Construct] = append(unsupported[r.Construct], e.Path)
			}
			continue
		}
		r := mod.CheckFile(e.File, Options{})
		checked++
		if r.Verdict == Unsupported {
			unsupported[r.Construct] = append(unsupported[r.Construct], e.Path)
			continue
		}
		if string(r.Verdict) != herdVerdict {
			t.Errorf("%s: verdict %s (%s), herd7 %s", e.Path, r.Verdict, r.Reason, herdVerdict)
			continue
		}
		if !haveHerd || h.obs != herdVerdict {
			continue
		}
		counts++
		if r.Pos != atoi(h.pos) || r.Neg != atoi(h.neg) {
			t.Errorf("%s: Positive %d Negative %d, herd7 %s %s", e.Path, r.Pos, r.Neg, h.pos, h.neg)
		}
		flags := strings.Join(r.Flags, ",")
		if flags == "" {
			flags = "-"
		}
		if flags != h.flags {
			t.Errorf("%s: flags %s, herd7 %s", e.Path, flags, h.flags)
		}
		if len(r.States) != atoi(h.states) {
			t.Errorf("%s: %d states, herd7 %s", e.Path, len(r.States), h.states)
		}
	}
	var names []string
	n := 0
	for k, v := range unsupported {
		names = append(names, k)
		n += len(v)
	}
	sort.Strings(names)
	for _, k := range names {
		t.Logf("unsupported %s: %d (%s)", k, len(unsupported[k]), unsupported[k][0])
	}
	t.Logf("%d C tests; %d checked against herd7's verdict, %d also against its counts, flags and states; %d unsupported", nC, checked, counts, n)
	if 100*n >= nC {
		t.Errorf("%d unsupported tests, 1%% or more of %d", n, nC)
	}
}
