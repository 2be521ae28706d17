package litmus

import (
	"fmt"
	"strings"
)

// addrBase is added to a location's index to form its address value, so
// addresses do not collide with the small integers litmus tests store.
const addrBase int64 = 1 << 40

// opcode is the kind of one compiled instruction.
type opcode uint8

const (
	opAssign     opcode = iota // dst = a (registers only)
	opJumpZero                 // if a == 0 goto target
	opJump                     // goto target
	opLoad                     // dst = mem[a]
	opStore                    // mem[a] = b
	opXchg                     // dst = mem[a]; mem[a] = b
	opCmpxchg                  // dst = mem[a]; if dst == b { mem[a] = c }
	opFetchAdd                 // dst = mem[a]; mem[a] += b (dst gets new value if c != 0)
	opLock                     // enabled when mem[a] == 0; mem[a] = 1
	opTrylock                  // dst = mem[a] == 0; if so mem[a] = 1
	opAddUnless                // dst = mem[a] != c; if so mem[a] += b
	opReadLock                 // enter a read-side critical section of domain dom
	opReadUnlock               // leave it
	opGPStart                  // grace period start in domain dom
	opGPEnd                    // grace period end in domain dom
)

// pexpr is a pure expression over registers and constants.
type pexpr struct {
	op   byte // 'c' constant, 'r' register, 'u' unary, 'b' binary
	val  int64
	text string
	x, y *pexpr
}

// instr is one compiled instruction of a process.
type instr struct {
	op      opcode
	dst     int // register index, -1 for none
	a, b, c *pexpr
	dom     int // RCU domain: 0 is RCU, 1.. are SRCU domains
	target  int
	line    string // what it came from, for traces
}

// program is a compiled test.
type program struct {
	test    *Test
	locs    []string       // location names, index = location
	locIdx  map[string]int // name -> index
	domains []string       // "rcu", then srcu_struct location names
	procs   []*cproc
	initMem []int64
}

// cproc is one compiled process.
type cproc struct {
	code    []instr
	regs    []string
	regIdx  map[string]int
	initReg []int64
	params  map[string]bool
}

// compile translates a parsed test into a program.
func compile(t *Test) (*program, error) {
	pg := &program{test: t, locIdx: map[string]int{}, domains: []string{"rcu"}}
	addLoc := func(name string) int {
		if i, ok := pg.locIdx[name]; ok {
			return i
		}
		pg.locIdx[name] = len(pg.locs)
		pg.locs = append(pg.locs, name)
		return len(pg.locs) - 1
	}
	for _, it := range t.Init {
		if it.Proc < 0 {
			addLoc(it.Name)
		}
		if it.Addr != "" {
			addLoc(it.Addr)
		}
	}
	for _, pr := range t.Procs {
		for _, name := range pr.Params {
			addLoc(name)
		}
	}
	addAtomLocs(t.Cond, addLoc)
	addAtomLocs(t.Filter, addLoc)
	if len(t.Procs) > 64 {
		return nil, unsupported("%d processes (at most 64)", len(t.Procs))
	}
	for _, pr := range t.Procs {
		cp := &cproc{regIdx: map[string]int{}, params: map[string]bool{}}
		for _, name := range pr.Params {
			cp.params[name] = true
		}
		c := &compiler{pg: pg, cp: cp}
		if err := c.stmts(pr.Body); err != nil {
			return nil, fmt.Errorf("P%d: %w", pr.Index, err)
		}
		pg.procs = append(pg.procs, cp)
	}
	// Registers named only in the init block or the condition.
	for _, it := range t.Init {
		if it.Proc >= 0 {
			if it.Proc >= len(pg.procs) {
				return nil, fmt.Errorf("init: no process %d", it.Proc)
			}
			pg.procs[it.Proc].reg(it.Name)
		}
	}
	var atomErr error
	walkAtoms(t.Cond, func(a *Atom) {
		switch {
		case a.Proc >= len(pg.procs):
			if atomErr == nil {
				atomErr = fmt.Errorf("condition: no process %d", a.Proc)
			}
		case a.Proc >= 0:
			pg.procs[a.Proc].reg(a.Name)
		}
	})
	walkAtoms(t.Filter, func(a *Atom) {
		switch {
		case a.Proc >= len(pg.procs):
			if atomErr == nil {
				atomErr = fmt.Errorf("filter: no process %d", a.Proc)
			}
		case a.Proc >= 0:
			pg.procs[a.Proc].reg(a.Name)
		}
	})
	if atomErr != nil {
		return nil, atomErr
	}
	pg.initMem = make([]int64, len(pg.locs))
	for _, cp := range pg.procs {
		cp.initReg = make([]int64, len(cp.regs))
	}
	for _, it := range t.Init {
		v := it.Int
		if it.Addr != "" {
			v = addrBase + int64(pg.locIdx[it.Addr])
		}
		if it.Proc < 0 {
			pg.initMem[pg.locIdx[it.Name]] = v
		} else {
			cp := pg.procs[it.Proc]
			cp.initReg[cp.regIdx[it.Name]] = v
		}
	}
	return pg, nil
}

