package notrace

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Sink kinds, as the JSON "sink" field spells them.
const (
	SinkTracepoint  = "tracepoint"
	SinkRingBuffer  = "ring-buffer"
	SinkFtrace      = "ftrace"
	SinkFtraceMaybe = "ftrace-maybe"
	SinkHook        = "hook"
	SinkIndirect    = "indirect"
	SinkUnknown     = "unknown"
)

// trusted functions are audited recursion-safe boundaries (spec E5): the
// walk does not descend into them and reports nothing. likely()/unlikely()
// are here because the branch profiler is not modelled.
var trusted = map[string]bool{
	"preempt_schedule_notrace": true, "__preempt_schedule_notrace": true,
	"dynamic_preempt_schedule_notrace": true, "rcu_is_watching": true,
	"ftrace_test_recursion_trylock": true, "ftrace_test_recursion_unlock": true,
	"likely": true, "unlikely": true, "likely_notrace": true, "unlikely_notrace": true,
}

// bugPath: WARN/BUG reports: they print only when the kernel is
// already broken, so they are not followed (spec S7 lists this).
func bugPath(name string) bool {
	return kernelnames.WarnBug[name] || kernelnames.LockdepWarn[name] || name == "panic"
}

// hooks are debug hooks (spec E4): reaching one is a finding of its own
// kind and the walk stops there.
var hooks = map[string]string{
	"trace_hardirqs_on": "irqflags tracing", "trace_hardirqs_off": "irqflags tracing",
	"trace_hardirqs_on_prepare": "irqflags tracing", "trace_hardirqs_off_finish": "irqflags tracing",
	"preempt_count_add": "preempt tracing", "preempt_count_sub": "preempt tracing",
	"lock_acquire": "lockdep", "lock_release": "lockdep", "lock_acquired": "lockdep",
	"lock_contended": "lockdep", "lock_sync": "lockdep", "lockdep_hardirqs_on": "lockdep",
	"lockdep_hardirqs_off": "lockdep", "lockdep_hardirqs_on_prepare": "lockdep",
	"__might_sleep": "might_sleep", "__might_resched": "might_sleep", "__might_fault": "might_sleep",
	"_printk": "printk", "printk": "printk", "vprintk": "printk", "vprintk_emit": "printk",
	"_printk_deferred": "printk", "__warn_printk": "printk",
	"schedule": "may schedule", "__schedule": "may schedule", "preempt_schedule": "may schedule",
	"__preempt_schedule": "may schedule", "dynamic_preempt_schedule": "may schedule",
	"preempt_schedule_thunk": "may schedule", "preempt_schedule_irq": "may schedule",
}

// node is one visited function, macro or sink in the breadth-first walk.
type node struct {
	t        index.Target
	parent   int // index in walk.nodes, -1 for the root
	callLine int // line of the call in the parent's file
	callFile string
	conds    []string
	depth    int
	fdepth   int  // functions on the path (inclusive)
	traced   bool // an ftrace-able function is on the path (inclusive)
	why      string
}

// Sink is one instrumented thing a root reaches, with the shortest chain.
type Sink struct {
	Kind  string
	Name  string // event, function or hook name
	Chain []finding.Hop
	Conds []string
	// First is the root's call that starts the chain (line in the root's file).
	FirstLine int
	Detail    string
	// Via is the index in Chain of the first instrumented hop: the first
	// ftrace-able function on the path, else the sink itself. Findings of
	// one root are grouped by it.
	Via int
}

// Key identifies a sink across trees.
func (s Sink) Key() string { return s.Kind + ":" + s.Name }

// Walker walks call graphs of one index.
type Walker struct {
	Ix       *index.Index
	Config   *kconfig.Config // nil: any configuration
	MaxNodes int             // 0: 50000
	// MaxFuncDepth bounds how many function bodies deep the walk goes
	// (0: DefaultFuncDepth). Deeper paths exist in a kernel-wide call
	// graph but mostly run through error and allocation paths.
	MaxFuncDepth int
	// Workers is how many goroutines resolve a level of the walk (0:
	// GOMAXPROCS); the walk's result does not depend on it.
	Workers int
	// OnSink, when set, is called when the walk finds its first sink.
	OnSink func()
	// bufs, when set, keeps walks' buffers for the next walk (*walkBufs):
	// each page of a new buffer faults on first use, and a root's
	// named-configuration walks follow its own.
	bufs *sync.Pool
}

