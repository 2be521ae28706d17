package kconfig

// Constraint programs.
//
// What Kconfig says about a symbol is the same in every query; only the
// variables it is said about differ. So the model translates each
// symbol's constraints (symbolSteps) and each choice's (choiceSteps)
// once, on first use, into a program: the sequence of steps the
// translation takes (a fresh variable, a named variable, a symbol's
// variables, a clause) over registers. A query runs the program with
// registers bound to its own variables, and so takes exactly the steps
// the translation would: the same variables in the same order, the same
// symbols queued, the same clauses. The translation's only dependence on
// a query is which variables already exist (named, symVars), and those
// steps are run, not replayed; its constant folding (a literal that is
// always true or false) depends only on the model, as does whether an
// undefined symbol is free (SetFree is called before the first query).

// prog is a recorded translation. Registers are numbered from 2 (1 is
// the constant true); a literal is ±register.
type prog struct {
	ops   []int32
	strs  []string // keys of opNamed
	refs  []symRef // symbols of opSym
	nregs int
	// choice: the symbol's translation went on to its choice's
	choice bool
}

// program steps: opcode, then its operands
const (
	opFresh  = iota // register
	opNamed         // register, key
	opSym           // e register, y register, symRef
	opClause        // n, n literals
)

// symRef is a symbol as symVarsOf takes it.
type symRef struct {
	s          *symbol // nil: an undefined symbol that is free
	ekey, ykey string
}

// progRecorder records a translation run on a query whose rec is set.
type progRecorder struct {
	p       *prog
	symRegs map[string][3]int // e, y registers and symRef index
}

func newRecordingQuery(m *Model) *query {
	q := &query{m: m, vars: map[string]int{}, rec: &progRecorder{p: &prog{}, symRegs: map[string][3]int{}}}
	q.n, q.tru = 1, 1
	return q
}

func (r *progRecorder) str(s string) int32 {
	r.p.strs = append(r.p.strs, s)
	return int32(len(r.p.strs) - 1)
}

func (r *progRecorder) fresh(reg int) { r.p.ops = append(r.p.ops, opFresh, int32(reg)) }

func (r *progRecorder) named(key string, reg int) {
	r.p.ops = append(r.p.ops, opNamed, int32(reg), r.str(key))
}

func (r *progRecorder) clause(ls []int) {
	r.p.ops = append(r.p.ops, opClause, int32(len(ls)))
	for _, l := range ls {
		r.p.ops = append(r.p.ops, int32(l))
	}
}

// recSymVars is symVars while recording: a symbol's variables are
// registers, bound when the program runs symVars itself. An undefined
// symbol that is not free is the constant false, as in symVars.
func (q *query) recSymVars(name string) (e, y int, s *symbol, ok bool) {
	s = q.m.sym(name)
	if s == nil && !q.m.isFree(name) {
		return q.fls(), q.fls(), nil, false
	}
	r, seen := q.rec.symRegs[name]
	if !seen {
		q.n++
		r = [3]int{q.n, q.n, len(q.rec.p.refs)}
		if s == nil || s.typ == "tristate" {
			q.n++
			r[1] = q.n
		}
		q.rec.symRegs[name] = r
		q.rec.p.refs = append(q.rec.p.refs, symRef{s, "e:" + name, "y:" + name})
	}
	q.rec.p.ops = append(q.rec.p.ops, opSym, int32(r[0]), int32(r[1]), int32(r[2]))
	return r[0], r[1], s, true
}

// symProg returns the program of a symbol's constraints, recorded on
// first use (two goroutines may both record it: the programs are the
// same).
func (m *Model) symProg(s *symbol) *prog {
	if p := s.prog.Load(); p != nil {
		return p
	}
	q := newRecordingQuery(m)
	q.rec.p.choice = q.symbolSteps(s)
	p := q.rec.p
	p.nregs = q.n
	s.prog.Store(p)
	return p
}

// choiceProg returns the program of a choice's constraints.
func (m *Model) choiceProg(c *choice) *prog {
	if p := c.prog.Load(); p != nil {
		return p
	}
	q := newRecordingQuery(m)
	q.choiceSteps(c)
	p := q.rec.p
	p.nregs = q.n
	c.prog.Store(p)
	return p
}

// run takes a program's steps in the query.
func (q *query) run(p *prog) {
	if cap(q.regs) < p.nregs+1 {
		q.regs = make([]int, p.nregs+1)
	}
	regs := q.regs[:p.nregs+1]
	regs[1] = q.tru
	lit := func(l int32) int {
		if l < 0 {
			return -regs[-l]
		}
		return regs[l]
	}
	ops := p.ops
	for i := 0; i < len(ops); {
		switch ops[i] {
		case opFresh:
			regs[ops[i+1]] = q.fresh()
			i += 2
		case opNamed:
			regs[ops[i+1]] = q.named(p.strs[ops[i+2]])
			i += 3
		case opSym:
			r := &p.refs[ops[i+3]]
			e, y, _, _ := q.symVarsOf(r.s, r.ekey, r.ykey)
			regs[ops[i+1]], regs[ops[i+2]] = e, y
			i += 4
		case opClause:
			n := int(ops[i+1])
			if cap(q.lits)-len(q.lits) < n {
				q.lits = make([]int, 0, max(4096, n))
			}
			start := len(q.lits)
			for _, l := range ops[i+2 : i+2+n] {
				q.lits = append(q.lits, lit(l))
			}
			q.clauses = append(q.clauses, q.lits[start:len(q.lits):len(q.lits)])
			i += 2 + n
		default:
			panic("kconfig: bad program step")
		}
	}
}
