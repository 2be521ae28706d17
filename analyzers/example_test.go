package analyzers_test

import (
	"fmt"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
)

// readerLeak is the example of the package doc: it reports the functions
// a patch adds or changes that enter an RCU reader and leave it open.
var readerLeak = &analyzers.Analyzer{
	Name:     "readerleak",
	Doc:      "report functions that return inside the RCU reader they entered",
	Rules:    []string{finding.RuleUnbalanced},
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run: func(pass *analyzers.Pass) (any, error) {
		ix, z := analyzers.IndexesOf(pass), analyzers.EffectsOf(pass)
		if pass.Baseline != nil { // the driver asks: and before the patch?
			for _, d := range pass.Baseline {
				if s, ok := z.Pre.Summary(d.Name); ok && s.Effects.Delta > 0 {
					pass.Report(analyzers.Diagnostic{Key: d.File + ":" + d.Name})
				}
			}
			return nil, nil
		}
		for _, ch := range ix.Changed {
			s, ok := z.Post.Summary(ch.Name())
			if !ok || ch.Func == nil || s.Effects.Delta <= 0 {
				continue
			}
			pass.Report(analyzers.Diagnostic{
				Finding: finding.Finding{Rule: finding.RuleUnbalanced, Severity: finding.Warning,
					File: ch.File.Path, Line: int(ch.Func.End), Function: s.Name,
					Message: fmt.Sprintf("%s() returns inside the RCU reader it entered", s.Name)},
				Key: ch.File.Path + ":" + s.Name,
				Def: analyzers.Def{File: ch.File.Path, Name: s.Name},
			})
		}
		return nil, nil
	},
}

// apply applies a diff onto tree and returns the pass of that patch.
func apply(t *testing.T, tree ksrc.Tree, diff string) *analyzers.Pass {
	t.Helper()
	files, err := diffparse.Parse(diff)
	if err != nil {
		t.Fatal(err)
	}
	res, err := diffparse.Apply(tree, files)
	if err != nil {
		t.Fatal(err)
	}
	post := ksrc.NewOverlay(tree)
	for path, data := range res.Files {
		if err := post.Set(path, data); err != nil {
			t.Fatal(err)
		}
	}
	return &analyzers.Pass{Files: files, Pre: tree, Post: post}
}

// TestExampleAnalyzer runs the package doc's example on the mini tree: a
// patch that drops demo_read()'s rcu_read_unlock() introduces the finding;
// a later patch that only adds a comment to the leaking function does not.
func TestExampleAnalyzer(t *testing.T) {
	leak := apply(t, realtest.MiniTree(t), `diff --git a/drivers/demo/demo.c b/drivers/demo/demo.c
--- a/drivers/demo/demo.c
+++ b/drivers/demo/demo.c
@@ -24,6 +24,5 @@ int demo_read(void)
 	cfg = rcu_dereference(demo_cfg);
 	if (cfg)
 		val = cfg->val;
-	rcu_read_unlock();
 	return val;
 }
`)
	p := realtest.MiniProvider()
	fs, err := realtest.Run(readerLeak, p, leak)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Function != "demo_read" || fs[0].Status != finding.StatusNew || fs[0].Line != 28 || fs[0].PatchLine != 10 {
		t.Fatalf("want demo_read() at its closing line 28 (patch line 10), new:\n%s", realtest.Dump(fs))
	}
	comment := apply(t, leak.Post, `diff --git a/drivers/demo/demo.c b/drivers/demo/demo.c
--- a/drivers/demo/demo.c
+++ b/drivers/demo/demo.c
@@ -23,3 +23,4 @@ int demo_read(void)
 	rcu_read_lock();
+	/* read the configuration */
 	cfg = rcu_dereference(demo_cfg);
 	if (cfg)
`)
	if fs, err = realtest.Run(readerLeak, p, comment); err != nil || len(fs) != 0 {
		t.Fatalf("a comment does not introduce the leak (err %v):\n%s", err, realtest.Dump(fs))
	}
	comment.All = true
	if fs, err = realtest.Run(readerLeak, p, comment); err != nil || len(fs) != 1 || fs[0].Status != finding.StatusPreExisting {
		t.Fatalf("--all: want the leak as pre-existing (err %v):\n%s", err, realtest.Dump(fs))
	}
}
