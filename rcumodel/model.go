package rcumodel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// opKind is what a compiled script operation does.
type opKind uint8

const (
	opPrim opKind = iota // read-side primitive with an Effects summary
	opNop
	opSpin
	opDeref
	opPublish
	opUnpublish
	opFree
	opSync
	opCall
	opMayFault
	opSleep
	opCondResched
	opSetNeedQS
	opTracepoint
	opLock
	opUnlock
	opWakeUp
	opIdleEnter
	opIdleExit
	opUserEnter
	opUserExit
	opStore
	opLoad
	opRaise
	opCPUDown
	opBarrier
)

// op is one compiled operation.
type op struct {
	kind opKind
	eff  Effects
	arg  int // object, SRCU domain, lock, task or probe script
	f    Flavour
	act  uint8
	irq  bool // spin_lock_irq / _irqsave
	raw  bool // raw_spin_lock*: never sleeps, even on PREEMPT_RT
	text string
	pos  scenario.Pos
	hook int // probe script fired on entry (instrumented primitive), -1 none
	// memory operations
	val         uint8
	reg, srcReg int
}

// irqDef is a device interrupt or NMI handler.
type irqDef struct {
	cpu, count, script int
	nmi                bool
}

// Model is a scenario compiled for checking; it implements check.System.
type Model struct {
	Scenario *scenario.Scenario
	Profile  Profile
	Config   Config
	file     string
	ncpu     int
	ntask    int
	names    []string // task names; idle tasks are "idle/N"
	prio     []uint8
	cpuOf    []int   // initial CPU of each task
	allowed  []uint8 // CPUs each task may migrate to (cpus= attribute)
	// The rcu_node tree: leafOf[c] is CPU c's leaf, nleaves how many.
	leafOf  [MaxCPUs]int
	nleaves int
	// hotplug: the scenario offlines CPUs (rcu_gp_init()'s ONOFF and INIT
	// phases are then separate steps).
	hotplug bool
	startSl []uint8 // initial task state
	scripts [][]op
	probes  map[string]int // tracepoint -> script
	// Trace is the tracepoint implementation probes run under.
	Trace Tracepoint
	// bodyEnd[script] is where a probe script's body ends and its guard
	// release (Tracepoint.Exit) begins; guard[script] is that guard.
	bodyEnd map[int]int
	// scriptNames[script] names a probe's hook or an irq handler.
	scriptNames map[uint8]string
	guard       map[int]*Tracepoint
	ftrace      Tracepoint
	irqs        []irqDef
	softirqs    []softirqDef
	objs        []string
	locks       []string
	classes     []string
	cls         map[string]int
	srcuDoms    []string
	labels      bool
	spinlocks   []string // the scenario's spinlock_t names
	txFree      []*tx    // recycled transitions (Next is not reentrant)
	vars        []string
	regs        [MaxTasks][]string
	initVals    [MaxVars]uint8
	exists      []existsTerm
	// Fairness class ids, precomputed: per task run/wake, per CPU
	// interrupts/tick/preempt/ksoftirqd.
	runClass  [allTasks]int
	wakeClass [MaxTasks]int
	cpuClass  [MaxCPUs][4]int
}

var simpleOps = map[string]opKind{
	"nop": opNop, "work": opNop, "spin": opSpin, "may_fault": opMayFault, "sleep": opSleep,
	"mutex_lock": opSleep, "cond_resched": opCondResched, "set_need_qs": opSetNeedQS,
	"idle_enter": opIdleEnter, "ct_idle_enter": opIdleEnter, "idle_exit": opIdleExit, "ct_idle_exit": opIdleExit,
	"user_enter": opUserEnter, "exit_to_user_mode": opUserEnter, "user_exit": opUserExit, "enter_from_user_mode": opUserExit,
}

