// Package check is a small explicit-state model checker: it explores every
// reachable state of a transition system given as a Go value, checks safety
// properties on transitions (shortest counterexample by breadth-first search,
// or the depth-first stack as the trace), and checks liveness properties as
// "no weakly fair strongly connected component in which an obligation stays
// pending" (Tarjan's algorithm on the explored graph).
//
// It is hand-written because no Go library offers explicit-state checking
// with weak-fairness liveness over a user-defined state type; spin (the
// reference tool) generates C and is not embeddable.
package check

import (
	"errors"
	"fmt"
	"hash/maphash"
)

// Bad marks a transition that violates a safety property.
type Bad struct {
	Property string // property ID, e.g. "P1"
	Msg      string // human-readable reason
	Tag      string // optional refinement for the caller (e.g. a more specific rule)
}

// Edge is one transition out of a state. Fair is the weak-fairness class of
// the transition (1..63; 0 means the transition is not fair: it may be
// postponed forever). Tags is an opaque bit set that liveness properties use
// to recognise transitions that discharge their obligation.
type Edge[S, L any] struct {
	To    S
	Label L
	Fair  int
	Tags  uint32
	Bad   []Bad
}

// System is a transition system. Next must be deterministic: it is called
// again on trace states to recover edge labels. Key must return a canonical
// encoding (equal states, equal keys; different states, different keys),
// appended to buf.
type System[S, L any] interface {
	Initial() []S
	Next(s *S, emit func(Edge[S, L]))
	Key(s *S, buf []byte) []byte
}

// Labeler is implemented by systems whose labels are costly: Explore turns
// labels off while exploring and on while it rebuilds a trace.
type Labeler interface {
	SetLabels(on bool)
}

// Liveness is a property "every pending obligation is eventually discharged".
// Pending selects the states in which the obligation is open; Progress (may
// be nil) selects transitions that discharge it even if the target is again
// pending. A terminal state (no transitions) is treated as stuttering forever
// and counts as progress only if Progress(TagStutter) is true.
type Liveness[S any] struct {
	Property string
	Pending  func(s *S) bool
	Progress func(tags uint32) bool
	// Accept (may be nil) makes the property a Büchi condition: only
	// cycles that also take a transition with Accept(tags) count.
	Accept func(tags uint32) bool
	Msg    func(s *S) string // the reason, for the state where the cycle is entered
}

// TagStutter is passed to Liveness.Progress for the virtual self-loop of a
// terminal state.
const TagStutter uint32 = 1 << 31

// Options bounds the exploration.
type Options struct {
	MaxStates int  // 0: 1,000,000
	MaxDepth  int  // 0: unlimited
	DFS       bool // depth-first order (trace = DFS stack); default breadth-first (shortest traces)
	// MaxBytes bounds the memory of the explored graph (states, keys,
	// edges, hash table) as the checker accounts it; 0: unlimited.
	MaxBytes int64
}

// Verdict is the outcome for one property.
type Verdict int

// Verdicts.
const (
	Holds     Verdict = iota // no violation in the complete state space
	Violated                 // a counterexample was found
	NoVerdict                // a bound was reached before a violation was found
)

// String returns "holds", "violated" or "no verdict".
func (v Verdict) String() string {
	switch v {
	case Holds:
		return "holds"
	case Violated:
		return "violated"
	case NoVerdict:
		return "no verdict"
	}
	return fmt.Sprintf("verdict(%d)", int(v))
}

// Step is one transition of a counterexample, with the state it leads to.
type Step[S, L any] struct {
	Label L
	State S
}

// Violation is a counterexample: for safety, Prefix ends with the violating
// transition; for liveness, Prefix leads to a state of a fair cycle and Cycle
// repeats forever (empty with Stutter set when the system is stuck).
type Violation[S, L any] struct {
	Property string
	Msg      string
	Tag      string // Bad.Tag of a safety violation
	Init     S
	Prefix   []Step[S, L]
	Cycle    []Step[S, L]
	Stutter  bool
	// NeverEnabled are the fairness classes never enabled on the cycle
	// (the events whose absence the counterexample relies on); Taken are
	// the classes that occur on it.
	NeverEnabled uint64
	Taken        uint64
}