func addAtomLocs(p Prop, add func(string) int) {
	walkAtoms(p, func(a *Atom) {
		if a.Proc < 0 {
			add(a.Name)
		}
		if a.Addr != "" {
			add(a.Addr)
		}
	})
}

func walkAtoms(p Prop, f func(*Atom)) {
	switch p := p.(type) {
	case *Atom:
		f(p)
	case *Not:
		walkAtoms(p.X, f)
	case *And:
		walkAtoms(p.X, f)
		walkAtoms(p.Y, f)
	case *Or:
		walkAtoms(p.X, f)
		walkAtoms(p.Y, f)
	}
}

func (cp *cproc) reg(name string) int {
	if i, ok := cp.regIdx[name]; ok {
		return i
	}
	cp.regIdx[name] = len(cp.regs)
	cp.regs = append(cp.regs, name)
	return len(cp.regs) - 1
}

type compiler struct {
	pg           *program
	cp           *cproc
	temps        int
	srcuSections int
}

func (c *compiler) emit(in instr) int {
	c.cp.code = append(c.cp.code, in)
	return len(c.cp.code) - 1
}

func (c *compiler) temp() int {
	c.temps++
	return c.cp.reg(fmt.Sprintf("$t%d", c.temps))
}

func (c *compiler) stmts(ss []Stmt) error {
	for _, s := range ss {
		if err := c.stmt(s); err != nil {
			return err
		}
	}
	return nil
}

func (c *compiler) stmt(s Stmt) error {
	switch s := s.(type) {
	case *BlockStmt:
		return c.stmts(s.Body)
	case *DeclStmt:
		for i, name := range s.Names {
			if c.cp.params[name] {
				return unsupported("declaration %s shadows a parameter", name)
			}
			r := c.cp.reg(name)
			if s.Inits[i] != nil {
				if err := c.assignTo(r, s.Inits[i]); err != nil {
					return err
				}
			}
		}
		return nil
	case *ExprStmt:
		_, err := c.effect(s.X, -1)
		return err
	case *IfStmt:
		cond, err := c.value(s.Cond)
		if err != nil {
			return err
		}
		jz := c.emit(instr{op: opJumpZero, a: cond, dst: -1, line: "if"})
		if err := c.stmts(s.Then); err != nil {
			return err
		}
		if len(s.Else) == 0 {
			c.cp.code[jz].target = len(c.cp.code)
			return nil
		}
		j := c.emit(instr{op: opJump, dst: -1, line: "else"})
		c.cp.code[jz].target = len(c.cp.code)
		if err := c.stmts(s.Else); err != nil {
			return err
		}
		c.cp.code[j].target = len(c.cp.code)
		return nil
	}
	return unsupported("statement %T", s)
}

// assignTo compiles reg = x.
func (c *compiler) assignTo(r int, x Expr) error {
	done, err := c.effect(x, r)
	if err != nil || done {
		return err
	}
	v, err := c.value(x)
	if err != nil {
		return err
	}
	c.emit(instr{op: opAssign, dst: r, a: v, line: c.cp.regs[r] + " = ..."})
	return nil
}

// lvalueAddr returns the address expression of an lvalue *e.
func (c *compiler) lvalueAddr(x Expr, fun string) (*pexpr, error) {
	if u, ok := x.(*Unary); ok && u.Op == "*" {
		return c.value(u.X)
	}
	return nil, unsupported("%s of a non-dereference argument", fun)
}