// gpOp looks up a scenario op among the kernel's grace-period waits and
// callback-queueing primitives (kernelnames.GPPrimitives): the flavour and
// whether it queues a callback. Barriers are ops of their own.
func gpOp(name string) (Flavour, kernelnames.GPPrimitive, bool) {
	p, ok := kernelnames.GPPrimitives[name]
	if !ok || p.Kind == kernelnames.GPBarrier {
		return 0, p, false
	}
	return FlavourOf(p.Flavour), p, true
}

var actions = map[string]uint8{"free": actFree, "touch": actTouch, "chain_rcu": actChainRCU, "chain_rcu_unless_implied": actChainUnlessIm}

// Compile checks a scenario and builds its model, with the tracepoint
// implementation the scenario's do_trace knob selects (default: 6.12's).
func Compile(sc *scenario.Scenario) (*Model, error) { return compile(sc, nil) }

// compile builds the model; tp, when set, overrides the tracepoint
// implementation (Options.Tracepoint).
func compile(sc *scenario.Scenario, tp *Tracepoint) (*Model, error) {
	file := sc.Name
	prof, err := LookupProfile(sc.Profile)
	if err != nil {
		return nil, fmt.Errorf("%s:%s: %w", file, sc.Pos, err)
	}
	cfg, err := parseConfig(file, sc.Config)
	if err != nil {
		return nil, err
	}
	m := &Model{Scenario: sc, Profile: prof, Config: cfg, file: file, probes: map[string]int{}, cls: map[string]int{}, labels: true,
		bodyEnd: map[int]int{}, scriptNames: map[uint8]string{}, guard: map[int]*Tracepoint{}, ftrace: FtraceGuard()}
	m.Trace = DefaultTracepoint()
	if cfg.DoTrace != "" {
		if m.Trace, err = GuardTracepoint(cfg.DoTrace); err != nil {
			return nil, fmt.Errorf("%s:%s: config %w", file, sc.Pos, err)
		}
	}
	if tp != nil {
		m.Trace = *tp
	}
	for _, o := range sc.Objects {
		if m.objIndex(o.Name) >= 0 {
			return nil, fmt.Errorf("%s:%s: object %q declared twice", file, o.Pos, o.Name)
		}
		m.objs = append(m.objs, o.Name)
	}
	if len(m.objs) > MaxObjs {
		return nil, fmt.Errorf("%s: %d objects, the model supports %d", file, len(m.objs), MaxObjs)
	}
	// Pass 1: tasks, probes and handlers get script numbers.
	type pending struct {
		b      scenario.Block
		script int
	}
	var todo []pending
	maxCPU := 0
	for _, b := range sc.Blocks {
		switch b.Kind {
		case scenario.BlockTask:
			cpu, err := b.IntAttr("cpu", 0)
			if err != nil {
				return nil, err
			}
			if cpu < 0 || cpu >= MaxCPUs {
				return nil, fmt.Errorf("%s:%s: task %s: cpu=%d, the model has CPUs 0..%d", file, b.Pos, b.Name, cpu, MaxCPUs-1)
			}
			for _, n := range m.names {
				if n == b.Name {
					return nil, fmt.Errorf("%s:%s: task %s declared twice", file, b.Pos, b.Name)
				}
			}
			if len(m.names) == MaxTasks {
				return nil, fmt.Errorf("%s:%s: more than %d tasks", file, b.Pos, MaxTasks)
			}
			p := prioNormal
			if v, ok := b.Attr("prio"); ok {
				switch v {
				case "normal":
				case "rt":
					p = prioRT
				default:
					return nil, fmt.Errorf("%s:%s: task %s: prio=%q: want normal or rt", file, b.Pos, b.Name, v)
				}
			}
			start := stRunnable
			if v, ok := b.Attr("start"); ok {
				switch v {
				case "running":
				case "sleeping":
					start = stSleeping
				case "blocked":
					start = stBlocked
				default:
					return nil, fmt.Errorf("%s:%s: task %s: start=%q: want running, sleeping (woken at some point) or blocked (woken only by a wake_up of the scenario)", file, b.Pos, b.Name, v)
				}
			}
			mask := uint8(1) << cpu
			if v, ok := b.Attr("cpus"); ok {
				var err error
				if mask, err = cpuMask(v); err != nil || mask&(1<<cpu) == 0 {
					return nil, fmt.Errorf("%s:%s: task %s: cpus=%q: want CPU numbers 0..%d (including cpu=%d) separated by commas", file, b.Pos, b.Name, v, MaxCPUs-1, cpu)
				}
				for c := 0; c < MaxCPUs; c++ {
					if mask&(1<<c) != 0 {
						maxCPU = max(maxCPU, c)
					}
				}
			}
			m.names = append(m.names, b.Name)
			m.prio = append(m.prio, p)
			m.cpuOf = append(m.cpuOf, cpu)
			m.allowed = append(m.allowed, mask)
			m.startSl = append(m.startSl, start)
			maxCPU = max(maxCPU, cpu)
			todo = append(todo, pending{b, len(m.names) - 1})
		}
	}
	m.ntask = len(m.names)
	// Scripts 0..MaxTasks-1 belong to tasks (idle tasks have none).
	m.scripts = make([][]op, MaxTasks)
	for _, b := range sc.Blocks {
		switch b.Kind {
		case scenario.BlockProbe:
			if _, dup := m.probes[b.Name]; dup {
				return nil, fmt.Errorf("%s:%s: second probe on %s (put both in one script)", file, b.Pos, b.Name)
			}
			m.probes[b.Name] = len(m.scripts)
			m.scriptNames[uint8(len(m.scripts))] = probeTitle(b.Name)
			todo = append(todo, pending{b, len(m.scripts)})
			m.scripts = append(m.scripts, nil)
		case scenario.BlockSoftirq:
			if m.softirqIndex(b.Name) >= 0 {
				return nil, fmt.Errorf("%s:%s: softirq %s declared twice", file, b.Pos, b.Name)
			}
			if len(m.softirqs) == MaxSoftirqs {
				return nil, fmt.Errorf("%s:%s: more than %d softirq handlers", file, b.Pos, MaxSoftirqs)
			}
			m.softirqs = append(m.softirqs, softirqDef{name: b.Name, script: len(m.scripts)})
			m.scriptNames[uint8(len(m.scripts))] = b.Name + " softirq"
			todo = append(todo, pending{b, len(m.scripts)})
			m.scripts = append(m.scripts, nil)
		case scenario.BlockIRQ, scenario.BlockNMI:
			cpu, err := b.IntAttr("cpu", 0)
			if err != nil {
				return nil, err
			}
			count, err := b.IntAttr("count", 1)
			if err != nil {
				return nil, err
			}
			if cpu < 0 || cpu >= MaxCPUs || count < 1 || count > 3 {
				return nil, fmt.Errorf("%s:%s: %s: want cpu in 0..%d and count in 1..3", file, b.Pos, b.Kind, MaxCPUs-1)
			}
			if len(m.irqs) == MaxIRQs {
				return nil, fmt.Errorf("%s:%s: more than %d irq/nmi handlers", file, b.Pos, MaxIRQs)
			}
			maxCPU = max(maxCPU, cpu)
			m.irqs = append(m.irqs, irqDef{cpu: cpu, count: count, script: len(m.scripts), nmi: b.Kind == scenario.BlockNMI})
			todo = append(todo, pending{b, len(m.scripts)})
			m.scripts = append(m.scripts, nil)
		}
	}
	if len(m.scripts) > 250 {
		return nil, fmt.Errorf("%s: too many scripts", file)
	}
	m.ncpu = maxCPU + 1
	if sc.CPUs > 0 {
		if sc.CPUs > MaxCPUs || sc.CPUs < m.ncpu {
			return nil, fmt.Errorf("%s: cpus %d: want %d..%d", file, sc.CPUs, m.ncpu, MaxCPUs)
		}
		m.ncpu = sc.CPUs
	}
	for len(m.names) < MaxTasks {
		m.names = append(m.names, "")
	}
	fan := m.Config.FanoutLeaf
	if fan <= 0 {
		fan = 16 // CONFIG_RCU_FANOUT_LEAF default
	}
	for c := 0; c < MaxCPUs; c++ {
		m.leafOf[c] = c / fan
	}
	m.nleaves = (m.ncpu + fan - 1) / fan
	for c := 0; c < MaxCPUs; c++ {
		m.names = append(m.names, "idle/"+strconv.Itoa(c))
	}
	if err := m.compileMemory(sc); err != nil {
		return nil, err
	}
	// Pass 2: compile operations.
	for _, p := range todo {
		if len(p.b.Ops) > 200 {
			return nil, fmt.Errorf("%s:%s: script longer than 200 operations", file, p.b.Pos)
		}
		task := -1
		if p.b.Kind == scenario.BlockTask {
			task = p.script
		}
		for _, o := range p.b.Ops {
			co, err := m.compileOp(o, task)
			if err != nil {
				return nil, err
			}
			m.scripts[p.script] = append(m.scripts[p.script], co)
		}
		if p.b.Kind == scenario.BlockProbe {
			if err := m.compileGuard(p.b, p.script); err != nil {
				return nil, err
			}
		}
	}
	if err := m.compileExists(sc); err != nil {
		return nil, err
	}
	m.initClasses()
	return m, nil
}

