package rcumodel

import (
	"fmt"

	"github.com/rcureview/rcureview/rcumodel/check"
)

// Event is one row of a counterexample: which CPU (-1 for grace-period
// machinery and kthreads), in which context, which task, what happened, and
// indented notes on the state it changed.
type Event struct {
	CPU   int
	Ctx   string // task, irq, irq_exit, nmi, probe, softirq, sched, kthread
	Task  string
	Text  string
	Notes []string
	// Then are rows the same transition shows on other CPUs: the wakeup
	// of a synchronize_rcu() waiter by its callback on the waiter's CPU.
	Then []Event
}

// Edge tags (check.Edge.Tags): bit c for a transition of CPU c, plus:
const (
	tagForced uint32 = 1 << 8 // interrupt-level work the CPU cannot decline (self-IPI, handler steps, irq_exit)
	tagEnv    uint32 = 1 << 9 // environment event (tick, device irq, NMI, wakeup)
)

// tx is a transition under construction.
type tx struct {
	m      *Model
	s      State
	ev     Event
	bad    []check.Bad
	forced bool
}

func (t *tx) note(format string, args ...any) {
	if t.m.labels {
		t.ev.Notes = append(t.ev.Notes, fmt.Sprintf(format, args...))
	}
}

// sprintf formats a label, or returns "" while labels are off.
func (m *Model) sprintf(format string, args ...any) string {
	if !m.labels {
		return ""
	}
	return fmt.Sprintf(format, args...)
}

// SetLabels turns trace labels on or off (check.Labeler): exploring
// without them is several times faster.
func (m *Model) SetLabels(on bool) { m.labels = on }

func (t *tx) violate(prop, format string, args ...any) {
	t.violateRule(prop, "", format, args...)
}

// violateRule records a violation reported under a more specific rule than
// the property's default (the context rules of P3).
func (t *tx) violateRule(prop, rule, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	t.bad = append(t.bad, check.Bad{Property: prop, Msg: msg, Tag: rule})
	t.note("VIOLATION %s: %s", prop, msg)
}

func (m *Model) newTx(s *State, cpu int, ctx, text string) *tx {
	var t *tx
	if n := len(m.txFree); n > 0 {
		t = m.txFree[n-1]
		m.txFree = m.txFree[:n-1]
		*t = tx{m: m, s: *s, ev: Event{CPU: cpu, Ctx: ctx, Text: text}}
	} else {
		t = &tx{m: m, s: *s, ev: Event{CPU: cpu, Ctx: ctx, Text: text}}
	}
	if cpu >= 0 && m.labels {
		t.ev.Task = m.names[s.C[cpu].Curr]
	}
	return t
}

// Initial returns the single initial state: each CPU runs its first
// runnable task (highest priority first), other tasks are queued.
func (m *Model) Initial() []State {
	var s State
	for t := 0; t < allTasks; t++ {
		s.T[t].St = stIdle
	}
	for t := 0; t < m.ntask; t++ {
		s.T[t].St = m.startSl[t]
		s.T[t].CPU = uint8(m.cpuOf[t])
	}
	for c := 0; c < MaxCPUs; c++ {
		s.T[idleTask(c)].CPU = uint8(c)
		if c < m.ncpu {
			s.C[c].Online, s.C[c].RCUOnline = 1, 1
			s.Leaf[m.leafOf[c]].QSInit |= 1 << c
			s.RootInit |= 1 << m.leafOf[c]
		}
	}
	for c := 0; c < MaxCPUs; c++ {
		s.C[c].Curr = uint8(idleTask(c))
		if c < m.ncpu {
			if n := m.pickNext(&s, c, -1); n >= 0 {
				s.C[c].Curr = uint8(n)
			}
		}
		s.C[c].N = 1
		s.C[c].F[0] = Frame{Kind: frameTask, Script: s.C[c].Curr}
	}
	for i, o := range m.Scenario.Objects {
		if o.Published {
			s.Obj[i] = objPublished
		}
	}
	for i, d := range m.irqs {
		s.IRQLeft[i] = uint8(d.count)
	}
	s.Vars = m.initVals
	return []State{s}
}

// Key is the canonical encoding of a state (check.System).
func (m *Model) Key(s *State, buf []byte) []byte { return key(s, buf) }

