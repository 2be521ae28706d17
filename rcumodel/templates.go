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
