package finding

import "sort"

// Rule describes one stable rule ID. Severity is the default; rules whose
// severity depends on the finding (notrace-instrumented-call, by sink) say so
// in Summary and let the analyzer choose.
type Rule struct {
	ID       string
	Severity Severity
	Summary  string
}

// Rule IDs from the design; they are stable and used in every format.
const (
	RuleNotraceInstrumentedCall = "notrace-instrumented-call"
	RuleNotraceNameContract     = "notrace-name-contract"
	RuleNoinstrInstrumentedCall = "noinstr-instrumented-call"
	RuleNoinstrUnbalanced       = "noinstr-unbalanced"
	RuleGPFlavorMismatch        = "rcu-gp-flavor-mismatch"
	RuleSleepInReader           = "rcu-sleep-in-reader"
	RuleFaultInReader           = "rcu-fault-in-reader"
	RuleSyncInReader            = "rcu-sync-in-reader"
	RuleIllegalContext          = "rcu-illegal-context"
	RuleUnbalanced              = "rcu-unbalanced"
	RuleGPEndsInReader          = "rcu-gp-ends-in-reader"
	RuleGPStall                 = "rcu-gp-stall"
	RuleDeferredQSLost          = "rcu-deferred-qs-lost"
	RuleBoostNotUndone          = "rcu-boost-not-undone"
	RuleIRQWorkRecursion        = "rcu-irq-work-recursion"
	RuleSelfDeadlock            = "rcu-self-deadlock"
	RuleLKMMLitmusResult        = "lkmm-litmus-result"
	RuleInputMail               = "input-mail"
	RuleInputPatch              = "input-patch"
	RuleInputApply              = "input-apply"
	RuleInputSource             = "input-source"
)

// Rules is the catalogue of every rule ID, in the design's order.
var rules = []Rule{
	{RuleNotraceInstrumentedCall, Warning, "a root reaches instrumented code; severity by root kind and sink: from tracer context a tracepoint/ring-buffer is an error (a probe: its own event), an ftrace-able function or debug hook a warning; from a plain notrace function a tracepoint is a warning, the rest notes; unresolved indirect call note"},
	{RuleNotraceNameContract, Error, "a *_notrace function is itself ftrace-able"},
	{RuleNoinstrInstrumentedCall, Error, "a noinstr function calls instrumentable code outside instrumentation_begin/end()"},
	{RuleNoinstrUnbalanced, Error, "a path leaves instrumentation_begin/end() unbalanced"},
	{RuleGPFlavorMismatch, Error, "the grace period an updater waits for does not cover the readers of that data"},
	{RuleSleepInReader, Error, "a reader that must not block may do so"},
	{RuleFaultInReader, Error, "a reader that must not fault may do so"},
	{RuleSyncInReader, Error, "synchronize_*() inside a reader it waits for (self-deadlock)"},
	{RuleIllegalContext, Error, "an RCU primitive used in a context where it is not allowed"},
	{RuleUnbalanced, Warning, "a path leaves a reader unbalanced"},
	{RuleGPEndsInReader, Error, "model: a grace period ends while a reader that began before it is still inside"},
	{RuleGPStall, Error, "model: a grace period never ends under fair scheduling"},
	{RuleDeferredQSLost, Error, "model: a deferred quiescent state is never reported"},
	{RuleBoostNotUndone, Error, "model: a priority-boosted reader is never deboosted"},
	{RuleIRQWorkRecursion, Error, "model: IRQ work / softirq raising re-arms itself without bound"},
	{RuleSelfDeadlock, Error, "model: a context spins on an rq/pi/rcu_node lock held below it"},
	{RuleLKMMLitmusResult, Error, "a litmus test of the patch (a .litmus file or one pasted in the mail) claims a result the Linux-kernel memory model does not give, as herd7 runs it; note: a litmus test that cannot be checked"},
	{RuleInputMail, Error, "the mail could not be parsed"},
	{RuleInputPatch, Error, "the patch could not be parsed or names an unsafe path"},
	{RuleInputApply, Error, "the patch does not apply to the tree"},
	{RuleInputSource, Error, "a source file could not be read or indexed"},
}

// Rules returns the catalogue, sorted by ID.
func Rules() []Rule {
	out := append([]Rule(nil), rules...)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// LookupRule returns the rule with the given ID.
func LookupRule(id string) (Rule, bool) {
	for _, r := range rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}