func (m *Model) objIndex(name string) int {
	for i, o := range m.objs {
		if o == name {
			return i
		}
	}
	return -1
}

func (m *Model) taskIndex(name string) int {
	for i := 0; i < m.ntask; i++ {
		if m.names[i] == name {
			return i
		}
	}
	return -1
}

func (m *Model) srcuIndex(name string) (int, error) {
	for i, d := range m.srcuDoms {
		if d == name {
			return i, nil
		}
	}
	if len(m.srcuDoms) == 2 {
		return 0, fmt.Errorf("at most two srcu_struct domains")
	}
	m.srcuDoms = append(m.srcuDoms, name)
	return len(m.srcuDoms) - 1, nil
}

func (m *Model) lockIndex(name string) (int, error) {
	switch {
	case strings.HasPrefix(name, "rq"):
		n, err := strconv.Atoi(name[2:])
		if err != nil || n < 0 || n >= MaxCPUs {
			return 0, fmt.Errorf("lock %q: want rq0..rq%d or pi.TASK", name, MaxCPUs-1)
		}
		return n, nil
	case strings.HasPrefix(name, "pi."):
		t := m.taskIndex(name[3:])
		if t < 0 {
			return 0, fmt.Errorf("lock %q: no task %q", name, name[3:])
		}
		return MaxCPUs + t, nil
	}
	if !isIdent(name) {
		return 0, fmt.Errorf("lock %q: want rq0..rq%d, pi.TASK or a lock name", name, MaxCPUs-1)
	}
	for i, n := range m.spinlocks {
		if n == name {
			return MaxCPUs + MaxTasks + i, nil
		}
	}
	if len(m.spinlocks) == MaxSpinlocks {
		return 0, fmt.Errorf("lock %q: at most %d scenario locks", name, MaxSpinlocks)
	}
	m.spinlocks = append(m.spinlocks, name)
	return MaxCPUs + MaxTasks + len(m.spinlocks) - 1, nil
}

