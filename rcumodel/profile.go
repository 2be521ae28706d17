package rcumodel

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Profile selects the implementation of rcu_read_unlock_special() and the
// deferred-quiescent-state machinery (research/rcu-model.md S.1, §3.4, §5).
type Profile struct {
	Name string
	// WakeupsWithIRQsOff: rcu_read_unlock_special() may raise_softirq() (and
	// so wake ksoftirqd) with irqs disabled outside interrupts (before
	// 23634ebc1d946, v5.3). Also: no irq_work path.
	WakeupsWithIRQsOff bool
	// DeferTristate: defer_qs_pending is cleared when the QS is reported in
	// rcu_preempt_deferred_qs_irqrestore() (b41642c87716); otherwise it is
	// the v6.12.0 bool defer_qs_iw_pending cleared by the irq_work handler.
	DeferTristate bool
	// HandlerResetsInReader: rcu_preempt_deferred_qs_handler() resets the
	// pending state when it runs inside a new reader (final b41642c87716).
	HandlerResetsInReader bool
	// ReinitPerQueue: the irq_work is re-initialised on every queue
	// (before 61399e0c5410 "rcu: Fix racy re-initialization of irq_work").
	ReinitPerQueue bool
	// SoftirqGuarded: raise_softirq_irqoff() only when defer_qs_pending is
	// not already PENDING ("rcu: Fix rcu_read_unlock() deadloop due to softirq").
	SoftirqGuarded bool
	// Legacy selects the v3.0-era rcu_read_unlock_special()
	// (kernel/rcutree_plugin.h of 3.0): no deferral at all; only the
	// interrupt-context check decides, and the unlink of the last task
	// blocking an expedited GP wakes the synchronize_rcu_expedited()
	// waiter right there (rcu_report_exp_rnp(): wake_up()).
	Legacy Legacy
	// IRQWorkHard: the deferred-QS irq_work is IRQ_WORK_INIT_HARD, so it
	// runs in hard interrupt context even on PREEMPT_RT (b41642c87716 with
	// Frederic's PREEMPT_RT fix, 61399e0c5410); before, init_irq_work()
	// made it run in the irq_work/N kthread there.
	IRQWorkHard bool
}

// Legacy is the interrupt-context check of a v3.0-era
// rcu_read_unlock_special() (0: the modern deferred-QS code).
type Legacy uint8

// Legacy interrupt-context checks.
const (
	LegacyNone Legacy = iota
	// LegacyInIRQ: "if (in_irq()) return;" — before ec433f0c5152
	// ("softirq,rcu: Inform RCU of irq_exit() activity", v3.0-rc7).
	LegacyInIRQ
	// LegacyInIRQOrSoftirq: "if (in_irq() || in_serving_softirq())
	// return;" — ec433f0c5152.
	LegacyInIRQOrSoftirq
)

// Profiles lists the supported profiles, oldest first.
var Profiles = []Profile{
	{Name: "v3.0-rc", Legacy: LegacyInIRQ},
	{Name: "v3.0", Legacy: LegacyInIRQOrSoftirq},
	{Name: "v5.2", WakeupsWithIRQsOff: true},
	{Name: "v6.12.0", ReinitPerQueue: true},
	{Name: "rcu-next-2025-07", DeferTristate: true},
	{Name: "v6.17-rc1", DeferTristate: true, HandlerResetsInReader: true, ReinitPerQueue: true, IRQWorkHard: true},
	{Name: "v6.17", DeferTristate: true, HandlerResetsInReader: true, IRQWorkHard: true},
	{Name: "v6.12.117", DeferTristate: true, HandlerResetsInReader: true, SoftirqGuarded: true, IRQWorkHard: true},
}

// DefaultProfile is the Debian 6.12 stable kernel the project targets.
const DefaultProfile = "v6.12.117"

