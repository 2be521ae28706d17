package rcumodelcheck_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/all"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/analyzers/rcuflavor"
	"github.com/rcureview/rcureview/analyzers/rcumodelcheck"
	"github.com/rcureview/rcureview/analyzers/rcuusage"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/review"
)

// benchMboxes are the patches of the warm-review benchmark: each triggers
// model checks (primitive templates, deferred-QS scenarios V5-V8, or the
// flavour-mismatch confirmation).
var benchMboxes = []string{
	"testdata/notrace-unlock-nesting-only.mbox",
	"testdata/handler-rearm-then-fix.mbox",
	"../rcuflavor/testdata/trace-reader-synchronize-rcu.mbox",
}

// BenchmarkReviewModel measures a warm review (the base tree's index
// already loaded by the provider, as in a long-running bot or after the
// first patch of a series) of patches that trigger model checks, and
// reports ms per patch: "rcu" runs the analyzers of this issue (rcumodel,
// rcuusage, rcuflavor: effect summaries, model runs, section walks), "all"
// the CLI's full registry (adding notrace and noinstr). Run it with
// bench/review-model.sh.
func BenchmarkReviewModel(b *testing.B) {
	tree := realtest.Tree(b)
	p := realtest.Provider()
	if _, err := p.For(tree); err != nil { // warm: load the base index
		b.Fatal(err)
	}
	rcu, err := analyzers.NewRegistry(rcumodelcheck.Analyzer, rcuusage.Analyzer, rcuflavor.Analyzer)
	if err != nil {
		b.Fatal(err)
	}
	full, err := all.Registry()
	if err != nil {
		b.Fatal(err)
	}
	for _, set := range []struct {
		name string
		reg  *analyzers.Registry
	}{{"rcu", rcu}, {"all", full}} {
		for _, m := range benchMboxes {
			benchReview(b, set.name+"/"+filepath.Base(m), m, tree, set.reg, p)
		}
	}
}

func benchReview(b *testing.B, name, m string, tree ksrc.Tree, reg *analyzers.Registry, p *index.Provider) {
	b.Run(name, func(b *testing.B) {
		patches := 0
		var total time.Duration
		for i := 0; i < b.N; i++ {
			f, err := os.Open(m)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			res := review.Run([]review.Input{{Name: m, R: f}}, review.Options{Tool: "rcureview", Tree: tree, Registry: reg, Indexes: p})
			total += time.Since(start)
			f.Close()
			patches += len(res.Report.Patches)
			for _, pt := range res.Report.Patches {
				if !pt.Applied {
					b.Fatalf("%s: patch did not apply", m)
				}
			}
		}
		b.ReportMetric(float64(total.Microseconds())/1000/float64(patches), "ms/patch")
	})
}
