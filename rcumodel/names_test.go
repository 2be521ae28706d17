package rcumodel

import (
	"testing"

	"github.com/rcureview/rcureview/kernelnames"
)

// TestFlavourTableMatchesKernelNames: the model's flavour table and the
// kernel name table the analyzers read cannot drift apart. Every model
// flavour's blocking and callback primitive is in kernelnames with the
// same flavour and kind, every kernel flavour maps to a model flavour
// whose primitives are its own, and every update-side primitive of the
// table is a scenario op of the model.
func TestFlavourTableMatchesKernelNames(t *testing.T) {
	for f := Flavour(0); f < numFlavours; f++ {
		row := Flavours[f]
		for _, c := range []struct {
			name string
			kind kernelnames.GPKind
		}{{row.Synchronize, kernelnames.GPWait}, {row.Call, kernelnames.GPCall}} {
			if c.name == "" {
				continue
			}
			p, ok := kernelnames.GPPrimitives[c.name]
			if !ok {
				t.Errorf("flavour %v: %s() is not in kernelnames.GPPrimitives", f, c.name)
				continue
			}
			if p.Kind != c.kind {
				t.Errorf("flavour %v: %s() has kind %d in kernelnames, want %d", f, c.name, p.Kind, c.kind)
			}
			want := f
			if f == FlavourSRCU1 {
				want = FlavourSRCU0 // the domain is an argument
			}
			if got := FlavourOf(p.Flavour); got != want {
				t.Errorf("flavour %v: %s() maps to model flavour %v", f, c.name, got)
			}
		}
	}
	for k := kernelnames.Flavour(0); k < kernelnames.NumFlavours; k++ {
		p, ok := kernelnames.GPPrimitives[Flavours[FlavourOf(k)].Synchronize]
		if !ok || p.Flavour != k {
			t.Errorf("kernel flavour %v maps to model flavour %v whose synchronize primitive %q is not of flavour %v",
				k, FlavourOf(k), Flavours[FlavourOf(k)].Synchronize, k)
		}
	}
	for name, p := range kernelnames.GPPrimitives {
		f, _, ok := gpOp(name)
		switch {
		case p.Kind == kernelnames.GPBarrier && ok:
			t.Errorf("barrier %s() compiles as a wait or call", name)
		case p.Kind != kernelnames.GPBarrier && (!ok || f != FlavourOf(p.Flavour)):
			t.Errorf("%s() is not a scenario op of flavour %v", name, FlavourOf(p.Flavour))
		}
	}
	if p := kernelnames.GPPrimitives["kvfree_rcu"]; p.Kind != kernelnames.GPCall || !p.Frees {
		t.Errorf("kvfree_rcu: %+v, want a freeing callback primitive", p)
	}
}

// TestPrimitivesMatchKernelNames: the model's read-side effects agree with
// the names the section walk and the summaries classify by name.
func TestPrimitivesMatchKernelNames(t *testing.T) {
	for name, e := range Primitives {
		if d, ok := kernelnames.DisablePrims[name]; ok && (d.Preempt != e.Preempt || d.BH != e.BH || d.IRQ != e.IRQ) {
			t.Errorf("%s: model disables %d/%d/%d, kernelnames %d/%d/%d", name, e.Preempt, e.BH, e.IRQ, d.Preempt, d.BH, d.IRQ)
		}
		sp, ok := kernelnames.SectionPrims[name]
		if !ok {
			continue
		}
		var want kernelnames.Section
		delta := e.Delta
		switch {
		case e.Counter == CounterRCU:
			want = kernelnames.SecRCU
		case e.Counter == CounterSRCU:
			want = kernelnames.SecSRCU
		case e.Counter == CounterTrace:
			want = kernelnames.SecTrace
		case e.IRQ != 0:
			want, delta = kernelnames.SecIRQ, e.IRQ
		case e.BH != 0:
			want, delta = kernelnames.SecBH, e.BH
		case e.Preempt != 0:
			want, delta = kernelnames.SecSched, e.Preempt
		}
		if sp.Kind != want || sp.Delta != delta {
			t.Errorf("%s: kernelnames section %d delta %d, model implies %d delta %d", name, sp.Kind, sp.Delta, want, delta)
		}
	}
	for k, ps := range kernelnames.ReaderPrims {
		for i, n := range ps {
			if _, ok := Primitives[n]; !ok {
				t.Errorf("reader primitive %s of section %d has no model effects", n, k)
				continue
			}
			if sp := kernelnames.SectionPrims[n]; sp.Kind != k || (sp.Delta > 0) != (i == 0) {
				t.Errorf("reader primitive %s: section %+v, want kind %d", n, sp, k)
			}
		}
	}
}
