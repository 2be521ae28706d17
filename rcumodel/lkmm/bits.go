package lkmm

import "math/bits"

// bset is a set of event indices.
type bset []uint64

func newSet(n int) bset { return make(bset, (n+63)/64) }

func (s bset) add(i int)      { s[i>>6] |= 1 << uint(i&63) }
func (s bset) has(i int) bool { return s[i>>6]&(1<<uint(i&63)) != 0 }
func (s bset) empty() bool {
	for _, w := range s {
		if w != 0 {
			return false
		}
	}
	return true
}

func (s bset) or(t bset) bset {
	out := make(bset, len(s))
	for i := range s {
		out[i] = s[i] | t[i]
	}
	return out
}

func (s bset) and(t bset) bset {
	out := make(bset, len(s))
	for i := range s {
		out[i] = s[i] & t[i]
	}
	return out
}

func (s bset) minus(t bset) bset {
	out := make(bset, len(s))
	for i := range s {
		out[i] = s[i] &^ t[i]
	}
	return out
}

func (s bset) each(f func(int)) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(wi*64 + b)
			w &= w - 1
		}
	}
}

func (s bset) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// mat is a relation over n events as a bit matrix. Matrices made from one
// with an arena are allocated in that arena.
type mat struct {
	n, w int
	b    []uint64
	a    *arena
}

func newMat(n int) mat {
	w := (n + 63) / 64
	return mat{n: n, w: w, b: make([]uint64, n*w)}
}

// arena hands out the words of matrices, last in first out: release(m)
// frees everything allocated after mark m was taken. The search checks
// millions of executions; allocating their relations on the heap would
// leave most of the time to the garbage collector. Matrices made by an
// operation on an arena matrix are allocated in the same arena.
type arena struct {
	chunks [][]uint64
	cur    int
	off    int
}

type arenaMark struct{ cur, off int }

// Chunks start at firstChunkWords (8 KiB, what a small test needs in all)
// and double up to chunkWords (512 KiB): a test of a few events must not
// pay for clearing and faulting in half a megabyte.
const (
	firstChunkWords = 1 << 10
	chunkWords      = 1 << 16
)

// chunkSize is the size of the next chunk, at least k words.
func (a *arena) chunkSize(k int) int {
	n := firstChunkWords
	if len(a.chunks) > 0 {
		n = min(2*len(a.chunks[len(a.chunks)-1]), chunkWords)
	}
	return max(n, k)
}

func (a *arena) words(k int) []uint64 {
	for a.cur < len(a.chunks) {
		c := a.chunks[a.cur]
		if a.off+k <= len(c) {
			s := c[a.off : a.off+k : a.off+k]
			a.off += k
			clear(s)
			return s
		}
		if a.off == 0 {
			// Nothing live in this chunk, but it is too small: replace it.
			a.chunks[a.cur] = make([]uint64, max(min(2*len(c), chunkWords), k))
			continue
		}
		a.cur++
		a.off = 0
	}
	a.chunks = append(a.chunks, make([]uint64, a.chunkSize(k)))
	a.cur, a.off = len(a.chunks)-1, 0
	return a.words(k)
}

func (a *arena) mark() arenaMark     { return arenaMark{a.cur, a.off} }
func (a *arena) release(m arenaMark) { a.cur, a.off = m.cur, m.off }

func (a *arena) mat(n int) mat {
	w := (n + 63) / 64
	return mat{n: n, w: w, b: a.words(n * w), a: a}
}

// alloc returns a zero matrix shaped like m, in m's arena.
func (m mat) alloc() mat {
	if m.a != nil {
		return m.a.mat(m.n)
	}
	return newMat(m.n)
}

func (m mat) row(i int) bset    { return bset(m.b[i*m.w : (i+1)*m.w : (i+1)*m.w]) }
func (m mat) set(i, j int)      { m.b[i*m.w+j>>6] |= 1 << uint(j&63) }
func (m mat) get(i, j int) bool { return m.b[i*m.w+j>>6]&(1<<uint(j&63)) != 0 }
func (m mat) clone() mat {
	out := m.alloc()
	copy(out.b, m.b)
	return out
}
func (m mat) rowHas(i int, s bset) bool {
	r := m.row(i)
	for k := range r {
		if r[k]&s[k] != 0 {
			return true
		}
	}
	return false
}

func (m mat) isEmpty() bool {
	for _, x := range m.b {
		if x != 0 {
			return false
		}
	}
	return true
}

func (m mat) or(o mat) mat {
	out := m.alloc()
	for i := range m.b {
		out.b[i] = m.b[i] | o.b[i]
	}
	return out
}

func (m mat) orIn(o mat) {
	for i := range m.b {
		m.b[i] |= o.b[i]
	}
}

func ors(ms ...mat) mat {
	out := ms[0].clone()
	for _, m := range ms[1:] {
		out.orIn(m)
	}
	return out
}

