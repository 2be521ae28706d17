package litmus

import (
	"fmt"
)

// Verdict is the outcome of checking one test.
type Verdict string

// Verdicts. Never, Sometimes and Always are herd7's observations of the
// condition's proposition; Unsupported and NoVerdict give a Reason.
const (
	Never       Verdict = "Never"
	Sometimes   Verdict = "Sometimes"
	Always      Verdict = "Always"
	Unsupported Verdict = "Unsupported"
	NoVerdict   Verdict = "NoVerdict" // a state bound was reached
	Invalid     Verdict = "Error"     // the file is not a well-formed litmus test
)

// DefaultMaxStates is the per-search bound on stored states.
const DefaultMaxStates = 2_000_000

// Options tune a check.
type Options struct {
	MaxStates int // states stored per search; 0 means DefaultMaxStates
	// NoReduction turns off the eager independent steps and the
	// three-valued pruning (register-only steps still run eagerly); it
	// exists to cross-check the reductions.
	NoReduction bool
	// Counts also enumerates every final state, without pruning, to give
	// herd7's counts of distinct final states (over the locations and
	// registers the condition names) that satisfy the condition or not.
	// The counts are left out when this enumeration hits MaxStates.
	Counts bool
}

// Result is the outcome of one test.
type Result struct {
	Name    string  `json:"name"`
	File    string  `json:"file,omitempty"`
	Verdict Verdict `json:"verdict"`
	Reason  string  `json:"reason,omitempty"`
	States  int     `json:"states"` // states stored over both searches
	// Witness lists, for a satisfiable condition, the steps of one SC
	// execution that reaches a final state satisfying it.
	Witness []string `json:"witness,omitempty"`
	// Pos and Neg are herd7's counts (Options.Counts); HasCounts says
	// whether they were computed.
	Pos       int  `json:"pos,omitempty"`
	Neg       int  `json:"neg,omitempty"`
	HasCounts bool `json:"has_counts,omitempty"`
}

// Check explores test t and returns its verdict.
func Check(t *Test, opt Options) Result {
	res := Result{Name: t.Name}
	pg, err := compile(t)
	if err != nil {
		return errResult(res, err)
	}
	if opt.MaxStates <= 0 {
		opt.MaxStates = DefaultMaxStates
	}
	ex := newExplorer(pg, opt.MaxStates)
	ex.noReduce = opt.NoReduction
	cond := ex.prop(t.Cond)
	var filter *cprop
	if t.Filter != nil {
		filter = ex.prop(t.Filter)
	}
	pos, posTrace, err := ex.search(and(filter, cond))
	res.States = ex.stored
	if err != nil {
		return errResult(res, err)
	}
	ex.reset()
	neg, _, err := ex.search(and(filter, &cprop{kind: 'n', x: cond}))
	res.States += ex.stored
	if err != nil {
		return errResult(res, err)
	}
	switch {
	case pos && neg:
		res.Verdict = Sometimes
	case pos:
		res.Verdict = Always
	default:
		res.Verdict = Never
	}
	if pos {
		res.Witness = posTrace
	}
	if opt.Counts {
		ex.reset()
		ex.cond, ex.filter = cond, filter
		ex.finals = map[string]bool{}
		if _, _, err := ex.search(nil); err == nil {
			res.HasCounts = true
			for _, sat := range ex.finals {
				if sat {
					res.Pos++
				} else {
					res.Neg++
				}
			}
		}
		res.States += ex.stored
	}
	return res
}

// recordFinal notes the projection of a final state on the condition's
// atoms, and whether it satisfies the condition; filtered-out states are
// not counted.
func (ex *explorer) recordFinal(s []int64) {
	if ex.filter != nil && ex.eval3(ex.filter, s) != triTrue {
		return
	}
	var key []byte
	var add func(c *cprop)
	add = func(c *cprop) {
		if c == nil {
			return
		}
		switch c.kind {
		case 'r':
			key = fmt.Appendf(key, "%d:%d=%d;", c.proc, c.index, s[ex.regOff[c.proc]+c.index])
		case 'l':
			key = fmt.Appendf(key, "%d=%d;", c.index, s[ex.memOff+c.index])
		}
		add(c.x)
		add(c.y)
	}
	add(ex.cond)
	ex.finals[string(key)] = ex.eval3(ex.cond, s) == triTrue
}