// effect compiles x if it is an effectful expression (an assignment or a
// call with memory or RCU effects), putting its value in register dst when
// dst >= 0. It reports false for pure expressions, leaving them to value.
func (c *compiler) effect(x Expr, dst int) (bool, error) {
	switch x := x.(type) {
	case *Assign:
		switch l := x.L.(type) {
		case *Ident:
			if c.cp.params[l.Name] {
				return true, unsupported("assignment to parameter %s", l.Name)
			}
			r := c.cp.reg(l.Name)
			if err := c.assignTo(r, x.R); err != nil {
				return true, err
			}
			if dst >= 0 {
				c.emit(instr{op: opAssign, dst: dst, a: &pexpr{op: 'r', val: int64(r)}})
			}
			return true, nil
		case *Unary:
			if l.Op != "*" {
				break
			}
			addr, err := c.value(l.X)
			if err != nil {
				return true, err
			}
			v, err := c.value(x.R)
			if err != nil {
				return true, err
			}
			c.emit(instr{op: opStore, dst: -1, a: addr, b: v, line: "store"})
			return true, nil
		}
		return true, unsupported("assignment to a non-register, non-dereference")
	case *Unary:
		if x.Op != "*" {
			return false, nil
		}
		addr, err := c.value(x.X)
		if err != nil {
			return true, err
		}
		if dst < 0 {
			dst = c.temp()
		}
		c.emit(instr{op: opLoad, dst: dst, a: addr, line: "load"})
		return true, nil
	case *Call:
		return true, c.call(x, dst)
	}
	return false, nil
}

// noops are calls that have no effect under sequential consistency.
var noops = map[string]bool{
	"smp_mb": true, "smp_rmb": true, "smp_wmb": true, "barrier": true,
	"smp_mb__before_atomic": true, "smp_mb__after_atomic": true,
	"smp_mb__after_spinlock": true, "smp_mb__after_unlock_lock": true,
	"smp_read_barrier_depends": true, "smp_mb__after_srcu_read_unlock": true,
}

func (c *compiler) args(x *Call, n int) error {
	if len(x.Args) != n {
		return fmt.Errorf("%s: want %d arguments, got %d", x.Fun, n, len(x.Args))
	}
	return nil
}

