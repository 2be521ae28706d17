package kconfig

import (
	"fmt"
	"strings"

	"github.com/crillab/gophersat/solver"
)

// quickBudget is how many decisions quickSat may take before a query
// goes to the CDCL solver.
const quickBudget = 2000

// maxConstrained bounds how many symbols' constraints one query takes,
// nearest to the queried symbols first; the others stay free, which can
// only make more combinations satisfiable.
const maxConstrained = 50

// query is one satisfiability question: variables, clauses in CNF
// (Tseitin encoding, literals as ±variable) and the symbols still to
// constrain.
//
// A tristate symbol S is two variables: S.e (S is y or m) and S.y (S is
// y), with S.y → S.e; a bool symbol has one (S.y = S.e); an int, hex or
// string symbol has S.e (it has a value). An expression translates to
// the pair (E, Y): "its value is at least m" and "its value is y".
type query struct {
	m           *Model
	n           int // variables so far
	vars        map[string]int
	clauses     [][]int
	tru         int
	pending     []*symbol
	constrained map[*symbol]bool
	choiceDone  map[*choice]bool
	nconstr     int
	// rec, when set, records the steps of symbol or choice constraints
	// as a program (prog.go) instead of building a query.
	rec *progRecorder
	// lits holds the literals of the clauses (sliced, not one
	// allocation per clause)
	lits []int
	regs []int // registers of the program running
	dp   dpll  // quickSat's buffers
}

// newQuery returns an empty query, one that a previous query left
// (putQuery) when there is one.
func (m *Model) newQuery() *query {
	if q, ok := m.queries.Get().(*query); ok {
		return q
	}
	q := &query{m: m, vars: make(map[string]int, 256), constrained: make(map[*symbol]bool, 64), choiceDone: map[*choice]bool{},
		clauses: make([][]int, 0, 640), pending: make([]*symbol, 0, 128)}
	q.tru = q.fresh()
	q.clause(q.tru)
	return q
}

// putQuery empties a query for newQuery to hand out again.
func (m *Model) putQuery(q *query) {
	clear(q.vars)
	clear(q.constrained)
	clear(q.choiceDone)
	q.n, q.nconstr = 0, 0
	q.clauses, q.pending, q.lits = q.clauses[:0], q.pending[:0], q.lits[:0]
	q.tru = q.fresh()
	q.clause(q.tru)
	m.queries.Put(q)
}

func (q *query) fresh() int {
	q.n++
	if q.rec != nil {
		q.rec.fresh(q.n)
	}
	return q.n
}

func (q *query) named(key string) int {
	if v, ok := q.vars[key]; ok {
		return v
	}
	if q.rec != nil {
		q.n++
		q.rec.named(key, q.n)
		q.vars[key] = q.n
		return q.n
	}
	v := q.fresh()
	q.vars[key] = v
	return v
}

// clause adds a clause (its literals are copied).
func (q *query) clause(ls ...int) {
	if q.rec != nil {
		q.rec.clause(ls)
		return
	}
	if cap(q.lits)-len(q.lits) < len(ls) {
		q.lits = make([]int, 0, max(4096, len(ls)))
	}
	start := len(q.lits)
	q.lits = append(q.lits, ls...)
	q.clauses = append(q.clauses, q.lits[start:len(q.lits):len(q.lits)])
}

func (q *query) fls() int { return -q.tru }

func (q *query) and(ls ...int) int {
	var keep []int
	for _, l := range ls {
		switch l {
		case q.fls():
			return q.fls()
		case q.tru:
			continue
		}
		keep = append(keep, l)
	}
	switch len(keep) {
	case 0:
		return q.tru
	case 1:
		return keep[0]
	}
	v := q.fresh()
	big := []int{v}
	for _, l := range keep {
		q.clause(-v, l)
		big = append(big, -l)
	}
	q.clause(big...)
	return v
}

func (q *query) or(ls ...int) int {
	neg := make([]int, len(ls))
	for i, l := range ls {
		neg[i] = -l
	}
	return -q.and(neg...)
}

// imply adds the clause a → b.
func (q *query) imply(a, b int) {
	if a == q.fls() || b == q.tru {
		return
	}
	q.clause(-a, b)
}

func (q *query) iff(a, b int) int { return q.and(q.or(-a, b), q.or(a, -b)) }