// walkBufs are the buffers of one walk.
type walkBufs struct {
	nodes          []node
	queue          []walkItem
	seen, sinkSeen map[string]bool
}

// DefaultFuncDepth is the default bound on function bodies per chain.
const DefaultFuncDepth = 7

// Walk returns the sinks reachable from a root (a function or macro
// definition in file), shortest chain first per sink.
func (w *Walker) Walk(file *index.FileFacts, calls []index.Call, rootConds []string) []Sink {
	max := w.MaxNodes
	if max == 0 {
		max = 50000
	}
	maxF := w.MaxFuncDepth
	if maxF == 0 {
		maxF = DefaultFuncDepth
	}
	var b *walkBufs
	if w.bufs != nil {
		b, _ = w.bufs.Get().(*walkBufs)
	}
	if b == nil {
		b = &walkBufs{seen: map[string]bool{}, sinkSeen: map[string]bool{}}
	}
	nodes, queue, seen, sinkSeen := b.nodes[:0], b.queue[:0], b.seen, b.sinkSeen
	defer func() {
		if w.bufs != nil {
			clear(seen)
			clear(sinkSeen)
			b.nodes, b.queue = nodes[:0], queue[:0]
			w.bufs.Put(b)
		}
	}()
	var sinks []Sink
	// every chain carries the root's own conditions: its file is built
	// and its #if holds
	rootConds = w.Ix.DefConds(file.Path, rootConds)
	if !w.possible(rootConds) {
		return nil
	}
	for _, c := range calls {
		queue = append(queue, walkItem{file.Path, file, c, -1})
	}
	// The queue is taken a level at a time (the items a level's nodes
	// added): the level's calls are resolved and their chains' conditions
	// solved in parallel (resolveLevel), then taken in queue order exactly
	// as one at a time would take them, so the nodes, the chains and the
	// sinks are the same.
	for start := 0; start < len(queue) && len(nodes) < max; {
		end := len(queue)
		level := w.resolveLevel(queue[start:end], nodes, rootConds, seen)
		for qi := start; qi < end && len(nodes) < max; qi++ {
			it, res := queue[qi], &level[qi-start]
			depth, fdepth, traced := 1, 0, false
			if it.parent >= 0 {
				p := nodes[it.parent]
				depth, fdepth, traced = p.depth+1, p.fdepth, p.traced
			}
			for ti, t := range res.targets {
				// a target already reached was reached by a chain that can
				// hold; whether this one can does not matter
				key := res.keys[ti]
				if seen[key] {
					continue
				}
				conds := res.conds[ti]
				switch res.state[ti] {
				case targetImpossible:
					continue
				case targetUnsolved:
					if !w.possible(conds) {
						continue
					}
				}
				seen[key] = true
				n := node{t: t, parent: it.parent, callLine: int(it.call.Line), callFile: it.from,
					conds: conds, depth: depth, fdepth: fdepth, traced: traced}
				if t.Kind == index.TargetFunc {
					n.fdepth++
				}
				nodes = append(nodes, n)
				ni := len(nodes) - 1
				kind, name, detail, descend := w.classify(&nodes[ni])
				if kind != "" && !sinkSeen[kind+":"+name] {
					report := true
					switch kind {
					case SinkFtrace, SinkFtraceMaybe, SinkIndirect:
						report = !traced
					case SinkUnknown:
						report = depth == 1 && !traced
					}
					if report {
						sinkSeen[kind+":"+name] = true
						sinks = append(sinks, w.sink(nodes, ni, kind, name, detail))
						if len(sinks) == 1 && w.OnSink != nil {
							w.OnSink()
						}
					}
				}
				if !descend || nodes[ni].fdepth >= maxF {
					continue
				}
				var next []index.Call
				var facts *index.FileFacts
				switch t.Kind {
				case index.TargetFunc:
					next, facts = t.Func.Calls, t.Facts
				case index.TargetMacro, index.TargetGuard:
					next, facts = t.Calls, t.Facts
				}
				for _, c := range next {
					queue = append(queue, walkItem{facts.Path, facts, c, ni})
				}
			}
		}
		start = end
	}
	return sinks
}