// LookupProfile returns the profile called name.
func LookupProfile(name string) (Profile, error) {
	if name == "" {
		name = DefaultProfile
	}
	var names []string
	for _, p := range Profiles {
		if p.Name == name {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Profile{}, fmt.Errorf("unknown profile %q (have %s)", name, strings.Join(names, ", "))
}

// Config holds the scenario knobs of S.1.
type Config struct {
	PreemptRCU      bool  // CONFIG_PREEMPT_RCU (and a preemptible kernel)
	PreemptRT       bool  // CONFIG_PREEMPT_RT
	RCUBoost        bool  // CONFIG_RCU_BOOST
	UseSoftirq      bool  // rcutree.use_softirq (default !PREEMPT_RT)
	IRQWorkLazy     bool  // arch without irq_work self-IPI: irq_work runs from the tick
	NohzFull        uint8 // CPU mask
	TickStopped     uint8 // CPU mask (default: NohzFull)
	ExpForcedTick   bool  // synchronize_rcu_expedited_wait() turns the tick on for nohz_full holdouts
	TraceImpliesRCU bool  // rcu_trace_implies_rcu_gp()
	// DoTrace is the guard __DO_TRACE() takes around probes, as a
	// GuardTracepoint list ("" for 6.12's preempt_disable_notrace).
	DoTrace string
	// Bug injection for validation (research/rcu-model.md V2, V12/B9):
	CtxSwitchQueues  bool // rcu_note_context_switch() queues a preempted reader on blkd_tasks
	TasksQSOnPreempt bool // count preemption as a Tasks-RCU quiescent state (wrong)
	// FanoutLeaf is CONFIG_RCU_FANOUT_LEAF: CPUs per leaf rcu_node (the
	// tree has a root above the leaves when there are several).
	FanoutLeaf int
	// Fixes of the hotplug/tree machinery that can be turned off to
	// reproduce the bugs they fixed:
	GPInitReportsWaitBlkd  bool // rcu_gp_init() reports a ->wait_blkd_tasks leaf (ec2c29765a4a)
	FQSReportsEmptyLeaf    bool // force_qs_rnp() fail-safe for such a leaf (cc99a310caf8, removed by ec2c29765a4a)
	ExpTickDepOnline       bool // synchronize_rcu_expedited_wait() sets the tick dependency only on online CPUs (147f04b14add)
	MigrateEntrainsBarrier bool // rcutree_migrate_callbacks() entrains rcu_barrier()'s callback for the outgoing CPU (a16578dd5e3a)
	TasksNohzFullUserQS    bool // Tasks RCU counts nohz_full user mode as a QS (rcu_tasks_idle_cpu, 176f8f7a52cc)
	ForcedTickRCU          bool // __rcu_irq_enter_check_tick() turns the tick on for an urgent nohz_full holdout (TICK_DEP_BIT_RCU, 01b4c39901e0)
	NMISafeThisCPUOps      bool // the architecture's this_cpu_inc() is NMI-safe (x86, arm64: true)
	TrcRetryExiting        bool // Tasks Trace retries a reader caught exiting (18f08e758f34)
	RTLockWaitPreempt      bool // PREEMPT_RT: blocking on a spinlock_t is a preemption for RCU (SM_RTLOCK_WAIT, 6991436c2b5d)
}

// knob describes one config key.
type knob struct {
	name string
	doc  string
	set  func(c *Config, v string) error
}

func boolKnob(name, doc string, f func(c *Config) *bool) knob {
	return knob{name, doc, func(c *Config, v string) error {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%s=%q: want true or false", name, v)
		}
		*f(c) = b
		return nil
	}}
}

func maskKnob(name, doc string, f func(c *Config) *uint8) knob {
	return knob{name, doc, func(c *Config, v string) error {
		m, err := cpuMask(v)
		if err != nil {
			return fmt.Errorf("%s=%q: want CPU numbers 0..%d separated by commas", name, v, MaxCPUs-1)
		}
		*f(c) = m
		return nil
	}}
}

// cpuMask parses "0,2" ("" and "none": no CPU).
func cpuMask(v string) (uint8, error) {
	var m uint8
	if v == "" || v == "none" {
		return 0, nil
	}
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n >= MaxCPUs {
			return 0, fmt.Errorf("bad CPU %q", s)
		}
		m |= 1 << n
	}
	return m, nil
}

