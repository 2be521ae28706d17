package analyzers

import (
	"errors"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
)

// addedLines is a tiny real analyzer: it reports every added line that
// calls synchronize_rcu(), which is enough to exercise the registry.
var addedLines = &Analyzer{
	Name: "sync-lines", Doc: "report added synchronize_rcu() calls",
	Rules: []string{finding.RuleSyncInReader},
	Run: func(p *Pass) (any, error) {
		for _, f := range p.Files {
			for _, h := range f.Hunks {
				for _, l := range h.Lines {
					if l.Op == diffparse.Add && strings.Contains(l.Text, "synchronize_rcu()") {
						p.Report(Diagnostic{Finding: finding.Finding{Rule: finding.RuleSyncInReader, Severity: finding.Error,
							File: f.Path(), Line: l.NewLine, Message: "synchronize_rcu() added"}})
					}
				}
			}
		}
		return nil, nil
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
	loop := &Analyzer{Name: "loop", Run: addedLines.Run}
	loop.Requires = []*Analyzer{{Name: "inner", Run: addedLines.Run, Requires: []*Analyzer{loop}}}
	for name, as := range map[string][]*Analyzer{
		"duplicate":           {addedLines, addedLines},
		"same name":           {addedLines, {Name: addedLines.Name, Run: addedLines.Run}},
		"same name, required": {addedLines, {Name: "x", Run: addedLines.Run, Requires: []*Analyzer{{Name: addedLines.Name, Run: addedLines.Run}}}},
		"unknown rule":        {{Name: "x", Rules: []string{"no-such-rule"}, Run: addedLines.Run}},
		"no Run":              {{Name: "x"}},
		"nil analyzer":        {nil},
		"requires itself":     {loop},
	} {
		if _, err := NewRegistry(as...); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestRegistryRunsRequirementsOncePerPass(t *testing.T) {
	runs := 0
	helper := &Analyzer{Name: "helper", Run: func(p *Pass) (any, error) {
		runs++
		p.Report(Diagnostic{Finding: finding.Finding{Rule: finding.RuleGPStall, Message: "a helper's report is not shown"}})
		return 42, nil
	}}
	user := func(name string) *Analyzer {
		return &Analyzer{Name: name, Rules: []string{finding.RuleGPStall}, Requires: []*Analyzer{helper},
			Run: func(p *Pass) (any, error) {
				if p.ResultOf[helper] != 42 {
					t.Errorf("%s: ResultOf[helper] = %v", name, p.ResultOf[helper])
				}
				return nil, nil
			}}
	}
	r, err := NewRegistry(user("a"), user("b"))
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 2; i++ {
		fs, skipped := r.Run(passWithDiff(t))
		if len(fs) != 0 || len(skipped) != 0 || runs != i {
			t.Fatalf("pass %d: findings %+v, skipped %+v, helper ran %d times", i, fs, skipped, runs)
		}
	}
}

func TestRegistrySkipsWhatAFailedRequirementNeeds(t *testing.T) {
	broken := &Analyzer{Name: "broken", Run: func(*Pass) (any, error) { return nil, errors.New("no index") }}
	absent := &Analyzer{Name: "absent", Run: func(*Pass) (any, error) { return nil, ErrNotApplicable }}
	needs := func(name string, req *Analyzer) *Analyzer {
		return &Analyzer{Name: name, Rules: []string{finding.RuleGPStall}, Requires: []*Analyzer{req},
			Run: func(*Pass) (any, error) { t.Fatalf("%s ran without its requirement", name); return nil, nil }}
	}
	r, err := NewRegistry(needs("a", broken), needs("b", broken), needs("c", absent), addedLines)
	if err != nil {
		t.Fatal(err)
	}
	fs, skipped := r.Run(passWithDiff(t))
	var src, sync int
	for _, f := range fs {
		switch f.Rule {
		case finding.RuleInputSource:
			src++
			if !strings.Contains(f.Message, "analyzer broken failed: no index") {
				t.Errorf("failure finding %q", f.Message)
			}
		case finding.RuleSyncInReader:
			sync++
		}
	}
	if src != 1 || sync != 1 {
		t.Errorf("want one failure finding for the broken helper and the real finding; got %+v", fs)
	}
	if len(skipped) != 2 || skipped[0].Analyzer != "a" || skipped[1].Analyzer != "b" || !strings.Contains(skipped[0].Reason, "needs broken") {
		t.Errorf("skipped %+v: want a and b (c's requirement does not apply: quiet)", skipped)
	}
}

func TestRegistryContainsFailures(t *testing.T) {
	panics := &Analyzer{Name: "panics", Rules: []string{finding.RuleGPStall},
		Run: func(*Pass) (any, error) { panic("boom") }}
	liar := &Analyzer{Name: "liar", Rules: []string{finding.RuleGPStall},
		Run: func(p *Pass) (any, error) {
			p.Report(Diagnostic{Finding: finding.Finding{Rule: finding.RuleSelfDeadlock}})
			return nil, nil
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

// TestDriverDecidesStatus: the driver re-checks the definitions of the
// findings in the pre-patch tree (Baseline run), marks each finding by its
// key and detail, drops pre-existing ones unless All, fills patch lines
// and sorts.
func TestDriverDecidesStatus(t *testing.T) {
	def := Def{File: "k.c", Name: "f"}
	var baselines [][]Def
	// Findings on k.c line 2 (the added line) and 1 (context); the
	// pre-patch tree "has" keys same (same detail) and moved (another).
	check := &Analyzer{Name: "check", Rules: []string{finding.RuleGPStall, finding.RuleSyncInReader},
		Run: func(p *Pass) (any, error) {
			if p.Baseline != nil {
				baselines = append(baselines, p.Baseline)
				p.Report(Diagnostic{Key: "same", Detail: "a -> b"})
				p.Report(Diagnostic{Key: "moved", Detail: "a -> b"})
				p.Report(Diagnostic{Key: "old-lines", Detail: ""})
				return nil, nil
			}
			f := func(line int, msg string) finding.Finding {
				return finding.Finding{Rule: finding.RuleGPStall, Severity: finding.Error, File: "k.c", Line: line, Message: msg}
			}
			p.Report(Diagnostic{Finding: f(2, "z new"), Key: "fresh", Def: def})
			p.Report(Diagnostic{Finding: f(2, "y pre-existing"), Key: "same", Detail: "a -> b", Def: def})
			p.Report(Diagnostic{Finding: f(1, "x changed"), Key: "moved", Detail: "a -> c", Def: def})
			p.Report(Diagnostic{Finding: f(1, "w not on an added line"), Key: "lines", Lines: []Pos{{"k.c", 1}, {"k.c", 3}}})
			p.Report(Diagnostic{Finding: f(2, "v on an added line"), Key: "lines2", Lines: []Pos{{"k.c", 1}, {"k.c", 2}}})
			return nil, nil
		}}
	r, err := NewRegistry(check)
	if err != nil {
		t.Fatal(err)
	}
	status := func(all bool) map[string]finding.Finding {
		pass := passWithDiff(t)
		pass.All = all
		fs, _ := r.Run(pass)
		got := map[string]finding.Finding{}
		for i, f := range fs {
			got[f.Message] = f
			if i > 0 && (fs[i-1].Line > f.Line || fs[i-1].Line == f.Line && fs[i-1].Message > f.Message) {
				t.Errorf("findings not sorted: %q before %q", fs[i-1].Message, f.Message)
			}
		}
		return got
	}
	got := status(false)
	want := map[string]finding.Status{"z new": finding.StatusNew, "x changed": finding.StatusChanged, "v on an added line": finding.StatusNew}
	if len(got) != len(want) {
		t.Errorf("default run: got %d findings, want %d: %+v", len(got), len(want), got)
	}
	for msg, st := range want {
		if got[msg].Status != st {
			t.Errorf("%q: status %q, want %q", msg, got[msg].Status, st)
		}
	}
	if f := got["z new"]; f.PatchLine != 6 || f.Source != "+\tsynchronize_rcu();" {
		t.Errorf("patch line of line 2: %d %q, want 6 and the added line", f.PatchLine, f.Source)
	}
	if len(baselines) != 1 || len(baselines[0]) != 1 || baselines[0][0] != def {
		t.Errorf("baseline runs %+v, want one for %+v", baselines, def)
	}
	got = status(true)
	for msg, st := range map[string]finding.Status{"y pre-existing": finding.StatusPreExisting, "w not on an added line": finding.StatusPreExisting} {
		if got[msg].Status != st {
			t.Errorf("--all: %q: status %q, want %q", msg, got[msg].Status, st)
		}
	}
}

// Analyzers that require only the indexes run ahead, concurrently with
// the others; what the pass reports keeps the registry's order: a
// failure reported for the first analyzer that needed the failed helper,
// then each analyzer's findings by name.
func TestRegistryRunsIndexOnlyAnalyzersAhead(t *testing.T) {
	broken := &Analyzer{Name: "broken", Run: func(*Pass) (any, error) { return nil, errors.New("no effects") }}
	needs := func(name string) *Analyzer {
		return &Analyzer{Name: name, Rules: []string{finding.RuleGPStall}, Requires: []*Analyzer{broken},
			Run: func(*Pass) (any, error) { t.Fatalf("%s ran without its requirement", name); return nil, nil }}
	}
	early := &Analyzer{Name: "b-early", Rules: []string{finding.RuleGPStall}, Requires: []*Analyzer{Indexes},
		Run: func(p *Pass) (any, error) {
			if IndexesOf(p) == nil {
				t.Error("b-early: no indexes")
			}
			p.Report(Diagnostic{Finding: finding.Finding{Rule: finding.RuleGPStall, Severity: finding.Warning,
				File: "k.c", Line: 2, Message: "early"}})
			return nil, nil
		}}
	r, err := NewRegistry(needs("a"), early, needs("c"), addedLines)
	if err != nil {
		t.Fatal(err)
	}
	pass := passWithDiff(t)
	pass.Provider = index.NewProvider(index.Options{}, index.Embedded())
	for i := 0; i < 3; i++ {
		fs, skipped := r.Run(pass)
		var got []string
		for _, f := range fs {
			got = append(got, f.Rule+": "+f.Message)
		}
		want := []string{finding.RuleInputSource + ": analyzer broken failed: no effects",
			finding.RuleGPStall + ": early", finding.RuleSyncInReader + ": synchronize_rcu() added"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("run %d: findings\n%s\nwant\n%s", i, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		if len(skipped) != 2 || skipped[0].Analyzer != "a" || skipped[1].Analyzer != "c" {
			t.Errorf("run %d: skipped %+v", i, skipped)
		}
	}
}
