// Package analyzers defines what an analyzer is — a value with a name, a
// doc string, the rule IDs it may report, the inputs it needs and a Run
// function, in the shape of golang.org/x/tools/go/analysis — and a Registry
// that runs the registered analyzers over one patch. The driver (package
// review) owns ordering, input preparation and output.
package analyzers

import (
	"fmt"
	"sort"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
)

// Input names something an analyzer needs from the driver.
type Input int

// Inputs an analyzer can declare.
const (
	// Diff: the parsed diff of the patch (always available).
	Diff Input = iota
	// PreTree: the kernel tree before the patch.
	PreTree
	// PostTree: the kernel tree with the patch (and its predecessors in the
	// series) applied.
	PostTree
)

// String names the input as the report does.
func (in Input) String() string {
	switch in {
	case Diff:
		return "diff"
	case PreTree:
		return "pre-patch tree"
	case PostTree:
		return "post-patch tree"
	}
	return fmt.Sprintf("input(%d)", int(in))
}

// Analyzer is one static check.
type Analyzer struct {
	Name     string                                 // short lower-case name, unique
	Doc      string                                 // one-line description
	Rules    []string                               // rule IDs it may report
	Requires []Input                                // inputs it needs; skipped when absent
	Run      func(*Pass) ([]finding.Finding, error) // the check
}

// Pass is what one analyzer run sees: one patch of a series.
type Pass struct {
	Analyzer *Analyzer
	Subject  string            // the patch's subject
	Files    []*diffparse.File // the patch's diff, hunks filled by Apply when a tree is given
	Pre      ksrc.Tree         // nil without a tree
	Post     ksrc.Tree         // nil without a tree or when the patch did not apply
	Config   map[string]string // kernel .config values (CONFIG_X -> "y"/"m"/value), nil if none
	All      bool              // audit the whole tree, not only what the patch introduces
}

// Has reports whether the pass provides the input.
func (p *Pass) Has(in Input) bool {
	switch in {
	case Diff:
		return true
	case PreTree:
		return p.Pre != nil
	case PostTree:
		return p.Post != nil
	}
	return false
}

// Registry is an ordered set of analyzers with unique names.
type Registry struct {
	list []*Analyzer
}

// NewRegistry checks the analyzers (unique names, known rule IDs, a Run
// function) and returns a registry that runs them in name order.
func NewRegistry(as ...*Analyzer) (*Registry, error) {
	seen := map[string]bool{}
	for _, a := range as {
		if a == nil || a.Name == "" || a.Run == nil {
			return nil, fmt.Errorf("register analyzer: name and Run are required")
		}
		if seen[a.Name] {
			return nil, fmt.Errorf("register analyzer %s: duplicate name", a.Name)
		}
		seen[a.Name] = true
		for _, r := range a.Rules {
			if _, ok := finding.LookupRule(r); !ok {
				return nil, fmt.Errorf("register analyzer %s: unknown rule %q", a.Name, r)
			}
		}
	}
	list := append([]*Analyzer(nil), as...)
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return &Registry{list: list}, nil
}

// Analyzers returns the registered analyzers in run order.
func (r *Registry) Analyzers() []*Analyzer { return append([]*Analyzer(nil), r.list...) }

// Skipped says why an analyzer did not run on a pass.
type Skipped struct {
	Analyzer string
	Reason   string
}

// Run runs every analyzer whose inputs the pass provides. An analyzer that
// fails or reports a rule it did not declare produces an input-source
// finding rather than stopping the others; a panic in an analyzer is
// recovered and reported the same way.
func (r *Registry) Run(base Pass) ([]finding.Finding, []Skipped) {
	var out []finding.Finding
	var skipped []Skipped
	for _, a := range r.list {
		missing := ""
		for _, in := range a.Requires {
			if !base.Has(in) {
				missing = in.String()
				break
			}
		}
		if missing != "" {
			skipped = append(skipped, Skipped{a.Name, "needs the " + missing})
			continue
		}
		pass := base
		pass.Analyzer = a
		fs, err := runOne(a, &pass)
		if err != nil {
			out = append(out, finding.Finding{
				Rule: finding.RuleInputSource, Severity: finding.Error, Status: finding.StatusNew,
				Message: fmt.Sprintf("analyzer %s failed: %v", a.Name, err),
			})
			continue
		}
		for _, f := range fs {
			if !declares(a, f.Rule) {
				out = append(out, finding.Finding{
					Rule: finding.RuleInputSource, Severity: finding.Error, Status: finding.StatusNew,
					Message: fmt.Sprintf("analyzer %s reported undeclared rule %q", a.Name, f.Rule),
				})
				continue
			}
			out = append(out, f)
		}
	}
	return out, skipped
}

func runOne(a *Analyzer, p *Pass) (fs []finding.Finding, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return a.Run(p)
}

func declares(a *Analyzer, rule string) bool {
	for _, r := range a.Rules {
		if r == rule {
			return true
		}
	}
	return false
}
