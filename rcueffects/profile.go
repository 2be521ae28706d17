package rcueffects

import (
	"github.com/rcureview/rcureview/rcumodel"
)

// The deferred-quiescent-state machinery of kernel/rcu/tree_plugin.h and
// the functions whose code decides each rcumodel.Profile flag.
const (
	FnUnlockSpecial = "rcu_read_unlock_special"
	FnIrqrestore    = "rcu_preempt_deferred_qs_irqrestore"
	FnHandler       = "rcu_preempt_deferred_qs_handler"
	FnDeferredInit  = "rcu_preempt_deferred_qs_init"
)

// MachineryFuncs are the functions Machinery reads.
var MachineryFuncs = []string{FnUnlockSpecial, FnIrqrestore, FnHandler, FnDeferredInit}

// Evidence keys of a Machinery (one per rcumodel.Profile flag).
const (
	EvDeferTristate  = "defer-tristate"   // where the pending state is cleared on report (or where the handler clears it)
	EvHandlerReset   = "handler-resets"   // the handler's reset inside a reader
	EvReinit         = "reinit-per-queue" // init_irq_work() in rcu_read_unlock_special()
	EvSoftirqGuarded = "softirq-guarded"  // raise_softirq_irqoff() and its guard
	EvWakeups        = "irq-work"         // irq_work_queue_on() in rcu_read_unlock_special()
)

// Machinery is the deferred-QS implementation read from the code, mapped
// to the model's profile parameters.
type Machinery struct {
	Profile rcumodel.Profile
	// Evidence locates, per Ev* key, the line that decides the flag.
	Evidence map[string]Loc
	// Found is false when rcu_read_unlock_special() could not be read.
	Found bool
}

// pendingFields are the names of the deferred-QS pending state (v6.12.0
// bool defer_qs_iw_pending; the later tristate defer_qs_pending).
var pendingFields = []string{"defer_qs_pending", "defer_qs_iw_pending"}

// Machinery derives the profile of the deferred-QS machinery:
//
//   - DeferTristate: rcu_preempt_deferred_qs_irqrestore() clears the
//     pending state when it reports, and the irq_work handler does not
//     clear it unconditionally;
//   - HandlerResetsInReader: the handler clears it under a condition on
//     rcu_preempt_depth();
//   - ReinitPerQueue: rcu_read_unlock_special() (re)initialises the
//     irq_work (init_irq_work(), IRQ_WORK_INIT*());
//   - SoftirqGuarded: its raise_softirq_irqoff() is guarded by a test of
//     the pending state;
//   - WakeupsWithIRQsOff: it has no irq_work_queue_on() path.
//
// The profile is named after the embedded profile with the same flags, or
// "derived" when none matches.
func (z *Summarizer) Machinery() Machinery {
	m := Machinery{Evidence: map[string]Loc{}}
	us, ok := z.pick(FnUnlockSpecial)
	if !ok {
		return m
	}
	m.Found = true
	p := &m.Profile
	queues := false
	// IRQWorkHard: no init_irq_work()/IRQ_WORK_INIT() (which make the work
	// run in the irq_work/N kthread on PREEMPT_RT) where the deferred-QS
	// irq_work is initialised: rcu_read_unlock_special() or
	// rcu_preempt_deferred_qs_init().
	softInit := false
	if in, ok := z.pick(FnDeferredInit); ok {
		for _, c := range Calls(in.toks) {
			if c.Name == "init_irq_work" || c.Name == "IRQ_WORK_INIT" || c.Name == "IRQ_WORK_INIT_LAZY" {
				softInit = true
			}
		}
	}
	eachGuarded(ParseBody(us.toks), nil, func(toks []Token, guards [][]Token) {
		for _, c := range Calls(toks) {
			loc := Loc{us.loc.File, c.Line, us.loc.Func}
			switch c.Name {
			case "init_irq_work", "IRQ_WORK_INIT_HARD", "IRQ_WORK_INIT", "IRQ_WORK_INIT_LAZY":
				p.ReinitPerQueue = true
				m.Evidence[EvReinit] = loc
				if c.Name != "IRQ_WORK_INIT_HARD" {
					softInit = true
				}
			case "irq_work_queue_on", "irq_work_queue":
				queues = true
				m.Evidence[EvWakeups] = loc
			case "raise_softirq_irqoff", "raise_softirq":
				if anyGuard(guards, pendingFields...) {
					p.SoftirqGuarded = true
				}
				m.Evidence[EvSoftirqGuarded] = loc
			}
		}
	})
	p.WakeupsWithIRQsOff = !queues
	clearsOnReport := false
	if ir, ok := z.pick(FnIrqrestore); ok {
		eachGuarded(ParseBody(ir.toks), nil, func(toks []Token, guards [][]Token) {
			if line, ok := clearsPending(toks); ok {
				clearsOnReport = true
				m.Evidence[EvDeferTristate] = Loc{ir.loc.File, line, ir.loc.Func}
			}
		})
	}
	handlerAlways := false
	if h, ok := z.pick(FnHandler); ok {
		eachGuarded(ParseBody(h.toks), nil, func(toks []Token, guards [][]Token) {
			line, ok := clearsPending(toks)
			if !ok {
				return
			}
			loc := Loc{h.loc.File, line, h.loc.Func}
			switch {
			case len(guards) == 0:
				handlerAlways = true
				m.Evidence[EvDeferTristate] = loc
				m.Evidence[EvHandlerReset] = loc
			case anyGuard(guards, "rcu_preempt_depth"):
				p.HandlerResetsInReader = true
				m.Evidence[EvHandlerReset] = loc
			}
		})
	}
	p.IRQWorkHard = !softInit && !p.WakeupsWithIRQsOff
	p.DeferTristate = clearsOnReport && !handlerAlways
	if handlerAlways {
		p.HandlerResetsInReader = false
	}
	p.Name = "derived"
	for _, q := range rcumodel.Profiles {
		n := q.Name
		q.Name = p.Name
		if q == *p {
			p.Name = n
			break
		}
	}
	return m
}