func (m mat) and(o mat) mat {
	out := m.alloc()
	for i := range m.b {
		out.b[i] = m.b[i] & o.b[i]
	}
	return out
}

func (m mat) minus(o mat) mat {
	out := m.alloc()
	for i := range m.b {
		out.b[i] = m.b[i] &^ o.b[i]
	}
	return out
}

// seq is relational composition m;o.
func (m mat) seq(o mat) mat {
	out := m.alloc()
	w := m.w
	for i := 0; i < m.n; i++ {
		ri := m.b[i*w : (i+1)*w]
		oi := out.b[i*w : (i+1)*w]
		for wi, x := range ri {
			for x != 0 {
				j := wi*64 + bits.TrailingZeros64(x)
				x &= x - 1
				oj := o.b[j*w : (j+1)*w]
				for k := range oi {
					oi[k] |= oj[k]
				}
			}
		}
	}
	return out
}

// inv is the converse relation.
func (m mat) inv() mat {
	out := m.alloc()
	for i := 0; i < m.n; i++ {
		m.row(i).each(func(j int) { out.set(j, i) })
	}
	return out
}

// plus is the transitive closure (Warshall).
func (m mat) plus() mat {
	out := m.clone()
	w := m.w
	for k := 0; k < m.n; k++ {
		rk := out.b[k*w : (k+1)*w]
		kw, kb := k>>6, uint64(1)<<uint(k&63)
		for i := 0; i < m.n; i++ {
			if out.b[i*w+kw]&kb != 0 {
				ri := out.b[i*w : (i+1)*w]
				for x := range ri {
					ri[x] |= rk[x]
				}
			}
		}
	}
	return out
}

// star is the reflexive-transitive closure.
func (m mat) star() mat {
	out := m.plus()
	for i := 0; i < m.n; i++ {
		out.set(i, i)
	}
	return out
}

// opt is m? (m or identity).
func (m mat) opt() mat {
	out := m.clone()
	for i := 0; i < m.n; i++ {
		out.set(i, i)
	}
	return out
}

// irreflexive reports whether no event relates to itself.
func (m mat) irreflexive() bool {
	for i := 0; i < m.n; i++ {
		if m.get(i, i) {
			return false
		}
	}
	return true
}

// acyclic reports whether m has no cycle (Kahn's algorithm).
func (m mat) acyclic() bool {
	n := m.n
	indeg := make([]int, n)
	for i := 0; i < n; i++ {
		m.row(i).each(func(j int) { indeg[j]++ })
	}
	stack := make([]int, 0, n)
	for i := 0; i < n; i++ {
		if indeg[i] == 0 {
			stack = append(stack, i)
		}
	}
	seen := 0
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		seen++
		m.row(i).each(func(j int) {
			indeg[j]--
			if indeg[j] == 0 {
				stack = append(stack, j)
			}
		})
	}
	return seen == n
}

// restrict keeps the edges from dom to rng.
func (m mat) restrict(dom, rng bset) mat {
	out := m.alloc()
	w := m.w
	for i := 0; i < m.n; i++ {
		if !dom.has(i) {
			continue
		}
		for k := 0; k < w; k++ {
			out.b[i*w+k] = m.b[i*w+k] & rng[k]
		}
	}
	return out
}

// domain and rng (range) of m.
func (m mat) domain() bset {
	out := newSet(m.n)
	for i := 0; i < m.n; i++ {
		if !m.row(i).empty() {
			out.add(i)
		}
	}
	return out
}

func (m mat) rng() bset {
	out := newSet(m.n)
	for i := 0; i < m.n; i++ {
		r := m.row(i)
		for k := range out {
			out[k] |= r[k]
		}
	}
	return out
}

// idOn is the identity relation on s ([s] in cat).
func (a *arena) idOn(n int, s bset) mat {
	out := a.mat(n)
	s.each(func(i int) { out.set(i, i) })
	return out
}

// cross is s1 * s2.
func (a *arena) cross(n int, s1, s2 bset) mat {
	out := a.mat(n)
	s1.each(func(i int) { copy(out.row(i), s2) })
	return out
}

// dom keeps the edges that start in s ([s] ; m).
func (m mat) dom(s bset) mat {
	out := m.alloc()
	w := m.w
	for i := 0; i < m.n; i++ {
		if s.has(i) {
			copy(out.b[i*w:(i+1)*w], m.b[i*w:(i+1)*w])
		}
	}
	return out
}

// rngOn keeps the edges that end in s (m ; [s]).
func (m mat) rngOn(s bset) mat {
	out := m.alloc()
	w := m.w
	for i := 0; i < m.n; i++ {
		for k := 0; k < w; k++ {
			out.b[i*w+k] = m.b[i*w+k] & s[k]
		}
	}
	return out
}

// noID removes the diagonal in place.
func (m mat) noID() mat {
	for i := 0; i < m.n; i++ {
		m.b[i*m.w+i>>6] &^= 1 << uint(i&63)
	}
	return m
}
