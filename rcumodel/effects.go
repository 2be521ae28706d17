package rcumodel

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Counter names the nesting counter a read-side primitive changes.
type Counter uint8

// Counters.
const (
	CounterNone  Counter = iota
	CounterRCU           // current->rcu_read_lock_nesting
	CounterTrace         // current->trc_reader_nesting
	CounterSRCU          // this CPU's srcu_lock_count/srcu_unlock_count of a domain
)

// Effects is the effect summary of a read-side primitive: what the model
// executes for it. Analyzers fill it from the patched C code, so a patch
// that changes a primitive changes the model that is checked.
type Effects struct {
	Name    string
	Counter Counter
	Delta   int8 // +1 lock, -1 unlock
	// Disable-count changes (+1 disable, -1 enable).
	Preempt, BH, IRQ int8
	// TestsSpecial: the outermost unlock tests rcu_read_unlock_special.s
	// (trc_reader_special.s for Tasks Trace); CallsSpecial: and calls
	// rcu_read_unlock_special() when it is set.
	TestsSpecial, CallsSpecial bool
	// Traced names the hook fired on entry when the primitive is
	// instrumented (e.g. "ftrace:__rcu_read_unlock"); empty when notrace.
	Traced string
	// NMISafe: legal in NMI context.
	NMISafe bool
	// Atomic: the SRCU counter increment is atomic even against NMIs
	// (atomic_long_inc()); otherwise it is this_cpu_inc(), a load and a
	// store on architectures without NMI-safe this_cpu ops.
	Atomic bool
	// Watching: legal only where RCU is watching (SRCU-fast readers rely
	// on an implicit RCU reader).
	Watching bool
}

// Primitives is the default effect summary of each read-side primitive
// (6.12.117: include/linux/rcupdate.h, rcupdate_trace.h, srcu.h,
// preempt.h, bottom_half.h, irqflags.h; kernel/rcu/tree_plugin.h
// __rcu_read_lock()/__rcu_read_unlock() are out of line and ftrace-able).
var Primitives = map[string]Effects{
	"rcu_read_lock":   {Counter: CounterRCU, Delta: 1, Traced: "ftrace:__rcu_read_lock", NMISafe: true},
	"rcu_read_unlock": {Counter: CounterRCU, Delta: -1, TestsSpecial: true, CallsSpecial: true, Traced: "ftrace:__rcu_read_unlock", NMISafe: true},
	// The RFC "rcu: Add rcu_read_lock_notrace()" (2025): notrace lock/unlock;
	// whether the unlock still calls rcu_read_unlock_special() is the
	// question of that thread, so scenarios set special=yes|no.
	"rcu_read_lock_notrace":    {Counter: CounterRCU, Delta: 1, NMISafe: true},
	"rcu_read_unlock_notrace":  {Counter: CounterRCU, Delta: -1, TestsSpecial: true, CallsSpecial: true, NMISafe: true},
	"rcu_read_lock_bh":         {BH: 1},
	"rcu_read_unlock_bh":       {BH: -1},
	"rcu_read_lock_sched":      {Preempt: 1, NMISafe: true},
	"rcu_read_unlock_sched":    {Preempt: -1, NMISafe: true},
	"preempt_disable":          {Preempt: 1, NMISafe: true},
	"preempt_enable":           {Preempt: -1, NMISafe: true},
	"preempt_disable_notrace":  {Preempt: 1, NMISafe: true},
	"preempt_enable_notrace":   {Preempt: -1, NMISafe: true},
	"local_bh_disable":         {BH: 1},
	"local_bh_enable":          {BH: -1},
	"local_irq_disable":        {IRQ: 1, NMISafe: true},
	"local_irq_enable":         {IRQ: -1, NMISafe: true},
	"local_irq_save":           {IRQ: 1, NMISafe: true},
	"local_irq_restore":        {IRQ: -1, NMISafe: true},
	"srcu_read_lock":           {Counter: CounterSRCU, Delta: 1},
	"srcu_read_unlock":         {Counter: CounterSRCU, Delta: -1},
	"srcu_read_lock_notrace":   {Counter: CounterSRCU, Delta: 1},
	"srcu_read_unlock_notrace": {Counter: CounterSRCU, Delta: -1},
	"srcu_read_lock_nmisafe":   {Counter: CounterSRCU, Delta: 1, NMISafe: true, Atomic: true},
	"srcu_read_unlock_nmisafe": {Counter: CounterSRCU, Delta: -1, NMISafe: true, Atomic: true},
	// SRCU-fast (v6.15+, include/linux/srcutree.h; not in 6.12): no
	// smp_mb(), RCU must be watching; NMI-safe since 3cec27453db4
	// (atomic_long_inc() where this_cpu_inc() is not NMI-safe).
	"srcu_read_lock_fast":           {Counter: CounterSRCU, Delta: 1, NMISafe: true, Atomic: true, Watching: true},
	"srcu_read_unlock_fast":         {Counter: CounterSRCU, Delta: -1, NMISafe: true, Atomic: true, Watching: true},
	"srcu_read_lock_fast_notrace":   {Counter: CounterSRCU, Delta: 1, NMISafe: true, Atomic: true, Watching: true},
	"srcu_read_unlock_fast_notrace": {Counter: CounterSRCU, Delta: -1, NMISafe: true, Atomic: true, Watching: true},
	"rcu_read_lock_trace":           {Counter: CounterTrace, Delta: 1},
	"rcu_read_unlock_trace":         {Counter: CounterTrace, Delta: -1, TestsSpecial: true, CallsSpecial: true},
}

