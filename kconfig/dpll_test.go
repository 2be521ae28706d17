package kconfig

import (
	"math/rand"
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
