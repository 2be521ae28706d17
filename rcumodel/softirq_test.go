package rcumodel

import "testing"

// reachable calls f on every state reachable from the scenario's initial
// state (small scenarios only).
func reachable(t *testing.T, name string, f func(m *Model, s *State)) {
	t.Helper()
	sc, err := Load(name)
	if err != nil {
		t.Fatal(err)
	}
	m, err := Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	m.SetLabels(false)
	seen := map[State]bool{}
	work := m.Initial()
	for len(work) > 0 {
		s := work[len(work)-1]
		work = work[:len(work)-1]
		if seen[s] {
			continue
		}
		seen[s] = true
		f(m, &s)
		m.Next(&s, func(e edgeT) { work = append(work, e.To) })
	}
}

// TestSoftirqContexts: softirq handlers run with irqs enabled (device
// interrupts nest above them), count as in_interrupt(), never start inside
// a bh-disabled region, and a softirq raised there runs at local_bh_enable().
func TestSoftirqContexts(t *testing.T) {
	nested, fromBHEnable := false, false
	reachable(t, "softirq-reader-vs-sync", func(m *Model, s *State) {
		cpu := &s.C[0]
		for i := 1; i < int(cpu.N); i++ {
			f := cpu.F[i]
			if f.Kind != frameSoftirq {
				continue
			}
			if !s.inInterrupt(0) || !s.inServingSoftirq(0) {
				t.Fatalf("softirq frame without in_interrupt(): %+v", cpu)
			}
			below := cpu.F[i-1]
			if below.Kind == frameTask && below.BH > 0 {
				t.Fatalf("softirq ran inside a bh-disabled region: %+v", cpu)
			}
			if below.Kind == frameTask && below.PC == 3 {
				fromBHEnable = true // T1 is past its local_bh_enable()
			}
			if i+1 < int(cpu.N) && cpu.F[i+1].Kind == frameHardirq {
				nested = true
				if s.irqsOff(0) != true {
					t.Fatalf("hardirq above softirq with irqs on: %+v", cpu)
				}
			}
			if i+1 == int(cpu.N) && s.irqsOff(0) {
				t.Fatalf("softirq handler runs with irqs disabled: %+v", cpu)
			}
		}
	})
	if !nested || !fromBHEnable {
		t.Fatalf("nested irq above softirq reached: %v; softirq from local_bh_enable(): %v", nested, fromBHEnable)
	}
}

// TestRTMechanisms: on PREEMPT_RT the deferred-QS irq_work of v6.12.0 runs
// in the irq_work/N kthread, and a task is preempted inside its
// bh-disabled region (a preemptible RCU reader there).
func TestRTMechanisms(t *testing.T) {
	kthread := false
	reachable(t, "rt-irq-work-kthread-v6.12.0", func(m *Model, s *State) {
		kthread = kthread || s.C[0].IWKthread == 1
	})
	preemptedInBH := false
	reachable(t, "rt-bh-disabled-reader", func(m *Model, s *State) {
		t1 := &s.T[0]
		if t1.RTBH > 0 && t1.Nest > 0 && s.C[0].Curr != 0 && t1.SpBlocked == 1 {
			preemptedInBH = true
		}
	})
	if !kthread || !preemptedInBH {
		t.Fatalf("irq_work/N woken: %v; T1 preempted inside local_bh_disable() and queued: %v", kthread, preemptedInBH)
	}
}
