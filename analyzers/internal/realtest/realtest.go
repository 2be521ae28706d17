// Package realtest holds the test helpers the RCU analyzers share for
// their real-tree tests: one index provider and one kernel tree per test
// binary, passes built by applying an mbox's patches in order, and a
// readable dump of findings.
package realtest

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/mbox"
)

// shared is what one test binary loads once: the index provider (the real
// tree's index is large) and the tree.
type shared struct {
	provOnce sync.Once
	prov     *index.Provider
	treeOnce sync.Once
	tree     ksrc.Tree
	treeErr  error
}

var once shared

// Provider returns the test binary's index provider (with the default
// cache, and the embedded facts for passes without a tree).
func Provider() *index.Provider {
	once.provOnce.Do(func() {
		opt := index.Options{}
		if c, err := index.DefaultCache(); err == nil {
			opt.Cache = c
		}
		once.prov = index.NewProvider(opt, index.Embedded())
	})
	return once.prov
}

// Tree returns the real kernel tree, or skips the test without
// RCUREVIEW_KERNEL_TREE.
func Tree(t testing.TB) ksrc.Tree {
	t.Helper()
	root := kerneltest.Tree(t)
	once.treeOnce.Do(func() { once.tree, once.treeErr = ksrc.OpenDir(root) })
	if once.treeErr != nil {
		t.Fatal(once.treeErr)
	}
	return once.tree
}

// Passes applies the patches of an mbox in order onto base (nil: the real
// tree) and returns one pass per patch, with cfg as the pass's .config.
func Passes(t testing.TB, base ksrc.Tree, mboxPath string, cfg *kconfig.Config) []analyzers.Pass {
	t.Helper()
	if base == nil {
		base = Tree(t)
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
	var passes []analyzers.Pass
	cur := base
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
			t.Fatalf("%s: %v", mboxPath, err)
		}
		post := ksrc.NewOverlay(cur)
		for path, data := range res.Files {
			if err := post.Set(path, data); err != nil {
				t.Fatal(err)
			}
		}
		passes = append(passes, analyzers.Pass{Subject: pt.Subject, Files: files, Pre: cur, Post: post, Config: cfg})
		cur = post
	}
	return passes
}

// Run runs one analyzer (and what it requires) on a pass through a
// registry, as the driver does: findings carry their status, pre-existing
// ones are dropped unless pass.All, patch lines are filled. A failure of
// the analyzer (an input-source finding) is returned as an error.
func Run(a *analyzers.Analyzer, p *index.Provider, pass *analyzers.Pass) ([]finding.Finding, error) {
	reg, err := analyzers.NewRegistry(a)
	if err != nil {
		return nil, err
	}
	pp := *pass
	pp.Provider = p
	fs, skipped := reg.Run(pp)
	for _, f := range fs {
		if f.Rule == finding.RuleInputSource {
			return fs, errors.New(f.Message)
		}
	}
	if len(skipped) > 0 {
		return fs, fmt.Errorf("%s skipped: %s", skipped[0].Analyzer, skipped[0].Reason)
	}
	return fs, nil
}

// Config reads a .config file.
func Config(t testing.TB, path string) *kconfig.Config {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := kconfig.Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Dump prints findings one per line, with chains and traces indented.
func Dump(fs []finding.Finding) string {
	var b strings.Builder
	for _, f := range fs {
		fmt.Fprintf(&b, "%s %s %s %s:%d (patch line %d %q) %s: %s %v\n", f.Rule, f.Severity, f.Status, f.File, f.Line, f.PatchLine, f.Source, f.Function, f.Message, f.Config)
		for _, h := range f.Chain {
			fmt.Fprintf(&b, "    -> %s (%s:%d) %s\n", h.Function, h.File, h.Line, h.Why)
		}
		if f.Trace != nil {
			for _, s := range f.Trace.Steps {
				fmt.Fprintf(&b, "    cpu%d %s %s\n", s.CPU, s.Context, s.Event)
			}
		}
	}
	return b.String()
}

// ByRule returns the first finding of each rule.
func ByRule(fs []finding.Finding) map[string]finding.Finding {
	out := map[string]finding.Finding{}
	for _, f := range fs {
		if _, ok := out[f.Rule]; !ok {
			out[f.Rule] = f
		}
	}
	return out
}

// Named returns a named configuration (kconfig.DebianConfigs), or skips
// the test when Debian's linux-config-6.12 package is not installed.
func Named(t testing.TB, name string) *kconfig.Config {
	t.Helper()
	n, ok := kconfig.Lookup(name)
	if !ok {
		t.Fatalf("no configuration named %s", name)
	}
	if _, err := os.Stat(n.Path()); err != nil {
		t.Skipf("%s: %v (install Debian's linux-config-6.12)", name, err)
	}
	c, err := kconfig.Load(name)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// RunMbox runs an analyzer over the first patch of an mbox applied to the
// real tree (no tree: the embedded facts) and logs its findings; a
// failure of the analyzer fails the test.
func RunMbox(t testing.TB, a *analyzers.Analyzer, p *index.Provider, mbox string) []finding.Finding {
	t.Helper()
	passes := Passes(t, nil, mbox, nil)
	fs, err := Run(a, p, &passes[0])
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("findings:\n%s", Dump(fs))
	return fs
}