// call compiles one call; its result (if any) goes to dst when dst >= 0.
func (c *compiler) call(x *Call, dst int) error {
	f := x.Fun
	need := func() int {
		if dst < 0 {
			return c.temp()
		}
		return dst
	}
	base := f
	for _, suf := range []string{"_relaxed", "_acquire", "_release"} {
		base = strings.TrimSuffix(base, suf)
	}
	switch {
	case noops[f]:
		return c.args(x, 0)
	case f == "READ_ONCE" || f == "rcu_dereference" || f == "atomic_read" || f == "smp_load_acquire" || f == "atomic_read_acquire" || f == "srcu_dereference":
		if f == "srcu_dereference" {
			if err := c.args(x, 2); err != nil {
				return err
			}
		} else if err := c.args(x, 1); err != nil {
			return err
		}
		var addr *pexpr
		var err error
		if f == "READ_ONCE" || f == "rcu_dereference" || f == "srcu_dereference" {
			addr, err = c.lvalueAddr(x.Args[0], f)
		} else {
			addr, err = c.value(x.Args[0])
		}
		if err != nil {
			return err
		}
		c.emit(instr{op: opLoad, dst: need(), a: addr, line: f})
		return nil
	case f == "WRITE_ONCE" || f == "rcu_assign_pointer" || f == "smp_store_release" || f == "atomic_set" || f == "atomic_set_release" || f == "rcu_assign_pointer_raw":
		if err := c.args(x, 2); err != nil {
			return err
		}
		var addr *pexpr
		var err error
		if f == "WRITE_ONCE" || f == "rcu_assign_pointer" {
			addr, err = c.lvalueAddr(x.Args[0], f)
		} else {
			addr, err = c.value(x.Args[0])
		}
		if err != nil {
			return err
		}
		v, err := c.value(x.Args[1])
		if err != nil {
			return err
		}
		c.emit(instr{op: opStore, dst: -1, a: addr, b: v, line: f})
		return nil
	case base == "xchg" || base == "atomic_xchg":
		if err := c.args(x, 2); err != nil {
			return err
		}
		return c.rmw(opXchg, f, x.Args[0], x.Args[1], nil, need())
	case base == "cmpxchg" || base == "atomic_cmpxchg":
		if err := c.args(x, 3); err != nil {
			return err
		}
		return c.rmw(opCmpxchg, f, x.Args[0], x.Args[1], x.Args[2], need())
	case f == "atomic_inc" || f == "atomic_dec" || base == "atomic_inc_return" || base == "atomic_dec_return" || base == "atomic_fetch_inc" || base == "atomic_fetch_dec":
		if err := c.args(x, 1); err != nil {
			return err
		}
		delta := int64(1)
		if strings.Contains(f, "dec") {
			delta = -1
		}
		ret := strings.Contains(f, "_return")
		return c.fetchAdd(f, x.Args[0], &IntLit{V: delta}, ret, need())
	case f == "atomic_add" || f == "atomic_sub" || base == "atomic_add_return" || base == "atomic_sub_return" || base == "atomic_fetch_add" || base == "atomic_fetch_sub":
		if err := c.args(x, 2); err != nil {
			return err
		}
		delta := x.Args[0]
		if strings.Contains(f, "sub") {
			delta = &Unary{Op: "-", X: delta}
		}
		return c.fetchAdd(f, x.Args[1], delta, strings.Contains(f, "_return"), need())
	case f == "atomic_add_unless":
		if err := c.args(x, 3); err != nil {
			return err
		}
		addr, err := c.value(x.Args[0])
		if err != nil {
			return err
		}
		a, err := c.value(x.Args[1])
		if err != nil {
			return err
		}
		u, err := c.value(x.Args[2])
		if err != nil {
			return err
		}
		c.emit(instr{op: opAddUnless, dst: need(), a: addr, b: a, c: u, line: f})
		return nil
	case f == "spin_is_locked":
		if err := c.args(x, 1); err != nil {
			return err
		}
		addr, err := c.value(x.Args[0])
		if err != nil {
			return err
		}
		t := c.temp()
		c.emit(instr{op: opLoad, dst: t, a: addr, line: f})
		c.emit(instr{op: opAssign, dst: need(), a: &pexpr{op: 'b', text: "!=", x: &pexpr{op: 'r', val: int64(t)}, y: &pexpr{op: 'c'}}})
		return nil
	case f == "spin_lock" || f == "spin_unlock" || f == "spin_trylock":
		if err := c.args(x, 1); err != nil {
			return err
		}
		addr, err := c.value(x.Args[0])
		if err != nil {
			return err
		}
		switch f {
		case "spin_lock":
			c.emit(instr{op: opLock, dst: -1, a: addr, line: f})
		case "spin_trylock":
			c.emit(instr{op: opTrylock, dst: need(), a: addr, line: f})
		default:
			c.emit(instr{op: opStore, dst: -1, a: addr, b: &pexpr{op: 'c'}, line: f})
		}
		return nil
	case f == "rcu_read_lock" || f == "rcu_read_unlock" || f == "synchronize_rcu" || f == "synchronize_rcu_expedited":
		if err := c.args(x, 0); err != nil {
			return err
		}
		switch f {
		case "rcu_read_lock":
			c.emit(instr{op: opReadLock, dst: -1, line: f})
		case "rcu_read_unlock":
			c.emit(instr{op: opReadUnlock, dst: -1, line: f})
		default:
			c.gp(0, f)
		}
		return nil
	case f == "srcu_read_lock" || f == "srcu_read_unlock" || f == "synchronize_srcu" || f == "synchronize_srcu_expedited":
		n := 1
		if f == "srcu_read_unlock" {
			n = 2
		}
		if err := c.args(x, n); err != nil {
			return err
		}
		d, err := c.domain(x.Args[0], f)
		if err != nil {
			return err
		}
		switch f {
		case "srcu_read_lock":
			// Each srcu_read_lock() site opens its own section, named by
			// a per-process number that is also the returned index, so
			// overlapping sections are told apart as SRCU does.
			c.srcuSections++
			if c.srcuSections > 62 {
				return unsupported("more than 62 srcu_read_lock() calls in one process")
			}
			c.emit(instr{op: opReadLock, dst: need(), dom: d, b: &pexpr{op: 'c', val: int64(c.srcuSections)}, line: f})
		case "srcu_read_unlock":
			idx, err := c.value(x.Args[1])
			if err != nil {
				return err
			}
			c.emit(instr{op: opReadUnlock, dst: -1, dom: d, b: idx, line: f})
		default:
			c.gp(d, f)
		}
		return nil
	}
	return unsupported("call %s()", f)
}

func (c *compiler) gp(d int, f string) {
	c.emit(instr{op: opGPStart, dst: -1, dom: d, line: f + " (start)"})
	c.emit(instr{op: opGPEnd, dst: -1, dom: d, line: f + " (end)"})
}

// domain maps an srcu_struct argument (a parameter) to a domain index.
func (c *compiler) domain(x Expr, f string) (int, error) {
	id, ok := x.(*Ident)
	if !ok || !c.cp.params[id.Name] {
		return 0, unsupported("%s on a non-parameter srcu_struct", f)
	}
	for i, d := range c.pg.domains {
		if i > 0 && d == id.Name {
			return i, nil
		}
	}
	c.pg.domains = append(c.pg.domains, id.Name)
	return len(c.pg.domains) - 1, nil
}

