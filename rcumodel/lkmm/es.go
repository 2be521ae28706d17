package lkmm

import "sort"

// This file holds the event-structure algebra of herd7's semantics of C
// (herd/event.ml): the intra-instruction causality (iico) of data,
// control and order, herd's "control" relation from a condition to its
// branch, the data ports, and the input/output event sets that say what
// the next composition connects to. CSem composes instructions with these
// operators; the dependencies of the model (addr, data, ctrl) are then
// computed from them as herd7's modelUtils.ml does (deps.go). Porting the
// algebra rather than re-deriving dependencies from the C source keeps
// herd7's corner cases (a condition controls only its own branch, a failed
// cmpxchg has no control edge, fences are transparent to data flow, ...).

// eset is a sorted set of event ids.
type eset []int

func (s eset) has(e int) bool {
	i := sort.SearchInts(s, e)
	return i < len(s) && s[i] == e
}

func union(a, b eset) eset {
	if len(a) == 0 {
		return b
	}
	if len(b) == 0 {
		return a
	}
	out := make(eset, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i++
			j++
		}
	}
	return out
}

// pair is an edge of a relation between event ids.
type pair struct{ a, b int }

// rel is a relation as a list of edges (duplicates allowed).
type rel []pair

func cat(rs ...rel) rel {
	n := 0
	for _, r := range rs {
		n += len(r)
	}
	if n == 0 {
		return nil
	}
	out := make(rel, 0, n)
	for _, r := range rs {
		out = append(out, r...)
	}
	return out
}

func cartesian(a, b eset) rel {
	out := make(rel, 0, len(a)*len(b))
	for _, x := range a {
		for _, y := range b {
			out = append(out, pair{x, y})
		}
	}
	return out
}

// es is herd7's event_structure, restricted to what C uses.
type es struct {
	events                        eset
	iicoData, iicoCtrl, iicoOrder rel
	control                       rel
	dataPorts                     eset
	input, dataInput              *eset // nil: None
	output, ctrlOutput            *eset // nil: None
}

var emptyES = &es{}

func some(s eset) *eset { return &s }

func (e *es) isEmpty() bool {
	return len(e.events) == 0 && len(e.iicoData) == 0 && len(e.iicoCtrl) == 0 &&
		len(e.iicoOrder) == 0 && len(e.control) == 0 && len(e.dataPorts) == 0 &&
		e.input == nil && e.output == nil && e.ctrlOutput == nil
}

// minus returns the events of s that are not in the domain (dom) or the
// range (!dom) of r.
func minus(s eset, r rel, dom bool) eset {
	if len(r) == 0 {
		return s
	}
	drop := map[int]bool{}
	for _, p := range r {
		if dom {
			drop[p.a] = true
		} else {
			drop[p.b] = true
		}
	}
	out := make(eset, 0, len(s))
	for _, x := range s {
		if !drop[x] {
			out = append(out, x)
		}
	}
	return out
}

func (e *es) iico() rel { return cat(e.iicoData, e.iicoCtrl, e.iicoOrder) }

func (e *es) minimals() eset {
	if e.input != nil {
		return *e.input
	}
	return minus(e.events, e.iico(), false)
}

func (e *es) minimalsData() eset {
	if e.dataInput != nil {
		return *e.dataInput
	}
	return minus(e.events, e.iicoData, false)
}

func (e *es) maximals() eset     { return minus(e.events, e.iico(), true) }
func (e *es) maximalsData() eset { return minus(e.events, e.iicoData, true) }

func (e *es) getOutput() eset {
	if e.output != nil {
		return *e.output
	}
	return e.maximalsData()
}

func (e *es) getCtrlOutput() eset {
	if e.ctrlOutput != nil {
		return *e.ctrlOutput
	}
	return e.maximals()
}

// unionES is herd7's union: every field joined, inputs and outputs None.
func unionES(a, b *es) *es {
	return &es{
		events:    union(a.events, b.events),
		iicoData:  cat(a.iicoData, b.iicoData),
		iicoCtrl:  cat(a.iicoCtrl, b.iicoCtrl),
		iicoOrder: cat(a.iicoOrder, b.iicoOrder),
		control:   cat(a.control, b.control),
		dataPorts: union(a.dataPorts, b.dataPorts),
	}
}

func unionOpt(ga, gb *eset, defA, defB func() eset) *eset {
	switch {
	case ga != nil && gb != nil:
		return some(union(*ga, *gb))
	case ga == nil && gb == nil:
		return nil
	case ga == nil:
		return some(union(defA(), *gb))
	}
	return some(union(*ga, defB()))
}

