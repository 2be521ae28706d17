package rcumodel

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Shared memory for litmus-style scenarios: a few variables and per-task
// registers, accessed with sequential consistency (every access is one
// transition), plus a final-state "exists" condition checked when every
// task has finished (property EXISTS: violated = the condition is
// reachable, herd7's "Sometimes"; holds = "Never").

// Memory bounds.
const (
	MaxVars = 4
	MaxRegs = 4
	addrBit = 0x80 // value &v is addrBit|v
)

// existsTerm is one conjunct: register reg of task (or variable v when
// task < 0) equals val.
type existsTerm struct {
	task, idx int
	val       uint8
	text      string
}

// ExistsProperty is the litmus property (not a review rule).
var ExistsProperty = Property{ID: "EXISTS", Rule: "", Summary: "the exists clause is reachable in a final state (herd7 Sometimes); holds means Never"}

func (m *Model) varIndex(name string, declare bool) (int, error) {
	for i, v := range m.vars {
		if v == name {
			return i, nil
		}
	}
	if !declare {
		return 0, fmt.Errorf("unknown variable %q", name)
	}
	if len(m.vars) == MaxVars {
		return 0, fmt.Errorf("more than %d shared variables", MaxVars)
	}
	m.vars = append(m.vars, name)
	return len(m.vars) - 1, nil
}

func (m *Model) regIndex(task int, name string) (int, error) {
	if task < 0 || task >= MaxTasks {
		return 0, fmt.Errorf("registers are only available in tasks")
	}
	for i, r := range m.regs[task] {
		if r == name {
			return i, nil
		}
	}
	if len(m.regs[task]) == MaxRegs {
		return 0, fmt.Errorf("more than %d registers in task %s", MaxRegs, m.names[task])
	}
	m.regs[task] = append(m.regs[task], name)
	return len(m.regs[task]) - 1, nil
}

// value parses an integer 0..127, &var or a bare variable name (its address).
func (m *Model) value(v string) (uint8, error) {
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 || n >= addrBit {
			return 0, fmt.Errorf("value %d out of range 0..%d", n, addrBit-1)
		}
		return uint8(n), nil
	}
	i, err := m.varIndex(strings.TrimPrefix(v, "&"), true)
	if err != nil {
		return 0, err
	}
	return addrBit | uint8(i), nil
}

func (m *Model) valueString(v uint8) string {
	if v&addrBit != 0 && int(v&^addrBit) < len(m.vars) {
		return "&" + m.vars[v&^addrBit]
	}
	return strconv.Itoa(int(v))
}

// compileMemory sets up init values and the exists clause.
func (m *Model) compileMemory(sc *scenario.Scenario) error {
	for _, kv := range sc.Init {
		i, err := m.varIndex(kv.Key, true)
		if err != nil {
			return fmt.Errorf("%s:%s: init: %w", m.file, kv.Pos, err)
		}
		_ = i
	}
	for _, kv := range sc.Init {
		i, _ := m.varIndex(kv.Key, false)
		v, err := m.value(kv.Value)
		if err != nil {
			return fmt.Errorf("%s:%s: init %s: %w", m.file, kv.Pos, kv.Key, err)
		}
		m.initVals[i] = v
	}
	return nil
}

// compileExists runs after the scripts, when registers are known.
func (m *Model) compileExists(sc *scenario.Scenario) error {
	for _, kv := range sc.Exists {
		term := existsTerm{task: -1, text: kv.Key + "=" + kv.Value}
		if t, r, ok := strings.Cut(kv.Key, ":"); ok {
			n, err := strconv.Atoi(t)
			if err != nil || n < 0 || n >= m.ntask {
				return fmt.Errorf("%s:%s: exists %s: no task %q (tasks are numbered in declaration order)", m.file, kv.Pos, kv.Key, t)
			}
			idx := -1
			for i, name := range m.regs[n] {
				if name == r {
					idx = i
				}
			}
			if idx < 0 {
				return fmt.Errorf("%s:%s: exists %s: task %s has no register %q", m.file, kv.Pos, kv.Key, m.names[n], r)
			}
			term.task, term.idx = n, idx
		} else {
			i, err := m.varIndex(kv.Key, false)
			if err != nil {
				return fmt.Errorf("%s:%s: exists: %w", m.file, kv.Pos, err)
			}
			term.idx = i
		}
		v, err := m.value(kv.Value)
		if err != nil {
			return fmt.Errorf("%s:%s: exists %s: %w", m.file, kv.Pos, kv.Key, err)
		}
		term.val = v
		m.exists = append(m.exists, term)
	}
	return nil
}

