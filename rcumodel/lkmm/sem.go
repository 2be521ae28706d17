package lkmm

import (
	"fmt"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// This file ports herd7's semantics of C (herd/CSem.ml with the monad of
// herd/eventsMonad.ml): each process body becomes a set of alternatives,
// one per control-flow path (both branches of an if whose condition is not
// a constant, success and failure of cmpxchg, spin_trylock, ...), each an
// event structure with symbolic values and equations between them.

// akind is the kind of an action.
type akind uint8

const (
	aRegR     akind = iota // register read
	aRegW                  // register write
	aR                     // memory read
	aW                     // memory write
	aF                     // fence
	aLockR                 // LKR: read half of spin_lock
	aLockW                 // LKW: write half of spin_lock
	aUnlock                // UL
	aTryFail               // LF: failed spin_trylock
	aReadLock              // RL (ok) or RU: spin_is_locked
	aSRCU                  // synchronize_srcu and other __srcu actions
	aTooFar                // a loop unrolled too far
)

// event is one event of a process path.
type event struct {
	id     int
	kind   akind
	reg    string   // aRegR, aRegW
	loc    term     // address (memory and lock events)
	v      term     // value read or written (aR, aW, aRegR, aRegW, aSRCU)
	hasV   bool     // aSRCU carries a value
	annot  []string // herd7 annotations: once, acquire, mb, rcu-lock, ...
	atomic bool     // a read or write of an RMW operation
	ok     bool     // aReadLock: the lock was seen held
	poi    int      // herd7's program_order_index
	line   int      // source line
}

func (e *event) isMem() bool        { return e.kind == aR || e.kind == aW }
func (e *event) isReg() bool        { return e.kind == aRegR || e.kind == aRegW }
func (e *event) isLoad() bool       { return e.kind == aR || e.kind == aRegR }
func (e *event) isStore() bool      { return e.kind == aW || e.kind == aRegW }
func (e *event) isAdditional() bool { return e.kind >= aLockR && e.kind <= aReadLock }

// isAdditionalLoad: herd7's is_additional_mem_load (TryLock, ReadLock).
func (e *event) isAdditionalLoad() bool { return e.kind == aTryFail || e.kind == aReadLock }

func (e *event) hasAnnot(a string) bool {
	for _, x := range e.annot {
		if x == a {
			return true
		}
	}
	return false
}

// alt is one alternative of a monadic computation: a value, its equations
// and its event structure.
type alt struct {
	v  any
	cs []cnstr
	es *es
}

// mon is a computation of herd7's event monad.
type mon func(g *gen) []alt

// gen generates the events of one process.
type gen struct {
	t         *build
	proc      int
	events    []*event
	maxEvents int
	maxAlts   int // bound on the alternatives of one computation (paths)
	line      int
	err       error
}

// tooMany reports (and records) that a computation has more alternatives
// than the bound on control-flow paths.
func (g *gen) tooMany(n int) bool {
	if n <= g.maxAlts {
		return false
	}
	g.fail(fmt.Errorf("P%d: %w: more than %d control-flow paths", g.proc, litmus.ErrLimit, g.maxAlts))
	return true
}

func (g *gen) fail(err error) {
	if g.err == nil {
		g.err = err
	}
}

func (g *gen) newEvent(e event) *es {
	if len(g.events) >= g.maxEvents {
		g.fail(fmt.Errorf("P%d: %w: more than %d events", g.proc, litmus.ErrLimit, g.maxEvents))
		return emptyES
	}
	e.id = len(g.events)
	e.line = g.line
	ev := e
	g.events = append(g.events, &ev)
	return &es{events: eset{ev.id}}
}

func (g *gen) fresh() term {
	g.t.nvars++
	return term{x: g.t.nvars}
}

func unitT(v any) mon {
	return func(*gen) []alt { return []alt{{v: v, es: emptyES}} }
}

func bindWith(comp func(a, b *es) *es, s mon, f func(any) mon) mon {
	return func(g *gen) []alt {
		var out []alt
		for _, a1 := range s(g) {
			for _, a2 := range f(a1.v)(g) {
				out = append(out, alt{a2.v, append(append([]cnstr(nil), a2.cs...), a1.cs...), comp(a1.es, a2.es)})
			}
			if g.err != nil || g.tooMany(len(out)) {
				return nil
			}
		}
		return out
	}
}

// Binds of herd7's monad: >>= (data), >>== (data, output of the first),
// >>*= (control), cseq (the >>> of CSem: parallel), >>>> (condition).
func bindData(s mon, f func(any) mon) mon      { return bindWith(seqData, s, f) }
func bindDataFirst(s mon, f func(any) mon) mon { return bindWith(seqDataFirst, s, f) }
func bindCtrl(s mon, f func(any) mon) mon      { return bindWith(seqCtrl, s, f) }
func cseq(s mon, f func(any) mon) mon          { return bindWith(paraComp, s, f) }
func bindCond(s mon, f func(any) mon) mon      { return bindWith(condComp, s, f) }

// para is >>|: both computations, values paired.
func para(s1, s2 mon) mon {
	return func(g *gen) []alt {
		a1s := s1(g)
		a2s := s2(g)
		if g.err != nil || g.tooMany(len(a1s)*len(a2s)) {
			return nil
		}
		var out []alt
		for _, a1 := range a1s {
			for _, a2 := range a2s {
				out = append(out, alt{[2]any{a1.v, a2.v}, append(append([]cnstr(nil), a2.cs...), a1.cs...), paraComp(a1.es, a2.es)})
			}
		}
		return out
	}
}

// force is >>!: the value replaced by v.
func force(s mon, v any) mon {
	return func(g *gen) []alt {
		as := s(g)
		out := make([]alt, len(as))
		for i, a := range as {
			out[i] = alt{v, a.cs, a.es}
		}
		return out
	}
}

func altT(m1, m2 mon) mon {
	return func(g *gen) []alt {
		a := m1(g)
		b := m2(g)
		if g.err != nil || g.tooMany(len(a)+len(b)) {
			return nil
		}
		return append(a, b...)
	}
}

// choiceT picks a branch when v is a constant, else keeps both with the
// equation v = 1 or v = 0.
func choiceT(v term, l, r mon) mon {
	return func(g *gen) []alt {
		if v.isConst() {
			if v.c == 0 {
				return r(g)
			}
			return l(g)
		}
		la := l(g)
		ra := r(g)
		out := make([]alt, 0, len(la)+len(ra))
		for _, a := range la {
			out = append(out, alt{a.v, append([]cnstr{{lhs: v, a: cst(1)}}, a.cs...), a.es})
		}
		for _, a := range ra {
			out = append(out, alt{a.v, append([]cnstr{{lhs: v, a: cst(0)}}, a.cs...), a.es})
		}
		return out
	}
}

// opT is M.op: computed now for constants, else a fresh variable with an
// equation.
func opT(op string, v1, v2 term) mon {
	return func(g *gen) []alt {
		if v1.isConst() && v2.isConst() {
			r, err := apply(op, v1.c, v2.c)
			if err != nil {
				g.fail(fmt.Errorf("line %d: %w", g.line, err))
				return nil
			}
			return []alt{{v: cst(r), es: emptyES}}
		}
		x := g.fresh()
		c := cnstr{lhs: x, op: op, a: v1, b: v2}
		if op == "^" && v1 == v2 {
			c = cnstr{lhs: x, a: cst(0)}
		}
		return []alt{{v: x, cs: []cnstr{c}, es: emptyES}}
	}
}

func assignT(v1, v2 term) mon {
	return func(*gen) []alt { return []alt{{cs: []cnstr{{lhs: v1, a: v2}}, es: emptyES}} }
}

func neqT(v1, v2 term) mon {
	return bindData(opT("==", v1, v2), func(v any) mon { return assignT(v.(term), cst(0)) })
}

// singleton makes the event and returns unit.
func singleton(e event) mon {
	return func(g *gen) []alt { return []alt{{es: g.newEvent(e)}} }
}

// readLoc makes a read event with a fresh value and returns that value.
func readLoc(isData bool, e event) mon {
	return func(g *gen) []alt {
		v := g.fresh()
		e.v = v
		s := g.newEvent(e)
		if isData {
			s.dataPorts = s.events
		}
		return []alt{{v: v, es: s}}
	}
}

func fence(annot []string) mon {
	return func(g *gen) []alt {
		s := g.newEvent(event{kind: aF, annot: annot})
		s.output = some(nil)
		return []alt{{es: s}}
	}
}

// csem compiles one process, ii holds the current program_order_index.
type csem struct {
	g *gen
}

var (
	anOnce     = []string{"once"}
	anNoreturn = []string{"noreturn"}
	anMB       = []string{"mb"}
)

func isAnnot(a []string, s string) bool { return len(a) == 1 && a[0] == s }

func (c *csem) readReg(isData bool, r string, poi int) mon {
	return readLoc(isData, event{kind: aRegR, reg: r, poi: poi})
}

func (c *csem) writeReg(r string, v term, poi int) mon {
	return force(singleton(event{kind: aRegW, reg: r, v: v, poi: poi}), v)
}

func (c *csem) readMem(isData bool, annot []string, loc term, poi int) mon {
	return readLoc(isData, event{kind: aR, loc: loc, annot: annot, poi: poi})
}

func (c *csem) readMemAtomic(isData bool, annot []string, loc term, poi int) mon {
	return readLoc(isData, event{kind: aR, loc: loc, annot: annot, atomic: true, poi: poi})
}

func (c *csem) writeMem(annot []string, loc, v term, poi int) mon {
	return force(singleton(event{kind: aW, loc: loc, v: v, annot: annot, poi: poi}), v)
}

func (c *csem) writeMemAtomic(annot []string, loc, v term, poi int) mon {
	return force(singleton(event{kind: aW, loc: loc, v: v, annot: annot, atomic: true, poi: poi}), v)
}

func (c *csem) fenceA(a []string, poi int) mon {
	return func(g *gen) []alt {
		s := g.newEvent(event{kind: aF, annot: a, poi: poi})
		s.output = some(nil)
		return []alt{{es: s}}
	}
}

func (c *csem) linuxLock(loc term, poi int) mon {
	return bindCtrl(singleton(event{kind: aLockR, loc: loc, poi: poi}), func(any) mon {
		return singleton(event{kind: aLockW, loc: loc, poi: poi})
	})
}

// single evaluates a computation that must have exactly one alternative,
// as herd7's Evt.as_singleton_nospecul requires.
func single(g *gen, m mon) (alt, bool) {
	as := m(g)
	if len(as) != 1 {
		g.fail(fmt.Errorf("line %d: %w", g.line, litmus.Unsupported(g.line, "branching inside an atomic operation's arguments")))
		return alt{es: emptyES}, false
	}
	return as[0], true
}

func cs(lists ...[]cnstr) []cnstr {
	var out []cnstr
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func (c *csem) mlinuxExch(rloc, rexpr mon, rmem func(term) mon, wmem func(term, term) mon) mon {
	return func(g *gen) []alt {
		l, ok1 := single(g, rloc)
		x, ok2 := single(g, rexpr)
		if !ok1 || !ok2 {
			return nil
		}
		rm, ok3 := single(g, rmem(l.v.(term)))
		wm, ok4 := single(g, wmem(l.v.(term), x.v.(term)))
		if !ok3 || !ok4 {
			return nil
		}
		return []alt{{rm.v, cs(l.cs, x.cs, rm.cs, wm.cs), linuxExch(x.es, l.es, rm.es, wm.es)}}
	}
}

func (c *csem) xchg(isData bool, rloc, re mon, a []string, poi int) mon {
	aw, ar := anOnce, anOnce
	if isAnnot(a, "release") {
		aw = a
	}
	if isAnnot(a, "acquire") {
		ar = a
	}
	rmem := func(loc term) mon { return c.readMemAtomic(isData, ar, loc, poi) }
	wmem := func(loc, v term) mon { return force(c.writeMemAtomic(aw, loc, v, poi), nil) }
	exch := c.mlinuxExch(rloc, re, rmem, wmem)
	if isAnnot(a, "mb") {
		return bindCtrl(c.fenceA(a, poi), func(any) mon {
			return bindCtrl(exch, func(v any) mon { return force(c.fenceA(a, poi), v) })
		})
	}
	return exch
}

func (c *csem) expr(isData bool, e litmus.Expr, poi int) mon {
	switch e := e.(type) {
	case *litmus.Const:
		return unitT(cst(val(e.V)))
	case *litmus.LoadReg:
		return c.readReg(isData, e.Reg, poi)
	case *litmus.LoadMem:
		var loc mon
		if len(e.Annot) == 0 {
			loc = c.expr(isData, e.Loc, poi)
		} else {
			in, ok := e.Loc.(*litmus.LoadMem)
			if !ok || len(in.Annot) != 0 {
				return c.failM(fmt.Errorf("line %d: bad __load argument", c.g.line))
			}
			loc = c.expr(isData, in.Loc, poi)
		}
		return bindData(loc, func(l any) mon {
			if isAnnot(e.Annot, "deref") || isAnnot(e.Annot, "lderef") {
				return bindCtrl(c.readMem(isData, anOnce, l.(term), poi), func(v any) mon {
					return force(c.fenceA([]string{"rb_dep"}, poi), v)
				})
			}
			return c.readMem(isData, e.Annot, l.(term), poi)
		})
	case *litmus.TryLock:
		return bindData(c.expr(isData, e.Loc, poi), func(l any) mon {
			return altT(force(c.linuxLock(l.(term), poi), cst(1)),
				force(singleton(event{kind: aTryFail, loc: l.(term), poi: poi}), cst(0)))
		})
	case *litmus.IsLocked:
		return bindData(c.expr(isData, e.Loc, poi), func(l any) mon {
			return altT(force(singleton(event{kind: aReadLock, loc: l.(term), ok: true, poi: poi}), cst(1)),
				force(singleton(event{kind: aReadLock, loc: l.(term), ok: false, poi: poi}), cst(0)))
		})
	case *litmus.Op:
		return bindData(para(c.expr(isData, e.X, poi), c.expr(isData, e.Y, poi)), func(p any) mon {
			vs := p.([2]any)
			return opT(e.Op, vs[0].(term), vs[1].(term))
		})
	case *litmus.Exchange:
		re := c.expr(true, e.Val, poi)
		rloc := c.expr(false, e.Loc, poi)
		return c.xchg(isData, rloc, re, e.Annot, poi)
	case *litmus.CmpExchange:
		return c.cmpxchg(e, poi)
	case *litmus.AtomicOpReturn:
		if isAnnot(e.Annot, "mb") {
			return bindCtrl(c.fenceA(anMB, poi), func(any) mon {
				return bindCtrl(c.atomicOp(e.Fetch, anOnce, anOnce, e.Loc, e.Op, e.Val, poi), func(v any) mon {
					return force(c.fenceA(anMB, poi), v)
				})
			})
		}
		ar, aw := anOnce, anOnce
		if isAnnot(e.Annot, "acquire") {
			ar = e.Annot
		}
		if isAnnot(e.Annot, "release") {
			aw = e.Annot
		}
		return c.atomicOp(e.Fetch, ar, aw, e.Loc, e.Op, e.Val, poi)
	case *litmus.AtomicAddUnless:
		return c.addUnless(e, poi)
	case *litmus.ExpSRCU:
		var r *term
		if isAnnot(e.Annot, "srcu-lock") {
			v := cst(val((c.g.proc+1)*307 + poi*599))
			r = &v
		}
		return bindData(c.expr(false, e.Loc, poi), func(l any) mon {
			ev := event{kind: aSRCU, loc: l.(term), annot: e.Annot, poi: poi}
			ret := cst(0)
			if r != nil {
				ev.v, ev.hasV, ret = *r, true, *r
			}
			return force(singleton(ev), ret)
		})
	case *litmus.ECall:
		return c.failM(fmt.Errorf("line %d: unknown macro %s", c.g.line, e.Name))
	}
	return c.failM(fmt.Errorf("line %d: unknown expression %T", c.g.line, e))
}

func (c *csem) failM(err error) mon {
	return func(g *gen) []alt {
		g.fail(err)
		return nil
	}
}

// atomicOp is build_atomic_op: read, op, write; the value is the new
// value (op_return) or the old one (fetch_op).
func (c *csem) atomicOp(fetch bool, aRead, aWrite []string, eloc litmus.Expr, op string, e litmus.Expr, poi int) mon {
	left := c.expr(true, e, poi)
	right := bindData(c.expr(false, eloc, poi), func(l any) mon {
		return para(c.readMemAtomic(true, aRead, l.(term), poi), unitT(l))
	})
	return bindDataFirst(para(left, right), func(p any) mon {
		vs := p.([2]any)
		v := vs[0].(term)
		in := vs[1].([2]any)
		vloc, loc := in[0].(term), in[1].(term)
		return bindData(opT(op, vloc, v), func(w any) mon {
			wr := c.writeMemAtomic(aWrite, loc, w.(term), poi)
			if fetch {
				return force(wr, vloc)
			}
			return wr
		})
	})
}

func (c *csem) cmpxchg(e *litmus.CmpExchange, poi int) mon {
	addMB := func(r mon) mon {
		if !isAnnot(e.Annot, "mb") {
			return r
		}
		return bindCtrl(c.fenceA(anMB, poi), func(any) mon {
			return bindCtrl(r, func(v any) mon { return force(c.fenceA(anMB, poi), v) })
		})
	}
	ar, aw := anOnce, anOnce
	if isAnnot(e.Annot, "acquire") {
		ar = e.Annot
	}
	if isAnnot(e.Annot, "release") {
		aw = e.Annot
	}
	ok := func(g *gen) []alt {
		l, ok1 := single(g, c.expr(false, e.Loc, poi))
		old, ok2 := single(g, c.expr(true, e.Old, poi))
		nw, ok3 := single(g, c.expr(true, e.New, poi))
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		loc := l.v.(term)
		rm, ok4 := single(g, c.readMemAtomic(true, ar, loc, poi))
		wm, ok5 := single(g, force(c.writeMemAtomic(aw, loc, nw.v.(term), poi), nil))
		if !ok4 || !ok5 {
			return nil
		}
		w := rm.v.(term)
		eq := cnstr{lhs: old.v.(term), a: w}
		return []alt{{w, cs([]cnstr{eq}, l.cs, old.cs, nw.cs, rm.cs, wm.cs), linuxCmpexchOK(l.es, old.es, nw.es, rm.es, wm.es)}}
	}
	no := func(g *gen) []alt {
		l, ok1 := single(g, c.expr(false, e.Loc, poi))
		old, ok2 := single(g, c.expr(true, e.Old, poi))
		if !ok1 || !ok2 {
			return nil
		}
		rm, ok3 := single(g, c.readMemAtomic(true, anOnce, l.v.(term), poi))
		if !ok3 {
			return nil
		}
		w := rm.v.(term)
		ne, ok4 := single(g, neqT(old.v.(term), w))
		if !ok4 {
			return nil
		}
		return []alt{{w, cs(ne.cs, l.cs, old.cs, rm.cs), linuxCmpexchNo(l.es, old.es, rm.es)}}
	}
	return altT(addMB(ok), no)
}

func (c *csem) addUnless(e *litmus.AtomicAddUnless, poi int) mon {
	mrmem := func(loc term) mon { return c.readMemAtomic(true, anOnce, loc, poi) }
	okm := func(g *gen) []alt {
		l, ok1 := single(g, c.expr(false, e.Loc, poi))
		a, ok2 := single(g, c.expr(true, e.A, poi))
		u, ok3 := single(g, c.expr(true, e.U, poi))
		if !ok1 || !ok2 || !ok3 {
			return nil
		}
		loc := l.v.(term)
		rm, ok4 := single(g, mrmem(loc))
		if !ok4 {
			return nil
		}
		vv := rm.v.(term)
		add, ok5 := single(g, opT("+", vv, a.v.(term)))
		if !ok5 {
			return nil
		}
		wm, ok6 := single(g, c.writeMemAtomic(anOnce, loc, add.v.(term), poi))
		ne, ok7 := single(g, neqT(vv, u.v.(term)))
		if !ok6 || !ok7 {
			return nil
		}
		var r any = vv
		if e.RetBool {
			r = cst(1)
		}
		return []alt{{r, cs(ne.cs, add.cs, wm.cs, rm.cs, l.cs, a.cs, u.cs), linuxAddUnlessOK(l.es, a.es, u.es, rm.es, wm.es, e.RetBool)}}
	}
	withMB := bindCtrl(c.fenceA(anMB, poi), func(any) mon {
		return bindCtrl(okm, func(v any) mon { return force(c.fenceA(anMB, poi), v) })
	})
	no := func(g *gen) []alt {
		l, ok1 := single(g, c.expr(false, e.Loc, poi))
		u, ok2 := single(g, c.expr(true, e.U, poi))
		if !ok1 || !ok2 {
			return nil
		}
		rm, ok3 := single(g, mrmem(l.v.(term)))
		if !ok3 {
			return nil
		}
		vv := rm.v.(term)
		eq := cnstr{lhs: vv, a: u.v.(term)}
		var r any = vv
		if e.RetBool {
			r = cst(0)
		}
		return []alt{{r, cs([]cnstr{eq}, rm.cs, l.cs, u.cs), linuxAddUnlessNo(l.es, u.es, rm.es, e.RetBool)}}
	}
	return altT(withMB, no)
}

// codeRes is the value of an instruction: the program-order index reached
// and whether the process stops (a loop unrolled too far).
type codeRes struct {
	poi  int
	exit bool
}

const unroll = 2 // herd7's default loop unrolling for C

func (c *csem) cond(e litmus.Expr, poi int) mon {
	if op, ok := e.(*litmus.Op); ok {
		switch op.Op {
		case "<", ">", "==", "!=", "<=", ">=":
			return c.expr(false, e, poi)
		}
	}
	return c.expr(false, &litmus.Op{Op: "!=", X: e, Y: &litmus.Const{V: 0}}, poi)
}

func unitCode(poi int) mon { return unitT(codeRes{poi: poi}) }

func thenUnit(poi int) func(any) mon { return func(any) mon { return unitCode(poi) } }

// instr is build_semantics.
func (c *csem) instr(i litmus.Instr, poi0 int) mon {
	return c.instrN(i, poi0, 0)
}

func (c *csem) instrN(i litmus.Instr, poi0, n int) mon {
	poi := poi0 + 1
	line := litmus.Line(i)
	setLine := func(m mon) mon {
		return func(g *gen) []alt {
			g.line = line
			return m(g)
		}
	}
	switch i := i.(type) {
	case *litmus.Seq:
		return c.list(i.Body, poi)
	case *litmus.If:
		return setLine(bindCond(c.cond(i.Cond, poi), func(ret any) mon {
			then := c.instr(i.Then, poi+1)
			var els mon
			if i.Else != nil {
				els = c.instr(i.Else, poi+1)
			} else {
				els = unitCode(poi)
			}
			return choiceT(ret.(term), then, els)
		}))
	case *litmus.While:
		return setLine(bindCond(c.cond(i.Cond, poi), func(ret any) mon {
			els := unitCode(poi)
			var then mon
			if n >= unroll {
				then = bindData(singleton(event{kind: aTooFar, poi: poi}), func(any) mon {
					return unitT(codeRes{poi: poi, exit: true})
				})
			} else {
				then = cseq(c.instr(i.Body, poi), func(r any) mon {
					return c.instrN(i, r.(codeRes).poi, n+1)
				})
			}
			return choiceT(ret.(term), then, els)
		}))
	case *litmus.DeclReg:
		return unitCode(poi)
	case *litmus.CastExpr:
		return setLine(bindData(c.expr(true, i.X, poi), thenUnit(poi)))
	case *litmus.StoreReg:
		if i.Reg == "" {
			return setLine(bindData(c.expr(true, i.X, poi), thenUnit(poi)))
		}
		return setLine(bindData(c.expr(true, i.X, poi), func(v any) mon {
			return bindData(c.writeReg(i.Reg, v.(term), poi), thenUnit(poi))
		}))
	case *litmus.StoreMem:
		var loc mon
		if len(i.Annot) == 0 {
			loc = c.expr(false, i.Loc, poi)
		} else {
			in, ok := i.Loc.(*litmus.LoadMem)
			if !ok || len(in.Annot) != 0 {
				return c.failM(fmt.Errorf("line %d: bad __store argument", line))
			}
			loc = c.expr(false, in.Loc, poi)
		}
		return setLine(bindData(para(loc, c.expr(true, i.Val, poi)), func(p any) mon {
			vs := p.([2]any)
			return bindData(c.writeMem(i.Annot, vs[0].(term), vs[1].(term), poi), thenUnit(poi))
		}))
	case *litmus.Lock:
		return setLine(bindData(c.expr(false, i.Loc, poi), func(l any) mon {
			return bindData(c.linuxLock(l.(term), poi), thenUnit(poi))
		}))
	case *litmus.Unlock:
		return setLine(bindData(c.expr(false, i.Loc, poi), func(l any) mon {
			return bindData(singleton(event{kind: aUnlock, loc: l.(term), poi: poi}), thenUnit(poi))
		}))
	case *litmus.AtomicOp:
		return setLine(bindData(c.atomicOp(false, anNoreturn, anOnce, i.Loc, i.Op, i.Val, poi), thenUnit(poi)))
	case *litmus.Fence:
		return setLine(bindData(c.fenceA(i.Annot, poi), thenUnit(poi)))
	case *litmus.InstrSRCU:
		var v mon = unitT(nil)
		if i.Val != nil {
			v = bindData(c.expr(true, i.Val, poi), func(x any) mon { return unitT(x) })
		}
		return setLine(bindData(para(c.expr(false, i.Loc, poi), v), func(p any) mon {
			vs := p.([2]any)
			ev := event{kind: aSRCU, loc: vs[0].(term), annot: i.Annot, poi: poi}
			if vs[1] != nil {
				ev.v, ev.hasV = vs[1].(term), true
			}
			return bindData(singleton(ev), thenUnit(poi))
		}))
	case *litmus.PCall:
		return c.failM(fmt.Errorf("line %d: unknown macro %s", line, i.Name))
	}
	return c.failM(fmt.Errorf("line %d: unknown instruction %T", line, i))
}

// list is build_semantics_list: statements in parallel composition, the
// program-order index flowing from one to the next.
func (c *csem) list(is []litmus.Instr, poi int) mon {
	if len(is) == 0 {
		return unitCode(poi)
	}
	return cseq(c.instr(is[0], poi), func(r any) mon {
		return c.list(is[1:], r.(codeRes).poi)
	})
}

// top composes the top-level statements of a process as herd7's mem.ml
// does: instruction then code (inst_code_comp); a statement that exits
// (a loop unrolled too far) ends the process.
func (c *csem) top(is []litmus.Instr, poi int) mon {
	if len(is) == 0 {
		return unitT(codeRes{poi: poi})
	}
	return func(g *gen) []alt {
		var out []alt
		for _, a1 := range c.instr(is[0], poi)(g) {
			r := a1.v.(codeRes)
			var rest []alt
			if r.exit {
				rest = []alt{{v: r, es: emptyES}}
			} else {
				rest = c.top(is[1:], r.poi)(g)
			}
			for _, a2 := range rest {
				out = append(out, alt{a2.v, append(append([]cnstr(nil), a2.cs...), a1.cs...), instCodeComp(a1.es, a2.es)})
			}
			if g.err != nil || g.tooMany(len(out)) {
				return nil
			}
		}
		return out
	}
}