// isSpinlock reports whether lock l is one of the scenario's spinlock_t
// locks (not a runqueue or pi_lock, which are raw).
func isSpinlock(l int) bool { return l >= MaxCPUs+MaxTasks }

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

func (m *Model) compileOp(o scenario.Op, task int) (op, error) {
	text := o.Name
	if len(o.Args) > 0 {
		text += "(" + strings.Join(o.Args, ", ") + ")"
	} else {
		text += "()"
	}
	for _, kv := range o.Attrs {
		text += " [" + kv.Key + "=" + kv.Value + "]"
	}
	co := op{text: text, pos: o.Pos, hook: -1}
	errf := func(format string, args ...any) error {
		return fmt.Errorf("%s:%s: %s: %s", m.file, o.Pos, o.Name, fmt.Sprintf(format, args...))
	}
	nargs := func(n int) error {
		if len(o.Args) != n {
			return errf("want %d argument(s), got %d", n, len(o.Args))
		}
		return nil
	}
	obj := func(i int) (int, error) {
		k := m.objIndex(o.Args[i])
		if k < 0 {
			return 0, errf("unknown object %q (declare it with \"object %s\")", o.Args[i], o.Args[i])
		}
		return k, nil
	}
	if eff, ok, err := effectsFor(m.file, o); ok || err != nil {
		if err != nil {
			return co, err
		}
		co.kind, co.eff, co.hook = opPrim, eff, m.probeFor(eff.Traced)
		co.text = primText(o, eff)
		if eff.Counter == CounterSRCU {
			if err := nargs(1); err != nil {
				return co, err
			}
			d, err := m.srcuIndex(o.Args[0])
			if err != nil {
				return co, errf("%v", err)
			}
			co.arg = d
		} else if err := nargs(0); err != nil {
			return co, err
		}
		return co, nil
	}
	if len(o.Attrs) > 0 {
		return co, errf("attributes apply to read-side primitives only")
	}
	if ok, err := m.compileMemOp(o, task, &co); ok || err != nil {
		if err != nil {
			return co, errf("%v", err)
		}
		return co, nil
	}
	if k, ok := simpleOps[o.Name]; ok {
		co.kind = k
		return co, nargs(0)
	}
	f, gp, isGP := gpOp(o.Name)
	if isGP && gp.Kind == kernelnames.GPWait {
		co.kind, co.f = opSync, f
		if f == FlavourSRCU0 {
			if err := nargs(1); err != nil {
				return co, err
			}
			d, err := m.srcuIndex(o.Args[0])
			if err != nil {
				return co, errf("%v", err)
			}
			_, co.f = srcuKind(d)
			co.arg = d
			return co, nil
		}
		return co, nargs(0)
	}
	if isGP && gp.Kind == kernelnames.GPCall {
		co.kind, co.f = opCall, f
		args := o.Args
		if f == FlavourSRCU0 {
			if len(args) < 1 {
				return co, errf("want SRCU domain, action and object")
			}
			d, err := m.srcuIndex(args[0])
			if err != nil {
				return co, errf("%v", err)
			}
			_, co.f = srcuKind(d)
			args = args[1:]
		}
		if gp.Frees {
			args = append([]string{"free"}, args...)
		}
		if len(args) != 2 {
			return co, errf("want ACTION OBJECT (actions: free, touch, chain_rcu, chain_rcu_unless_implied)")
		}
		a, ok := actions[args[0]]
		if !ok {
			return co, errf("unknown action %q (free, touch, chain_rcu, chain_rcu_unless_implied)", args[0])
		}
		co.act = a
		k := m.objIndex(args[1])
		if k < 0 {
			return co, errf("unknown object %q", args[1])
		}
		co.arg = k
		return co, nil
	}
	switch o.Name {
	case "deref", "rcu_dereference", "publish", "rcu_assign_pointer", "unpublish", "free", "kfree":
		if err := nargs(1); err != nil {
			return co, err
		}
		k, err := obj(0)
		if err != nil {
			return co, err
		}
		co.arg = k
		co.kind = map[string]opKind{"deref": opDeref, "rcu_dereference": opDeref, "publish": opPublish,
			"rcu_assign_pointer": opPublish, "unpublish": opUnpublish, "free": opFree, "kfree": opFree}[o.Name]
		return co, nil
	case "tracepoint":
		if err := nargs(1); err != nil {
			return co, err
		}
		// Probes are registered before operations are compiled.
		co.kind, co.arg = opTracepoint, m.probeFor(o.Args[0])
		co.text = "trace_" + o.Args[0] + "()"
		return co, nil
	case "spin_lock", "raw_spin_lock", "spin_lock_irq", "raw_spin_lock_irq", "raw_spin_lock_irqsave", "spin_lock_irqsave",
		"spin_unlock", "raw_spin_unlock", "spin_unlock_irq", "raw_spin_unlock_irq", "raw_spin_unlock_irqrestore", "spin_unlock_irqrestore":
		if err := nargs(1); err != nil {
			return co, err
		}
		l, err := m.lockIndex(o.Args[0])
		if err != nil {
			return co, errf("%v", err)
		}
		co.arg, co.irq = l, strings.Contains(o.Name, "irq")
		co.raw = strings.HasPrefix(o.Name, "raw_")
		co.kind = opLock
		if strings.Contains(o.Name, "unlock") {
			co.kind = opUnlock
		}
		return co, nil
	case "cpu_down", "remove_cpu":
		if err := nargs(1); err != nil {
			return co, err
		}
		n, err := strconv.Atoi(o.Args[0])
		if err != nil || n < 0 || n >= MaxCPUs {
			return co, errf("want a CPU number 0..%d", MaxCPUs-1)
		}
		co.kind, co.arg = opCPUDown, n
		m.hotplug = true
		return co, nil
	case "rcu_barrier":
		co.kind = opBarrier
		return co, nargs(0)
	case "raise_softirq", "raise_softirq_irqoff":
		if err := nargs(1); err != nil {
			return co, err
		}
		i := m.softirqIndex(o.Args[0])
		if i < 0 {
			return co, errf("unknown softirq %q (declare it with \"softirq %s\")", o.Args[0], o.Args[0])
		}
		co.kind, co.arg = opRaise, i
		return co, nil
	case "wake_up", "wake_up_process":
		if err := nargs(1); err != nil {
			return co, err
		}
		t := m.taskIndex(o.Args[0])
		if t < 0 {
			return co, errf("unknown task %q", o.Args[0])
		}
		co.kind, co.arg = opWakeUp, t
		return co, nil
	}
	return co, errf("unknown operation (read-side primitives: %s; others: deref, publish, unpublish, free, synchronize_*, call_*, kfree_rcu, may_fault, sleep, cond_resched, spin, nop, set_need_qs, tracepoint, spin_lock/unlock, wake_up, idle_enter/exit)",
		strings.Join(PrimitiveNames(), ", "))
}

