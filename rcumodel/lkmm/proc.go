package lkmm

import (
	"fmt"
	"sort"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// path is one control-flow path of a process, reduced to what the model
// needs: the non-register events in program order, their dependencies,
// the RMW pairs, the equations, and the final values of the registers.
type path struct {
	proc   int
	events []*event // non-register events, sorted by program order
	// Relations between indices into events.
	po, addr, data, ctrl, rmw []pair
	cs                        []cnstr
	regs                      map[string]term // final register values
	toofar                    bool
}

// build holds what is shared while compiling a test.
type build struct {
	t      *litmus.Test
	nvars  int32
	locIdx map[string]int
	locs   []string
	limits litmus.Limits
}

func (b *build) loc(name string) int {
	if i, ok := b.locIdx[name]; ok {
		return i
	}
	b.locIdx[name] = len(b.locs)
	b.locs = append(b.locs, name)
	return len(b.locs) - 1
}

// initVal is the initial value of a register or location from the init
// block (0 when it has none).
func (b *build) initVal(l litmus.RLoc) val {
	for _, it := range b.t.Init {
		if it.Loc == l {
			if it.Val.Sym != "" {
				return symVal(b.loc(it.Val.Sym))
			}
			return val(int32(it.Val.Int))
		}
	}
	if l.Proc >= 0 && l.Proc < len(b.t.Procs) {
		for _, p := range b.t.Procs[l.Proc].Params {
			if p.Name == l.Name {
				return symVal(b.loc(p.Name))
			}
		}
	}
	return 0
}

// paths compiles process pr into its control-flow paths.
func (b *build) paths(pr *litmus.Proc) ([]*path, error) {
	g := &gen{t: b, proc: pr.Index, maxEvents: 8 * b.limits.Events, maxAlts: b.limits.Paths, line: pr.Line}
	c := &csem{g: g}
	alts := c.top(pr.Body, 0)(g)
	if g.err != nil {
		return nil, g.err
	}
	if len(alts) > b.limits.Paths {
		return nil, fmt.Errorf("P%d: %w: %d control-flow paths (at most %d)", pr.Index, litmus.ErrLimit, len(alts), b.limits.Paths)
	}
	var out []*path
	budget := 1 << 24 // sum of the squared sizes of the paths
	for _, a := range alts {
		budget -= len(a.es.events) * len(a.es.events)
		if budget < 0 {
			return nil, fmt.Errorf("P%d: %w: %d control-flow paths of %d events", pr.Index, litmus.ErrLimit, len(alts), len(a.es.events))
		}
		p, err := b.path(g, pr.Index, a)
		if err != nil {
			return nil, err
		}
		if p != nil {
			out = append(out, p)
		}
	}
	return out, nil
}

// path computes the register reads-from, the dependencies (as herd7's
// modelUtils.make_procrels_nodeps does) and the relevant events of one
// alternative. It returns nil for a path whose register equations have no
// solution.
func (b *build) path(g *gen, proc int, a alt) (*path, error) {
	ids := a.es.events
	n := len(g.events)
	ev := func(i int) *event { return g.events[i] }
	idx := make([]int, n) // event id -> position in ids
	for i := range idx {
		idx[i] = -1
	}
	for k, id := range ids {
		idx[id] = k
	}
	m := len(ids)
	mk := func(r rel) mat {
		out := newMat(m)
		for _, p := range r {
			if idx[p.a] >= 0 && idx[p.b] >= 0 {
				out.set(idx[p.a], idx[p.b])
			}
		}
		return out
	}
	iicoData := mk(a.es.iicoData)
	iicoAll := mk(a.es.iico())
	iicoTC := iicoAll.plus()
	control := mk(a.es.control)
	poStrict := func(i, j int) bool { return ev(ids[i]).poi < ev(ids[j]).poi }
	before := func(i, j int) bool {
		if poStrict(i, j) {
			return true
		}
		if poStrict(j, i) {
			return false
		}
		return iicoTC.get(i, j)
	}
	set := func(p func(e *event) bool) bset {
		s := newSet(m)
		for k, id := range ids {
			if p(ev(id)) {
				s.add(k)
			}
		}
		return s
	}
	dataPorts := newSet(m)
	for _, id := range a.es.dataPorts {
		if idx[id] >= 0 {
			dataPorts.add(idx[id])
		}
	}
	relevant := set(func(e *event) bool { return e.isMem() || e.kind == aF || e.isAdditional() })
	notRelevant := set(func(e *event) bool { return !(e.isMem() || e.kind == aF || e.isAdditional()) })
	memLoadTotal := set(func(e *event) bool { return e.kind == aR || e.isAdditionalLoad() })
	loadTotal := set(func(e *event) bool { return e.isLoad() || e.isAdditionalLoad() })
	load := set(func(e *event) bool { return e.isLoad() })
	memStore := set(func(e *event) bool { return e.kind == aW })
	memLoadOrStore := memLoadTotal.or(memStore)
	all := set(func(*event) bool { return true })

	p := &path{proc: proc, regs: map[string]term{}}
	p.cs = append(p.cs, a.cs...)

	// Register reads-from: each read takes the last write before it.
	rfRegs := newMat(m)
	lastW := map[string]int{}
	for k, id := range ids {
		e := ev(id)
		switch e.kind {
		case aRegR:
			w := -1
			for k2, id2 := range ids {
				e2 := ev(id2)
				if e2.kind == aRegW && e2.reg == e.reg && before(k2, k) && (w < 0 || before(w, k2)) {
					w = k2
				}
			}
			var stored term
			if w >= 0 {
				rfRegs.set(w, k)
				stored = ev(ids[w]).v
			} else {
				stored = cst(b.initVal(litmus.RLoc{Proc: proc, Name: e.reg}))
			}
			p.cs = append(p.cs, cnstr{lhs: e.v, a: stored})
		case aRegW:
			if w, ok := lastW[e.reg]; !ok || before(w, k) {
				lastW[e.reg] = k
			}
		case aTooFar:
			p.toofar = true
		}
	}
	for r, k := range lastW {
		p.regs[r] = ev(ids[k]).v
	}

	// Dependencies.
	iico := iicoData // iico_ctrl is not a dependency for C
	iicoRegs := iico.restrict(notRelevant, notRelevant)
	ddInside := rfRegs.or(iicoRegs).plus()
	// atomic_load_store (rmw): read and write of one RMW instruction.
	rmw := newMat(m)
	atomics := set(func(e *event) bool { return e.atomic })
	atomics.each(func(r int) {
		if ev(ids[r]).kind != aR {
			return
		}
		atomics.each(func(w int) {
			er, ew := ev(ids[r]), ev(ids[w])
			if ew.kind != aW || er.poi != ew.poi || !before(r, w) {
				return
			}
			between := false
			atomics.each(func(x int) {
				if before(r, x) && before(x, w) {
					between = true
				}
			})
			if !between {
				rmw.set(r, w)
			}
		})
	})
	iicoRMW := rmw.and(iicoData)
	iicoFromMemLoad := iico.restrict(memLoadTotal, all)
	ddPre := mk(a.es.iicoCtrl).restrict(memStore, all).or(iicoFromMemLoad).seq(ddInside)
	lastData := newMat(m)
	lastAddr := newMat(m)
	for i := 0; i < m; i++ {
		iico.row(i).each(func(j int) {
			e2 := ev(ids[j])
			if e2.kind == aW && dataPorts.has(i) {
				lastData.set(i, j)
			}
			if e2.isMem() && (e2.isLoad() || !dataPorts.has(i)) || e2.isAdditional() {
				lastAddr.set(i, j)
			}
		})
	}
	dataDep := lastData.restrict(memLoadTotal, all).or(ddPre.seq(lastData)).or(iicoRMW)
	addrDep := lastAddr.restrict(memLoadTotal, all).or(ddPre.seq(lastAddr))
	ctrl := control.restrict(loadTotal, relevant)
	dd := ddPre.or(addrDep).or(dataDep)
	controlFromLoad := control.restrict(load, all)
	ddPlus := iicoFromMemLoad.seq(ddInside.or(controlFromLoad).plus())
	ctrlDep := dd.seq(ctrl).or(ddPlus.seq(controlFromLoad)).or(controlFromLoad).restrict(memLoadOrStore, relevant)
	memSet := set(func(e *event) bool { return e.isMem() })
	dataDep = dataDep.restrict(all, memSet)

	// Keep the non-register events, in program order.
	var keep []int
	for k, id := range ids {
		if !ev(id).isReg() {
			keep = append(keep, k)
		}
	}
	sort.SliceStable(keep, func(x, y int) bool {
		ex, ey := ev(ids[keep[x]]), ev(ids[keep[y]])
		if ex.poi != ey.poi {
			return ex.poi < ey.poi
		}
		return before(keep[x], keep[y]) || !before(keep[y], keep[x]) && ex.id < ey.id
	})
	pos := make([]int, m)
	for i := range pos {
		pos[i] = -1
	}
	for x, k := range keep {
		pos[k] = x
		p.events = append(p.events, ev(ids[k]))
	}
	proj := func(r mat) []pair {
		var out []pair
		for i := 0; i < m; i++ {
			if pos[i] < 0 {
				continue
			}
			r.row(i).each(func(j int) {
				if pos[j] >= 0 {
					out = append(out, pair{pos[i], pos[j]})
				}
			})
		}
		return out
	}
	poM := newMat(m)
	for _, i := range keep {
		for _, j := range keep {
			if i != j && before(i, j) {
				poM.set(i, j)
			}
		}
	}
	p.po = proj(poM)
	p.addr, p.data, p.ctrl, p.rmw = proj(addrDep), proj(dataDep), proj(ctrlDep), proj(rmw)
	return p, nil
}