var storeOps = map[string]bool{"store": true, "WRITE_ONCE": true, "smp_store_release": true, "rcu_assign_pointer": true,
	"atomic_set": true, "xchg_discard": true}
var loadOps = map[string]bool{"load": true, "READ_ONCE": true, "smp_load_acquire": true, "rcu_dereference": true,
	"atomic_read": true, "srcu_dereference": true, "rcu_dereference_check": true}
var fenceOps = map[string]bool{"smp_mb": true, "smp_rmb": true, "smp_wmb": true, "barrier": true,
	"smp_mb__before_atomic": true, "smp_mb__after_atomic": true, "smp_mb__after_srcu_read_unlock": true,
	"smp_mb__after_spinlock": true, "smp_mb__after_unlock_lock": true}

// compileMemOp compiles store VAR VALUE / load REG VAR|*REG / fences; ok is
// false if o is not a memory operation.
func (m *Model) compileMemOp(o scenario.Op, task int, co *op) (bool, error) {
	switch {
	case fenceOps[o.Name] && len(o.Args) == 0:
		co.kind = opNop
		return true, nil
	case storeOps[o.Name] && len(o.Args) == 2:
		v, err := m.varIndex(strings.TrimPrefix(o.Args[0], "*"), true)
		if err != nil {
			return true, err
		}
		val, err := m.value(o.Args[1])
		if err != nil {
			return true, err
		}
		co.kind, co.arg, co.val = opStore, v, val
		return true, nil
	case loadOps[o.Name] && len(o.Args) == 2:
		r, err := m.regIndex(task, o.Args[0])
		if err != nil {
			return true, err
		}
		co.kind, co.reg = opLoad, r
		src := o.Args[1]
		if strings.HasPrefix(src, "*") && m.isReg(task, src[1:]) {
			co.arg, co.srcReg = -1, m.mustReg(task, src[1:])
			return true, nil
		}
		v, err := m.varIndex(strings.TrimPrefix(src, "*"), true)
		if err != nil {
			return true, err
		}
		co.arg = v
		return true, nil
	}
	return false, nil
}

func (m *Model) isReg(task int, name string) bool {
	if task < 0 || task >= MaxTasks {
		return false
	}
	for _, r := range m.regs[task] {
		if r == name {
			return true
		}
	}
	return false
}

func (m *Model) mustReg(task int, name string) int {
	for i, r := range m.regs[task] {
		if r == name {
			return i
		}
	}
	return 0
}

// execLoad performs a READ_ONCE(): from a variable, or through a pointer
// held in a register.
func (m *Model) execLoad(t *tx, task int, o op) {
	v := o.arg
	if v < 0 {
		p := t.s.Regs[task][o.srcReg]
		if p&addrBit == 0 || int(p&^addrBit) >= len(m.vars) {
			t.violate("P3", "%s dereferences %s, not a pointer", m.names[task], m.valueString(p))
			return
		}
		v = int(p &^ addrBit)
	}
	t.s.Regs[task][o.reg] = t.s.Vars[v]
	t.note("%s = %s (%s)", m.regs[task][o.reg], m.valueString(t.s.Vars[v]), m.vars[v])
}

func (m *Model) execStore(t *tx, o op) {
	t.s.Vars[o.arg] = o.val
	t.note("%s = %s", m.vars[o.arg], m.valueString(o.val))
}

// checkExists evaluates the exists clause once every task has finished.
func (m *Model) checkExists(t *tx) {
	if len(m.exists) == 0 {
		return
	}
	for task := 0; task < m.ntask; task++ {
		if t.s.T[task].St != stDone {
			return
		}
	}
	var parts []string
	for _, e := range m.exists {
		got := t.s.Vars[e.idx]
		if e.task >= 0 {
			got = t.s.Regs[e.task][e.idx]
		}
		if got != e.val {
			return
		}
		parts = append(parts, e.text)
	}
	t.violate("EXISTS", "final state satisfies exists (%s)", strings.Join(parts, " /\\ "))
}
