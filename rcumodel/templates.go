package rcumodel

import "github.com/rcureview/rcureview/rcumodel/scenario"

// Scenario templates (research/rcu-model.md S.6 step 2): analyzers
// instantiate them with the effect summaries of the primitives a patch adds
// or changes, once for the pre-patch and once for the post-patch code, and
// compare the verdicts.

// ExpeditedReaderScenario: a reader built from lock/unlock on CPU 0 while
// CPU 1 runs synchronize_rcu_expedited(); the expedited IPI can land inside
// the reader (V3). nohz makes CPU 0 nohz_full with its tick stopped and
// without the expedited forced tick, so nothing but the unlock path reports
// the quiescent state.
func ExpeditedReaderScenario(lock, unlock Effects, nohz bool) *scenario.Scenario {
	s := scenario.New("expedited-reader:" + lock.Name + "/" + unlock.Name).
		WithDoc("expedited GP IPI during a " + lock.Name + "()/" + unlock.Name + "() reader")
	if nohz {
		s.Set("nohz_full", "0").Set("exp_forced_tick", "false")
	}
	s.AddTask("T1", 0, OpFromEffects(lock), scenario.O("nop"), OpFromEffects(unlock), scenario.O("spin"))
	s.AddTask("T2", 1, scenario.O("synchronize_rcu_expedited"))
	return s
}

// BoostedReaderScenario: PREEMPT_RT + RCU_BOOST; the reader built from
// lock/unlock is preempted by an RT hog and boosted, then must be
// deboosted by its unlock path (V4).
func BoostedReaderScenario(lock, unlock Effects) *scenario.Scenario {
	s := scenario.New("boosted-reader:"+lock.Name+"/"+unlock.Name).
		WithDoc("priority-boosted "+lock.Name+"()/"+unlock.Name+"() reader on PREEMPT_RT").
		Set("preempt_rt", "true").Set("rcu_boost", "true").Set("nohz_full", "0")
	s.AddTask("T1", 0, OpFromEffects(lock), scenario.O("nop"), OpFromEffects(unlock), scenario.O("spin"))
	s.AddRTTask("T3", 0, scenario.O("spin"))
	s.Blocks[len(s.Blocks)-1].Attrs = append(s.Blocks[len(s.Blocks)-1].Attrs, scenario.KV{Key: "start", Value: "sleeping"})
	s.AddTask("T2", 1, scenario.O("synchronize_rcu"))
	return s
}

// Reader is one reader of an object in FreeUnderReadersScenario: its lock
// and unlock primitives and whether it may page-fault (sleep) inside.
type Reader struct {
	Lock, Unlock Effects
	SRCUDomain   string // for SRCU primitives
	MayFault     bool
}

// FreeUnderReadersScenario: each reader (on its own CPU, at most two)
// dereferences object obj; the updater on the next CPU unpublishes it and
// runs free, a list of operations such as
// O("synchronize_rcu"), O("free", "obj") or O("call_rcu", "free", "obj") (V10).
func FreeUnderReadersScenario(readers []Reader, free ...scenario.Op) *scenario.Scenario {
	s := scenario.New("free-under-readers").WithDoc("object freed while readers of several flavours may hold it")
	s.AddObject("obj", true)
	names := []string{"R1", "R2"}
	for i, r := range readers {
		if i == len(names) {
			break
		}
		lock, unlock := OpFromEffects(r.Lock), OpFromEffects(r.Unlock)
		if r.SRCUDomain != "" {
			lock.Args, unlock.Args = []string{r.SRCUDomain}, []string{r.SRCUDomain}
		}
		ops := []scenario.Op{lock, scenario.O("deref", "obj")}
		if r.MayFault {
			ops = append(ops, scenario.O("may_fault"))
		}
		ops = append(ops, unlock)
		s.AddTask(names[i], i, ops...)
	}
	s.AddTask("U", min(len(readers), len(names)), append([]scenario.Op{scenario.O("unpublish", "obj")}, free...)...)
	return s
}

// ReentryHooks are the tracepoints the model fires on its own paths, where
// a re-entry scenario can attach a probe: trace_softirq_raise in
// raise_softirq_irqoff() (the unlock slow path's RCU_SOFTIRQ) and
// trace_tick_stop in irq_exit()'s tick_irq_exit().
var ReentryHooks = []string{"softirq_raise", "tick_stop"}

// ReentryScenario instantiates the re-entry check of a tracer-context
// reader (research/rcu-model.md B1/B2, the seed thread's recursion
// argument): a chain from the reader's unlock reaches tracepoint, and a
// probe attached to that tracepoint is itself a reader built from lock and
// unlock. The probe's unlock runs while the special bits that sent the
// outer unlock down the slow path are still set:
//
//   - softirq_raise: an interrupt handler's reader ends with need_qs set in
//     hardirq, so rcu_read_unlock_special() raises RCU_SOFTIRQ and
//     trace_softirq_raise fires the probe (V8's shape);
//   - tick_stop: on a nohz_full CPU during an expedited GP, irq_exit()'s
//     trace_tick_stop fires the probe with irqs disabled after
//     HARDIRQ_OFFSET was dropped, and its unlock queues the deferred-QS
//     irq_work (V5's shape).
//
// Unbounded nesting is P5 (context stack overflow), re-arming forever is
// P5's livelock half; P4 catches a probe that deadlocks on what its
// context holds. ok is false for a tracepoint the model does not fire.
func ReentryScenario(lock, unlock Effects, tracepoint string) (s *scenario.Scenario, ok bool) {
	s = scenario.New("reentry:" + unlock.Name + "@" + tracepoint).
		WithDoc("a probe on trace_" + tracepoint + "() that uses " + lock.Name + "()/" + unlock.Name + "(), reached from " + unlock.Name + "()'s slow path")
	switch tracepoint {
	case "softirq_raise":
		s.AddTask("T1", 0, scenario.O("nop"))
		s.AddIRQ(0, 1, OpFromEffects(lock), scenario.O("set_need_qs"), OpFromEffects(unlock))
	case "tick_stop":
		s.Set("nohz_full", "0")
		s.AddTask("T1", 0, scenario.O("preempt_disable"), scenario.O("nop"), scenario.O("preempt_enable"))
		s.AddTask("T2", 1, scenario.O("synchronize_rcu_expedited"))
		s.AddIRQ(0, 1, scenario.O("nop"))
	default:
		return nil, false
	}
	probe := []scenario.Op{OpFromEffects(lock)}
	if tracepoint == "tick_stop" {
		probe = append(probe, scenario.O("set_need_qs"))
	}
	s.AddProbe(tracepoint, append(probe, OpFromEffects(unlock))...)
	s.Check = []string{"P4", "P5"}
	return s, true
}
