package check

import "math/bits"

// livenessScratch holds the per-state arrays of the SCC search, allocated
// once per exploration and reused for every liveness property.
type livenessScratch struct {
	index, low []int32
	onStack    []bool
	member     []int32 // component number+1 of the state in the current search
}

func newLivenessScratch(n int) *livenessScratch {
	return &livenessScratch{index: make([]int32, n), low: make([]int32, n), onStack: make([]bool, n), member: make([]int32, n)}
}

// liveness looks for a weakly fair strongly connected component of the
// subgraph of expanded states where property i is pending, using only
// transitions that do not discharge it. Under weak fairness an SCC admits a
// fair infinite run iff every fairness class that is enabled in all of its
// states is taken by some transition inside it (a run that cycles through
// the whole SCC then takes it infinitely often); no refinement into sub-SCCs
// is needed, unlike strong fairness. Returns nil if there is none.
func (g *graph[S, L]) liveness(i int, l Liveness[S], lv *livenessScratch) *Violation[S, L] {
	bit := uint32(1) << i
	in := func(x int32) bool { return g.expanded(x) && g.m(x).pending&bit != 0 }
	progress := func(tags uint32) bool { return l.Progress != nil && l.Progress(tags) }
	// succ iterates the internal edges of x (and the stutter self-loop).
	succ := func(x int32, f func(to int32, e edgeRec)) {
		mx := g.m(x)
		if mx.nedges == 0 {
			if !progress(TagStutter) {
				f(x, edgeRec{to: x, tags: TagStutter})
			}
			return
		}
		for k := mx.first; k < mx.first+mx.nedges; k++ {
			e := g.edge(k)
			if in(e.to) && !progress(e.tags) {
				f(e.to, e)
			}
		}
	}
	for x := range lv.member {
		lv.member[x] = 0
	}
	var best []int32
	bestDepth := int32(-1)
	compNo := int32(0)
	// succAt returns the first internal successor of x at edge cursor k
	// or after, and the cursor past it.
	succAt := func(x, k int32) (int32, int32, bool) {
		mx := g.m(x)
		if mx.nedges == 0 {
			if k == 0 && !progress(TagStutter) {
				return x, 1, true
			}
			return 0, 0, false
		}
		for ; k < mx.nedges; k++ {
			e := g.edge(mx.first + k)
			if in(e.to) && !progress(e.tags) {
				return e.to, k + 1, true
			}
		}
		return 0, 0, false
	}
	tarjan(lv, in, succAt, func(comp []int32) {
		compNo++
		for _, x := range comp {
			lv.member[x] = compNo
		}
		always := ^uint64(0)
		var taken uint64
		cyclic := len(comp) > 1
		accepted := l.Accept == nil
		for _, x := range comp {
			always &= g.m(x).enabled
			succ(x, func(to int32, e edgeRec) {
				if lv.member[to] == compNo {
					if to == x {
						cyclic = true
					}
					if e.fair > 0 {
						taken |= 1 << uint(e.fair)
					}
					if l.Accept != nil && l.Accept(e.tags) {
						accepted = true
					}
				}
			})
		}
		if !cyclic || !accepted || always&^taken != 0 {
			return
		}
		d := int32(1 << 30)
		for _, x := range comp {
			if g.m(x).depth < d {
				d = g.m(x).depth
			}
		}
		if bestDepth < 0 || d < bestDepth {
			best, bestDepth = append([]int32(nil), comp...), d
		}
	})
	if best == nil {
		return nil
	}
	return g.lasso(l, best, succ)
}

