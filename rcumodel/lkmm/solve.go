package lkmm

// solver solves herd7's value equations incrementally, with undo, so that
// the search over reads-from can add the equations of one choice, prune at
// the first contradiction and backtrack. It has the power of herd7's
// solver (herd/valconstraint.ml): variables equated to variables share a
// class; an equation whose right-hand side can be computed fixes its
// left-hand side, or is checked when both are known; "c := x" fixes x.
// Nothing is solved backwards through an operator, as in herd7.
type solver struct {
	parent []int32 // union-find over variables; roots have parent == self
	size   []int32
	next   []int32 // circular list of the members of a class
	known  []bool  // per root
	value  []val   // per root, when known
	cs     []cnstr
	watch  [][]int32 // variable -> constraints mentioning it
	done   []bool    // constraint checked with all its variables known
	queue  []int32   // roots that became known
	trail  []undo
	failed error // an arithmetic error herd7 would raise
}

type undo struct {
	kind byte // 'k' known set, 'u' union, 'd' done
	a, b int32
}

func newSolver(nvars int32) *solver {
	n := int(nvars) + 1
	s := &solver{
		parent: make([]int32, n),
		size:   make([]int32, n),
		next:   make([]int32, n),
		known:  make([]bool, n),
		value:  make([]val, n),
		watch:  make([][]int32, n),
	}
	for i := range s.parent {
		s.parent[i] = int32(i)
		s.size[i] = 1
		s.next[i] = int32(i)
	}
	return s
}

func (s *solver) find(x int32) int32 {
	for s.parent[x] != x {
		x = s.parent[x]
	}
	return x
}

// get returns the value of a term if known.
func (s *solver) get(t term) (val, bool) {
	if t.x == 0 {
		return t.c, true
	}
	r := s.find(t.x)
	return s.value[r], s.known[r]
}

func (s *solver) mark() int { return len(s.trail) }

func (s *solver) undoTo(m int) {
	for len(s.trail) > m {
		u := s.trail[len(s.trail)-1]
		s.trail = s.trail[:len(s.trail)-1]
		switch u.kind {
		case 'k':
			s.known[u.a] = false
		case 'u':
			// u.a was attached under u.b
			s.parent[u.a] = u.a
			s.size[u.b] -= s.size[u.a]
			s.next[u.a], s.next[u.b] = s.next[u.b], s.next[u.a]
		case 'd':
			s.done[u.a] = false
		case 'c':
			s.cs = s.cs[:u.a]
			s.done = s.done[:u.a]
		case 'w':
			s.watch[u.a] = s.watch[u.a][:len(s.watch[u.a])-1]
		}
	}
	s.queue = s.queue[:0]
}

func (s *solver) setKnown(r int32, v val) bool {
	if s.known[r] {
		return s.value[r] == v
	}
	s.known[r], s.value[r] = true, v
	s.trail = append(s.trail, undo{kind: 'k', a: r})
	s.queue = append(s.queue, r)
	return true
}

// unify merges the classes of two variables.
func (s *solver) unify(x, y int32) bool {
	rx, ry := s.find(x), s.find(y)
	if rx == ry {
		return true
	}
	if s.size[rx] > s.size[ry] {
		rx, ry = ry, rx
	}
	kx, ky := s.known[rx], s.known[ry]
	if kx && ky && s.value[rx] != s.value[ry] {
		return false
	}
	s.parent[rx] = ry
	s.size[ry] += s.size[rx]
	s.next[rx], s.next[ry] = s.next[ry], s.next[rx]
	s.trail = append(s.trail, undo{kind: 'u', a: rx, b: ry})
	if kx && !ky {
		return s.setKnown(ry, s.value[rx])
	}
	if !kx && ky {
		// rx's watchers must see the value now.
		s.queue = append(s.queue, ry)
	}
	if kx && ky {
		s.queue = append(s.queue, ry)
	}
	return true
}

// add adds an equation and propagates; false means a contradiction.
func (s *solver) add(c cnstr) bool {
	// var := var is a union.
	if c.op == "" && c.lhs.x != 0 && c.a.x != 0 {
		return s.unify(c.lhs.x, c.a.x) && s.propagate()
	}
	k := int32(len(s.cs))
	s.cs = append(s.cs, c)
	s.done = append(s.done, false)
	s.trail = append(s.trail, undo{kind: 'c', a: k})
	for _, t := range [3]term{c.lhs, c.a, c.b} {
		if t.x != 0 {
			s.watch[t.x] = append(s.watch[t.x], k)
			s.trail = append(s.trail, undo{kind: 'w', a: t.x})
		}
	}
	return s.check(k) && s.propagate()
}

// check evaluates constraint k as far as the known values allow.
func (s *solver) check(k int32) bool {
	if s.done[k] {
		return true
	}
	c := s.cs[k]
	lv, lk := s.get(c.lhs)
	var rv val
	rk := false
	switch c.op {
	case "":
		rv, rk = s.get(c.a)
		if lk && !rk && c.a.x != 0 {
			// c := x fixes x.
			if !s.setKnown(s.find(c.a.x), lv) {
				return false
			}
			rv, rk = lv, true
		}
	default:
		av, ak := s.get(c.a)
		bv, bk := s.get(c.b)
		if ak && bk {
			r, err := apply(c.op, av, bv)
			if err != nil {
				if s.failed == nil {
					s.failed = err
				}
				s.done[k] = true
				s.trail = append(s.trail, undo{kind: 'd', a: k})
				return true
			}
			rv, rk = r, true
		}
	}
	if !rk {
		return true
	}
	if !lk {
		if !s.setKnown(s.find(c.lhs.x), rv) {
			return false
		}
	} else if lv != rv {
		return false
	}
	s.done[k] = true
	s.trail = append(s.trail, undo{kind: 'd', a: k})
	return true
}

// propagate re-checks the constraints watching newly known classes.
func (s *solver) propagate() bool {
	for len(s.queue) > 0 {
		r := s.queue[len(s.queue)-1]
		s.queue = s.queue[:len(s.queue)-1]
		ok := true
		s.eachInClass(r, func(x int32) {
			if !ok {
				return
			}
			for _, k := range s.watch[x] {
				if !s.check(k) {
					ok = false
					return
				}
			}
		})
		if !ok {
			s.queue = s.queue[:0]
			return false
		}
	}
	return true
}

// eachInClass calls f for every variable of r's class.
func (s *solver) eachInClass(r int32, f func(int32)) {
	x := r
	for {
		f(x)
		x = s.next[x]
		if x == r {
			return
		}
	}
}

// residual reports whether some equation still has unknown values.
func (s *solver) residual() bool {
	for k := range s.cs {
		if !s.done[k] {
			return true
		}
	}
	return false
}