// compileGuard appends the release of the probe's guard to probe script n:
// Tracepoint.Exit for tracepoints, FtraceGuard for "ftrace:FUNC" hooks.
func (m *Model) compileGuard(b scenario.Block, n int) error {
	g := &m.Trace
	if strings.HasPrefix(b.Name, "ftrace:") {
		g = &m.ftrace
	}
	m.guard[n], m.bodyEnd[n] = g, len(m.scripts[n])
	for _, e := range g.Exit {
		co := op{kind: opPrim, eff: e, text: "__DO_TRACE(): " + e.Name + "()", pos: b.Pos, hook: m.probeFor(e.Traced)}
		if g == &m.ftrace {
			co.text = "ftrace_test_recursion_unlock(): " + e.Name + "()"
		}
		if e.Counter == CounterSRCU {
			d, err := m.srcuIndex(g.SRCUDomain)
			if err != nil {
				return fmt.Errorf("%s:%s: probe %s: tracepoint guard: %v", m.file, b.Pos, b.Name, err)
			}
			co.arg = d
		}
		m.scripts[n] = append(m.scripts[n], co)
	}
	return nil
}

// probeTitle names a probe by what it is attached to: trace_NAME() for a
// tracepoint, the traced function for "ftrace:FUNC".
func probeTitle(hook string) string {
	if f, ok := strings.CutPrefix(hook, "ftrace:"); ok {
		return "ftrace of " + f + "()"
	}
	return "trace_" + hook + "()"
}

