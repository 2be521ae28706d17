// Package rcumodelcheck turns a patch into model checks (research/rcu-model.md
// S.6): when a patch adds or changes an RCU read-side primitive, or the
// deferred-quiescent-state machinery of kernel/rcu/tree_plugin.h, it
// computes the effect summaries (package rcueffects) before and after the
// patch, instantiates the matching scenario templates of package rcumodel
// for both, runs the model and reports the verdict diff: properties the
// patch breaks (error, with the counterexample as the finding's trace) and
// properties it fixes (note, with the pre-patch counterexample). Findings
// point at the patch line that changed the summary.
//
// Templates:
//
//   - a changed or new primitive of preemptible RCU (it changes
//     ->rcu_read_lock_nesting): a reader built from it on a nohz_full CPU
//     with its tick stopped while another CPU runs an expedited grace period
//     (rcumodel.ExpeditedReaderScenario; the expedited IPI lands inside the
//     reader), and, when the .config enables CONFIG_RCU_BOOST or
//     CONFIG_PREEMPT_RT, a preempted reader boosted under PREEMPT_RT
//     (rcumodel.BoostedReaderScenario). A new primitive is compared with the
//     primitive of the same counter and direction (rcu_read_unlock() for an
//     unlock), read from the pre-patch tree;
//   - a changed deferred-QS machinery (rcu_read_unlock_special(),
//     rcu_preempt_deferred_qs_irqrestore(), the irq_work handler): the
//     validation scenarios V5-V8 (tracepoint probe in irq_exit() with an
//     expedited GP, requeue inside a reader on nohz_full, irq_work on an arch
//     without self-IPI, a reader in the softirq_raise probe), run with the
//     profile derived from the pre-patch and from the post-patch code;
//   - a changed tracepoint implementation (the guard __DO_TRACE() takes
//     around the probes, rcueffects.TracepointGuard): the scenarios with
//     probes (a probe dereferencing an object across synchronize_rcu() and
//     synchronize_rcu_expedited(), V5, V8), run with the pre- and the
//     post-patch guard.
//
// Without a .config the defaults of rcueffects.DefaultConfig hold
// (preemptible RCU) and the boost template is not run.
package rcumodelcheck

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// Rules are the rule IDs the model can report.
var Rules = []string{
	finding.RuleGPEndsInReader, finding.RuleGPFlavorMismatch, finding.RuleIllegalContext,
	finding.RuleSleepInReader, finding.RuleFaultInReader, finding.RuleSyncInReader,
	finding.RuleSelfDeadlock, finding.RuleIRQWorkRecursion, finding.RuleGPStall,
	finding.RuleDeferredQSLost, finding.RuleBoostNotUndone,
}

// Analyzer checks the model with the primitives and deferred-QS code
// before and after the patch.
var Analyzer = &analyzers.Analyzer{
	Name:     "rcumodel",
	Doc:      "check the RCU model with the primitives and deferred-QS code before and after the patch",
	Rules:    Rules,
	Requires: []*analyzers.Analyzer{analyzers.Indexes, analyzers.Effects},
	Run:      run,
}

func run(pass *analyzers.Pass) (any, error) {
	c := newChecker(pass, analyzers.IndexesOf(pass), analyzers.EffectsOf(pass))
	if err := c.run(); err != nil {
		return nil, err
	}
	return nil, nil
}

type checker struct {
	pass      *analyzers.Pass
	post      *index.Index
	zpre      *rcueffects.Summarizer
	zpost     *rcueffects.Summarizer
	changed   []index.Changed
	seen      map[string]bool
	preTree   bool
	postProf  rcueffects.Machinery
	haveBoost bool
}

