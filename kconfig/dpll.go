package kconfig

// quickSat decides a small CNF (literals ±variable, variables 1..nvars)
// by DPLL with unit propagation over occurrence lists, within budget
// decisions; decided is false when the budget ran out. The queries of
// this package are a few hundred clauses that unit propagation nearly
// settles, where building a CDCL solver costs more than solving.
func quickSat(nvars int, clauses [][]int, budget int) (sat, decided bool) {
	var s dpll
	return s.solve(nvars, clauses, budget)
}

// solve is quickSat reusing the solver's buffers.
func (s *dpll) solve(nvars int, clauses [][]int, budget int) (sat, decided bool) {
	s.clauses, s.budget, s.qhead = clauses, budget, 0
	s.val = resize(s.val, nvars+1)
	clear(s.val)
	s.trail = s.trail[:0]
	// occurrence lists in one array: start[i]..start[i+1] holds the
	// clauses of literal index i, in clause order
	nl := 2*nvars + 2
	s.start = resize(s.start, nl+1)
	clear(s.start)
	total := 0
	for _, c := range clauses {
		if len(c) == 0 {
			return false, true
		}
		for _, l := range c {
			if l == 0 || l > nvars || -l > nvars {
				return false, false // not a CNF this solver reads
			}
			s.start[s.idx(l)+1]++
		}
		total += len(c)
	}
	for i := 1; i <= nl; i++ {
		s.start[i] += s.start[i-1]
	}
	s.fill = resize(s.fill, nl)
	copy(s.fill, s.start[:nl])
	s.occs = resize(s.occs, total)
	for ci, c := range clauses {
		for _, l := range c {
			i := s.idx(l)
			s.occs[s.fill[i]] = int32(ci)
			s.fill[i]++
		}
	}
	for _, c := range clauses {
		if len(c) == 1 {
			switch s.value(c[0]) {
			case -1:
				return false, true
			case 0:
				s.assign(c[0])
			}
		}
	}
	switch s.search(0) {
	case 1:
		return true, true
	case 0:
		return false, true
	}
	return false, false
}

// resize returns b with length n, reusing its array when it can (the
// contents are not kept).
func resize[T any](b []T, n int) []T {
	if cap(b) < n {
		return make([]T, n)
	}
	return b[:n]
}

type dpll struct {
	val     []int8  // by variable: 1 true, -1 false, 0 unassigned
	start   []int32 // by literal index: where its clauses start in occs
	occs    []int32 // the clauses holding each literal
	fill    []int32
	clauses [][]int
	trail   []int // literals made true, in order
	qhead   int   // trail[qhead:] still to propagate
	budget  int
}

// occ returns the clauses holding the literal of index i.
func (s *dpll) occ(i int) []int32 { return s.occs[s.start[i]:s.start[i+1]] }

func (s *dpll) idx(l int) int {
	if l > 0 {
		return 2 * l
	}
	return -2*l + 1
}

// value is the truth of literal l: 1, -1 or 0 (unassigned).
func (s *dpll) value(l int) int8 {
	if l > 0 {
		return s.val[l]
	}
	return -s.val[-l]
}

func (s *dpll) assign(l int) {
	if l > 0 {
		s.val[l] = 1
	} else {
		s.val[-l] = -1
	}
	s.trail = append(s.trail, l)
}

func (s *dpll) undo(mark int) {
	for _, l := range s.trail[mark:] {
		if l < 0 {
			l = -l
		}
		s.val[l] = 0
	}
	s.trail = s.trail[:mark]
	s.qhead = mark
}

// propagate applies unit propagation; false on a conflict.
func (s *dpll) propagate() bool {
	for s.qhead < len(s.trail) {
		l := s.trail[s.qhead]
		s.qhead++
		for _, ci := range s.occ(s.idx(-l)) { // clauses where l made a literal false
			unit, open := 0, 0
			sat := false
			for _, x := range s.clauses[ci] {
				switch s.value(x) {
				case 1:
					sat = true
				case 0:
					open++
					unit = x
				}
				if sat {
					break
				}
			}
			switch {
			case sat:
			case open == 0:
				return false
			case open == 1:
				s.assign(unit)
			}
		}
	}
	return true
}

// pick returns an unassigned literal of the first clause not yet
// satisfied, from clause from on, and that clause's index; 0 when every
// clause is satisfied. The clauses before from are satisfied: search
// passes down where its own pick stopped, since a deeper level only adds
// assignments (and a clause with no unassigned literal left that is not
// satisfied is a conflict that propagate has found).
func (s *dpll) pick(from int) (int, int) {
	for ci := from; ci < len(s.clauses); ci++ {
		free := 0
		sat := false
		for _, x := range s.clauses[ci] {
			switch s.value(x) {
			case 1:
				sat = true
			case 0:
				if free == 0 {
					free = x
				}
			}
			if sat {
				break
			}
		}
		if !sat && free != 0 {
			return free, ci
		}
	}
	return 0, len(s.clauses)
}

// search returns 1 satisfiable, 0 unsatisfiable, -1 out of budget; the
// clauses before from are satisfied.
func (s *dpll) search(from int) int {
	if !s.propagate() {
		return 0
	}
	l, at := s.pick(from)
	if l == 0 {
		return 1
	}
	if s.budget == 0 {
		return -1
	}
	s.budget--
	mark := len(s.trail)
	for _, try := range [2]int{l, -l} {
		s.assign(try)
		if r := s.search(at); r != 0 {
			return r
		}
		s.undo(mark)
	}
	return 0
}