// Result is the outcome of Explore.
type Result[S, L any] struct {
	States     int
	Edges      int
	MaxDepth   int
	Bytes      int64  // memory of the explored graph as accounted (Options.MaxBytes)
	Complete   bool   // every reachable state was expanded
	BoundMsg   string // why not complete: "explored N states, bound B reached: no verdict"
	Verdicts   map[string]Verdict
	Violations map[string]*Violation[S, L]
}

// ErrNoInitial is returned when the system has no initial state.
var ErrNoInitial = errors.New("check: system has no initial state")

type edgeRec struct {
	to   int32
	fair int8
	tags uint32
}

// meta is what the graph records per state.
type meta struct {
	enabled uint64 // fairness classes with an enabled transition
	parent  int32  // -1 for initial states
	parentE int32  // index of the edge in the parent's Next order
	depth   int32
	first   int32 // edges of the state are edges[first:first+nedges]; -1 if not expanded
	nedges  int32
	pending uint32 // liveness properties pending in the state
}

type graph[S, L any] struct {
	sys     System[S, L]
	st      store[S]
	meta    chunked[meta]
	edges   chunked[edgeRec]
	labeler Labeler
}

// bytes is the memory the graph has allocated.
func (g *graph[S, L]) bytes() int64 { return g.st.bytes() + g.meta.bytes + g.edges.bytes }

func (g *graph[S, L]) m(id int32) *meta { return g.meta.at(int(id)) }

func (g *graph[S, L]) expanded(id int32) bool { return g.m(id).first >= 0 }

func (g *graph[S, L]) edge(i int32) edgeRec { return *g.edges.at(int(i)) }

// state returns state id (decoded from its key when the system can).
func (g *graph[S, L]) state(id int32) S { return g.st.get(id) }