// errBound reports a search that hit the state bound.
type errBound struct{ states int }

func (e errBound) Error() string {
	return fmt.Sprintf("explored %d states, bound reached: no verdict", e.states)
}

func errResult(res Result, err error) Result {
	res.Reason = err.Error()
	switch err.(type) {
	case errBound:
		res.Verdict = NoVerdict
	default:
		if isUnsupported(err) {
			res.Verdict = Unsupported
		} else {
			res.Verdict = Invalid
		}
	}
	return res
}

// cprop is a compiled proposition.
type cprop struct {
	kind  byte // 'r' register atom, 'l' location atom, 'n' not, 'a' and, 'o' or, 'c' const
	proc  int
	index int // register or location index
	neq   bool
	val   int64
	x, y  *cprop
}

func and(x, y *cprop) *cprop {
	if x == nil {
		return y
	}
	return &cprop{kind: 'a', x: x, y: y}
}

// tri is a three-valued truth value.
type tri int8

const (
	triFalse tri = iota
	triTrue
	triUnknown
)

// explorer holds one test's compiled program and search state.
type explorer struct {
	pg       *program
	fut      [][]future
	nprocs   int
	ndom     int
	regOff   []int // offset of each process's registers in the state vector
	memOff   int
	nestOff  int
	gpOff    int
	snapOff  int // SRCU grace-period snapshots: per waiter, per process
	size     int
	max      int
	stored   int
	seen     map[[2]uint64]struct{}
	noReduce bool
	// Counting mode (Options.Counts).
	cond, filter *cprop
	finals       map[string]bool
	trace        []string
}

func newExplorer(pg *program, max int) *explorer {
	ex := &explorer{pg: pg, fut: analyse(pg), nprocs: len(pg.procs), ndom: len(pg.domains), max: max}
	off := ex.nprocs
	for _, cp := range pg.procs {
		ex.regOff = append(ex.regOff, off)
		off += len(cp.regs)
	}
	ex.memOff = off
	off += len(pg.locs)
	ex.nestOff = off
	off += ex.nprocs * ex.ndom
	ex.gpOff = off
	off += ex.nprocs
	ex.snapOff = off
	if ex.ndom > 1 {
		off += ex.nprocs * ex.nprocs
	}
	ex.size = off
	ex.reset()
	return ex
}

func (ex *explorer) reset() {
	ex.seen = make(map[[2]uint64]struct{})
	ex.stored = 0
	ex.trace = ex.trace[:0]
}

func (ex *explorer) prop(p Prop) *cprop {
	switch p := p.(type) {
	case *Atom:
		c := &cprop{neq: p.Neq, val: p.Int, proc: p.Proc}
		if p.Addr != "" {
			c.val = addrBase + int64(ex.pg.locIdx[p.Addr])
		}
		if p.Proc >= 0 {
			c.kind = 'r'
			c.index = ex.pg.procs[p.Proc].regIdx[p.Name]
		} else {
			c.kind = 'l'
			c.index = ex.pg.locIdx[p.Name]
		}
		return c
	case *Not:
		return &cprop{kind: 'n', x: ex.prop(p.X)}
	case *And:
		return &cprop{kind: 'a', x: ex.prop(p.X), y: ex.prop(p.Y)}
	case *Or:
		return &cprop{kind: 'o', x: ex.prop(p.X), y: ex.prop(p.Y)}
	case *Const:
		if p.V {
			return &cprop{kind: 'c', val: 1}
		}
		return &cprop{kind: 'c'}
	}
	return &cprop{kind: 'c'}
}

func (ex *explorer) initial() []int64 {
	s := make([]int64, ex.size)
	for p, cp := range ex.pg.procs {
		copy(s[ex.regOff[p]:], cp.initReg)
	}
	copy(s[ex.memOff:], ex.pg.initMem)
	return s
}

