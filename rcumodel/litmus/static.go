package litmus

// locSet is a set of locations (and RCU-domain pseudo-locations), with a
// flag for "some location not known statically".
type locSet struct {
	bits [2]uint64
	any  bool
}

// maxTracked is how many locations plus domains locSet can name; beyond it
// every access counts as "any", which only disables reductions.
const maxTracked = 128

func (s *locSet) add(i int) {
	if i < 0 || i >= maxTracked {
		s.any = true
		return
	}
	s.bits[i/64] |= 1 << (i % 64)
}

func (s locSet) has(i int) bool {
	if s.any {
		return true
	}
	if i < 0 || i >= maxTracked {
		return false
	}
	return s.bits[i/64]&(1<<(i%64)) != 0
}

func (s *locSet) union(o locSet) bool {
	n := locSet{bits: [2]uint64{s.bits[0] | o.bits[0], s.bits[1] | o.bits[1]}, any: s.any || o.any}
	changed := n != *s
	*s = n
	return changed
}

// future is what a process may still do from one program counter on.
type future struct {
	reads, writes locSet
	assigns       uint64 // registers still assignable; bit 63 also stands for registers >= 63
	// must holds the locations written on every path from here on.
	must locSet
	// wvals[l] lists the constant values that may still be written to
	// location l; wany marks locations that may get a non-constant value
	// (wany.any: some store's location is not known statically).
	wvals [][]int64
	wany  locSet
	// mustAssign holds the registers assigned on every path from here on
	// (bits below 63 only); rsrc[r] says where r's future values come from.
	mustAssign uint64
	rsrc       []regSource
}

// regSource over-approximates the values a register may still be given:
// constants, values loaded from the locations in locs, or anything.
type regSource struct {
	vals []int64
	locs locSet
	any  bool
}

func (r *regSource) union(o regSource) {
	for _, v := range o.vals {
		r.vals = addVal(r.vals, v)
	}
	r.locs.union(o.locs)
	r.any = r.any || o.any
}

func (f *future) equal(o *future) bool {
	if f.reads != o.reads || f.writes != o.writes || f.assigns != o.assigns || f.must != o.must || f.wany != o.wany || len(f.wvals) != len(o.wvals) || f.mustAssign != o.mustAssign {
		return false
	}
	for i := range f.rsrc {
		a, b := &f.rsrc[i], &o.rsrc[i]
		if len(a.vals) != len(b.vals) || a.locs != b.locs || a.any != b.any {
			return false
		}
	}
	for i := range f.wvals {
		if len(f.wvals[i]) != len(o.wvals[i]) {
			return false
		}
	}
	return true
}

func addVal(vs []int64, v int64) []int64 {
	for _, x := range vs {
		if x == v {
			return vs
		}
	}
	return append(vs, v)
}

func regBit(r int) uint64 {
	if r >= 63 {
		return 1 << 63
	}
	return 1 << r
}

// analyse computes, for every pc of every process (and one past the end),
// the locations it may still read or write and the registers it may still
// assign, by a backward fixpoint over the control-flow graph.
func analyse(pg *program) [][]future {
	nl := len(pg.locs)
	out := make([][]future, len(pg.procs))
	for pi, cp := range pg.procs {
		fs := make([]future, len(cp.code)+1)
		for i := range fs {
			fs[i].wvals = make([][]int64, nl)
			fs[i].rsrc = make([]regSource, len(cp.regs))
		}
		for changed := true; changed; {
			changed = false
			for pc := len(cp.code) - 1; pc >= 0; pc-- {
				in := &cp.code[pc]
				f := future{wvals: make([][]int64, nl), rsrc: make([]regSource, len(cp.regs))}
				if in.dst >= 0 {
					f.assigns |= regBit(in.dst)
					if in.dst < 63 {
						f.mustAssign |= 1 << in.dst
					}
					src := &f.rsrc[in.dst]
					switch {
					case in.op == opAssign && in.a.op == 'c':
						src.vals = []int64{in.a.val}
					case in.op == opReadLock:
						src.vals = []int64{in.b.val}
					case in.op == opTrylock || in.op == opAddUnless:
						src.vals = []int64{0, 1}
					case in.op == opLoad || in.op == opXchg || in.op == opCmpxchg || in.op == opFetchAdd && in.c.val == 0:
						if l := in.a.constLoc(nl); l >= 0 {
							src.locs.add(l)
						} else {
							src.any = true
						}
					default:
						src.any = true
					}
				}
				loc := -1
				if in.a != nil {
					loc = in.a.constLoc(nl)
				}
				mem := func(read, write bool) {
					var s locSet
					if loc < 0 {
						s.any = true
					} else {
						s.add(loc)
					}
					if read {
						f.reads.union(s)
					}
					if write {
						f.writes.union(s)
					}
				}
				// wval records a write of value v (nil: not constant).
				wval := func(v *pexpr, must bool) {
					switch {
					case loc < 0:
						f.wany.any = true
					case v != nil && v.op == 'c':
						f.wvals[loc] = addVal(f.wvals[loc], v.val)
					default:
						f.wany.add(loc)
					}
					if must && loc >= 0 {
						f.must.add(loc)
					}
				}
				switch in.op {
				case opLoad:
					mem(true, false)
				case opStore:
					mem(false, true)
					wval(in.b, true)
				case opXchg:
					mem(true, true)
					wval(in.b, true)
				case opCmpxchg:
					mem(true, true)
					wval(in.c, false)
				case opFetchAdd, opTrylock, opAddUnless:
					mem(true, true)
					wval(nil, false)
				case opLock:
					mem(true, true)
					wval(&pexpr{op: 'c', val: 1}, true)
				case opReadLock, opReadUnlock:
					f.writes.add(nl + in.dom)
				case opGPStart, opGPEnd:
					f.reads.add(nl + in.dom)
				}
				succ := []int{pc + 1}
				switch in.op {
				case opJump:
					succ = []int{in.target}
				case opJumpZero:
					succ = []int{pc + 1, in.target}
				}
				var must locSet
				var mustAssign uint64
				for k, s := range succ {
					if s < 0 || s > len(cp.code) {
						continue
					}
					o := &fs[s]
					f.reads.union(o.reads)
					f.writes.union(o.writes)
					f.wany.union(o.wany)
					f.assigns |= o.assigns
					for l, vs := range o.wvals {
						for _, v := range vs {
							f.wvals[l] = addVal(f.wvals[l], v)
						}
					}
					for r := range o.rsrc {
						f.rsrc[r].union(o.rsrc[r])
					}
					if k == 0 {
						must = o.must
						mustAssign = o.mustAssign
					} else {
						must = locSet{bits: [2]uint64{must.bits[0] & o.must.bits[0], must.bits[1] & o.must.bits[1]}}
						mustAssign &= o.mustAssign
					}
				}
				f.must.union(must)
				f.mustAssign |= mustAssign
				if !f.equal(&fs[pc]) {
					fs[pc] = f
					changed = true
				}
			}
		}
		out[pi] = fs
	}
	return out
}
