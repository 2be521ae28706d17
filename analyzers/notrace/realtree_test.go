package notrace

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/mbox"
)

// realPasses applies the patches of an mbox in order onto the real tree
// and returns one pass per patch.
func realPasses(t *testing.T, mboxPath string) (*index.Provider, []analyzers.Pass) {
	t.Helper()
	root := kerneltest.Tree(t)
	tree, err := ksrc.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(mboxPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	msgs, errs := mbox.ReadAll(f)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	cache, err := index.DefaultCache()
	if err != nil {
		t.Fatal(err)
	}
	p := index.NewProvider(index.Options{Cache: cache}, nil)
	var passes []analyzers.Pass
	var cur ksrc.Tree = tree
	for _, m := range msgs {
		pt := mbox.ExtractPatch(m)
		if strings.TrimSpace(pt.Diff) == "" {
			continue
		}
		files, err := diffparse.Parse(pt.Diff)
		if err != nil {
			t.Fatal(err)
		}
		res, err := diffparse.Apply(cur, files)
		if err != nil {
			t.Fatal(err)
		}
		post := ksrc.NewOverlay(cur)
		for path, data := range res.Files {
			if err := post.Set(path, data); err != nil {
				t.Fatal(err)
			}
		}
		passes = append(passes, analyzers.Pass{Subject: pt.Subject, Files: files, Pre: cur, Post: post})
		cur = post
	}
	return p, passes
}

func dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s %s:%d %s [%s] %v\n", f.Rule, f.Severity, f.Status, f.File, f.Line, f.Message, f.Sink, f.Config)
		var hops []string
		for _, h := range f.Chain {
			hops = append(hops, fmt.Sprintf("%s(%s:%d %s)", h.Function, h.File, h.Line, h.Why))
		}
		fmt.Fprintf(&b, "    %s\n", strings.Join(hops, " -> "))
	}
	return b.String()
}

func TestRealTreeHeadline(t *testing.T) {
	p, passes := realPasses(t, "../../testdata/rcu-read-lock-notrace.mbox")
	if len(passes) == 0 {
		t.Fatal("no patches")
	}
	fs, err := Run(p, &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	var sel []finding.Finding
	kinds := map[string]int{}
	for _, f := range fs {
		kinds[f.Function+" "+f.Sink]++
		if f.Function != "rcu_read_unlock_notrace" {
			continue
		}
		pr := false
		for _, c := range f.Config {
			pr = pr || c == "CONFIG_PREEMPT_RCU"
		}
		if pr || f.Sink != "tracepoint" {
			sel = append(sel, f)
		}
	}
	t.Log(kinds)
	t.Log(dump(sel))
}