// symVars returns the variables of a symbol and queues its constraints.
// ok is false for a symbol Kconfig does not define.
func (q *query) symVars(name string) (e, y int, s *symbol, ok bool) {
	if q.rec != nil {
		return q.recSymVars(name)
	}
	s = q.m.sym(name)
	if s == nil && !q.m.isFree(name) {
		return q.fls(), q.fls(), nil, false
	}
	return q.symVarsOf(s, "e:"+name, "y:"+name)
}

// isFree reports whether an undefined symbol is free.
func (m *Model) isFree(name string) bool {
	return m.open || len(m.Missing) > 0 || m.free != nil && m.free(name)
}

// symVarsOf is symVars of a defined symbol s, or of a free undefined
// one (s nil), with the keys of its variables.
func (q *query) symVarsOf(s *symbol, ekey, ykey string) (e, y int, _ *symbol, ok bool) {
	if s == nil {
		e = q.named(ekey)
		y = q.named(ykey)
		q.imply(y, e)
		return e, y, nil, true
	}
	e, seen := q.vars[ekey]
	if !seen {
		e = q.named(ekey)
		q.pending = append(q.pending, s)
	}
	switch s.typ {
	case "tristate":
		y = q.named(ykey)
		if !seen {
			q.imply(y, e)
		}
	default:
		y = e
	}
	return e, y, s, true
}

// tri translates a Kconfig or C expression to its (E, Y) literals.
func (q *query) tri(x *Expr) (int, int) {
	if x == nil {
		return q.tru, q.tru
	}
	switch x.Kind {
	case ExprConst:
		switch x.Name {
		case "y":
			return q.tru, q.tru
		case "m":
			return q.tru, q.fls()
		}
		return q.fls(), q.fls()
	case ExprSym:
		e, y, s, ok := q.symVars(x.Name)
		if !ok {
			return q.fls(), q.fls()
		}
		if s != nil && s.typ != "" && s.typ != "bool" && s.typ != "tristate" {
			return q.fls(), q.fls() // a non-bool symbol is n in a boolean context
		}
		return e, y
	case ExprDefined:
		e, y, s, ok := q.symVars(x.Name)
		if !ok {
			if base, isMod := strings.CutSuffix(x.Name, "_MODULE"); isMod {
				if be, by, bs, bok := q.symVars(base); bok && bs != nil && bs.typ == "tristate" {
					v := q.and(be, -by)
					return v, v
				}
			}
			return q.fls(), q.fls()
		}
		if s != nil && s.typ != "" && s.typ != "bool" && s.typ != "tristate" {
			return e, e
		}
		return y, y
	case ExprNot:
		e, y := q.tri(x.L)
		return -y, -e
	case ExprAnd:
		le, ly := q.tri(x.L)
		re, ry := q.tri(x.R)
		return q.and(le, re), q.and(ly, ry)
	case ExprOr:
		le, ly := q.tri(x.L)
		re, ry := q.tri(x.R)
		return q.or(le, re), q.or(ly, ry)
	case ExprEq, ExprNe:
		v, ok := q.equal(x.L, x.R)
		if !ok {
			// a comparison of strings or numbers: free, one variable per
			// node (parsed conditions are shared per spelling)
			v = q.named(fmt.Sprintf("u:%p", x))
		}
		if x.Kind == ExprNe {
			v = -v
		}
		return v, v
	case ExprUnknown, ExprLit:
		v := q.named("u:" + x.Name)
		return v, v
	}
	v := q.fresh()
	return v, v
}

// equal is "L = R" when both sides are tristate values.
func (q *query) equal(l, r *Expr) (int, bool) {
	isTri := func(x *Expr) bool {
		switch x.Kind {
		case ExprConst:
			return true
		case ExprSym:
			s := q.m.sym(x.Name)
			return s == nil || s.typ == "" || s.typ == "bool" || s.typ == "tristate"
		}
		return false
	}
	if !isTri(l) || !isTri(r) {
		return 0, false
	}
	le, ly := q.tri(l)
	re, ry := q.tri(r)
	return q.and(q.iff(le, re), q.iff(ly, ry)), true
}

// constrain adds the constraints of the queued symbols, nearest first,
// up to maxConstrained symbols.
func (q *query) constrain() {
	for len(q.pending) > 0 && q.nconstr < maxConstrained {
		s := q.pending[0]
		q.pending = q.pending[1:]
		if q.constrained[s] {
			continue
		}
		q.constrained[s] = true
		q.nconstr++
		q.symbol(s)
	}
}