// eval3 evaluates a proposition on a possibly unfinished state: an atom is
// decided once its register or location can no longer change.
func (ex *explorer) eval3(c *cprop, s []int64) tri {
	switch c.kind {
	case 'c':
		return tri(c.val)
	case 'r', 'l':
		var v int64
		if c.kind == 'r' {
			pc := int(s[c.proc])
			if ex.fut[c.proc][pc].assigns&regBit(c.index) != 0 {
				return ex.regAtom(c, s)
			}
			v = s[ex.regOff[c.proc]+c.index]
		} else {
			return ex.locAtom(c, s)
		}
		if (v == c.val) != c.neq {
			return triTrue
		}
		return triFalse
	case 'n':
		switch ex.eval3(c.x, s) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case 'a':
		x := ex.eval3(c.x, s)
		if x == triFalse {
			return triFalse
		}
		y := ex.eval3(c.y, s)
		if y == triFalse {
			return triFalse
		}
		if x == triTrue && y == triTrue {
			return triTrue
		}
		return triUnknown
	case 'o':
		x := ex.eval3(c.x, s)
		if x == triTrue {
			return triTrue
		}
		y := ex.eval3(c.y, s)
		if y == triTrue {
			return triTrue
		}
		if x == triFalse && y == triFalse {
			return triFalse
		}
		return triUnknown
	}
	return triUnknown
}

// locAtom decides x=V (or x!=V) from the values x can still end with: the
// constant values other processes may still write, plus the current value
// unless some process must still write x.
func (ex *explorer) locAtom(c *cprop, s []int64) tri {
	x := c.index
	writer, must := false, false
	canV, canOther := false, false
	for q := 0; q < ex.nprocs; q++ {
		f := &ex.fut[q][s[q]]
		if !f.writes.has(x) {
			continue
		}
		writer = true
		if f.wany.has(x) {
			return triUnknown
		}
		if f.must.has(x) {
			must = true
		}
		for _, v := range f.wvals[x] {
			if v == c.val {
				canV = true
			} else {
				canOther = true
			}
		}
	}
	if !must || !writer {
		if s[ex.memOff+x] == c.val {
			canV = true
		} else {
			canOther = true
		}
	}
	if c.neq {
		canV, canOther = canOther, canV
	}
	switch {
	case canV && !canOther:
		return triTrue
	case canOther && !canV:
		return triFalse
	}
	return triUnknown
}

// regAtom decides r=V for a register that may still be assigned, from the
// values its remaining assignments can produce: constants, or the current or
// future values of the locations it is loaded from.
func (ex *explorer) regAtom(c *cprop, s []int64) tri {
	f := &ex.fut[c.proc][s[c.proc]]
	if c.index >= 63 || c.index >= len(f.rsrc) {
		return triUnknown
	}
	src := &f.rsrc[c.index]
	if src.any || src.locs.any {
		return triUnknown
	}
	canV, canOther := false, false
	note := func(v int64) {
		if v == c.val {
			canV = true
		} else {
			canOther = true
		}
	}
	if f.mustAssign&(1<<c.index) == 0 {
		note(s[ex.regOff[c.proc]+c.index])
	}
	for _, v := range src.vals {
		note(v)
	}
	for x := range ex.pg.locs {
		if !src.locs.has(x) {
			continue
		}
		note(s[ex.memOff+x])
		for q := 0; q < ex.nprocs; q++ {
			g := &ex.fut[q][s[q]]
			if !g.writes.has(x) {
				continue
			}
			if g.wany.has(x) {
				return triUnknown
			}
			for _, v := range g.wvals[x] {
				note(v)
			}
		}
	}
	if c.neq {
		canV, canOther = canOther, canV
	}
	switch {
	case canV && !canOther:
		return triTrue
	case canOther && !canV:
		return triFalse
	}
	return triUnknown
}

// search reports whether some final state satisfies goal, with the steps of
// one execution reaching it.
func (ex *explorer) search(goal *cprop) (bool, []string, error) {
	found, err := ex.visit(ex.initial(), goal)
	if found {
		out := make([]string, len(ex.trace))
		copy(out, ex.trace)
		return true, out, err
	}
	return false, nil, err
}

