// Package analyzers defines what an analyzer is and runs analyzers over
// one patch, in the shape of golang.org/x/tools/go/analysis.
//
// An Analyzer is a package-level value: a name, a doc string, the rule IDs
// it may report, the analyzers it Requires and a Run function. Run reads
// the results of its requirements from Pass.ResultOf, reports findings
// through Pass.Report and may return a result of its own for the analyzers
// that require it. A Registry runs the registered analyzers in name order,
// each requirement once per pass (its per-run cache), whether or not it is
// registered; no analyzer package imports another.
//
// Helper analyzers of this package compute what several analyzers need:
//
//   - Indexes: the pre- and post-patch indexes (ksrc/index) and the
//     definitions the patch changes (*Indexed). Without a tree the pre-patch
//     index is the embedded 6.12 facts and the post-patch one the patch's
//     hunks skimmed over it; with neither it does not apply.
//   - Effects: the effect summarizers (package rcueffects) of the pre- and
//     post-patch code (*Summarizers); it does not apply to a patch that did
//     not apply onto the tree given.
//
// An analyzer whose requirement does not apply (ErrNotApplicable) is
// skipped quietly; one whose requirement failed is listed as skipped, and
// the failure is reported once as an input-source finding.
//
// The driver owns status and location. An analyzer reports Diagnostics on
// the post-patch tree: a finding with a Key that names the problem, the
// Def it was found in and, when it depends on them, the Lines that make it.
// The registry then runs the analyzer once more with Pass.Baseline set to
// those definitions, on the pre-patch tree, and marks each finding new
// (the key is not there before the patch), changed (it is, with another
// Detail) or pre-existing (same Detail, or none of its Lines is added by
// the patch). Pre-existing findings are dropped unless the pass audits
// the whole tree (--all); patch lines and sources are filled from the
// finding's file and line; each analyzer's findings are sorted.
//
// A new analyzer that requires the index and effects helpers: it reports
// the functions a patch adds or changes that return inside the RCU reader
// they entered (the test of this package runs it on a patch).
//
//	var Analyzer = &analyzers.Analyzer{
//		Name:     "readerleak",
//		Doc:      "report functions that return inside the RCU reader they entered",
//		Rules:    []string{finding.RuleUnbalanced},
//		Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
//		Run:      run,
//	}
//
//	func run(pass *analyzers.Pass) (any, error) {
//		ix, z := analyzers.IndexesOf(pass), analyzers.EffectsOf(pass)
//		if pass.Baseline != nil { // the driver asks: and before the patch?
//			for _, d := range pass.Baseline {
//				if s, ok := z.Pre.Summary(d.Name); ok && s.Effects.Delta > 0 {
//					pass.Report(analyzers.Diagnostic{Key: d.File + ":" + d.Name})
//				}
//			}
//			return nil, nil
//		}
//		for _, ch := range ix.Changed {
//			s, ok := z.Post.Summary(ch.Name())
//			if !ok || ch.Func == nil || s.Effects.Delta <= 0 {
//				continue
//			}
//			pass.Report(analyzers.Diagnostic{
//				Finding: finding.Finding{Rule: finding.RuleUnbalanced, Severity: finding.Warning,
//					File: ch.File.Path, Line: int(ch.Func.End), Function: s.Name,
//					Message: fmt.Sprintf("%s() returns inside the RCU reader it entered", s.Name)},
//				Key: ch.File.Path + ":" + s.Name,
//				Def: analyzers.Def{File: ch.File.Path, Name: s.Name},
//			})
//		}
//		return nil, nil
//	}
//
// Adding it to the registry of package all makes review, check and the
// bot run it.
package analyzers
