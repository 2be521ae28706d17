package kconfig

import (
	"math/rand"
	"reflect"
	"testing"

	"github.com/crillab/gophersat/solver"
)

// quickSat agrees with gophersat on random CNFs around the satisfiability
// threshold, decided or not.
func TestQuickSatAgreesWithGophersat(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	decided := 0
	for n := 0; n < 3000; n++ {
		nv := 3 + rng.Intn(40)
		nc := 1 + rng.Intn(5*nv)
		cs := make([][]int, nc)
		for i := range cs {
			k := 1 + rng.Intn(4)
			for j := 0; j < k; j++ {
				l := 1 + rng.Intn(nv)
				if rng.Intn(2) == 0 {
					l = -l
				}
				cs[i] = append(cs[i], l)
			}
		}
		want := solver.New(solver.ParseSlice(cs)).Solve() != solver.Unsat
		got, ok := quickSat(nv, cs, 50)
		if !ok {
			continue
		}
		decided++
		if got != want {
			t.Fatalf("case %d: quickSat %v, gophersat %v: %v", n, got, want, cs)
		}
	}
	if decided < 2000 {
		t.Errorf("only %d of 3000 decided within the budget", decided)
	}
}

// refPick and refSearch are pick and search as they were before search
// passed down where pick stopped: every pick scans from the first clause.
func (s *dpll) refPick() int {
	l, _ := s.pick(0)
	return l
}

func (s *dpll) refSearch() int {
	if !s.propagate() {
		return 0
	}
	l := s.refPick()
	if l == 0 {
		return 1
	}
	if s.budget == 0 {
		return -1
	}
	s.budget--
	mark := len(s.trail)
	for _, try := range []int{l, -l} {
		s.assign(try)
		if r := s.refSearch(); r != 0 {
			return r
		}
		s.undo(mark)
	}
	return 0
}

// TestPickFromSameDecisions: starting pick where the level above stopped
// takes exactly the decisions a scan from the first clause takes (same
// answer, same budget left, same final assignment).
func TestPickFromSameDecisions(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	for n := 0; n < 3000; n++ {
		nv := 3 + rng.Intn(40)
		cs := make([][]int, 1+rng.Intn(5*nv))
		for i := range cs {
			for j := 0; j < 1+rng.Intn(4); j++ {
				l := 1 + rng.Intn(nv)
				if rng.Intn(2) == 0 {
					l = -l
				}
				cs[i] = append(cs[i], l)
			}
		}
		var a, b dpll
		ra, rb, ok := runBoth(&a, &b, nv, cs)
		if !ok {
			continue // a unit clause conflict: no search
		}
		if ra != rb || a.budget != b.budget || !reflect.DeepEqual(a.val, b.val) {
			t.Fatalf("case %d: search %d (budget %d), reference %d (budget %d)", n, ra, a.budget, rb, b.budget)
		}
	}
}

// runBoth prepares two solvers on the same CNF and runs search on one and
// refSearch on the other; ok is false when the unit clauses conflict.
func runBoth(a, b *dpll, nv int, cs [][]int) (ra, rb int, ok bool) {
	prep := func(s *dpll) bool {
		*s = dpll{}
		s.solve(nv, cs, 0) // builds the occurrence lists; budget 0 decides nothing
		s.undo(0)
		s.budget = 50
		for _, c := range cs {
			if len(c) == 1 {
				switch s.value(c[0]) {
				case -1:
					return false
				case 0:
					s.assign(c[0])
				}
			}
		}
		return true
	}
	if !prep(a) || !prep(b) {
		return 0, 0, false
	}
	return a.search(0), b.refSearch(), true
}