// walkItem is a call the walk is to follow.
type walkItem struct {
	from   string // file the call is in
	facts  *index.FileFacts
	call   index.Call
	parent int // node whose body makes the call, -1 for the root
}

// resolved is what one call of a level resolves to: its targets, their
// node keys, the conditions of the chain through each, and whether those
// can hold.
type resolved struct {
	targets []index.Target
	keys    []string
	conds   [][]string
	state   []targetState
}

type targetState uint8

const (
	targetUnsolved   targetState = iota // not solved: the walk asks itself
	targetPossible                      // the chain's conditions can hold
	targetImpossible                    // they cannot
)

// resolveLevel resolves the calls of one level and solves their chains'
// conditions, several calls at once (the index and its Kconfig model are
// safe for concurrent use); the goroutines take the calls in order, one
// at a time (calls differ widely in cost). It only reads nodes and seen.
// A target seen before the level is not solved, nor one that an earlier
// call of the level reached by a chain that can hold (the walk will have
// seen it by then); what it does not solve the walk solves itself.
func (w *Walker) resolveLevel(items []walkItem, nodes []node, rootConds []string, seen map[string]bool) []resolved {
	out := make([]resolved, len(items))
	var mu sync.Mutex
	reached := map[string]int{} // key -> first call of the level reaching it by a chain that can hold
	earlier := func(key string, i int) bool {
		mu.Lock()
		defer mu.Unlock()
		r, ok := reached[key]
		return ok && r < i
	}
	reach := func(key string, i int) {
		mu.Lock()
		if r, ok := reached[key]; !ok || i < r {
			reached[key] = i
		}
		mu.Unlock()
	}
	do := func(i int) {
		it := items[i]
		pconds := rootConds
		if it.parent >= 0 {
			pconds = nodes[it.parent].conds
		}
		callConds := it.facts.CondSet(it.call.Cond)
		ts := w.Ix.Resolve(it.from, it.call)
		r := resolved{targets: ts, keys: make([]string, len(ts)), conds: make([][]string, len(ts)), state: make([]targetState, len(ts))}
		for ti, t := range ts {
			key := nodeKey(t)
			r.keys[ti] = key
			r.conds[ti] = appendConds2(pconds, callConds, t.Conds)
			switch {
			case seen[key] || earlier(key, i):
				// the walk skips it
			case len(r.conds[ti]) == len(pconds):
				// nothing added to a chain that holds
				r.state[ti] = targetPossible
				reach(key, i)
			case w.possible(r.conds[ti]):
				r.state[ti] = targetPossible
				reach(key, i)
			default:
				r.state[ti] = targetImpossible
			}
		}
		out[i] = r
	}
	each(len(items), w.Workers, do)
	return out
}

func nodeKey(t index.Target) string {
	switch t.Kind {
	case index.TargetFunc, index.TargetMacro, index.TargetGuard, index.TargetTracepoint:
		return strconv.Itoa(int(t.Kind)) + ":" + t.Name + ":" + t.File + ":" + strconv.Itoa(t.Line)
	}
	return strconv.Itoa(int(t.Kind)) + ":" + t.Name
}

// possible reports whether conditions can hold under the configuration
// (any configuration Kconfig allows when there is none).
func (w *Walker) possible(conds []string) bool {
	return w.Ix.Possible(conds, w.Config)
}