func newChecker(pass *analyzers.Pass, ix *analyzers.Indexed, z *analyzers.Summarizers) *checker {
	return &checker{
		pass: pass, post: ix.Post, zpre: z.Pre, zpost: z.Post, changed: ix.Changed,
		seen: map[string]bool{}, preTree: pass.Pre != nil,
		haveBoost: pass.Config.Enabled("CONFIG_RCU_BOOST") || pass.Config.Enabled("CONFIG_PREEMPT_RT"),
	}
}

func (c *checker) run() error {
	if c.pass.Config != nil && !c.pass.Config.Enabled("CONFIG_PREEMPT_RCU") {
		return nil // the templates model preemptible RCU
	}
	c.postProf = c.zpost.Machinery()
	if err := c.primitives(); err != nil {
		return err
	}
	if err := c.tracepoint(); err != nil {
		return err
	}
	return c.machinery()
}

// touchesRCU reports whether the patch changes files the canonical
// primitives are built from.
func (c *checker) touchesRCU() bool {
	for _, f := range c.pass.Files {
		p := f.Path()
		if strings.HasPrefix(p, "kernel/rcu/") || strings.HasPrefix(p, "include/linux/rcupdate") {
			return true
		}
	}
	return false
}

// primitives checks every read-side primitive of preemptible RCU that the
// patch adds or whose summary it changes.
func (c *checker) primitives() error {
	names := map[string]bool{}
	for _, ch := range c.changed {
		if ch.Func != nil || ch.Macro != nil && ch.Macro.FuncLike {
			names[ch.Name()] = true
		}
	}
	if c.touchesRCU() {
		names["rcu_read_lock"], names["rcu_read_unlock"] = true, true
	}
	var sorted []string
	for n := range names {
		sorted = append(sorted, n)
	}
	sort.Strings(sorted)
	for _, n := range sorted {
		s, ok := c.zpost.Summary(n)
		if !ok || !s.IsReadSide() || s.Effects.Counter != rcumodel.CounterRCU {
			continue
		}
		if err := c.reentry(s); err != nil {
			return err
		}
		before, baseline := c.preEffects(n, s.Effects.Delta)
		if rcueffects.SameEffects(before, s.Effects) {
			continue
		}
		if err := c.checkPrimitive(s, before, baseline); err != nil {
			return err
		}
	}
	return nil
}

// preEffects returns the pre-patch effects of primitive n (Name n): its own
// summary in the pre-patch tree, or, for a new primitive, that of the
// existing primitive with the same counter and direction; baseline names
// the latter ("" when n existed).
func (c *checker) preEffects(n string, delta int8) (rcumodel.Effects, string) {
	if s, ok := c.zpre.Summary(n); ok && s.IsReadSide() {
		return s.Effects, ""
	}
	base := "rcu_read_unlock"
	if delta > 0 {
		base = "rcu_read_lock"
	}
	e := rcumodel.Primitives[base]
	if s, ok := c.zpre.Summary(base); ok && s.IsReadSide() {
		e = s.Effects
	}
	e.Name = n
	return e, base
}

// partner returns the post-patch effects of the other half of a reader:
// name with lock/unlock swapped when that is a read-side primitive of the
// same counter, else the canonical rcu_read_lock()/rcu_read_unlock(). Both
// the pre- and the post-patch scenario use it, so that the verdict diff is
// caused by the primitive under test alone.
func (c *checker) partner(s *rcueffects.Summary) rcumodel.Effects {
	var cand, canon string
	if s.Effects.Delta < 0 {
		cand, canon = strings.Replace(s.Name, "unlock", "lock", 1), "rcu_read_lock"
	} else {
		cand, canon = strings.Replace(s.Name, "lock", "unlock", 1), "rcu_read_unlock"
	}
	for _, n := range []string{cand, canon} {
		if p, ok := c.zpost.Summary(n); ok && p.IsReadSide() && p.Effects.Counter == s.Effects.Counter && p.Effects.Delta == -s.Effects.Delta {
			return p.Effects
		}
	}
	e := rcumodel.Primitives[canon]
	e.Name = canon
	return e
}