// symbol adds what Kconfig says about one symbol (symbolSteps and, for
// the first member of a choice, choiceSteps), by running the programs
// the model recorded of them (prog.go).
func (q *query) symbol(s *symbol) {
	p := q.m.symProg(s)
	q.run(p)
	if c := s.choice; p.choice && c != nil && !q.choiceDone[c] {
		q.choiceDone[c] = true
		q.run(q.m.choiceProg(c))
	}
}

// symbolSteps adds what Kconfig says about one symbol: it is set only
// when its dependencies hold and it is visible or defaulted on, or when
// something selects it; a symbol without a visible prompt takes its
// first applicable default; a select forces it on; a module needs
// MODULES. It reports whether the constraints of the symbol's choice
// apply too (choiceSteps: at most one member of a choice is set, and a
// visible choice sets one).
func (q *query) symbolSteps(s *symbol) (withChoice bool) {
	e, y, _, _ := q.symVars(s.name)
	switch s.typ {
	case "int", "hex", "string":
		var deps []int
		for _, d := range s.defs {
			de, _ := q.tri(d.dep)
			deps = append(deps, de)
		}
		q.imply(e, q.or(deps...))
		return false
	}
	var deps []int
	var depsY []int
	var vis, visY []int
	var defAny, defAnyY []int
	var defFirst []int
	var earlier []int
	for _, d := range s.defs {
		de, dy := q.tri(d.dep)
		deps = append(deps, de)
		depsY = append(depsY, dy)
		if d.prompt {
			pe, py := q.tri(d.promptIf)
			vis = append(vis, q.and(de, pe))
			visY = append(visY, q.and(dy, py))
		}
		for _, df := range d.defaults {
			ce, cy := q.tri(df.cond)
			ce, cy = q.and(ce, de), q.and(cy, dy)
			ve, vy := q.tri(df.val)
			defAny = append(defAny, q.and(ce, ve))
			defAnyY = append(defAnyY, q.and(cy, vy))
			first := append([]int{ce, ve}, earlier...)
			defFirst = append(defFirst, q.and(first...))
			earlier = append(earlier, -ce)
		}
	}
	var rev, revY []int
	for _, sl := range s.selectors {
		be, by, _, _ := q.symVars(sl.by)
		ce, cy := q.tri(sl.cond)
		rev = append(rev, q.and(be, ce))
		revY = append(revY, q.and(by, cy))
	}
	D, DY := q.or(deps...), q.or(depsY...)
	Rev, RevY := q.or(rev...), q.or(revY...)
	Vis, VisY := q.or(vis...), q.or(visY...)
	if len(s.defs) == 0 {
		// selected but never defined: an undefined symbol is never set
		q.imply(e, q.fls())
		return false
	}
	if s.choice != nil {
		q.imply(e, q.or(D, Rev))
	} else {
		q.imply(e, q.or(q.and(D, q.or(Vis, q.or(defAny...))), Rev))
		q.imply(q.and(-Vis, q.or(defFirst...)), e)
	}
	q.imply(Rev, e)
	if s.typ == "tristate" {
		q.imply(y, q.or(q.and(DY, q.or(VisY, q.or(defAnyY...))), RevY))
		q.imply(RevY, y)
		if _, my, _, ok := q.symVars("MODULES"); ok {
			q.imply(q.and(e, -y), my)
		}
	}
	return true
}

// choiceSteps adds the constraints of a choice.
func (q *query) choiceSteps(c *choice) {
	var ms []int
	for _, name := range c.members {
		me, _, _, _ := q.symVars(name)
		ms = append(ms, me)
	}
	for i := range ms {
		for j := i + 1; j < len(ms); j++ {
			q.clause(-ms[i], -ms[j])
		}
	}
	if !c.optional && c.anyFree {
		ce, _ := q.tri(c.dep)
		q.imply(ce, q.or(ms...))
	}
}

// sat decides whether the expressions can all be true (their Y level:
// C conditions are true or false).
func (m *Model) sat(es []*Expr) bool {
	q := m.newQuery()
	defer m.putQuery(q)
	for _, x := range es {
		_, y := q.tri(x)
		q.clause(y)
	}
	q.constrain()
	if sat, ok := q.dp.solve(q.n, q.clauses, quickBudget); ok {
		return sat
	}
	pb := solver.ParseSlice(q.clauses)
	if pb.Status == solver.Unsat {
		return false
	}
	return solver.New(pb).Solve() != solver.Unsat
}
