package rcueffects

import (
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcumodel"
)

// TraceGuard is the tracepoint implementation read from the code.
type TraceGuard struct {
	Tracepoint rcumodel.Tracepoint
	// Loc is the line of the first guard primitive (or of the probe call
	// when there is no guard).
	Loc Loc
	// Found is false when no macro calling __DO_TRACE_CALL() was read.
	Found bool
}

// TracepointGuard derives what the tracepoint implementation takes around
// the probe calls: the lock-side primitives called before
// __DO_TRACE_CALL() (or taken by a guard()/scoped_guard() around it) and
// the release-side ones after it, for a trace_NAME() call site (the
// rcuidle branches of 6.12's __DO_TRACE() are not taken). Each primitive's
// effects come from its summary, so a patch that puts another guard there
// (rcu_read_lock_notrace(), SRCU-fast, nothing) changes the model's probe
// frame.
func (z *Summarizer) TracepointGuard() TraceGuard {
	var g TraceGuard
	for _, name := range kernelnames.TracepointMacros {
		d, ok := z.pick(name)
		if !ok || !Has(d.toks, kernelnames.TracepointCall) {
			continue
		}
		g.Found = true
		tp := rcumodel.Tracepoint{Name: "derived"}
		after := false
		var scoped []rcumodel.Effects // releases of guard()s, at scope end
		eachGuarded(ParseBody(d.toks), nil, func(toks []Token, guards [][]Token) {
			if anyGuard(guards, "rcuidle") {
				return
			}
			for _, c := range Calls(toks) {
				loc := Loc{d.loc.File, c.Line, name}
				switch {
				case c.Name == kernelnames.TracepointCall:
					after = true
					if g.Loc.Line == 0 {
						g.Loc = loc
					}
				case c.Name == "guard" || c.Name == "scoped_guard":
					if after || len(c.Args) == 0 || len(c.Args[0]) == 0 {
						continue
					}
					lock, unlock, ok := z.guardClass(c.Args[0][0].Text)
					if !ok {
						continue
					}
					tp.Enter = append(tp.Enter, lock)
					scoped = append([]rcumodel.Effects{unlock}, scoped...)
					g.Loc = loc
				default:
					e, ok := z.guardEffects(c.Name)
					if !ok {
						continue
					}
					if !after && isAcquire(e) {
						tp.Enter = append(tp.Enter, e)
						if len(tp.Enter) == 1 {
							g.Loc = loc
						}
					} else if after && isRelease(e) {
						tp.Exit = append(tp.Exit, e)
					}
				}
			}
		})
		tp.Exit = append(tp.Exit, scoped...)
		for _, e := range append(append([]rcumodel.Effects(nil), tp.Enter...), tp.Exit...) {
			if e.Counter == rcumodel.CounterSRCU {
				tp.SRCUDomain = rcumodel.TracepointSRCU
			}
		}
		g.Tracepoint = tp
		return g
	}
	return g
}

// guardEffects returns the effects of a primitive called in the tracepoint
// implementation: its summary in the tree, else the model's default.
func (z *Summarizer) guardEffects(name string) (rcumodel.Effects, bool) {
	if d, ok := kernelnames.DisablePrims[name]; ok {
		return rcumodel.Effects{Name: name, Preempt: d.Preempt, BH: d.BH, IRQ: d.IRQ, NMISafe: true}, true
	}
	if s, ok := z.Summary(name); ok && (s.IsReadSide() || s.Effects.Preempt != 0 || s.Effects.BH != 0 || s.Effects.IRQ != 0) {
		e := s.Effects
		e.Name = name
		return e, true
	}
	if e, ok := rcumodel.Primitives[name]; ok {
		e.Name = name
		return e, true
	}
	return rcumodel.Effects{}, false
}

// guardClass resolves a guard class (guard(preempt_notrace)(),
// guard(srcu_fast_notrace)(&ssp), guard(rcu)()) to its lock and unlock
// primitives by the kernel's naming of DEFINE_LOCK_GUARD_*() classes:
// preempt_notrace -> preempt_disable_notrace()/preempt_enable_notrace(),
// srcu_fast_notrace -> srcu_read_lock_fast_notrace()/..._unlock_..., rcu ->
// rcu_read_lock()/rcu_read_unlock(), irq -> local_irq_disable()/....
func (z *Summarizer) guardClass(class string) (lock, unlock rcumodel.Effects, ok bool) {
	head, rest, _ := strings.Cut(class, "_")
	if rest != "" {
		rest = "_" + rest
	}
	for _, p := range [][2]string{{"_read_lock", "_read_unlock"}, {"_disable", "_enable"}, {"_lock", "_unlock"}} {
		for _, pre := range []string{"", "local_"} {
			l, u := pre+head+p[0]+rest, pre+head+p[1]+rest
			le, lok := z.guardEffects(l)
			ue, uok := z.guardEffects(u)
			if lok && uok && isAcquire(le) && isRelease(ue) {
				return le, ue, true
			}
		}
	}
	return lock, unlock, false
}

func isAcquire(e rcumodel.Effects) bool {
	return e.Delta > 0 || e.Preempt > 0 || e.BH > 0 || e.IRQ > 0
}

func isRelease(e rcumodel.Effects) bool {
	return e.Delta < 0 || e.Preempt < 0 || e.BH < 0 || e.IRQ < 0
}

// SameTracepoint reports whether two tracepoint implementations take the
// same guards.
func SameTracepoint(a, b rcumodel.Tracepoint) bool {
	if len(a.Enter) != len(b.Enter) || len(a.Exit) != len(b.Exit) {
		return false
	}
	for i := range a.Enter {
		if a.Enter[i] != b.Enter[i] {
			return false
		}
	}
	for i := range a.Exit {
		if a.Exit[i] != b.Exit[i] {
			return false
		}
	}
	return true
}
