package analyzers

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// The driver drops a finding whose conditions no configuration of the
// tree's Kconfig allows; it keeps satisfiable ones, code that no Makefile
// builds yet (the reports say so), and leaves a given .config to review.
func TestDriverDropsFindingsNoConfigurationBuilds(t *testing.T) {
	dir := t.TempDir()
	for p, s := range map[string]string{
		"Kconfig": "config PREEMPT_RCU\n\tbool \"preemptible RCU\"\n\nconfig TINY_RCU\n\tbool \"tiny RCU\"\n\tdepends on !PREEMPT_RCU\n",
		"k.c":     "a;\nb;\n",
	} {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	check := &Analyzer{Name: "cond-check", Rules: []string{finding.RuleSyncInReader}, Requires: []*Analyzer{Indexes},
		Run: func(p *Pass) (any, error) {
			for _, c := range [][]string{
				{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"},
				{"CONFIG_TINY_RCU"},
				{"0"},
				nil,
			} {
				p.Report(Diagnostic{Finding: finding.Finding{Rule: finding.RuleSyncInReader, Severity: finding.Error,
					File: "k.c", Line: 2, Message: finding.ConfigText(c), Config: c}})
			}
			return nil, nil
		}}
	r, err := NewRegistry(check)
	if err != nil {
		t.Fatal(err)
	}
	files, err := diffparse.Parse("diff --git a/k.c b/k.c\n--- a/k.c\n+++ b/k.c\n@@ -1,2 +1,3 @@\n a;\n+\tsynchronize_rcu();\n b;\n")
	if err != nil {
		t.Fatal(err)
	}
	run := func(cfg *kconfig.Config) map[string]bool {
		fs, _ := r.Run(Pass{Files: files, Pre: tree, Config: cfg, Provider: index.NewProvider(index.Options{}, nil)})
		got := map[string]bool{}
		for _, f := range fs {
			if f.Rule != finding.RuleSyncInReader {
				t.Errorf("unexpected finding %+v", f)
			}
			got[f.Message] = true
		}
		return got
	}
	got := run(nil)
	for msg, want := range map[string]bool{
		"CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU":          false,
		"CONFIG_TINY_RCU":                                true,
		"no configuration: no Makefile builds this file": true,
		"": true,
	} {
		if got[msg] != want {
			t.Errorf("without .config: finding %q reported = %v, want %v", msg, got[msg], want)
		}
	}
	if got := run(kconfig.FromMap(map[string]string{"CONFIG_TINY_RCU": "y"})); !got["CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU"] {
		t.Errorf("with a .config the driver must leave filtering to the review: %v", got)
	}
}