func (ex *explorer) visit(s []int64, goal *cprop) (bool, error) {
	mark := len(ex.trace)
	if err := ex.closure(s); err != nil {
		return false, err
	}
	done := true
	for p := 0; p < ex.nprocs; p++ {
		if int(s[p]) < len(ex.pg.procs[p].code) {
			done = false
			break
		}
	}
	if done && goal == nil {
		ex.recordFinal(s)
		ex.trace = ex.trace[:mark]
		return false, nil
	}
	v := triUnknown
	if goal != nil && (done || !ex.noReduce) {
		v = ex.eval3(goal, s)
	}
	if v == triFalse {
		ex.trace = ex.trace[:mark]
		return false, nil
	}
	if done {
		if v == triTrue {
			return true, nil
		}
		ex.trace = ex.trace[:mark]
		return false, nil
	}
	h := hashState(s)
	if _, ok := ex.seen[h]; ok {
		ex.trace = ex.trace[:mark]
		return false, nil
	}
	if ex.stored >= ex.max {
		return false, errBound{ex.stored}
	}
	ex.seen[h] = struct{}{}
	ex.stored++
	for p := 0; p < ex.nprocs; p++ {
		pc := int(s[p])
		code := ex.pg.procs[p].code
		if pc >= len(code) || !ex.enabled(s, p, &code[pc]) {
			continue
		}
		n := make([]int64, len(s))
		copy(n, s)
		m2 := len(ex.trace)
		if err := ex.step(n, p); err != nil {
			return false, err
		}
		found, err := ex.visit(n, goal)
		if err != nil || found {
			return found, err
		}
		ex.trace = ex.trace[:m2]
	}
	ex.trace = ex.trace[:mark]
	return false, nil
}

// closure runs, for every process, the steps that commute with everything
// the other processes may still do: register-only steps, and memory or RCU
// steps on locations no other process may still access conflictingly.
// Running such a step first is a singleton ample set, so the reachable final
// states are unchanged.
func (ex *explorer) closure(s []int64) error {
	for progress := true; progress; {
		progress = false
		for p := 0; p < ex.nprocs; p++ {
			code := ex.pg.procs[p].code
			for int(s[p]) < len(code) {
				in := &code[s[p]]
				if !ex.enabled(s, p, in) || !ex.independent(s, p, in) {
					break
				}
				if err := ex.step(s, p); err != nil {
					return err
				}
				progress = true
			}
		}
	}
	return nil
}

// independent reports whether in (process p's next step) conflicts with
// nothing any other process may still do.
func (ex *explorer) independent(s []int64, p int, in *instr) bool {
	nl := len(ex.pg.locs)
	var loc int
	var read, write bool
	pseudo := false
	switch in.op {
	case opAssign, opJump, opJumpZero:
		return true
	}
	if ex.noReduce {
		return false
	}
	switch in.op {
	case opLoad:
		read = true
	case opStore:
		write = true
	case opXchg, opCmpxchg, opFetchAdd, opLock, opTrylock, opAddUnless:
		read, write = true, true
	case opReadLock, opReadUnlock:
		loc, write, pseudo = nl+in.dom, true, true
	case opGPStart, opGPEnd:
		loc, read, pseudo = nl+in.dom, true, true
	}
	if !pseudo {
		l, ok := ex.loc(in.a.eval(s[ex.regOff[p]:]))
		if !ok {
			return false // let step report the bad address
		}
		loc = l
	}
	if loc >= maxTracked {
		return false
	}
	for q := 0; q < ex.nprocs; q++ {
		if q == p {
			continue
		}
		f := &ex.fut[q][s[q]]
		if read && f.writes.has(loc) {
			return false
		}
		if write && f.reads.has(loc) {
			return false
		}
		if write && !pseudo && f.writes.has(loc) {
			return false
		}
	}
	return true
}

func (ex *explorer) loc(addr int64) (int, bool) {
	i := addr - addrBase
	if i < 0 || i >= int64(len(ex.pg.locs)) {
		return 0, false
	}
	return int(i), true
}

// enabled reports whether process p can take its next step in.
func (ex *explorer) enabled(s []int64, p int, in *instr) bool {
	switch in.op {
	case opLock:
		l, ok := ex.loc(in.a.eval(s[ex.regOff[p]:]))
		return !ok || s[ex.memOff+l] == 0
	case opGPEnd:
		if in.dom == 0 {
			return s[ex.gpOff+p] == 0
		}
		for q := 0; q < ex.nprocs; q++ {
			if s[ex.snapOff+p*ex.nprocs+q]&s[ex.nestOff+q*ex.ndom+in.dom] != 0 {
				return false
			}
		}
	}
	return true
}