// PrimitiveNames lists the primitives with default effects, sorted.
func PrimitiveNames() []string {
	var out []string
	for n := range Primitives {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// effectsFor returns the summary for op: the default for its name with the
// op's attributes applied (special=yes|no, tests_special=, calls_special=,
// traced=HOOK|no, preempt=N, bh=N, irq=N, nmi_safe=yes|no, counter=,
// delta=). An operation with another name is a custom primitive if it has
// a counter= attribute. ok is false when op is not a read-side primitive.
func effectsFor(file string, op scenario.Op) (Effects, bool, error) {
	e, ok := Primitives[op.Name]
	if !ok {
		if _, custom := op.Attr("counter"); !custom {
			return e, false, nil
		}
	}
	e.Name = op.Name
	for _, kv := range op.Attrs {
		bad := func(want string) error {
			return fmt.Errorf("%s:%s: %s: %s=%q: want %s", file, kv.Pos, op.Name, kv.Key, kv.Value, want)
		}
		switch kv.Key {
		case "special", "tests_special", "calls_special":
			b, err := yesNo(kv.Value)
			if err != nil {
				return e, true, bad("yes or no")
			}
			switch kv.Key {
			case "special":
				e.TestsSpecial, e.CallsSpecial = b, b
			case "tests_special":
				e.TestsSpecial = b
			default:
				e.CallsSpecial = b
			}
		case "counter":
			c, ok := counterNames[kv.Value]
			if !ok {
				return e, true, bad("none, rcu, trace or srcu")
			}
			e.Counter = c
		case "delta":
			n, err := strconv.Atoi(kv.Value)
			if err != nil || n < -1 || n > 1 {
				return e, true, bad("-1, 0 or 1")
			}
			e.Delta = int8(n)
		case "traced":
			if kv.Value == "no" {
				e.Traced = ""
			} else {
				e.Traced = kv.Value
			}
		case "nmi_safe", "atomic", "watching":
			b, err := yesNo(kv.Value)
			if err != nil {
				return e, true, bad("yes or no")
			}
			switch kv.Key {
			case "nmi_safe":
				e.NMISafe = b
			case "atomic":
				e.Atomic = b
			default:
				e.Watching = b
			}
		case "preempt", "bh", "irq":
			n, err := strconv.Atoi(kv.Value)
			if err != nil || n < -1 || n > 1 {
				return e, true, bad("-1, 0 or 1")
			}
			switch kv.Key {
			case "preempt":
				e.Preempt = int8(n)
			case "bh":
				e.BH = int8(n)
			default:
				e.IRQ = int8(n)
			}
		default:
			return e, true, fmt.Errorf("%s:%s: %s: unknown attribute %q (special, tests_special, calls_special, traced, nmi_safe, atomic, watching, preempt, bh, irq, counter, delta)", file, kv.Pos, op.Name, kv.Key)
		}
	}
	return e, true, nil
}

func yesNo(v string) (bool, error) {
	switch v {
	case "yes", "true", "1":
		return true, nil
	case "no", "false", "0":
		return false, nil
	}
	return false, fmt.Errorf("not yes/no: %q", v)
}

var counterNames = map[string]Counter{"none": CounterNone, "rcu": CounterRCU, "trace": CounterTrace, "srcu": CounterSRCU}

func counterName(c Counter) string {
	for n, x := range counterNames {
		if x == c {
			return n
		}
	}
	return "none"
}

// OpFromEffects returns a scenario operation that executes exactly e (a
// custom primitive when e.Name is not in Primitives). SRCU primitives need
// the domain as op.Args[0].
func OpFromEffects(e Effects) scenario.Op {
	cn := counterName(e.Counter)
	traced := e.Traced
	if traced == "" {
		traced = "no"
	}
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	return scenario.O(e.Name, "counter="+cn, "delta="+strconv.Itoa(int(e.Delta)),
		"tests_special="+yn(e.TestsSpecial), "calls_special="+yn(e.CallsSpecial), "traced="+traced,
		"nmi_safe="+yn(e.NMISafe), "atomic="+yn(e.Atomic), "watching="+yn(e.Watching), "preempt="+strconv.Itoa(int(e.Preempt)), "bh="+strconv.Itoa(int(e.BH)),
		"irq="+strconv.Itoa(int(e.IRQ)))
}
