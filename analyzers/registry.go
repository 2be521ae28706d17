package analyzers

import (
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"sort"

	"github.com/rcureview/rcureview/finding"
)

// ErrNotApplicable is wrapped by a Run that has nothing to do on a pass (no
// kernel facts at all, a patch that did not apply onto the tree given):
// the analyzers that require it are skipped without a finding or a note.
var ErrNotApplicable = errors.New("not applicable to this pass")

// Registry is an ordered set of analyzers with unique names.
type Registry struct {
	list []*Analyzer
}

// NewRegistry checks the analyzers and what they require (unique names,
// known rule IDs, a Run function, no cycles) and returns a registry that
// runs them in name order.
func NewRegistry(as ...*Analyzer) (*Registry, error) {
	names := map[string]*Analyzer{}
	state := map[*Analyzer]int{} // 1: being checked, 2: done
	var check func(a *Analyzer) error
	check = func(a *Analyzer) error {
		if a == nil || a.Name == "" || a.Run == nil {
			return fmt.Errorf("register analyzer: name and Run are required")
		}
		switch state[a] {
		case 1:
			return fmt.Errorf("register analyzer %s: it requires itself", a.Name)
		case 2:
			return nil
		}
		if other, ok := names[a.Name]; ok && other != a {
			return fmt.Errorf("register analyzer %s: duplicate name", a.Name)
		}
		names[a.Name] = a
		for _, r := range a.Rules {
			if _, ok := finding.LookupRule(r); !ok {
				return fmt.Errorf("register analyzer %s: unknown rule %q", a.Name, r)
			}
		}
		state[a] = 1
		for _, req := range a.Requires {
			if err := check(req); err != nil {
				return err
			}
		}
		state[a] = 2
		return nil
	}
	seen := map[*Analyzer]bool{}
	for _, a := range as {
		if a != nil && seen[a] {
			return nil, fmt.Errorf("register analyzer %s: duplicate name", a.Name)
		}
		seen[a] = true
		if err := check(a); err != nil {
			return nil, err
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

// Run runs every registered analyzer on the pass, after what each
// requires (computed once for the pass and shared), and returns their
// findings: each analyzer's in order, its own sorted, with the status the
// driver gives them (see Diagnostic) and without the pre-existing ones
// unless the pass audits the whole tree. An analyzer that fails or
// reports a rule it did not declare produces an input-source finding
// rather than stopping the others; a panic in an analyzer is recovered
// and reported the same way. Analyzers whose requirements failed are
// listed as skipped.
func (r *Registry) Run(base Pass) ([]finding.Finding, []Skipped) {
	s := &run{base: base, done: map[*Analyzer]*outcome{}, failed: map[*Analyzer]bool{}}
	ahead := s.runAhead(r.list)
	outs := make([]*outcome, len(r.list))
	if ahead != nil {
		// the others run now, while those run ahead; what they report
		// (failures) is kept for its place in the order below
		s.pending = map[int][]failEvent{}
		for i, a := range r.list {
			if _, ok := ahead[a]; !ok {
				s.cur = i
				outs[i] = s.exec(a)
			}
		}
		s.deferred = true
	}
	var skipped []Skipped
	for i, a := range r.list {
		for _, ev := range s.pending[i] {
			s.fail(ev.a, ev.err)
		}
		if ch, ok := ahead[a]; ok {
			s.done[a] = <-ch
		}
		o := outs[i]
		if o == nil {
			o = s.exec(a)
		}
		switch {
		case o.err != nil:
			s.fail(a, o.err)
		case o.skip != "":
			skipped = append(skipped, Skipped{a.Name, o.skip})
		case !o.ran:
			// a requirement did not apply: nothing to say
		default:
			s.out = append(s.out, s.settle(a, o)...)
		}
	}
	return s.out, skipped
}

// run is the state of one Registry.Run: the per-pass cache of outcomes.
type run struct {
	base   Pass
	done   map[*Analyzer]*outcome
	failed map[*Analyzer]bool
	out    []finding.Finding
	// while analyzers run ahead (pending != nil and not deferred yet),
	// failures are kept by the index of the analyzer being run
	pending  map[int][]failEvent
	deferred bool
	cur      int
}

// failEvent is a failure reported while analyzers ran ahead.
type failEvent struct {
	a   *Analyzer
	err error
}

// outcome is what running one analyzer on the pass gave.
type outcome struct {
	ran     bool
	result  any
	err     error // failed (not ErrNotApplicable)
	skip    string
	diags   []Diagnostic
	results map[*Analyzer]any // what it required
}

// runAhead starts, each in its own goroutine, the analyzers that require
// nothing but the indexes (which are safe for concurrent use), once the
// indexes are built: they run while the others (the effect summaries
// and what needs them, which are not) run in order. Run takes their
// outcomes in its own order, so the findings are the same.
func (s *run) runAhead(list []*Analyzer) map[*Analyzer]chan *outcome {
	required := map[*Analyzer]bool{}
	for _, a := range list {
		for _, r := range a.Requires {
			required[r] = true
		}
	}
	var early []*Analyzer
	for _, a := range list {
		// (one another analyzer requires runs when that one asks)
		if len(a.Requires) == 1 && a.Requires[0] == Indexes && !required[a] {
			early = append(early, a)
		}
	}
	if len(early) == 0 {
		return nil
	}
	io := s.exec(Indexes)
	if io.err != nil || io.skip != "" || !io.ran {
		return nil // exec reports it, in order
	}
	ahead := map[*Analyzer]chan *outcome{}
	for _, a := range early {
		ch := make(chan *outcome, 1)
		ahead[a] = ch
		go func() {
			o := &outcome{results: map[*Analyzer]any{Indexes: io.result}}
			s.runPass(a, o)
			ch <- o
		}()
	}
	// let them start now rather than at the next preemption (10 ms of the
	// analyzers run in order otherwise pass first): a long walk that runs
	// ahead is usually the one the pass waits for
	runtime.Gosched()
	return ahead
}

// exec runs a (once per pass) after its requirements.
func (s *run) exec(a *Analyzer) *outcome {
	if o, ok := s.done[a]; ok {
		return o
	}
	o := &outcome{results: map[*Analyzer]any{}}
	s.done[a] = o
	for _, req := range a.Requires {
		ro := s.exec(req)
		switch {
		case ro.err != nil:
			s.fail(req, ro.err)
			o.skip = "needs " + req.Name + ", which failed"
			return o
		case ro.skip != "":
			o.skip = ro.skip
			return o
		case !ro.ran:
			return o
		}
		o.results[req] = ro.result
	}
	s.runPass(a, o)
	return o
}

// runPass runs a with the results of its requirements in o and records
// the outcome in o; it reads nothing else of s but the base pass.
func (s *run) runPass(a *Analyzer, o *outcome) {
	pass := s.base
	pass.Analyzer, pass.ResultOf, pass.Baseline = a, o.results, nil
	pass.Report = func(d Diagnostic) { o.diags = append(o.diags, d) }
	res, err := runOne(a, &pass)
	if errors.Is(err, ErrNotApplicable) {
		return
	}
	if err == nil && a.ResultType != nil && res != nil && reflect.TypeOf(res) != a.ResultType {
		err = fmt.Errorf("returned a %T, want %v", res, a.ResultType)
	}
	o.ran, o.result, o.err = err == nil, res, err
}

// fail reports an analyzer's failure once per pass.
func (s *run) fail(a *Analyzer, err error) {
	if s.pending != nil && !s.deferred {
		s.pending[s.cur] = append(s.pending[s.cur], failEvent{a, err})
		return
	}
	if s.failed[a] {
		return
	}
	s.failed[a] = true
	s.out = append(s.out, inputSource(fmt.Sprintf("analyzer %s failed: %v", a.Name, err)))
}

func inputSource(msg string) finding.Finding {
	return finding.Finding{Rule: finding.RuleInputSource, Severity: finding.Error, Status: finding.StatusNew, Message: msg}
}

func runOne(a *Analyzer, p *Pass) (res any, err error) {
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
