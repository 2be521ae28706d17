package analyzers

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
)

// addedLines is a tiny real analyzer: it reports every added line that
// calls synchronize_rcu(), which is enough to exercise the registry.
var addedLines = &Analyzer{
	Name: "sync-lines", Doc: "report added synchronize_rcu() calls",
	Rules: []string{finding.RuleSyncInReader}, Requires: []Input{Diff},
	Run: func(p *Pass) ([]finding.Finding, error) {
		var out []finding.Finding
		for _, f := range p.Files {
			for _, h := range f.Hunks {
				for _, l := range h.Lines {
					if l.Op == diffparse.Add && strings.Contains(l.Text, "synchronize_rcu()") {
						out = append(out, finding.Finding{Rule: finding.RuleSyncInReader, Severity: finding.Error,
							File: f.Path(), Line: l.NewLine, Message: "synchronize_rcu() added"})
					}
				}
			}
		}
		return out, nil
	},
}

func passWithDiff(t *testing.T) Pass {
	t.Helper()
	files, err := diffparse.Parse("diff --git a/k.c b/k.c\n--- a/k.c\n+++ b/k.c\n@@ -1,2 +1,3 @@\n a;\n+\tsynchronize_rcu();\n b;\n")
	if err != nil {
		t.Fatal(err)
	}
	return Pass{Files: files}
}

func TestRegistryRejectsBadAnalyzers(t *testing.T) {
	for name, as := range map[string][]*Analyzer{
		"duplicate name": {addedLines, addedLines},
		"unknown rule":   {{Name: "x", Rules: []string{"no-such-rule"}, Run: addedLines.Run}},
		"no Run":         {{Name: "x"}},
		"nil analyzer":   {nil},
	} {
		if _, err := NewRegistry(as...); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestRegistryRunsAndSkips(t *testing.T) {
	needsTree := &Analyzer{Name: "tree", Rules: []string{finding.RuleGPStall}, Requires: []Input{PostTree},
		Run: func(*Pass) ([]finding.Finding, error) { t.Fatal("must not run without a tree"); return nil, nil }}
	r, err := NewRegistry(needsTree, addedLines)
	if err != nil {
		t.Fatal(err)
	}
	fs, skipped := r.Run(passWithDiff(t))
	if len(fs) != 1 || fs[0].Line != 2 || fs[0].File != "k.c" {
		t.Fatalf("findings %+v", fs)
	}
	if len(skipped) != 1 || skipped[0].Analyzer != "tree" || !strings.Contains(skipped[0].Reason, "post-patch tree") {
		t.Fatalf("skipped %+v", skipped)
	}
}

func TestRegistryContainsFailures(t *testing.T) {
	panics := &Analyzer{Name: "panics", Rules: []string{finding.RuleGPStall},
		Run: func(*Pass) ([]finding.Finding, error) { panic("boom") }}
	liar := &Analyzer{Name: "liar", Rules: []string{finding.RuleGPStall},
		Run: func(*Pass) ([]finding.Finding, error) {
			return []finding.Finding{{Rule: finding.RuleSelfDeadlock}}, nil
		}}
	r, err := NewRegistry(panics, liar, addedLines)
	if err != nil {
		t.Fatal(err)
	}
	fs, _ := r.Run(passWithDiff(t))
	var src, sync int
	for _, f := range fs {
		switch f.Rule {
		case finding.RuleInputSource:
			src++
		case finding.RuleSyncInReader:
			sync++
		}
	}
	if src != 2 || sync != 1 {
		t.Fatalf("want 2 input-source findings (panic, undeclared rule) and the real one; got %+v", fs)
	}
}
