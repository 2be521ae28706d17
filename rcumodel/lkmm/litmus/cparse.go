package litmus

import (
	"fmt"
	"strconv"
	"strings"
)

// cparser parses the program section with herd7's C grammar
// (lib/CParser.mly, "deep" parsing): the same statements, expressions,
// precedences and restrictions, so that a test herd7 rejects is rejected
// here too.
type cparser struct {
	toks     []ctok
	pos      int
	depth    int
	maxDepth int
}

func (p *cparser) peek() ctok { return p.toks[p.pos] }

func (p *cparser) peekAt(k int) ctok {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *cparser) next() ctok {
	t := p.toks[p.pos]
	if t.kind != cEOF {
		p.pos++
	}
	return t
}

func (p *cparser) isPunct(s string) bool {
	t := p.peek()
	return t.kind == cPunct && t.text == s
}

func (p *cparser) isKw(s string) bool {
	t := p.peek()
	return t.kind == cKeyword && t.text == s
}

func (p *cparser) accept(s string) bool {
	if p.isPunct(s) {
		p.pos++
		return true
	}
	return false
}

func (p *cparser) expect(s string) error {
	if !p.accept(s) {
		return p.errorf("want %q, got %v", s, p.peek())
	}
	return nil
}

func (p *cparser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.peek().line, fmt.Sprintf(format, args...))
}

func (p *cparser) enter() error {
	p.depth++
	if p.depth > p.maxDepth {
		return limitErr(p.peek().line, "nesting deeper than %d", p.maxDepth)
	}
	return nil
}

func (p *cparser) leave() { p.depth-- }

