package mbox

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// sameFamily reports whether two series are revisions of each other:
// the pairwise relation whose transitive closure familyLinks computes.
func sameFamily(a, b *seriesBuild) bool {
	if a.author != b.author {
		return false
	}
	if threadsInto(a, b) || threadsInto(b, a) {
		return true
	}
	if a.s.Cover != nil && b.s.Cover != nil {
		return a.s.Cover.Title == b.s.Cover.Title && a.s.Cover.Title != ""
	}
	for i, p := range a.byIndex {
		if q, ok := b.byIndex[i]; ok && p.Title == q.Title && p.Title != "" {
			return true
		}
	}
	if len(a.extra) > 0 && len(b.extra) > 0 {
		return a.extra[0].Title == b.extra[0].Title && a.extra[0].Title != ""
	}
	return false
}

// TestFamilyLinksMatchPairwise checks on random mailboxes that familyLinks
// relates exactly the series that the pairwise sameFamily does (as
// partitions: its transitive closure).
func TestFamilyLinksMatchPairwise(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	titles := []string{"", "rcu: a", "rcu: b", "rcu: c"}
	for round := 0; round < 300; round++ {
		n := 1 + rng.IntN(12)
		list := make([]*seriesBuild, n)
		for i := range list {
			b := &seriesBuild{s: &Series{}, author: fmt.Sprint("a", rng.IntN(2)), byIndex: map[int]*Patch{}, members: map[string]bool{}}
			if rng.IntN(2) == 0 {
				b.s.Cover = &Patch{Title: titles[rng.IntN(len(titles))]}
			}
			for k := rng.IntN(3); k > 0; k-- {
				b.byIndex[1+rng.IntN(3)] = &Patch{Title: titles[rng.IntN(len(titles))]}
			}
			if rng.IntN(4) == 0 {
				b.extra = []*Patch{{Title: titles[rng.IntN(len(titles))]}}
			}
			b.members[fmt.Sprint("m", i)] = true
			if rng.IntN(4) == 0 {
				b.refs = append(b.refs, fmt.Sprint("m", rng.IntN(n)))
			}
			list[i] = b
		}
		partition := func(link func(union func(i, j int))) []int {
			parent := make([]int, n)
			for i := range parent {
				parent[i] = i
			}
			var find func(int) int
			find = func(i int) int {
				for parent[i] != i {
					i = parent[i]
				}
				return i
			}
			link(func(i, j int) { parent[find(j)] = find(i) })
			out := make([]int, n)
			for i := range out {
				out[i] = find(i)
			}
			return out
		}
		pairwise := partition(func(union func(i, j int)) {
			for i := 0; i < n; i++ {
				for j := i + 1; j < n; j++ {
					if sameFamily(list[i], list[j]) {
						union(i, j)
					}
				}
			}
		})
		keyed := partition(func(union func(i, j int)) { familyLinks(list, union) })
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				if (pairwise[i] == pairwise[j]) != (keyed[i] == keyed[j]) {
					t.Fatalf("round %d: series %d and %d related pairwise=%v keyed=%v", round, i, j, pairwise[i] == pairwise[j], keyed[i] == keyed[j])
				}
			}
		}
	}
}