// Explore checks the safety properties named in safety (transitions carrying
// a Bad with that property) and the liveness properties live on sys.
func Explore[S, L any](sys System[S, L], safety []string, live []Liveness[S], opt Options) (*Result[S, L], error) {
	if len(live) > 32 {
		return nil, fmt.Errorf("check: %d liveness properties, at most 32", len(live))
	}
	maxStates := opt.MaxStates
	if maxStates <= 0 {
		maxStates = 1_000_000
	}
	g := &graph[S, L]{sys: sys}
	g.st.seed = maphash.MakeSeed()
	if d, ok := sys.(Decoder[S]); ok {
		g.st.dec = d
	}
	if lb, ok := sys.(Labeler); ok {
		g.labeler = lb
		lb.SetLabels(false)
		defer lb.SetLabels(true)
	}
	res := &Result[S, L]{Verdicts: map[string]Verdict{}, Violations: map[string]*Violation[S, L]{}}
	want := map[string]bool{}
	for _, p := range safety {
		want[p] = true
	}
	var buf []byte
	add := func(s *S, par, pe, d int32) (int32, bool) {
		buf = sys.Key(s, buf[:0])
		if id, _ := g.st.lookup(buf); id >= 0 {
			return id, false
		}
		id := g.st.insert(s, buf)
		var pend uint32
		for i, l := range live {
			if l.Pending(s) {
				pend |= 1 << i
			}
		}
		g.meta.add(meta{parent: par, parentE: pe, depth: d, first: -1, pending: pend})
		return id, true
	}
	inits := sys.Initial()
	if len(inits) == 0 {
		return nil, ErrNoInitial
	}
	work := []int32{}
	for i := range inits {
		if id, isNew := add(&inits[i], -1, -1, 0); isNew {
			work = append(work, id)
		}
	}
	truncated, byBytes := false, false
	// The state being expanded (s), a copy of an edge's target (to) and
	// the callback that records an edge are made once, not once per
	// state or edge: the System's methods take their addresses, so each
	// lives on the heap.
	var (
		s, to   S
		cur     int32 // the state being expanded, at depth d
		d       int32
		k       int32 // edges of cur so far
		enabled uint64
	)
	emit := func(e Edge[S, L]) {
		to = e.To
		id, isNew := add(&to, cur, k, d+1)
		if e.Fair < 0 || e.Fair > 63 {
			e.Fair = 0
		}
		g.edges.add(edgeRec{to: id, fair: int8(e.Fair), tags: e.Tags})
		if e.Fair > 0 {
			enabled |= 1 << uint(e.Fair)
		}
		for _, b := range e.Bad {
			if want[b.Property] && res.Violations[b.Property] == nil {
				v := &Violation[S, L]{Property: b.Property, Msg: b.Msg, Tag: b.Tag}
				v.Init, v.Prefix = g.path(cur)
				v.Prefix = append(v.Prefix, g.edgeLabel(cur, k))
				res.Violations[b.Property] = v
			}
		}
		if isNew {
			work = append(work, id)
		}
		k++
	}
	for len(work) > 0 {
		if opt.DFS {
			cur = work[len(work)-1]
			work = work[:len(work)-1]
		} else {
			cur = work[0]
			work = work[1:]
		}
		d = g.m(cur).depth
		if int(d) > res.MaxDepth {
			res.MaxDepth = int(d)
		}
		if opt.MaxDepth > 0 && int(d) >= opt.MaxDepth {
			truncated = true
			continue
		}
		if g.st.len() >= maxStates {
			truncated = true
			break
		}
		if opt.MaxBytes > 0 && g.bytes() > opt.MaxBytes {
			truncated, byBytes = true, true
			break
		}
		g.m(cur).first = int32(g.edges.len())
		k, enabled = 0, 0
		g.st.load(cur, &s)
		sys.Next(&s, emit)
		mc := g.m(cur)
		mc.nedges, mc.enabled = k, enabled
	}
	res.States = g.st.len()
	res.Edges = g.edges.len()
	res.Bytes = g.bytes()
	res.Complete = !truncated
	if truncated {
		bound := fmt.Sprintf("states %d", maxStates)
		switch {
		case byBytes:
			bound = fmt.Sprintf("memory %d MiB", opt.MaxBytes>>20)
		case g.st.len() < maxStates:
			bound = fmt.Sprintf("depth %d", opt.MaxDepth)
		}
		res.BoundMsg = fmt.Sprintf("explored %d states, bound %s reached: no verdict", g.st.len(), bound)
	}
	for _, p := range safety {
		res.Verdicts[p] = g.verdict(res, p)
	}
	lv := newLivenessScratch(g.st.len())
	for i, l := range live {
		if v := g.liveness(i, l, lv); v != nil {
			res.Violations[l.Property] = v
		}
		res.Verdicts[l.Property] = g.verdict(res, l.Property)
	}
	return res, nil
}

func (g *graph[S, L]) verdict(res *Result[S, L], p string) Verdict {
	switch {
	case res.Violations[p] != nil:
		return Violated
	case !res.Complete:
		return NoVerdict
	}
	return Holds
}

// edgeLabel recovers the label and target of the k-th edge of state id.
func (g *graph[S, L]) edgeLabel(id, k int32) Step[S, L] {
	if g.labeler != nil {
		g.labeler.SetLabels(true)
		defer g.labeler.SetLabels(false)
	}
	var out Step[S, L]
	i := int32(0)
	s := g.state(id)
	g.sys.Next(&s, func(e Edge[S, L]) {
		if i == k {
			out = Step[S, L]{Label: e.Label, State: e.To}
		}
		i++
	})
	return out
}

// path returns the initial state and the steps from it to state id.
func (g *graph[S, L]) path(id int32) (S, []Step[S, L]) {
	var rev []int32
	for x := id; g.m(x).parent >= 0; x = g.m(x).parent {
		rev = append(rev, x)
	}
	root := id
	for g.m(root).parent >= 0 {
		root = g.m(root).parent
	}
	steps := make([]Step[S, L], 0, len(rev))
	for i := len(rev) - 1; i >= 0; i-- {
		x := rev[i]
		steps = append(steps, g.edgeLabel(g.m(x).parent, g.m(x).parentE))
	}
	return g.state(root), steps
}