// paraComp is do_para_comp: parallel composition.
func paraComp(a, b *es) *es {
	r := unionES(a, b)
	r.input = unionOpt(a.input, b.input, a.minimals, b.minimals)
	r.dataInput = unionOpt(a.dataInput, b.dataInput, a.minimalsData, b.minimalsData)
	r.output = unionOpt(a.output, b.output, a.maximalsData, b.maximalsData)
	r.ctrlOutput = unionOpt(a.ctrlOutput, b.ctrlOutput, a.maximals, b.maximals)
	return r
}

func seqInput(a, b *es) (*eset, *eset) {
	if a.isEmpty() {
		return b.input, b.dataInput
	}
	return a.input, a.dataInput
}

func sequenceDataOutput(a, b *es) *eset {
	switch {
	case b.output != nil:
		return b.output
	case a.output == nil:
		return nil
	}
	if out2 := b.getOutput(); len(out2) > 0 {
		return some(out2)
	}
	return a.output
}

func sequenceDataCtrlOutput(a, b *es) *eset {
	switch {
	case b.ctrlOutput != nil:
		return b.ctrlOutput
	case a.ctrlOutput == nil:
		return nil
	}
	if out2 := b.getOutput(); len(out2) > 0 {
		return some(out2)
	}
	return a.ctrlOutput
}

// dataComp adds iico_data from the output of a to miniLoc(b).
func dataComp(miniLoc func(*es) eset, mkOut func(a, b *es) *eset, a, b *es) *es {
	r := unionES(a, b)
	var extra rel
	for _, p := range cartesian(a.getOutput(), miniLoc(b)) {
		if p.a != p.b {
			extra = append(extra, p)
		}
	}
	r.iicoData = cat(r.iicoData, extra)
	r.input, r.dataInput = seqInput(a, b)
	r.output = mkOut(a, b)
	r.ctrlOutput = sequenceDataCtrlOutput(a, b)
	return r
}

// seqData is (=*$=), the composition of herd's >>=.
func seqData(a, b *es) *es {
	return dataComp((*es).minimalsData, sequenceDataOutput, a, b)
}

// seqDataFirst is (=$$=), the composition of >>==: output of the first.
func seqDataFirst(a, b *es) *es {
	return dataComp((*es).minimalsData, func(a, _ *es) *eset { return some(a.getOutput()) }, a, b)
}

// seqCtrl is (=**=), the composition of >>*=: iico_ctrl from the control
// output of a to the minimal events of b.
func seqCtrl(a, b *es) *es {
	r := unionES(a, b)
	r.iicoCtrl = cat(r.iicoCtrl, cartesian(a.getCtrlOutput(), b.minimals()))
	r.input, r.dataInput = seqInput(a, b)
	r.output = some(b.getOutput())
	r.ctrlOutput = sequenceDataCtrlOutput(a, b)
	return r
}

// instCodeComp joins an instruction with the code that follows it.
func instCodeComp(a, b *es) *es {
	r := unionES(a, b)
	r.input, r.dataInput = a.input, a.dataInput
	r.output, r.ctrlOutput = b.output, b.ctrlOutput
	return r
}

// condComp is cond_comp: the condition controls every event of the branch.
func condComp(a, b *es) *es {
	r := paraComp(a, b)
	r.control = cat(r.control, cartesian(a.events, b.events))
	return r
}

// linuxExch is E.linux_exch (xchg and friends).
func linuxExch(re, rloc, rmem, wmem *es) *es {
	inW := wmem.minimals()
	outLoc := rloc.maximals()
	r := &es{
		events:    union(union(re.events, rloc.events), union(rmem.events, wmem.events)),
		iicoData:  cat(re.iicoData, rloc.iicoData, rmem.iicoData, wmem.iicoData, cartesian(re.maximals(), inW), cartesian(outLoc, inW), cartesian(outLoc, rmem.minimals())),
		iicoCtrl:  cat(re.iicoCtrl, rloc.iicoCtrl, rmem.iicoCtrl, wmem.iicoCtrl, cartesian(rmem.maximals(), inW)),
		iicoOrder: cat(re.iicoOrder, rloc.iicoOrder, rmem.iicoOrder, wmem.iicoOrder),
		control:   cat(re.control, rloc.control, rmem.control, wmem.control),
		dataPorts: union(union(re.dataPorts, rloc.dataPorts), union(rmem.dataPorts, wmem.dataPorts)),
	}
	r.output = some(rmem.getOutput())
	return r
}