// step executes process p's next instruction on s in place.
func (ex *explorer) step(s []int64, p int) error {
	cp := ex.pg.procs[p]
	pc := int(s[p])
	in := &cp.code[pc]
	regs := s[ex.regOff[p] : ex.regOff[p]+len(cp.regs)]
	next := pc + 1
	mem := func() (int, error) {
		a := in.a.eval(regs)
		l, ok := ex.loc(a)
		if !ok {
			return 0, unsupported("P%d: %s through non-pointer value %d", p, in.line, a)
		}
		return ex.memOff + l, nil
	}
	switch in.op {
	case opAssign:
		regs[in.dst] = in.a.eval(regs)
	case opJump:
		next = in.target
	case opJumpZero:
		if in.a.eval(regs) == 0 {
			next = in.target
		}
	case opLoad, opStore, opXchg, opCmpxchg, opFetchAdd, opLock, opTrylock, opAddUnless:
		m, err := mem()
		if err != nil {
			return err
		}
		old := s[m]
		switch in.op {
		case opLoad:
			regs[in.dst] = old
		case opStore:
			s[m] = in.b.eval(regs)
		case opXchg:
			s[m] = in.b.eval(regs)
			regs[in.dst] = old
		case opCmpxchg:
			if old == in.b.eval(regs) {
				s[m] = in.c.eval(regs)
			}
			regs[in.dst] = old
		case opFetchAdd:
			s[m] = old + in.b.eval(regs)
			regs[in.dst] = old
			if in.c.val != 0 {
				regs[in.dst] = s[m]
			}
		case opLock:
			s[m] = 1
		case opAddUnless:
			regs[in.dst] = b2i(old != in.c.eval(regs))
			if regs[in.dst] != 0 {
				s[m] = old + in.b.eval(regs)
			}
		case opTrylock:
			regs[in.dst] = b2i(old == 0)
			if old == 0 {
				s[m] = 1
			}
		}
	case opReadLock:
		if in.dom > 0 {
			// SRCU: the slot is the set of this process's open sections.
			k := in.b.val
			s[ex.nestOff+p*ex.ndom+in.dom] |= 1 << k
			regs[in.dst] = k
			break
		}
		s[ex.nestOff+p*ex.ndom+in.dom]++
	case opReadUnlock:
		if in.dom > 0 {
			k := in.b.eval(regs)
			n := &s[ex.nestOff+p*ex.ndom+in.dom]
			if k <= 0 || k > 62 || *n&(1<<k) == 0 {
				return unsupported("P%d: %s of index %d that is not an open section", p, in.line, k)
			}
			*n &^= 1 << k
			break
		}
		n := &s[ex.nestOff+p*ex.ndom+in.dom]
		if *n == 0 {
			return unsupported("P%d: %s outside a read-side critical section", p, in.line)
		}
		*n--
		if *n == 0 {
			// Grace periods of this domain stop waiting for p.
			for q := 0; q < ex.nprocs; q++ {
				qc := ex.pg.procs[q].code
				if pcq := int(s[q]); pcq < len(qc) && qc[pcq].op == opGPEnd && qc[pcq].dom == in.dom {
					s[ex.gpOff+q] &^= 1 << p
				}
			}
		}
	case opGPStart:
		if in.dom > 0 {
			// SRCU: wait for exactly the sections open now.
			// As for RCU, a process does not wait for itself.
			for q := 0; q < ex.nprocs; q++ {
				if q != p {
					s[ex.snapOff+p*ex.nprocs+q] = s[ex.nestOff+q*ex.ndom+in.dom]
				}
			}
			break
		}
		var mask int64
		for q := 0; q < ex.nprocs; q++ {
			if q != p && s[ex.nestOff+q*ex.ndom+in.dom] > 0 {
				mask |= 1 << q
			}
		}
		s[ex.gpOff+p] = mask
	case opGPEnd:
	}
	s[p] = int64(next)
	if in.op != opAssign && in.op != opJump && in.op != opJumpZero {
		ex.trace = append(ex.trace, fmt.Sprintf("P%d: %s", p, in.line))
	}
	return nil
}

// hashState returns a 128-bit hash of a state vector (two independent
// 64-bit mixes). Storing hashes instead of states bounds memory; a false
// match needs a 128-bit collision.
func hashState(s []int64) [2]uint64 {
	h1 := uint64(0x9e3779b97f4a7c15)
	h2 := uint64(0xc2b2ae3d27d4eb4f)
	for _, v := range s {
		x := uint64(v)
		h1 = mix(h1 ^ x)
		h2 = mix(h2 + x*0xff51afd7ed558ccd)
	}
	return [2]uint64{h1, h2}
}

func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
