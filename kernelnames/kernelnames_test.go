package kernelnames

import (
	"strings"
	"testing"
)

// TestGPPrimitives: the update-side table is keyed by exact names, so a
// synchronize_ prefix alone (synchronize_irq()) is no grace period.
func TestGPPrimitives(t *testing.T) {
	for _, n := range []string{"synchronize_irq", "synchronize_hardirq", "synchronize_rcu_mult", "call_rcu_later"} {
		if IsUpdate(n) {
			t.Errorf("IsUpdate(%q) = true", n)
		}
	}
	for _, n := range []string{"synchronize_rcu", "kvfree_rcu", "call_srcu", "synchronize_rcu_tasks_rude", "queue_rcu_work"} {
		if !IsUpdate(n) {
			t.Errorf("IsUpdate(%q) = false", n)
		}
	}
	if IsUpdate("rcu_barrier") {
		t.Error("a barrier is not an update")
	}
	for n, p := range GPPrimitives {
		if p.Flavour >= NumFlavours {
			t.Errorf("%s: flavour %d out of range", n, p.Flavour)
		}
		if (p.Frees || p.MaySleep) && p.Kind != GPCall {
			t.Errorf("%s: Frees/MaySleep on a primitive that queues nothing", n)
		}
	}
	for f := Flavour(0); f < NumFlavours; f++ {
		if f.String() == "flavour?" {
			t.Errorf("flavour %d has no name", f)
		}
	}
}

// TestSectionTables: the section, disable, guard and reader tables agree
// where they name the same primitive.
func TestSectionTables(t *testing.T) {
	for n, d := range DisablePrims {
		sp, ok := SectionPrims[n]
		if !ok {
			continue
		}
		var k Section
		var delta int8
		switch {
		case d.IRQ != 0:
			k, delta = SecIRQ, d.IRQ
		case d.BH != 0:
			k, delta = SecBH, d.BH
		default:
			k, delta = SecSched, d.Preempt
		}
		if sp.Kind != k || sp.Delta != delta {
			t.Errorf("%s: section %+v, disable %+v", n, sp, d)
		}
	}
	for k, ps := range ReaderPrims {
		if sp := SectionPrims[ps[0]]; sp.Kind != k || sp.Delta != 1 {
			t.Errorf("reader lock %s of %d: %+v", ps[0], k, sp)
		}
		if sp := SectionPrims[ps[1]]; sp.Kind != k || sp.Delta != -1 {
			t.Errorf("reader unlock %s of %d: %+v", ps[1], k, sp)
		}
	}
	for k := SecRCU; k < NumSections; k++ {
		if _, ok := ReaderPrims[k]; !ok {
			t.Errorf("section %d has no reader primitives", k)
		}
	}
	// Every opener has its closer: foo_lock/foo_unlock, _disable/_enable, _save/_restore.
	for n, sp := range SectionPrims {
		if sp.Delta < 0 {
			continue
		}
		m := n
		for _, r := range [][2]string{{"lock", "unlock"}, {"disable", "enable"}, {"save", "restore"}, {"get_", "put_"}, {"down", "up"}} {
			m = strings.Replace(m, r[0], r[1], 1)
		}
		if c, ok := SectionPrims[m]; !ok || c.Kind != sp.Kind || c.Delta != -1 {
			t.Errorf("%s opens a section no primitive closes", n)
		}
	}
	for n := range WarnBug {
		if !strings.HasPrefix(n, "WARN") && !strings.HasPrefix(n, "BUG") {
			t.Errorf("%s in the WARN/BUG family", n)
		}
	}
}