// lasso builds the counterexample for a fair SCC: the shortest known path to
// its shallowest state, then a cycle through it that takes every fairness
// class that is always enabled in the SCC.
func (g *graph[S, L]) lasso(l Liveness[S], comp []int32, succ func(int32, func(int32, edgeRec))) *Violation[S, L] {
	member := map[int32]bool{}
	entry := comp[0]
	for _, x := range comp {
		member[x] = true
		if g.m(x).depth < g.m(entry).depth {
			entry = x
		}
	}
	always, never := ^uint64(0), ^uint64(0)
	for _, x := range comp {
		always &= g.m(x).enabled
		never &^= g.m(x).enabled
	}
	v := &Violation[S, L]{Property: l.Property}
	v.Init, v.Prefix = g.path(entry)
	if l.Msg != nil {
		es := g.state(entry)
		v.Msg = l.Msg(&es)
	}
	if g.m(entry).nedges == 0 {
		v.Stutter = true
		v.NeverEnabled = never
		return v
	}
	// Walk: from cur, BFS inside the SCC to an edge of a still-needed class
	// (or back to entry when none is needed), append the path.
	need := always
	needAccept := l.Accept != nil
	cur := entry
	var cycle []Step[S, L]
	for steps := 0; steps < 4*len(comp)+64; steps++ {
		target := func(from int32, e edgeRec) bool {
			if needAccept {
				return l.Accept(e.tags)
			}
			if need != 0 {
				return e.fair > 0 && need&(1<<uint(e.fair)) != 0
			}
			return e.to == entry
		}
		p := g.bfsIn(cur, member, succ, target)
		if p == nil {
			break
		}
		for _, h := range p {
			cycle = append(cycle, g.edgeByTarget(h.from, h.e))
			if l.Accept != nil && l.Accept(h.e.tags) {
				needAccept = false
			}
			if h.e.fair > 0 {
				v.Taken |= 1 << uint(h.e.fair)
				need &^= 1 << uint(h.e.fair)
			}
		}
		cur = p[len(p)-1].e.to
		if need == 0 && !needAccept && cur == entry {
			break
		}
	}
	v.Cycle = cycle
	v.NeverEnabled = never
	return v
}

type hop struct {
	from int32
	e    edgeRec
}

// bfsIn finds the shortest path inside the SCC from src whose last edge
// satisfies target.
func (g *graph[S, L]) bfsIn(src int32, member map[int32]bool, succ func(int32, func(int32, edgeRec)), target func(int32, edgeRec) bool) []hop {
	prev := map[int32]hop{}
	seen := map[int32]bool{src: true}
	queue := []int32{src}
	for len(queue) > 0 {
		x := queue[0]
		queue = queue[1:]
		var found *hop
		succ(x, func(to int32, e edgeRec) {
			if found != nil || !member[to] {
				return
			}
			if target(x, e) {
				found = &hop{from: x, e: e}
				return
			}
			if !seen[to] {
				seen[to] = true
				prev[to] = hop{from: x, e: e}
				queue = append(queue, to)
			}
		})
		if found != nil {
			path := []hop{*found}
			for y := found.from; y != src; {
				h := prev[y]
				path = append(path, h)
				y = h.from
			}
			for a, b := 0, len(path)-1; a < b; a, b = a+1, b-1 {
				path[a], path[b] = path[b], path[a]
			}
			return path
		}
	}
	return nil
}

// edgeByTarget recovers the label of the edge e of state from.
func (g *graph[S, L]) edgeByTarget(from int32, e edgeRec) Step[S, L] {
	mf := g.m(from)
	if e.tags&TagStutter != 0 && mf.nedges == 0 {
		return Step[S, L]{State: g.state(from)}
	}
	for k := int32(0); k < mf.nedges; k++ {
		if g.edge(mf.first+k) == e {
			return g.edgeLabel(from, k)
		}
	}
	return Step[S, L]{State: g.state(e.to)}
}

// tarjan computes the SCCs of the subgraph of nodes selected by in,
// iteratively (scenario graphs can be deep), calling emit per component.
func tarjan(lv *livenessScratch, in func(int32) bool, succAt func(v, k int32) (w, next int32, ok bool), emit func([]int32)) {
	n := int32(len(lv.index))
	index, low, onStack := lv.index, lv.low, lv.onStack
	for i := range index {
		index[i] = -1
		onStack[i] = false
	}
	var stack, comp []int32
	next := int32(0)
	// A frame walks the successors of v with an edge cursor k, so no
	// successor list is built per state.
	type frame struct{ v, k int32 }
	var call []frame
	for root := int32(0); root < n; root++ {
		if !in(root) || index[root] >= 0 {
			continue
		}
		push := func(v int32) {
			index[v], low[v] = next, next
			next++
			stack = append(stack, v)
			onStack[v] = true
			call = append(call, frame{v: v})
		}
		push(root)
		for len(call) > 0 {
			f := &call[len(call)-1]
			if w, k, ok := succAt(f.v, f.k); ok {
				f.k = k
				if index[w] < 0 {
					push(w)
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			call = call[:len(call)-1]
			if len(call) > 0 {
				p := call[len(call)-1].v
				if low[v] < low[p] {
					low[p] = low[v]
				}
			}
			if low[v] == index[v] {
				comp = comp[:0]
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					comp = append(comp, w)
					if w == v {
						break
					}
				}
				emit(comp)
			}
		}
	}
}

// Classes lists the fairness class numbers set in mask, ascending.
func Classes(mask uint64) []int {
	var out []int
	for mask != 0 {
		c := bits.TrailingZeros64(mask)
		out = append(out, c)
		mask &^= 1 << uint(c)
	}
	return out
}
