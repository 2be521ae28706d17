package litmus

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// MacroTable maps the kernel API of litmus tests (READ_ONCE, smp_mb,
// spin_lock, ...) to herd7's primitives, as tools/memory-model/
// linux-kernel.def does.
type MacroTable struct {
	expr   map[string]exprMacro
	proc   map[string]procMacro
	Source string // where the table came from
}

type exprMacro struct {
	params []string
	body   Expr
}

type procMacro struct {
	params []string
	body   Instr
}

// Names lists the macro names, sorted.
func (m *MacroTable) Names() []string {
	var out []string
	for k := range m.expr {
		out = append(out, k)
	}
	for k := range m.proc {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// ParseMacros parses a linux-kernel.def file: lines "NAME(args) expr" and
// "NAME(args) { statements }", with C comments.
func ParseMacros(src []byte, source string) (*MacroTable, error) {
	toks, err := clex(string(src), 1, 1<<20)
	if err != nil {
		return nil, fmt.Errorf("macros %s: %w", source, err)
	}
	p := &cparser{toks: toks, maxDepth: DefaultLimits.Nesting}
	m := &MacroTable{expr: map[string]exprMacro{}, proc: map[string]procMacro{}, Source: source}
	for p.peek().kind != cEOF {
		nt := p.next()
		if nt.kind != cName {
			return nil, fmt.Errorf("macros %s: line %d: want a macro name, got %v", source, nt.line, nt)
		}
		if err := p.expect("("); err != nil {
			return nil, fmt.Errorf("macros %s: %w", source, err)
		}
		var params []string
		for !p.accept(")") {
			ft := p.next()
			if ft.kind != cName {
				return nil, fmt.Errorf("macros %s: line %d: want a parameter, got %v", source, ft.line, ft)
			}
			params = append(params, ft.text)
			if !p.isPunct(")") {
				if err := p.expect(","); err != nil {
					return nil, fmt.Errorf("macros %s: %w", source, err)
				}
			}
		}
		if p.isPunct("{") {
			line := p.next().line
			body, err := p.insSeq(false)
			if err != nil {
				return nil, fmt.Errorf("macros %s: %w", source, err)
			}
			m.proc[nt.text] = procMacro{params, &Seq{Pos{line}, body}}
			continue
		}
		x, err := p.expr()
		if err != nil {
			return nil, fmt.Errorf("macros %s: %w", source, err)
		}
		m.expr[nt.text] = exprMacro{params, x}
	}
	return m, nil
}

// LoadMacros reads tools/memory-model/linux-kernel.def of a kernel tree.
func LoadMacros(tree string) (*MacroTable, error) {
	path := filepath.Join(tree, "tools", "memory-model", "linux-kernel.def")
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("macros: %w", err)
	}
	return ParseMacros(src, path)
}

// DefaultMacros returns the macro table of Linux 6.12.
func DefaultMacros() *MacroTable {
	m, err := ParseMacros([]byte(linux612Def), "linux 6.12 tools/memory-model/linux-kernel.def")
	if err != nil {
		panic(err) // the table is a constant of this package
	}
	return m
}

// expander substitutes macros as herd7's CBase.expand does.
type expander struct {
	m        *MacroTable
	depth    int
	count    int
	maxCount int
	line     int
}

const maxMacroDepth = 50

func (x *expander) instrs(is []Instr) ([]Instr, error) {
	out := make([]Instr, 0, len(is))
	for _, i := range is {
		e, err := x.instr(i, nil)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

func (x *expander) bump() error {
	x.count++
	if x.count > x.maxCount {
		return limitErr(x.line, "more than %d instructions after macro expansion", x.maxCount)
	}
	return nil
}

// instr expands one instruction; args maps macro parameters to arguments
// (nil outside a macro body).
func (x *expander) instr(i Instr, args map[string]Expr) (Instr, error) {
	if err := x.bump(); err != nil {
		return nil, err
	}
	if args == nil {
		x.line = Line(i)
	}
	pos := Pos{x.line}
	if args == nil {
		pos = Pos{Line(i)}
	}
	var err error
	ex := func(e Expr) Expr {
		if err != nil || e == nil {
			return e
		}
		var r Expr
		r, err = x.expr(e, args)
		return r
	}
	switch i := i.(type) {
	case *Fence:
		return &Fence{pos, i.Annot}, nil
	case *DeclReg:
		return &DeclReg{pos, i.Type, i.Reg}, nil
	case *Seq:
		out := &Seq{Pos: pos}
		for _, s := range i.Body {
			e, err := x.instr(s, args)
			if err != nil {
				return nil, err
			}
			out.Body = append(out.Body, e)
		}
		return out, nil
	case *If:
		out := &If{Pos: pos, Cond: ex(i.Cond)}
		if err != nil {
			return nil, err
		}
		if out.Then, err = x.instr(i.Then, args); err != nil {
			return nil, err
		}
		if i.Else != nil {
			if out.Else, err = x.instr(i.Else, args); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *While:
		out := &While{Pos: pos, Cond: ex(i.Cond)}
		if err != nil {
			return nil, err
		}
		if out.Body, err = x.instr(i.Body, args); err != nil {
			return nil, err
		}
		return out, nil
	case *CastExpr:
		return &CastExpr{pos, ex(i.X)}, err
	case *StoreReg:
		v := ex(i.X)
		if err != nil {
			return nil, err
		}
		if i.Reg != "" && args != nil {
			if a, ok := args[i.Reg]; ok {
				switch a := a.(type) {
				case *LoadReg:
					return &StoreReg{pos, i.Type, a.Reg, v}, nil
				case *LoadMem:
					return &StoreMem{pos, a.Loc, v, a.Annot}, nil
				}
				return nil, fmt.Errorf("line %d: bad lvalue while substituting macro argument %s", x.line, i.Reg)
			}
		}
		return &StoreReg{pos, i.Type, i.Reg, v}, nil
	case *StoreMem:
		return &StoreMem{pos, ex(i.Loc), ex(i.Val), i.Annot}, err
	case *Lock:
		return &Lock{pos, ex(i.Loc)}, err
	case *Unlock:
		return &Unlock{pos, ex(i.Loc)}, err
	case *AtomicOp:
		return &AtomicOp{pos, ex(i.Loc), i.Op, ex(i.Val)}, err
	case *InstrSRCU:
		return &InstrSRCU{pos, ex(i.Loc), i.Annot, ex(i.Val)}, err
	case *PCall:
		mac, ok := x.m.proc[i.Name]
		if !ok {
			return nil, x.unknown(i.Name)
		}
		frame, err := x.frame(i.Name, mac.params, i.Args, args)
		if err != nil {
			return nil, err
		}
		x.depth++
		defer func() { x.depth-- }()
		if x.depth > maxMacroDepth {
			return nil, fmt.Errorf("line %d: macro %s expands too deeply", x.line, i.Name)
		}
		return x.instr(mac.body, frame)
	}
	return nil, fmt.Errorf("line %d: unknown instruction %T", x.line, i)
}

func (x *expander) unknown(name string) error {
	return fmt.Errorf("line %d: unknown macro %s", x.line, name)
}

func (x *expander) frame(name string, params []string, actual []Expr, args map[string]Expr) (map[string]Expr, error) {
	if len(params) != len(actual) {
		return nil, fmt.Errorf("line %d: argument mismatch for macro %s", x.line, name)
	}
	frame := make(map[string]Expr, len(params))
	for k, p := range params {
		e, err := x.expr(actual[k], args)
		if err != nil {
			return nil, err
		}
		frame[p] = e
	}
	return frame, nil
}

func (x *expander) expr(e Expr, args map[string]Expr) (Expr, error) {
	if e == nil {
		return nil, nil
	}
	if err := x.bump(); err != nil {
		return nil, err
	}
	var err error
	ex := func(e Expr) Expr {
		if err != nil || e == nil {
			return e
		}
		var r Expr
		r, err = x.expr(e, args)
		return r
	}
	switch e := e.(type) {
	case *Const:
		return e, nil
	case *LoadReg:
		if a, ok := args[e.Reg]; ok {
			return a, nil
		}
		return e, nil
	case *LoadMem:
		return &LoadMem{ex(e.Loc), e.Annot}, err
	case *Op:
		return &Op{e.Op, ex(e.X), ex(e.Y)}, err
	case *Exchange:
		return &Exchange{ex(e.Loc), ex(e.Val), e.Annot}, err
	case *CmpExchange:
		return &CmpExchange{ex(e.Loc), ex(e.Old), ex(e.New), e.Annot}, err
	case *TryLock:
		return &TryLock{ex(e.Loc)}, err
	case *IsLocked:
		return &IsLocked{ex(e.Loc)}, err
	case *AtomicOpReturn:
		return &AtomicOpReturn{ex(e.Loc), e.Op, ex(e.Val), e.Fetch, e.Annot}, err
	case *AtomicAddUnless:
		return &AtomicAddUnless{ex(e.Loc), ex(e.A), ex(e.U), e.RetBool}, err
	case *ExpSRCU:
		return &ExpSRCU{ex(e.Loc), e.Annot}, err
	case *ECall:
		mac, ok := x.m.expr[e.Name]
		if !ok {
			return nil, x.unknown(e.Name)
		}
		frame, err := x.frame(e.Name, mac.params, e.Args, args)
		if err != nil {
			return nil, err
		}
		x.depth++
		defer func() { x.depth-- }()
		if x.depth > maxMacroDepth {
			return nil, fmt.Errorf("line %d: macro %s expands too deeply", x.line, e.Name)
		}
		return x.expr(mac.body, frame)
	}
	return nil, fmt.Errorf("line %d: unknown expression %T", x.line, e)
}