// primText is how a trace shows a read-side primitive: its name and
// arguments, and what its effects do differently from the primitive of
// that name in Primitives (nothing more for a custom primitive: its name
// is the patch's).
func primText(o scenario.Op, e Effects) string {
	text := o.Name + "(" + strings.Join(o.Args, ", ") + ")"
	def, ok := Primitives[o.Name]
	if !ok {
		return text
	}
	var d []string
	yn := map[bool]string{true: "yes", false: "no"}
	switch {
	case def.TestsSpecial != e.TestsSpecial && def.CallsSpecial != e.CallsSpecial && e.TestsSpecial == e.CallsSpecial:
		d = append(d, "special="+yn[e.CallsSpecial])
	default:
		if def.TestsSpecial != e.TestsSpecial {
			d = append(d, "tests_special="+yn[e.TestsSpecial])
		}
		if def.CallsSpecial != e.CallsSpecial {
			d = append(d, "calls_special="+yn[e.CallsSpecial])
		}
	}
	if def.Traced != e.Traced {
		d = append(d, "traced="+map[bool]string{true: "no", false: e.Traced}[e.Traced == ""])
	}
	for _, x := range []struct {
		n    string
		a, b int8
	}{{"preempt", def.Preempt, e.Preempt}, {"bh", def.BH, e.BH}, {"irq", def.IRQ, e.IRQ}, {"delta", def.Delta, e.Delta}} {
		if x.a != x.b {
			d = append(d, fmt.Sprintf("%s=%d", x.n, x.b))
		}
	}
	if def.NMISafe != e.NMISafe {
		d = append(d, "nmi_safe="+yn[e.NMISafe])
	}
	if def.Counter != e.Counter {
		d = append(d, "counter="+counterName(e.Counter))
	}
	if len(d) > 0 {
		text += " [" + strings.Join(d, " ") + "]"
	}
	return text
}