// classify sets the node's "why" and says whether it is a sink and whether
// the walk continues below it.
func (w *Walker) classify(n *node) (kind, name, detail string, descend bool) {
	t := n.t
	if trusted[t.Name] {
		n.why = "trusted recursion-safe boundary"
		return "", "", "", false
	}
	if bugPath(t.Name) {
		n.why = "bug report path, not followed"
		return "", "", "", false
	}
	if h, ok := hooks[t.Name]; ok && !w.compiledOutHook(t) {
		n.why = "debug hook (" + h + ")"
		return SinkHook, t.Name, h, false
	}
	switch t.Kind {
	case index.TargetTracepoint:
		n.why = fmt.Sprintf("tracepoint %s (%s:%d, %s)", t.Event, t.File, t.Line, t.Decl)
		return SinkTracepoint, t.Event, "", false
	case index.TargetTracePrintk:
		n.why = "writes the trace ring buffer"
		return SinkRingBuffer, t.Name, "", false
	case index.TargetTraceAPI:
		n.why = "tracepoint API, not instrumentation"
		return "", "", "", false
	case index.TargetIndirect:
		n.why = "indirect call: target unknown"
		return SinkIndirect, t.Name, "", false
	case index.TargetUnknown:
		n.why = "no definition found"
		if w.Ix.Partial {
			n.why = "outside the embedded facts"
		}
		return SinkUnknown, t.Name, "", false
	case index.TargetMacro:
		n.why = "macro"
		return "", "", "", true
	case index.TargetGuard:
		n.why = "guard: lock and unlock expressions"
		return "", "", "", true
	case index.TargetFunc:
		st, why := w.Ix.Ftrace(t.File, t.Func)
		n.why = why
		switch st {
		case index.Traced:
			n.traced = true
			return SinkFtrace, t.Name, why, true
		case index.TracedMaybe:
			n.traced = true
			return SinkFtraceMaybe, t.Name, why, true
		}
		return "", "", "", true
	}
	return "", "", "", false
}

// compiledOutHook reports whether t is a macro standing for a hook in the
// configurations where the hook is compiled out: preempt_count_add() is a
// macro for __preempt_count_add() unless DEBUG_PREEMPT ||
// TRACE_PREEMPT_TOGGLE, where it is the extern function. The function is
// resolved as its own alternative with its own condition, so the macro is
// walked through instead. A hook that exists only as a macro (printk(),
// x86's __preempt_schedule()) stays a hook; so does an empty macro (a stub
// with no calls is reported only if something else calls the hook).
func (w *Walker) compiledOutHook(t index.Target) bool {
	if t.Kind != index.TargetMacro {
		return false
	}
	if len(t.Calls) == 0 {
		return true
	}
	return len(w.Ix.Funcs(t.Name)) > 0
}

func (w *Walker) sink(nodes []node, ni int, kind, name, detail string) Sink {
	var chain []finding.Hop
	first := 0
	via := 0 // counted from the sink
	for i := ni; i >= 0; i = nodes[i].parent {
		n := nodes[i]
		if n.traced || i == ni {
			via = len(chain)
		}
		hop := finding.Hop{Function: n.t.Name, File: n.t.File, Line: n.t.Line, Why: n.why}
		if n.t.File == "" || n.t.Kind == index.TargetTracepoint || n.t.Kind == index.TargetTracePrintk {
			hop.File, hop.Line = n.callFile, n.callLine // where the call is
		}
		chain = append(chain, hop)
		if n.parent < 0 {
			first = n.callLine
		}
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return Sink{Kind: kind, Name: name, Chain: chain, Conds: configOnly(nodes[ni].conds), FirstLine: first, Detail: detail,
		Via: len(chain) - 1 - via}
}

// appendConds2 is appendConds(appendConds(base, a...), b...) in one
// allocation (once per call edge the walk follows).
func appendConds2(base, a, b []string) []string {
	if len(base)+len(a)+len(b) == 0 {
		return nil // as appendConds
	}
	out := make([]string, len(base), len(base)+len(a)+len(b))
	copy(out, base)
	for _, add := range [2][]string{a, b} {
		for _, c := range add {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func appendConds(base []string, add ...string) []string {
	out := append([]string(nil), base...)
outer:
	for _, a := range add {
		for _, b := range out {
			if a == b {
				continue outer
			}
		}
		out = append(out, a)
	}
	return out
}

// configOnly keeps the conditions a reader can act on, sorted. The list is
// a conjunction, so a disjunction in it is parenthesised to keep its meaning
// when the list is printed joined with "&&".
func configOnly(conds []string) []string {
	var out []string
	for _, c := range conds {
		if strings.Contains(c, "CONFIG_") || strings.Contains(c, "()") {
			out = append(out, index.ParenOr(c))
		}
	}
	sort.Strings(out)
	return out
}

// chainNames is the chain as function names, to compare trees.
func chainNames(ch []finding.Hop) string {
	var b strings.Builder
	for _, h := range ch {
		b.WriteString(h.Function)
		b.WriteByte(' ')
	}
	return b.String()
}
