package lkmm

import (
	"errors"
	"fmt"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// tag bits for herd7 annotations.
type tagset uint32

const (
	tOnce tagset = 1 << iota
	tRelease
	tAcquire
	tNoreturn
	tMB
	tWMB
	tRMB
	tBarrier
	tRcuLock
	tRcuUnlock
	tSyncRcu
	tBeforeAtomic
	tAfterAtomic
	tAfterSpinlock
	tAfterUnlockLock
	tAfterSrcuReadUnlock
	tSrcuLock
	tSrcuUnlock
	tSyncSrcu
	tOther // an annotation the model does not name (rb_dep, deref, ...)
)

var tagNames = map[string]tagset{
	"once": tOnce, "release": tRelease, "acquire": tAcquire, "noreturn": tNoreturn,
	"mb": tMB, "wmb": tWMB, "rmb": tRMB, "barrier": tBarrier, "rcu-lock": tRcuLock,
	"rcu-unlock": tRcuUnlock, "sync-rcu": tSyncRcu, "before-atomic": tBeforeAtomic,
	"after-atomic": tAfterAtomic, "after-spinlock": tAfterSpinlock,
	"after-unlock-lock": tAfterUnlockLock, "after-srcu-read-unlock": tAfterSrcuReadUnlock,
	"srcu-lock": tSrcuLock, "srcu-unlock": tSrcuUnlock, "sync-srcu": tSyncSrcu,
}

func tagsOf(annot []string) tagset {
	var t tagset
	for _, a := range annot {
		if b, ok := tagNames[a]; ok {
			t |= b
		} else {
			t |= tOther
		}
	}
	return t
}

// xev is an event of a candidate execution.
type xev struct {
	e      *event // nil for an initial write
	proc   int    // -1 for an initial write
	kind   akind
	loc    term
	v      term
	tags   tagset
	atomic bool
	ok     bool
}

// candidate is a choice of one path per process, with its events.
type candidate struct {
	c      *compiled
	paths  []*path
	ev     []xev
	n      int
	first  []int // index of the first event of each process
	nInit  int
	po     mat
	addr   mat
	data   mat
	ctrl   mat
	rmw    mat
	reads  []int // memory reads
	writes []int // memory writes, initial writes first
	rfw    []int // during the search: the write each read reads from
	// constLocs: every location is known before reads-from is chosen, so
	// the static part of the model is the same for every reads-from map.
	constLocs bool
}

// compiled is a test ready for enumeration.
type compiled struct {
	t     *litmus.Test
	b     *build
	paths [][]*path
	// initial values of the shared locations, by location index
	init []val
	// observed shared locations (condition, filter, locations clause)
	observed []bool
	// work counts the candidates examined (path combinations, reads-from
	// choices, coherence orders); tick stops the search past maxWork.
	work, maxWork int
}

func (c *compiled) tick() error {
	c.work++
	if c.maxWork > 0 && c.work > c.maxWork {
		return errBound
	}
	return nil
}

func compile(t *litmus.Test, lim litmus.Limits) (*compiled, error) {
	b := &build{t: t, locIdx: map[string]int{}, limits: lim}
	// Locations: init block, parameters, condition, locations clause.
	for _, it := range t.Init {
		if it.Loc.Global() {
			b.loc(it.Loc.Name)
		}
		if it.Val.Sym != "" {
			b.loc(it.Val.Sym)
		}
	}
	for _, pr := range t.Procs {
		for _, p := range pr.Params {
			b.loc(p.Name)
		}
	}
	addProp := func(p litmus.Prop) {
		litmus.WalkProp(p, func(l litmus.RLoc) {
			if l.Global() {
				b.loc(l.Name)
			}
		})
	}
	addProp(t.Filter)
	addProp(t.Cond)
	for _, l := range t.Locations {
		if l.Global() {
			b.loc(l.Name)
		}
	}
	var walkVals func(p litmus.Prop)
	walkVals = func(p litmus.Prop) {
		switch p := p.(type) {
		case *litmus.Atom:
			if p.Val.Sym != "" {
				b.loc(p.Val.Sym)
			}
		case *litmus.Not:
			walkVals(p.P)
		case *litmus.And:
			for _, q := range p.Ps {
				walkVals(q)
			}
		case *litmus.Or:
			for _, q := range p.Ps {
				walkVals(q)
			}
		case *litmus.Implies:
			walkVals(p.P)
			walkVals(p.Q)
		}
	}
	walkVals(t.Filter)
	walkVals(t.Cond)
	c := &compiled{t: t, b: b}
	for _, pr := range t.Procs {
		ps, err := b.paths(pr)
		if err != nil {
			return nil, err
		}
		c.paths = append(c.paths, ps)
	}
	total := len(b.locs)
	for k, ps := range c.paths {
		most := 0
		for _, p := range ps {
			most = max(most, len(p.events))
		}
		total += most
		if total > lim.Events {
			return nil, fmt.Errorf("P%d: %w: more than %d events in an execution", k, litmus.ErrLimit, lim.Events)
		}
	}
	if len(b.locs) > lim.Locs {
		return nil, fmt.Errorf("%w: %d shared locations (at most %d)", litmus.ErrLimit, len(b.locs), lim.Locs)
	}
	c.observed = make([]bool, len(b.locs))
	obs := func(l litmus.RLoc) {
		if l.Global() {
			c.observed[b.loc(l.Name)] = true
		}
	}
	litmus.WalkProp(t.Cond, obs)
	litmus.WalkProp(t.Filter, obs)
	for _, l := range t.Locations {
		obs(l)
	}
	c.init = make([]val, len(b.locs))
	for i, name := range b.locs {
		c.init[i] = b.initVal(litmus.RLoc{Proc: -1, Name: name})
	}
	return c, nil
}

// newCandidate assembles the events of one path per process.
func (c *compiled) newCandidate(ps []*path) *candidate {
	cd := &candidate{c: c, paths: ps, nInit: len(c.init)}
	for l := range c.init {
		cd.ev = append(cd.ev, xev{proc: -1, kind: aW, loc: cst(symVal(l)), v: cst(c.init[l])})
	}
	for _, p := range ps {
		cd.first = append(cd.first, len(cd.ev))
		for _, e := range p.events {
			cd.ev = append(cd.ev, xev{e: e, proc: p.proc, kind: e.kind, loc: e.loc, v: e.v, tags: tagsOf(e.annot), atomic: e.atomic, ok: e.ok})
		}
	}
	n := len(cd.ev)
	cd.n = n
	cd.po, cd.addr, cd.data, cd.ctrl, cd.rmw = newMat(n), newMat(n), newMat(n), newMat(n), newMat(n)
	for k, p := range ps {
		f := cd.first[k]
		for _, r := range []struct {
			m  mat
			ps []pair
		}{{cd.addr, p.addr}, {cd.data, p.data}, {cd.ctrl, p.ctrl}, {cd.rmw, p.rmw}, {cd.po, p.po}} {
			for _, q := range r.ps {
				r.m.set(f+q.a, f+q.b)
			}
		}
	}
	for i := range cd.ev {
		switch cd.ev[i].kind {
		case aR:
			cd.reads = append(cd.reads, i)
		case aW:
			cd.writes = append(cd.writes, i)
		}
	}
	return cd
}

// errTest is an error that ends the whole test, as herd7 stops on it.
type errTest struct{ err error }

func (e errTest) Error() string { return e.err.Error() }
func (e errTest) Unwrap() error { return e.err }

var errStop = errors.New("stop")

// enumerate calls f for every combination of paths and every reads-from
// map whose equations have a solution, with the solver holding the values.
func (c *compiled) enumerate(f func(cd *candidate, s *solver) error) error {
	n := len(c.paths)
	choice := make([]int, n)
	for _, ps := range c.paths {
		if len(ps) == 0 {
			return nil
		}
	}
	for {
		if err := c.tick(); err != nil {
			return err
		}
		ps := make([]*path, n)
		for k := range ps {
			ps[k] = c.paths[k][choice[k]]
		}
		if err := c.enumerateRF(c.newCandidate(ps), f); err != nil {
			return err
		}
		k := n - 1
		for k >= 0 {
			choice[k]++
			if choice[k] < len(c.paths[k]) {
				break
			}
			choice[k] = 0
			k--
		}
		if k < 0 {
			return nil
		}
	}
}

func (c *compiled) enumerateRF(cd *candidate, f func(cd *candidate, s *solver) error) error {
	s := newSolver(c.b.nvars)
	for _, p := range cd.paths {
		for _, q := range p.cs {
			if !s.add(q) {
				return nil
			}
		}
	}
	cd.constLocs = true
	for i := range cd.ev {
		if k := cd.ev[i].kind; k != aF && k != aTooFar {
			if _, ok := s.get(cd.ev[i].loc); !ok {
				cd.constLocs = false
			}
		}
	}
	rf := make([]int, cd.n) // read -> write, -1 unset
	for i := range rf {
		rf[i] = -1
	}
	done := make([]bool, cd.n)
	var dfs func(left int) error
	dfs = func(left int) error {
		if err := c.tick(); err != nil {
			return err
		}
		if left == 0 {
			if s.residual() {
				return nil // herd7 drops candidates with unsolved equations
			}
			if s.failed != nil {
				return errTest{fmt.Errorf("%w", s.failed)}
			}
			for i := range cd.ev {
				e := &cd.ev[i]
				if e.kind == aF || e.kind == aTooFar {
					continue
				}
				l, ok := s.get(e.loc)
				if !ok || !l.isSym() {
					return errTest{fmt.Errorf("non-symbolic memory access found on %s", showVal(c, l, ok))}
				}
			}
			cd.rfw = rf
			return f(cd, s)
		}
		// Pick the next read: one whose location is known, if any.
		r := -1
		for _, i := range cd.reads {
			if done[i] {
				continue
			}
			if _, ok := s.get(cd.ev[i].loc); ok {
				r = i
				break
			}
			if r < 0 {
				r = i
			}
		}
		done[r] = true
		defer func() { done[r] = false }()
		rl, rok := s.get(cd.ev[r].loc)
		for _, w := range cd.writes {
			if w == r {
				continue
			}
			wl, wok := s.get(cd.ev[w].loc)
			if rok && wok && rl != wl {
				continue
			}
			// herd7's optace: a read cannot read from a write that follows
			// it in its own process (coherence forbids it anyway).
			if cd.po.get(r, w) {
				continue
			}
			m := s.mark()
			ok := true
			if !(rok && wok) {
				ok = s.add(cnstr{lhs: cd.ev[w].loc, a: cd.ev[r].loc})
			}
			if ok {
				ok = s.add(cnstr{lhs: cd.ev[r].v, a: cd.ev[w].v})
			}
			if ok {
				rf[r] = w
				if err := dfs(left - 1); err != nil {
					return err
				}
				rf[r] = -1
			}
			s.undoTo(m)
		}
		return nil
	}
	return dfs(len(cd.reads))
}

func showVal(c *compiled, v val, ok bool) string {
	if !ok {
		return "an undetermined address"
	}
	return c.show(v)
}

// show prints a value as herd7 does: a number or a location name.
func (c *compiled) show(v val) string {
	switch {
	case v == undet:
		return "?"
	case v.isSym() && v.sym() < len(c.b.locs):
		return c.b.locs[v.sym()]
	}
	return fmt.Sprint(int64(v))
}