// SameProfile reports whether two profiles have the same flags.
func SameProfile(a, b rcumodel.Profile) bool {
	a.Name, b.Name = "", ""
	return a == b
}

// eachGuarded calls fn for every simple statement (and return) with the
// conditions of the if statements around it (a condition of an else branch
// is recorded with a leading "!").
func eachGuarded(stmts []*Stmt, guards [][]Token, fn func(toks []Token, guards [][]Token)) {
	for _, st := range stmts {
		walkGuarded(st, guards, fn)
	}
}

func walkGuarded(st *Stmt, guards [][]Token, fn func([]Token, [][]Token)) {
	if st == nil {
		return
	}
	switch st.Kind {
	case Simple, Return:
		fn(st.Toks, guards)
	case If:
		fn(st.Toks, guards) // calls in the condition itself
		g := append(append([][]Token(nil), guards...), st.Toks)
		walkGuarded(st.Then, g, fn)
		neg := append([]Token{{Kind: Punct, Text: "!"}}, st.Toks...)
		walkGuarded(st.Else, append(append([][]Token(nil), guards...), neg), fn)
	case Loop:
		g := guards
		if st.Head != "do" && st.Head != "" {
			g = append(append([][]Token(nil), guards...), st.Toks)
		}
		eachGuarded(st.Body, g, fn)
	case Block:
		eachGuarded(st.Body, guards, fn)
	}
}

func anyGuard(guards [][]Token, names ...string) bool {
	for _, g := range guards {
		if Has(g, names...) {
			return true
		}
	}
	return false
}

// clearsPending recognises "x->defer_qs_pending = DEFER_QS_IDLE",
// WRITE_ONCE(x->defer_qs_pending, DEFER_QS_IDLE) and the v6.12.0
// "defer_qs_iw_pending = false".
func clearsPending(toks []Token) (int, bool) {
	for i, t := range toks {
		if t.Kind != Ident || (t.Text != "defer_qs_pending" && t.Text != "defer_qs_iw_pending") {
			continue
		}
		for j := i + 1; j < len(toks) && j < i+4; j++ {
			if toks[j].Text == "=" || toks[j].Text == "," {
				if j+1 < len(toks) {
					switch toks[j+1].Text {
					case "DEFER_QS_IDLE", "false", "0":
						return t.Line, true
					}
				}
				break
			}
		}
	}
	return 0, false
}
