package all_test

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
)

// TestRealTreeAuditUnderDebianConfigs: the whole-tree audit (the notrace
// and noinstr rules, as review --all runs them) under Debian's amd64 and
// RT configurations reports nothing in a file that configuration does
// not compile: no ARM or RISC-V cpuidle driver, nothing under another
// architecture, no 32-bit-only x86 object.
func TestRealTreeAuditUnderDebianConfigs(t *testing.T) {
	tree := realtest.Tree(t)
	p := realtest.Provider()
	ix, err := p.For(tree)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"debian-amd64", "debian-rt"} {
		cfg := realtest.Named(t, name)
		pass := analyzers.Pass{All: true, Pre: tree, Post: tree, Config: cfg}
		var fs []finding.Finding
		for _, a := range []*analyzers.Analyzer{notrace.Analyzer, noinstr.Analyzer} {
			out, err := realtest.Run(a, p, &pass)
			if err != nil {
				t.Fatal(err)
			}
			fs = append(fs, out...)
		}
		bySev := map[finding.Severity]int{}
		for _, f := range fs {
			bySev[f.Severity]++
			if bc := ix.BuildCond(f.File); bc != "" {
				if holds, known := index.EvalCond(bc, cfg); !known || !holds {
					t.Errorf("%s: finding in %s, which it does not compile (%s): %s", name, f.File, bc, f.Message)
				}
			}
			for _, other := range []string{"arch/arm", "arch/riscv", "arch/powerpc", "cpuidle-arm", "cpuidle-riscv", "cpuidle-psci", "_32.c"} {
				if strings.Contains(f.File, other) {
					t.Errorf("%s: finding in %s: %s", name, f.File, f.Message)
				}
			}
		}
		if len(fs) == 0 {
			t.Errorf("%s: an audit without findings: the walk is broken", name)
		}
		t.Logf("%s: %d errors, %d warnings, %d notes", name, bySev[finding.Error], bySev[finding.Warning], bySev[finding.Note])
	}
}