// Decode rebuilds a state from its key (check.Decoder): the checker keeps
// only keys.
func (m *Model) Decode(k []byte, s *State) { decode(k, s) }

// Next enumerates the transitions of s (check.System).
func (m *Model) Next(s *State, emit func(check.Edge[State, Event])) {
	out := func(t *tx, fair int, cpu int, env bool) {
		m.settle(&t.s)
		var tags uint32
		if cpu >= 0 {
			tags |= 1 << uint(cpu)
		}
		if t.forced {
			tags |= tagForced
		}
		if env {
			tags |= tagEnv
		}
		emit(check.Edge[State, Event]{To: t.s, Label: t.ev, Fair: fair, Tags: tags, Bad: t.bad})
		// The checker has copied what it keeps: recycle the transition
		// (exploring allocates millions of them otherwise).
		if len(m.txFree) < 64 {
			m.txFree = append(m.txFree, t)
		}
	}
	for c := 0; c < m.ncpu; c++ {
		if s.C[c].Dead == 1 {
			continue
		}
		intr := m.cpuClass[c][0]
		if s.C[c].Online == 0 {
			// Going down: only its last pass through the idle loop is
			// left; then it is dead.
			if s.C[c].RCUOnline == 1 {
				out(m.reportCPUDead(s, c), intr, c, false)
			}
			continue
		}
		if !s.irqsOff(c) {
			if t := m.urgent(s, c); t != nil {
				out(t, intr, c, false)
				continue // an urgent interrupt is taken before anything else on c
			}
		}
		m.stepTop(s, c, func(t *tx) {
			fair := intr
			if t.ev.Ctx == "task" {
				fair = m.runClass[s.C[c].Curr]
				t.s.C[c].TickOK = 1
			}
			out(t, fair, c, false)
		})
		if t := m.tick(s, c); t != nil {
			out(t, m.cpuClass[c][1], c, true)
		}
		for i, d := range m.irqs {
			if t := m.deviceIRQ(s, c, i, d); t != nil {
				out(t, 0, c, true)
			}
		}
		if t := m.preemptHigher(s, c); t != nil {
			out(t, m.cpuClass[c][2], c, false)
		}
		if t := m.ksoftirqd(s, c); t != nil {
			out(t, m.cpuClass[c][3], c, false)
		}
		if t := m.irqWorkKthread(s, c); t != nil {
			out(t, m.cpuClass[c][3], c, false)
		}
	}
	for task := 0; task < m.ntask; task++ {
		if s.T[task].St == stSleeping {
			t := m.newTx(s, -1, "sched", "wake_up_process("+m.names[task]+")")
			// Shown on the CPU the task wakes up on (the waker is not
			// modelled; the remote wakeup lands there).
			t.ev.CPU = int(s.T[task].CPU)
			t.s.T[task].St = stRunnable
			m.resched(t, int(s.T[task].CPU), task)
			out(t, m.wakeClass[task], -1, true)
		}
	}
	m.migrations(s, func(t *tx) { out(t, 0, -1, true) })
	m.gpTransitions(s, func(t *tx, class string) { out(t, m.class(class), -1, false) })
}

// stepTop runs one step of the frame on top of CPU c's context stack.
func (m *Model) stepTop(s *State, c int, emit func(*tx)) {
	cpu := &s.C[c]
	f := cpu.F[cpu.N-1]
	ctx := frameCtx(f)
	if f.Kind == frameTask {
		task := int(cpu.Curr)
		if task >= m.ntask || s.T[task].St != stRunnable {
			return
		}
		script := m.scripts[task]
		if int(f.PC) >= len(script) {
			t := m.newTx(s, c, "task", "(task exits)")
			m.taskExit(t, c, task)
			emit(t)
			return
		}
		m.execOp(s, c, script[f.PC], ctx, emit)
		return
	}
	if f.Script == scriptIWLoop {
		t := m.newTx(s, c, "irq", "irq_work_run_list(): runs the self-linked work again")
		t.forced = true
		emit(t)
		return
	}
	var script []op
	if int(f.Script) < len(m.scripts) {
		script = m.scripts[f.Script]
	}
	if int(f.PC) < len(script) {
		lvl := int(cpu.N) - 1
		m.execOp(s, c, script[f.PC], ctx, func(t *tx) {
			t.forced = true
			// A probe whose last operation (its guard's release) has
			// run returns in the same transition: preempt_enable_notrace()
			// at the end of __DO_TRACE() is a resched point of the caller.
			if f.Kind == frameProbe && int(t.s.C[c].N)-1 == lvl && int(t.s.top(c).PC) >= len(script) && len(script) > m.bodyEnd[int(f.Script)] {
				m.popProbe(t, c)
				m.reschedPoint(t, c)
			}
			emit(t)
		})
		return
	}
	switch f.Kind {
	case frameHardirq:
		t := m.newTx(s, c, "irq_exit", "irq_exit()")
		t.forced = true
		m.irqExit(t, c)
		emit(t)
	case frameNMI:
		t := m.newTx(s, c, "nmi", "nmi_exit()")
		t.forced = true
		t.s.C[c].N--
		emit(t)
	case frameProbe:
		t := m.newTx(s, c, ctx, "(probe returns)")
		t.forced = true
		m.popProbe(t, c)
		emit(t)
	case frameSoftirq:
		t := m.newTx(s, c, ctx, "("+m.scriptNames[f.Script]+" returns)")
		t.forced = true
		m.softirqReturn(t, c)
		emit(t)
	}
}