// linuxCmpexchOK is E.linux_cmpexch_ok.
func linuxCmpexchOK(rloc, rold, rnew, rmem, wmem *es) *es {
	inW, inR := wmem.minimals(), rmem.minimals()
	outLoc := rloc.maximals()
	r := &es{
		events:    union(union(union(rloc.events, rold.events), union(rnew.events, rmem.events)), wmem.events),
		iicoData:  cat(rloc.iicoData, rold.iicoData, rnew.iicoData, rmem.iicoData, wmem.iicoData, cartesian(rnew.maximals(), inW), cartesian(outLoc, inW), cartesian(outLoc, inR)),
		iicoCtrl:  cat(rloc.iicoCtrl, rold.iicoCtrl, rnew.iicoCtrl, rmem.iicoCtrl, wmem.iicoCtrl, cartesian(rold.maximals(), inW), cartesian(rmem.maximals(), inW)),
		iicoOrder: cat(rloc.iicoOrder, rold.iicoOrder, rnew.iicoOrder, rmem.iicoOrder, wmem.iicoOrder),
		control:   cat(rloc.control, rold.control, rnew.control, rmem.control, wmem.control),
		dataPorts: union(union(union(rloc.dataPorts, rold.dataPorts), union(rnew.dataPorts, rmem.dataPorts)), wmem.dataPorts),
	}
	r.output = some(rmem.getOutput())
	return r
}

// linuxCmpexchNo is E.linux_cmpexch_no: a failed cmpxchg is only a read.
func linuxCmpexchNo(rloc, rold, rmem *es) *es {
	r := &es{
		events:    union(union(rloc.events, rold.events), rmem.events),
		iicoData:  cat(rloc.iicoData, rold.iicoData, rmem.iicoData, cartesian(rloc.maximals(), rmem.minimals())),
		iicoCtrl:  cat(rloc.iicoCtrl, rold.iicoCtrl, rmem.iicoCtrl),
		iicoOrder: cat(rloc.iicoOrder, rold.iicoOrder, rmem.iicoOrder),
		control:   cat(rloc.control, rold.control, rmem.control),
		dataPorts: union(union(rloc.dataPorts, rold.dataPorts), rmem.dataPorts),
	}
	r.output = some(rmem.getOutput())
	return r
}

// linuxAddUnlessOK is E.linux_add_unless_ok.
func linuxAddUnlessOK(loc, a, u, rmem, wmem *es, retbool bool) *es {
	outLoc := loc.maximals()
	inR, inW := rmem.minimals(), wmem.minimals()
	r := &es{
		events:    union(union(union(loc.events, a.events), union(u.events, rmem.events)), wmem.events),
		iicoData:  cat(loc.iicoData, a.iicoData, u.iicoData, rmem.iicoData, wmem.iicoData, cartesian(outLoc, inW), cartesian(outLoc, inR), cartesian(a.maximals(), inW), cartesian(rmem.maximals(), inW)),
		iicoCtrl:  cat(loc.iicoCtrl, a.iicoCtrl, u.iicoCtrl, rmem.iicoCtrl, wmem.iicoCtrl, cartesian(u.maximals(), inW)),
		iicoOrder: cat(loc.iicoOrder, a.iicoOrder, u.iicoOrder, rmem.iicoOrder, wmem.iicoOrder),
		control:   cat(loc.control, a.control, u.control, rmem.control, wmem.control),
		dataPorts: union(union(union(loc.dataPorts, a.dataPorts), union(u.dataPorts, rmem.dataPorts)), wmem.dataPorts),
	}
	out := rmem.getOutput()
	if retbool {
		out = union(out, u.getOutput())
	}
	r.output = some(out)
	return r
}

// linuxAddUnlessNo is E.linux_add_unless_no.
func linuxAddUnlessNo(loc, u, rmem *es, retbool bool) *es {
	r := &es{
		events:    union(union(loc.events, u.events), rmem.events),
		iicoData:  cat(loc.iicoData, u.iicoData, rmem.iicoData, cartesian(loc.maximals(), rmem.minimals())),
		iicoCtrl:  cat(loc.iicoCtrl, u.iicoCtrl, rmem.iicoCtrl),
		iicoOrder: cat(loc.iicoOrder, u.iicoOrder, rmem.iicoOrder),
		control:   cat(loc.control, u.control, rmem.control),
		dataPorts: union(union(loc.dataPorts, u.dataPorts), rmem.dataPorts),
	}
	out := rmem.getOutput()
	if retbool {
		out = union(out, u.getOutput())
	}
	r.output = some(out)
	return r
}