func (c *compiler) rmw(op opcode, f string, p, b, cc Expr, dst int) error {
	addr, err := c.value(p)
	if err != nil {
		return err
	}
	bv, err := c.value(b)
	if err != nil {
		return err
	}
	in := instr{op: op, dst: dst, a: addr, b: bv, line: f}
	if cc != nil {
		if in.c, err = c.value(cc); err != nil {
			return err
		}
	}
	c.emit(in)
	return nil
}

func (c *compiler) fetchAdd(f string, p, delta Expr, ret bool, dst int) error {
	addr, err := c.value(p)
	if err != nil {
		return err
	}
	d, err := c.value(delta)
	if err != nil {
		return err
	}
	flag := int64(0)
	if ret {
		flag = 1
	}
	c.emit(instr{op: opFetchAdd, dst: dst, a: addr, b: d, c: &pexpr{op: 'c', val: flag}, line: f})
	return nil
}

// value compiles x to a pure expression, emitting loads and calls first.
func (c *compiler) value(x Expr) (*pexpr, error) {
	switch x := x.(type) {
	case *IntLit:
		return &pexpr{op: 'c', val: x.V}, nil
	case *Ident:
		if c.cp.params[x.Name] {
			return &pexpr{op: 'c', val: addrBase + int64(c.pg.locIdx[x.Name]), text: x.Name}, nil
		}
		return &pexpr{op: 'r', val: int64(c.cp.reg(x.Name))}, nil
	case *Unary:
		if x.Op == "&" {
			if u, ok := x.X.(*Unary); ok && u.Op == "*" {
				return c.value(u.X)
			}
			return nil, unsupported("address of a non-dereference")
		}
		if x.Op == "*" {
			break
		}
		v, err := c.value(x.X)
		if err != nil {
			return nil, err
		}
		return &pexpr{op: 'u', text: x.Op, x: v}, nil
	case *Binary:
		l, err := c.value(x.X)
		if err != nil {
			return nil, err
		}
		if x.Op == "&&" || x.Op == "||" {
			// Both sides are evaluated; fine for pure operands only.
			if _, ok := x.Y.(*IntLit); !ok && hasEffect(x.Y) {
				return nil, unsupported("short-circuit %s with a memory access on the right", x.Op)
			}
		}
		r, err := c.value(x.Y)
		if err != nil {
			return nil, err
		}
		return &pexpr{op: 'b', text: x.Op, x: l, y: r}, nil
	}
	t := c.temp()
	done, err := c.effect(x, t)
	if err != nil {
		return nil, err
	}
	if !done {
		return nil, unsupported("expression %T", x)
	}
	return &pexpr{op: 'r', val: int64(t)}, nil
}

func hasEffect(x Expr) bool {
	switch x := x.(type) {
	case *Unary:
		return x.Op == "*" || hasEffect(x.X)
	case *Binary:
		return hasEffect(x.X) || hasEffect(x.Y)
	case *Assign, *Call:
		return true
	}
	return false
}

// eval evaluates a pure expression over a register file.
func (e *pexpr) eval(regs []int64) int64 {
	switch e.op {
	case 'c':
		return e.val
	case 'r':
		return regs[e.val]
	case 'u':
		v := e.x.eval(regs)
		switch e.text {
		case "!":
			return b2i(v == 0)
		case "-":
			return -v
		case "~":
			return ^v
		}
	case 'b':
		l, r := e.x.eval(regs), e.y.eval(regs)
		switch e.text {
		case "+":
			return l + r
		case "-":
			return l - r
		case "*":
			return l * r
		case "/":
			if r == 0 {
				return 0
			}
			return l / r
		case "%":
			if r == 0 {
				return 0
			}
			return l % r
		case "&":
			return l & r
		case "|":
			return l | r
		case "^":
			return l ^ r
		case "<<":
			return l << (uint64(r) & 63)
		case ">>":
			return l >> (uint64(r) & 63)
		case "==":
			return b2i(l == r)
		case "!=":
			return b2i(l != r)
		case "<":
			return b2i(l < r)
		case "<=":
			return b2i(l <= r)
		case ">":
			return b2i(l > r)
		case ">=":
			return b2i(l >= r)
		case "&&":
			return b2i(l != 0 && r != 0)
		case "||":
			return b2i(l != 0 || r != 0)
		}
	}
	return 0
}

// constLoc returns the location an address expression always denotes, or
// -1 when it depends on registers.
func (e *pexpr) constLoc(nlocs int) int {
	if e.op == 'c' && e.val >= addrBase && e.val < addrBase+int64(nlocs) {
		return int(e.val - addrBase)
	}
	return -1
}

func b2i(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