type template struct {
	name   string
	config []string
	build  func(lock, unlock rcumodel.Effects) *rcumodel.Scenario
}

func (c *checker) templates() []template {
	ts := []template{{
		name:   "expedited GP IPI inside the reader on a nohz_full CPU",
		config: []string{"CONFIG_PREEMPT_RCU", "CONFIG_NO_HZ_FULL"},
		build: func(l, u rcumodel.Effects) *rcumodel.Scenario {
			return rcumodel.ExpeditedReaderScenario(l, u, true)
		},
	}}
	if c.haveBoost {
		ts = append(ts, template{
			name:   "preempted and boosted reader on PREEMPT_RT",
			config: []string{"CONFIG_PREEMPT_RCU", "CONFIG_RCU_BOOST"},
			build:  rcumodel.BoostedReaderScenario,
		})
	}
	return ts
}

func (c *checker) options(pre bool) rcumodel.Options {
	if c.postProf.Found {
		p := c.postProf.Profile
		return rcumodel.Options{Custom: &p}
	}
	return rcumodel.Options{}
}

func (c *checker) checkPrimitive(s *rcueffects.Summary, before rcumodel.Effects, baseline string) error {
	part := c.partner(s)
	for _, t := range c.templates() {
		var scPre, scPost *rcumodel.Scenario
		if s.Effects.Delta < 0 {
			scPre, scPost = t.build(part, before), t.build(part, s.Effects)
		} else {
			scPre, scPost = t.build(before, part), t.build(s.Effects, part)
		}
		rb, err := rcumodel.Check(scPre, c.options(true))
		if err != nil {
			return fmt.Errorf("model (pre-patch %s): %w", s.Name, err)
		}
		ra, err := rcumodel.Check(scPost, c.options(false))
		if err != nil {
			return fmt.Errorf("model (post-patch %s): %w", s.Name, err)
		}
		what := describeEffects(before, s.Effects, baseline)
		loc := c.locatePrimitive(s, before)
		for _, ch := range rcumodel.Compare(rb, ra) {
			c.report(ch, s.Name, loc, what, t.name, append(append([]string(nil), s.Conds...), t.config...))
		}
	}
	return nil
}

// describeEffects says what changed in a primitive's summary.
func describeEffects(before, after rcumodel.Effects, baseline string) string {
	var d []string
	if before.TestsSpecial && !after.TestsSpecial {
		d = append(d, "never tests ->rcu_read_unlock_special.s")
	}
	if before.CallsSpecial && !after.CallsSpecial {
		d = append(d, "never calls rcu_read_unlock_special()")
	}
	if !before.CallsSpecial && after.CallsSpecial {
		d = append(d, "now calls rcu_read_unlock_special()")
	}
	if before.Traced != after.Traced {
		if after.Traced == "" {
			d = append(d, "is not instrumented")
		} else {
			d = append(d, "is instrumented ("+after.Traced+")")
		}
	}
	for _, x := range []struct {
		name string
		b, a int8
	}{{"preemption", before.Preempt, after.Preempt}, {"bh", before.BH, after.BH}, {"irqs", before.IRQ, after.IRQ}} {
		if x.b != x.a {
			d = append(d, fmt.Sprintf("changes the %s disable count by %+d (was %+d)", x.name, x.a, x.b))
		}
	}
	if before.Delta != after.Delta {
		d = append(d, fmt.Sprintf("changes ->rcu_read_lock_nesting by %+d (was %+d)", after.Delta, before.Delta))
	}
	subj := after.Name + "()"
	if baseline != "" {
		subj += " (new; compared with " + baseline + "())"
	}
	if len(d) == 0 {
		return subj + " changes its effects"
	}
	return subj + " " + strings.Join(d, ", ")
}