var knobs = []knob{
	{"rcu_fanout_leaf", "CONFIG_RCU_FANOUT_LEAF: CPUs per leaf rcu_node (default 16: one node); 1 gives a root above a leaf per CPU",
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 64 {
				return fmt.Errorf("rcu_fanout_leaf=%q: want 1..64", v)
			}
			c.FanoutLeaf = n
			return nil
		}},
	boolKnob("gp_init_reports_wait_blkd", "rcu_gp_init() reports a leaf left waiting for blocked tasks (true; false: before ec2c29765a4a)", func(c *Config) *bool { return &c.GPInitReportsWaitBlkd }),
	boolKnob("fqs_reports_empty_leaf", "force_qs_rnp() fail-safe reports such a leaf (false in 6.12; cc99a310caf8 to ec2c29765a4a)", func(c *Config) *bool { return &c.FQSReportsEmptyLeaf }),
	boolKnob("exp_tick_dep_online", "the expedited GP turns the tick on only for online CPUs (true; false: before 147f04b14add)", func(c *Config) *bool { return &c.ExpTickDepOnline }),
	boolKnob("forced_tick", "a nohz_full CPU the normal GP urgently needs turns its tick on (true; false: before 01b4c39901e0)", func(c *Config) *bool { return &c.ForcedTickRCU }),
	boolKnob("nmi_safe_this_cpu_ops", "the architecture's this_cpu_inc() is NMI-safe (true: x86, arm64; false: a load and a store an NMI can fall between)", func(c *Config) *bool { return &c.NMISafeThisCPUOps }),
	boolKnob("trc_retry_exiting", "Tasks Trace inspection retries a reader caught in rcu_read_unlock_trace() (true; false: before 18f08e758f34)", func(c *Config) *bool { return &c.TrcRetryExiting }),
	boolKnob("rtlock_wait_is_preempt", "PREEMPT_RT: blocking on a sleeping spinlock counts as preemption for RCU (true; false: before 6991436c2b5d)", func(c *Config) *bool { return &c.RTLockWaitPreempt }),
	boolKnob("tasks_nohz_full_user_qs", "Tasks RCU counts nohz_full user mode as a quiescent state (true; false: before 176f8f7a52cc)", func(c *Config) *bool { return &c.TasksNohzFullUserQS }),
	boolKnob("migrate_entrains_barrier", "callback migration entrains rcu_barrier()'s callback for the outgoing CPU (true; false: a16578dd5e3a's race)", func(c *Config) *bool { return &c.MigrateEntrainsBarrier }),
	{"do_trace", "guard __DO_TRACE() takes around probes: comma-separated lock-side primitives, or none (6.12: preempt_disable_notrace)",
		func(c *Config, v string) error {
			if _, err := GuardTracepoint(v); err != nil {
				return err
			}
			c.DoTrace = v
			return nil
		}},
	boolKnob("preempt_rcu", "CONFIG_PREEMPT_RCU=y (default true)", func(c *Config) *bool { return &c.PreemptRCU }),
	boolKnob("preempt_rt", "CONFIG_PREEMPT_RT=y", func(c *Config) *bool { return &c.PreemptRT }),
	boolKnob("rcu_boost", "CONFIG_RCU_BOOST=y", func(c *Config) *bool { return &c.RCUBoost }),
	boolKnob("use_softirq", "rcutree.use_softirq (default !preempt_rt)", func(c *Config) *bool { return &c.UseSoftirq }),
	boolKnob("irq_work_lazy", "irq_work has no self-IPI and runs from the tick", func(c *Config) *bool { return &c.IRQWorkLazy }),
	maskKnob("nohz_full", "nohz_full CPUs, e.g. 0,1", func(c *Config) *uint8 { return &c.NohzFull }),
	maskKnob("tick_stopped", "CPUs whose tick is stopped (default: nohz_full)", func(c *Config) *uint8 { return &c.TickStopped }),
	boolKnob("exp_forced_tick", "expedited GP re-enables the tick on nohz_full holdouts (6.12 default true)", func(c *Config) *bool { return &c.ExpForcedTick }),
	boolKnob("rcu_trace_implies_rcu_gp", "rcu_trace_implies_rcu_gp() (6.12: true)", func(c *Config) *bool { return &c.TraceImpliesRCU }),
	boolKnob("ctxt_switch_queues", "rcu_note_context_switch() queues preempted readers (true; false injects a bug)", func(c *Config) *bool { return &c.CtxSwitchQueues }),
	boolKnob("tasks_qs_on_preempt", "count preemption as a Tasks-RCU QS (false; true injects bug B9)", func(c *Config) *bool { return &c.TasksQSOnPreempt }),
}

// parseConfig applies the scenario's config lines over the defaults.
func parseConfig(file string, kvs []scenario.KV) (Config, error) {
	c := Config{PreemptRCU: true, ExpForcedTick: true, TraceImpliesRCU: true, CtxSwitchQueues: true,
		GPInitReportsWaitBlkd: true, ExpTickDepOnline: true, MigrateEntrainsBarrier: true, TasksNohzFullUserQS: true, ForcedTickRCU: true,
		NMISafeThisCPUOps: true, TrcRetryExiting: true, RTLockWaitPreempt: true}
	softirqSet, tickSet := false, false
	for _, kv := range kvs {
		var k *knob
		for i := range knobs {
			if knobs[i].name == kv.Key {
				k = &knobs[i]
			}
		}
		if k == nil {
			var names []string
			for _, k := range knobs {
				names = append(names, k.name)
			}
			sort.Strings(names)
			return c, fmt.Errorf("%s:%s: unknown config knob %q (have %s)", file, kv.Pos, kv.Key, strings.Join(names, ", "))
		}
		if err := k.set(&c, kv.Value); err != nil {
			return c, fmt.Errorf("%s:%s: config %w", file, kv.Pos, err)
		}
		softirqSet = softirqSet || kv.Key == "use_softirq"
		tickSet = tickSet || kv.Key == "tick_stopped"
	}
	if !softirqSet {
		c.UseSoftirq = !c.PreemptRT
	}
	if !tickSet {
		c.TickStopped = c.NohzFull
	}
	return c, nil
}