// frameCtx names the context a frame runs in.
func frameCtx(f Frame) string {
	switch f.Kind {
	case frameHardirq:
		if f.Phase == phaseExiting {
			return "irq_exit"
		}
		return "irq"
	case frameNMI:
		return "nmi"
	case frameProbe:
		return "probe"
	case frameSoftirq:
		return "softirq"
	}
	return "task"
}

// push puts a frame on CPU c's context stack; overflowing the bound is
// unbounded recursion (P5) and stops the CPU.
func (m *Model) push(t *tx, c int, f Frame, what string) bool {
	cpu := &t.s.C[c]
	if int(cpu.N) >= MaxFrames {
		t.violate("P5", "context stack on CPU%d exceeds %d frames entering %s: unbounded recursion", c, MaxFrames, what)
		cpu.Dead = 1
		return false
	}
	cpu.F[cpu.N] = f
	cpu.N++
	return true
}

// fireProbe runs the probe script attached to a tracepoint in the current
// context (as __DO_TRACE does), if any.
func (m *Model) fireProbe(t *tx, c, script int, hook string) {
	if script < 0 {
		return
	}
	t.note("%s fires: probe runs", hook)
	if !m.push(t, c, Frame{Kind: frameProbe, Script: uint8(script)}, "probe "+hook) {
		return
	}
	// The guard is taken in the same transition: __DO_TRACE()'s
	// preempt_disable_notrace() (or what the tracepoint implementation
	// takes) comes before any probe code.
	if g := m.guard[script]; g != nil {
		for _, e := range g.Enter {
			arg := 0
			if e.Counter == CounterSRCU {
				arg, _ = m.srcuIndex(g.SRCUDomain)
			}
			m.readLock(t, c, e, arg)
			f := t.s.top(c)
			f.Preempt += uint8(max(e.Preempt, 0))
			f.BH += uint8(max(e.BH, 0))
			f.IRQOff += uint8(max(e.IRQ, 0))
		}
	}
}

// probeActive reports whether the probe frame f is still running its body
// (not yet releasing its guard): probes are readers of the flavour the
// tracepoint API promises (tracepoint_synchronize_unregister()), whatever
// the implementation does.
func (m *Model) probeActive(f Frame) bool {
	end, ok := m.bodyEnd[int(f.Script)]
	return !ok || int(f.PC) < end
}

// popProbe returns from a probe; an irq_exit() that was waiting for its
// tick_stop probe completes.
func (m *Model) popProbe(t *tx, c int) {
	cpu := &t.s.C[c]
	cpu.N--
	if top := t.s.top(c); top.Kind == frameHardirq && top.Phase == phaseExiting {
		m.finishIRQ(t, c)
	}
}

// advance moves the top frame to its next operation. Call it before any
// effect that may push a frame or switch tasks.
func (t *tx) advance(c int) { t.advanceAt(c, int(t.s.C[c].N)-1) }

// advanceAt moves the frame at level lvl of CPU c to its next operation.
func (t *tx) advanceAt(c, lvl int) {
	f := &t.s.C[c].F[lvl]
	f.PC++
	f.Phase = phaseNone
}