// program parses "voidopt Pn(params) { body }" definitions up to the end.
func (p *cparser) program() ([]*Proc, error) {
	var procs []*Proc
	for p.peek().kind != cEOF {
		if p.isKw("void") {
			p.next()
			p.accept("*")
		}
		t := p.next()
		if t.kind != cProc {
			return nil, fmt.Errorf("line %d: want a process P%d, got %v", t.line, len(procs), t)
		}
		n, err := strconv.Atoi(t.text)
		if err != nil || n != len(procs) {
			return nil, fmt.Errorf("line %d: processes must be P0, P1, ... (got P%s)", t.line, t.text)
		}
		pr := &Proc{Index: n, Line: t.line}
		if err := p.expect("("); err != nil {
			return nil, err
		}
		if !p.isPunct(")") {
			for {
				typ, err := p.typ()
				if err != nil {
					return nil, err
				}
				if !strings.HasSuffix(typ, "*") {
					return nil, p.errorf("parameter of P%d is not a pointer", n)
				}
				nt := p.next()
				if nt.kind != cName {
					return nil, fmt.Errorf("line %d: want a parameter name, got %v", nt.line, nt)
				}
				pr.Params = append(pr.Params, Param{Type: typ, Name: nt.text})
				if !p.accept(",") {
					break
				}
			}
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		if err := p.expect("{"); err != nil {
			return nil, err
		}
		body, err := p.insSeq(true)
		if err != nil {
			return nil, err
		}
		pr.Body = body
		procs = append(procs, pr)
	}
	if len(procs) == 0 {
		return nil, p.errorf("no processes")
	}
	return procs, nil
}

// typeStart reports whether a type can start at offset k.
func (p *cparser) typeStart(k int) bool {
	t := p.peekAt(k)
	switch t.kind {
	case cBaseType, cStructType, cAtomicType:
		return true
	case cKeyword:
		switch t.text {
		case "void", "_Atomic", "volatile", "const", "struct", "char", "int", "long":
			return true
		case "atomic":
			u := p.peekAt(k + 1)
			return u.kind == cPunct && u.text == "<"
		}
	}
	return false
}

// typ parses a type and returns its text ("int *", "spinlock_t *", ...).
func (p *cparser) typ() (string, error) {
	if err := p.enter(); err != nil {
		return "", err
	}
	defer p.leave()
	var b strings.Builder
	t := p.next()
	switch {
	case t.kind == cKeyword && t.text == "void":
		if err := p.expect("*"); err != nil {
			return "", err
		}
		b.WriteString("void *")
	case t.kind == cKeyword && (t.text == "_Atomic" || t.text == "volatile" || t.text == "const"):
		b.WriteString(t.text + " ")
		if p.accept("(") {
			in, err := p.typ()
			if err != nil {
				return "", err
			}
			if err := p.expect(")"); err != nil {
				return "", err
			}
			b.WriteString(in)
		} else {
			s, err := p.base0()
			if err != nil {
				return "", err
			}
			b.WriteString(s)
		}
	default:
		p.pos--
		s, err := p.base0()
		if err != nil {
			return "", err
		}
		b.WriteString(s)
	}
	for {
		switch {
		case p.isPunct("*"):
			p.next()
			b.WriteString(" *")
		case p.isKw("volatile") || p.isKw("const"):
			b.WriteString(" " + p.next().text)
		default:
			return strings.TrimSpace(b.String()), nil
		}
	}
}

func (p *cparser) base0() (string, error) {
	t := p.next()
	switch {
	case t.kind == cBaseType || t.kind == cAtomicType:
		return t.text, nil
	case t.kind == cKeyword && t.text == "atomic":
		if err := p.expect("<"); err != nil {
			return "", err
		}
		u := p.next()
		if u.kind != cBaseType {
			return "", fmt.Errorf("line %d: want a base type, got %v", u.line, u)
		}
		if err := p.expect(">"); err != nil {
			return "", err
		}
		return "atomic<" + u.text + ">", nil
	case t.kind == cKeyword && t.text == "struct":
		u := p.next()
		if u.kind != cStructType {
			return "", fmt.Errorf("line %d: want srcu_struct, got %v", u.line, u)
		}
		return "struct " + u.text, nil
	case t.kind == cKeyword && (t.text == "char" || t.text == "int" || t.text == "long"):
		return t.text, nil
	}
	return "", fmt.Errorf("line %d: want a type, got %v", t.line, t)
}

// insSeq parses statements and declarations up to the closing brace, which
// it consumes. At least one item is required, as in herd7.
func (p *cparser) insSeq(top bool) ([]Instr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var out []Instr
	items := 0
	for !p.accept("}") {
		if p.peek().kind == cEOF {
			return nil, p.errorf("unterminated block")
		}
		items++
		if p.typeStart(0) {
			// A declaration "typ NAME;" or an initialisation "typ NAME = e;".
			line := p.peek().line
			typ, err := p.typ()
			if err != nil {
				return nil, err
			}
			nt := p.next()
			if nt.kind != cName {
				return nil, fmt.Errorf("line %d: want a register name, got %v", nt.line, nt)
			}
			if p.accept(";") {
				if !top {
					out = append(out, &DeclReg{Pos{line}, typ, nt.text})
				}
				continue
			}
			if err := p.expect("="); err != nil {
				return nil, err
			}
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			if err := p.expect(";"); err != nil {
				return nil, err
			}
			out = append(out, &StoreReg{Pos{line}, typ, nt.text, x})
			continue
		}
		s, err := p.blockIns()
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if items == 0 {
		return nil, fmt.Errorf("line %d: empty block", p.toks[p.pos-1].line)
	}
	return out, nil
}

func (p *cparser) blockIns() (Instr, error) {
	if p.isPunct("{") {
		line := p.next().line
		body, err := p.insSeq(false)
		if err != nil {
			return nil, err
		}
		return &Seq{Pos{line}, body}, nil
	}
	return p.instruction()
}

func (p *cparser) annots() ([]string, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	var out []string
	for {
		var parts []string
		for {
			t := p.next()
			switch {
			case t.kind == cName:
			case t.kind == cKeyword && (t.text == "lock" || t.text == "unlock" || t.text == "atomic"):
			default:
				return nil, fmt.Errorf("line %d: want an annotation, got %v", t.line, t)
			}
			parts = append(parts, t.text)
			if !p.accept("-") {
				break
			}
		}
		out = append(out, strings.Join(parts, "-"))
		if !p.accept(",") {
			break
		}
	}
	return out, p.expect("}")
}

// args parses "( e, e, ... )" with exactly n expressions (n < 0: any).
func (p *cparser) args(n int) ([]Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, err
	}
	var out []Expr
	if !p.isPunct(")") {
		for {
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			out = append(out, x)
			if !p.accept(",") {
				break
			}
		}
	}
	if err := p.expect(")"); err != nil {
		return nil, err
	}
	if n >= 0 && len(out) != n {
		return nil, fmt.Errorf("line %d: want %d arguments, got %d", p.toks[p.pos-1].line, n, len(out))
	}
	return out, nil
}

func (p *cparser) atomicOpArgs() (Expr, string, Expr, error) {
	if err := p.expect("("); err != nil {
		return nil, "", nil, err
	}
	loc, err := p.expr()
	if err != nil {
		return nil, "", nil, err
	}
	if err := p.expect(","); err != nil {
		return nil, "", nil, err
	}
	op := p.next()
	if op.kind != cPunct || (op.text != "+" && op.text != "-") {
		return nil, "", nil, fmt.Errorf("line %d: want + or -, got %v", op.line, op)
	}
	if err := p.expect(","); err != nil {
		return nil, "", nil, err
	}
	v, err := p.expr()
	if err != nil {
		return nil, "", nil, err
	}
	return loc, op.text, v, p.expect(")")
}

// c11Words are herd7 C11 primitives outside the Linux-kernel memory model.
var c11Words = map[string]bool{
	"atomic_fetch_add_explicit": true, "atomic_fetch_sub_explicit": true,
	"atomic_fetch_or_explicit": true, "atomic_fetch_xor_explicit": true,
	"atomic_fetch_and_explicit": true, "atomic_thread_fence": true,
	"atomic_load_explicit": true, "atomic_store_explicit": true,
	"atomic_exchange_explicit": true, "lock": true, "mtx_lock": true,
	"WCAS": true, "SCAS": true, "atomic_compare_exchange_weak": true,
	"atomic_compare_exchange_strong": true, "atomic_compare_exchange_weak_explicit": true,
	"atomic_compare_exchange_strong_explicit": true, "unlock": true, "mtx_unlock": true,
}

func (p *cparser) instruction() (Instr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	pos := Pos{t.line}
	switch {
	case t.kind == cKeyword && t.text == "if":
		p.next()
		if err := p.expect("("); err != nil {
			return nil, err
		}
		c, err := p.expr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		then, err := p.blockIns()
		if err != nil {
			return nil, err
		}
		s := &If{Pos: pos, Cond: c, Then: then}
		if p.isKw("else") {
			p.next()
			if s.Else, err = p.blockIns(); err != nil {
				return nil, err
			}
		}
		return s, nil
	case t.kind == cKeyword && t.text == "while":
		p.next()
		c, err := p.expr0()
		if err != nil {
			return nil, err
		}
		body, err := p.blockIns()
		if err != nil {
			return nil, err
		}
		return &While{pos, c, body}, nil
	case p.typeStart(0):
		typ, err := p.typ()
		if err != nil {
			return nil, err
		}
		nt := p.next()
		if nt.kind != cName {
			return nil, fmt.Errorf("line %d: want a register name, got %v", nt.line, nt)
		}
		if err := p.expect("="); err != nil {
			return nil, err
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &StoreReg{pos, typ, nt.text, x}, p.expect(";")
	case t.kind == cName && p.peekAt(1).kind == cPunct && p.peekAt(1).text == "=":
		p.pos += 2
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &StoreReg{pos, "", t.text, x}, p.expect(";")
	case t.kind == cName && p.peekAt(1).kind == cPunct && p.peekAt(1).text == "(":
		p.next()
		args, err := p.args(-1)
		if err != nil {
			return nil, err
		}
		if p.accept(";") {
			return &PCall{pos, t.text, args}, nil
		}
		x, err := p.binaryFrom(&ECall{t.text, args}, 0)
		if err != nil {
			return nil, err
		}
		return &StoreReg{pos, "", "", x}, p.expect(";")
	case t.kind == cPunct && t.text == "(" && p.peekAt(1).kind == cKeyword && p.peekAt(1).text == "void" &&
		p.peekAt(2).kind == cPunct && p.peekAt(2).text == ")":
		p.pos += 3
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &CastExpr{pos, x}, p.expect(";")
	case t.kind == cPunct && t.text == "*":
		save := p.pos
		p.next()
		loc, err := p.location()
		if err == nil && p.accept("=") {
			v, err := p.expr()
			if err != nil {
				return nil, err
			}
			return &StoreMem{pos, loc, v, nil}, p.expect(";")
		}
		p.pos = save
	case t.kind == cKeyword:
		switch t.text {
		case "__store":
			p.next()
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			a, err := p.args(2)
			if err != nil {
				return nil, err
			}
			return &StoreMem{pos, a[0], a[1], an}, p.expect(";")
		case "__srcu":
			p.next()
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			a, err := p.args(-1)
			if err != nil {
				return nil, err
			}
			switch len(a) {
			case 1:
				if p.accept(";") {
					return &InstrSRCU{pos, a[0], an, nil}, nil
				}
				x, err := p.binaryFrom(&ExpSRCU{a[0], an}, 0)
				if err != nil {
					return nil, err
				}
				return &StoreReg{pos, "", "", x}, p.expect(";")
			case 2:
				return &InstrSRCU{pos, a[0], an, a[1]}, p.expect(";")
			}
			return nil, fmt.Errorf("line %d: __srcu takes 1 or 2 arguments", t.line)
		case "__lock", "__unlock":
			p.next()
			a, err := p.args(1)
			if err != nil {
				return nil, err
			}
			if t.text == "__lock" {
				return &Lock{pos, a[0]}, p.expect(";")
			}
			return &Unlock{pos, a[0]}, p.expect(";")
		case "__fence":
			p.next()
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			return &Fence{pos, an}, p.expect(";")
		case "__atomic_op":
			p.next()
			loc, op, v, err := p.atomicOpArgs()
			if err != nil {
				return nil, err
			}
			return &AtomicOp{pos, loc, op, v}, p.expect(";")
		}
		if c11Words[t.text] {
			return nil, Unsupported(t.line, t.text)
		}
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &StoreReg{pos, "", "", x}, p.expect(";")
}

// location is herd7's "location": NAME, * location, or ( expr ).
func (p *cparser) location() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.next()
	switch {
	case t.kind == cName:
		return &LoadReg{t.text}, nil
	case t.kind == cPunct && t.text == "*":
		l, err := p.location()
		if err != nil {
			return nil, err
		}
		return &LoadMem{l, nil}, nil
	case t.kind == cPunct && t.text == "(":
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	}
	return nil, fmt.Errorf("line %d: want a location, got %v", t.line, t)
}

// binary operator levels, loosest first; level 3 is non-associative.
var cLevels = [][]string{{"|"}, {"^"}, {"&"}, {"==", "!=", "<", ">", "<=", ">="}, {"+", "-"}, {"*", "/"}}

func (p *cparser) expr() (Expr, error) { return p.binaryFrom(nil, 0) }

func levelOf(t ctok) int {
	if t.kind != cPunct {
		return -1
	}
	for l, ops := range cLevels {
		for _, op := range ops {
			if op == t.text {
				return l
			}
		}
	}
	return -1
}

// binaryFrom parses a binary expression of at least level min, starting
// with the already parsed operand lhs when it is not nil.
func (p *cparser) binaryFrom(lhs Expr, min int) (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	var err error
	if lhs == nil {
		if lhs, err = p.unary(); err != nil {
			return nil, err
		}
	}
	for {
		l := levelOf(p.peek())
		if l < min {
			return lhs, nil
		}
		op := p.next().text
		rhs, err := p.binaryFrom(nil, l+1)
		if err != nil {
			return nil, err
		}
		lhs = &Op{op, lhs, rhs}
		if l == 3 && levelOf(p.peek()) == 3 {
			return nil, p.errorf("comparison %q is not associative", p.peek().text)
		}
	}
}

// expr0 is herd7's expr0: a constant, a register, *NAME or (expr).
func (p *cparser) expr0() (Expr, error) {
	t := p.next()
	switch {
	case t.kind == cConst:
		return constOf(t)
	case t.kind == cName:
		return &LoadReg{t.text}, nil
	case t.kind == cPunct && t.text == "*" && p.peek().kind == cName:
		return &LoadMem{&LoadReg{p.next().text}, nil}, nil
	case t.kind == cPunct && t.text == "(":
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	}
	return nil, fmt.Errorf("line %d: unexpected %v", t.line, t)
}

func constOf(t ctok) (Expr, error) {
	v, err := strconv.ParseInt(t.text, 10, 64)
	if err != nil || v < -1<<31 || v > 1<<32-1 {
		return nil, fmt.Errorf("line %d: constant %s out of range", t.line, t.text)
	}
	return &Const{int64(int32(v))}, nil
}

func (p *cparser) unary() (Expr, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer p.leave()
	t := p.peek()
	switch {
	case t.kind == cConst:
		p.next()
		return constOf(t)
	case t.kind == cName:
		p.next()
		if p.isPunct("(") {
			args, err := p.args(-1)
			if err != nil {
				return nil, err
			}
			return &ECall{t.text, args}, nil
		}
		return &LoadReg{t.text}, nil
	case t.kind == cPunct && t.text == "*":
		p.next()
		switch {
		case p.peek().kind == cName:
			return &LoadMem{&LoadReg{p.next().text}, nil}, nil
		case p.isPunct("(") && p.typeStart(1):
			p.next()
			if _, err := p.typ(); err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			nt := p.next()
			if nt.kind != cName {
				return nil, fmt.Errorf("line %d: want a name after the cast, got %v", nt.line, nt)
			}
			return &LoadMem{&LoadReg{nt.text}, nil}, nil
		case p.isPunct("("):
			p.next()
			x, err := p.expr()
			if err != nil {
				return nil, err
			}
			return &LoadMem{x, nil}, p.expect(")")
		}
		return nil, p.errorf("unexpected %v after *", p.peek())
	case t.kind == cPunct && t.text == "(":
		p.next()
		if p.typeStart(0) {
			if _, err := p.typ(); err != nil {
				return nil, err
			}
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return p.unary()
		}
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	case t.kind == cKeyword:
		p.next()
		switch t.text {
		case "__load", "__srcu":
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			a, err := p.args(1)
			if err != nil {
				return nil, err
			}
			if t.text == "__srcu" {
				return &ExpSRCU{a[0], an}, nil
			}
			return &LoadMem{a[0], an}, nil
		case "__xchg":
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			a, err := p.args(2)
			if err != nil {
				return nil, err
			}
			return &Exchange{a[0], a[1], an}, nil
		case "__cmpxchg":
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			a, err := p.args(3)
			if err != nil {
				return nil, err
			}
			return &CmpExchange{a[0], a[1], a[2], an}, nil
		case "__trylock", "__islocked":
			a, err := p.args(1)
			if err != nil {
				return nil, err
			}
			if t.text == "__trylock" {
				return &TryLock{a[0]}, nil
			}
			return &IsLocked{a[0]}, nil
		case "__atomic_op_return", "__atomic_fetch_op":
			an, err := p.annots()
			if err != nil {
				return nil, err
			}
			loc, op, v, err := p.atomicOpArgs()
			if err != nil {
				return nil, err
			}
			return &AtomicOpReturn{loc, op, v, t.text == "__atomic_fetch_op", an}, nil
		case "__atomic_add_unless", "atomic_add_unless":
			a, err := p.args(3)
			if err != nil {
				return nil, err
			}
			return &AtomicAddUnless{a[0], a[1], a[2], t.text == "atomic_add_unless"}, nil
		}
		if c11Words[t.text] || strings.HasPrefix(t.text, "memory_order_") {
			return nil, Unsupported(t.line, t.text)
		}
		return nil, fmt.Errorf("line %d: unexpected %v in expression", t.line, t)
	}
	return nil, fmt.Errorf("line %d: unexpected %v in expression", t.line, t)
}