// locatePrimitive picks the line that changed the summary: the evidence of
// the changed effect, preferring lines the patch adds.
func (c *checker) locatePrimitive(s *rcueffects.Summary, before rcumodel.Effects) rcueffects.Loc {
	var keys []string
	a := s.Effects
	if before.TestsSpecial != a.TestsSpecial || before.CallsSpecial != a.CallsSpecial {
		keys = append(keys, rcueffects.EvCallSpecial, rcueffects.EvTestSpecial, rcueffects.EvCounter)
	}
	if before.Traced != a.Traced {
		keys = append(keys, rcueffects.EvTraced)
	}
	if before.Preempt != a.Preempt {
		keys = append(keys, rcueffects.EvPreempt)
	}
	if before.BH != a.BH {
		keys = append(keys, rcueffects.EvBH)
	}
	if before.IRQ != a.IRQ {
		keys = append(keys, rcueffects.EvIRQ)
	}
	keys = append(keys, rcueffects.EvCounter)
	var locs []rcueffects.Loc
	for _, k := range keys {
		if l, ok := s.Evidence[k]; ok {
			locs = append(locs, l)
		}
	}
	return c.pick(locs, s.Name, s.Def)
}

// pick returns the first location on an added line, else the first added
// line of the changed definition called fn, else the first location, else
// def.
func (c *checker) pick(locs []rcueffects.Loc, fn string, def rcueffects.Loc) rcueffects.Loc {
	for _, l := range locs {
		if diffparse.Added(c.pass.Files, l.File, l.Line) {
			return l
		}
	}
	for _, ch := range c.changed {
		if ch.Name() == fn && len(ch.Lines) > 0 {
			if l, ok := c.changedLoc(ch); ok {
				return l
			}
		}
	}
	if len(locs) > 0 {
		return locs[0]
	}
	return def
}

func (c *checker) changedLoc(ch index.Changed) (rcueffects.Loc, bool) {
	for _, l := range ch.Lines {
		for _, f := range c.pass.Files {
			if f.Path() != ch.File.Path {
				continue
			}
			for _, h := range f.Hunks {
				for _, hl := range h.Lines {
					if hl.PatchLine == l.PatchLine {
						n := hl.NewLine
						if h.Applied {
							_, n = h.AppliedLines(hl)
						}
						return rcueffects.Loc{File: ch.File.Path, Line: n, Func: ch.Name()}, true
					}
				}
			}
		}
	}
	return rcueffects.Loc{}, false
}

// report turns one verdict change into a finding at loc.
func (c *checker) report(ch rcumodel.Change, fn string, loc rcueffects.Loc, what, scenarioName string, config []string) {
	key := fmt.Sprintf("%s|%s|%d|%s|%v", ch.Rule, loc.File, loc.Line, fn, ch.Regression)
	if c.seen[key] || ch.Violation == nil {
		return
	}
	c.seen[key] = true
	f := ch.Violation.Finding()
	f.File, f.Line, f.Function = loc.File, loc.Line, fn
	f.Config = dedupe(config)
	prop, _ := rcumodel.LookupProperty(ch.Property)
	props := fmt.Sprintf("%s %q", ch.Property, prop.Summary)
	msg := ch.Violation.Msg
	for _, id := range ch.Also {
		p, _ := rcumodel.LookupProperty(id)
		props += fmt.Sprintf(" and %s %q", id, p.Summary)
		for _, a := range ch.Violation.Also {
			if a.Property == id {
				msg += "; " + a.Msg
			}
		}
	}
	if ch.Regression {
		f.Message = fmt.Sprintf("%s: the model now violates %s (%s): %s", what, props, scenarioName, msg)
	} else {
		f.Severity = finding.Note
		f.Message = fmt.Sprintf("%s: fixes %s (%s); before the patch: %s", what, props, scenarioName, msg)
		if f.Trace != nil {
			f.Trace.Property += " (before the patch)"
		}
	}
	c.pass.Report(analyzers.Diagnostic{Finding: f, Key: key})
}

func dedupe(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