// probeFor returns the probe script attached to hook, or -1.
func (m *Model) probeFor(hook string) int {
	if hook == "" {
		return -1
	}
	if p, ok := m.probes[hook]; ok {
		return p
	}
	return -1
}

// initClasses allocates the weak-fairness classes (check.Edge.Fair).
func (m *Model) initClasses() {
	m.classes = []string{""}
	add := func(n string) { m.cls[n] = len(m.classes); m.classes = append(m.classes, n) }
	for t := 0; t < m.ntask; t++ {
		add("run " + m.names[t])
		add("wake " + m.names[t])
	}
	for c := 0; c < m.ncpu; c++ {
		add(fmt.Sprintf("interrupts CPU%d", c))
		add(fmt.Sprintf("tick CPU%d", c))
		add(fmt.Sprintf("preempt CPU%d", c))
		add(fmt.Sprintf("ksoftirqd CPU%d", c))
	}
	for t := 0; t < m.ntask; t++ {
		m.runClass[t] = m.cls["run "+m.names[t]]
		m.wakeClass[t] = m.cls["wake "+m.names[t]]
	}
	for c := 0; c < m.ncpu; c++ {
		for i, k := range []string{"interrupts", "tick", "preempt", "ksoftirqd"} {
			m.cpuClass[c][i] = m.cls[fmt.Sprintf("%s CPU%d", k, c)]
		}
	}
	for _, n := range []string{"rcu gp kthread", "fqs", "exp kthread", "boost kthread", "boost delay",
		"srcu(ss0) gp", "srcu(ss1) gp", "tasks gp", "tasks-trace gp", "tasks-rude gp", "callbacks"} {
		add(n)
	}
}

// class returns the fairness class id of name (0 if unknown).
func (m *Model) class(name string) int { return m.cls[name] }

// ClassName returns the name of fairness class id.
func (m *Model) ClassName(id int) string {
	if id > 0 && id < len(m.classes) {
		return m.classes[id]
	}
	return ""
}
