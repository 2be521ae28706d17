package litmus

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrUnsupported marks a test that uses a construct this interpreter does not
// model; the error text names the construct.
var ErrUnsupported = errors.New("unsupported")

// unsupported returns an error wrapping ErrUnsupported.
func unsupported(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupported, fmt.Sprintf(format, args...))
}

// maxNesting bounds expression and statement nesting so hostile input cannot
// exhaust the stack.
const maxNesting = 200

// Parse parses the text of a C litmus test. Errors for constructs outside the
// supported subset wrap ErrUnsupported; other errors are syntax errors.
func Parse(src []byte) (*Test, error) {
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	// Header: first non-blank line "C name".
	line := 1
	for strings.HasPrefix(text, "\n") || strings.HasPrefix(text, " ") || strings.HasPrefix(text, "\t") {
		if text[0] == '\n' {
			line++
		}
		text = text[1:]
	}
	nl := strings.IndexByte(text, '\n')
	if nl < 0 {
		nl = len(text)
	}
	head := strings.Fields(text[:nl])
	if len(head) == 0 || head[0] != "C" {
		if len(head) > 0 {
			return nil, unsupported("dialect %q (only C litmus tests)", head[0])
		}
		return nil, errors.New("line 1: want \"C name\"")
	}
	if len(head) < 2 {
		return nil, fmt.Errorf("line %d: test has no name", line)
	}
	t := &Test{Name: head[1]}
	// Between the name and the init block herd allows a quoted doc string
	// and diy's key=value lines; skip to the first line opening with "{".
	rest := text[nl:]
	if k := strings.Index(rest, "\n{"); k >= 0 {
		rest = blankKeepLines(rest[:k]) + rest[k:]
	}
	rest = stripComments(rest)
	toks, err := lex(rest, line)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks}
	if err := p.test(t); err != nil {
		return nil, fmt.Errorf("%s: %w", t.Name, err)
	}
	return t, nil
}

// blankKeepLines replaces everything but newlines by spaces.
func blankKeepLines(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' {
			return r
		}
		return ' '
	}, s)
}

type parser struct {
	toks  []token
	pos   int
	depth int
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != 0 {
		p.pos++
	}
	return t
}

func (p *parser) is(text string) bool {
	t := p.peek()
	return t.kind != 0 && t.text == text
}

func (p *parser) accept(text string) bool {
	if p.is(text) {
		p.pos++
		return true
	}
	return false
}

func (p *parser) expect(text string) error {
	if !p.accept(text) {
		t := p.peek()
		return fmt.Errorf("line %d: want %q, got %s", t.line, text, describe(t))
	}
	return nil
}

func describe(t token) string {
	if t.kind == 0 {
		return "end of input"
	}
	return strconv.Quote(t.text)
}

func (p *parser) ident() (string, error) {
	t := p.next()
	if t.kind != 'i' {
		return "", fmt.Errorf("line %d: want a name, got %s", t.line, describe(t))
	}
	return t.text, nil
}

func (p *parser) test(t *Test) error {
	if p.is("{") {
		if err := p.initBlock(t); err != nil {
			return err
		}
	}
	// litmus7's C prelude block ({ #include ... }) is not herd's business.
	if p.is("{") {
		open := p.next()
		for depth := 1; depth > 0; {
			tk := p.next()
			switch {
			case tk.kind == 0:
				return fmt.Errorf("line %d: unterminated block", open.line)
			case tk.text == "{":
				depth++
			case tk.text == "}":
				depth--
			}
		}
	}
	for {
		tk := p.peek()
		if tk.kind != 'i' || len(tk.text) < 2 || tk.text[0] != 'P' {
			break
		}
		n, err := strconv.Atoi(tk.text[1:])
		if err != nil {
			break
		}
		p.next()
		if n != len(t.Procs) {
			return fmt.Errorf("line %d: process P%d out of order (want P%d)", tk.line, n, len(t.Procs))
		}
		pr, err := p.proc(n)
		if err != nil {
			return err
		}
		t.Procs = append(t.Procs, pr)
	}
	if len(t.Procs) == 0 {
		return fmt.Errorf("line %d: no processes", p.peek().line)
	}
	for {
		tk := p.peek()
		switch {
		case tk.text == "locations" && tk.kind == 'i':
			p.next()
			for !p.is("]") {
				if p.next().kind == 0 {
					return fmt.Errorf("line %d: unterminated locations", tk.line)
				}
			}
			p.next()
			continue
		case tk.text == "filter" && tk.kind == 'i':
			p.next()
			f, err := p.prop()
			if err != nil {
				return err
			}
			t.Filter = f
			continue
		case tk.text == "exists" || tk.text == "forall":
			p.next()
			t.Quant = tk.text
		case tk.text == "~" && p.peekAt(1).text == "exists":
			p.pos += 2
			t.Quant = "~exists"
		case tk.kind == 0:
			return fmt.Errorf("line %d: no exists/~exists/forall clause", tk.line)
		default:
			return fmt.Errorf("line %d: unexpected %s after processes", tk.line, describe(tk))
		}
		break
	}
	c, err := p.prop()
	if err != nil {
		return err
	}
	t.Cond = c
	if tk := p.peek(); tk.kind != 0 {
		return unsupported("line %d: trailing %s after the condition", tk.line, describe(tk))
	}
	return nil
}

// typeWords are the words that may start a declaration or a cast.
var typeWords = map[string]bool{
	"int": true, "intptr_t": true, "unsigned": true, "signed": true, "long": true,
	"short": true, "char": true, "const": true, "volatile": true, "struct": true,
	"u8": true, "u16": true, "u32": true, "u64": true, "s8": true, "s16": true,
	"s32": true, "s64": true, "atomic_t": true, "atomic_long_t": true,
	"spinlock_t": true, "uintptr_t": true, "bool": true, "void": true,
}

// skipType skips type words and stars, reporting whether any were seen.
func (p *parser) skipType() bool {
	seen := false
	for {
		tk := p.peek()
		switch {
		case tk.kind == 'i' && typeWords[tk.text]:
			p.next()
			if tk.text == "struct" && p.peek().kind == 'i' {
				p.next()
			}
			seen = true
		case seen && tk.text == "*":
			p.next()
		default:
			return seen
		}
	}
}

func (p *parser) initBlock(t *Test) error {
	open := p.next()
	for !p.accept("}") {
		if p.peek().kind == 0 {
			return fmt.Errorf("line %d: unterminated init block", open.line)
		}
		if p.accept(";") {
			continue
		}
		p.skipType()
		for p.accept("*") {
		}
		it := InitItem{Proc: -1}
		tk := p.next()
		switch {
		case tk.kind == 'n' && p.is(":"):
			n, err := strconv.Atoi(tk.text)
			if err != nil {
				return fmt.Errorf("line %d: bad process number %q", tk.line, tk.text)
			}
			p.next()
			it.Proc = n
			name, err := p.ident()
			if err != nil {
				return err
			}
			it.Name = name
		case tk.kind == 'i':
			it.Name = tk.text
		case tk.text == "[":
			name, err := p.ident()
			if err != nil {
				return err
			}
			if err := p.expect("]"); err != nil {
				return err
			}
			it.Name = name
		default:
			return fmt.Errorf("line %d: unexpected %s in init block", tk.line, describe(tk))
		}
		if p.accept("=") {
			if err := p.value(&it.Int, &it.Addr); err != nil {
				return err
			}
		}
		t.Init = append(t.Init, it)
		if !p.is("}") {
			if err := p.expect(";"); err != nil {
				return err
			}
		}
	}
	return nil
}

// value parses an init or condition value: an integer, a location name
// (its address) or &name.
func (p *parser) value(n *int64, addr *string) error {
	p.accept("&")
	neg := p.accept("-")
	tk := p.next()
	switch tk.kind {
	case 'n':
		v, err := strconv.ParseInt(tk.text, 0, 64)
		if err != nil {
			return fmt.Errorf("line %d: bad number %q", tk.line, tk.text)
		}
		if neg {
			v = -v
		}
		*n = v
	case 'i':
		if tk.text == "ATOMIC_INIT" && p.accept("(") {
			if err := p.value(n, addr); err != nil {
				return err
			}
			return p.expect(")")
		}
		switch tk.text {
		case "NULL", "false":
			*n = 0
		case "true":
			*n = 1
		default:
			*addr = tk.text
		}
	default:
		return fmt.Errorf("line %d: want a value, got %s", tk.line, describe(tk))
	}
	return nil
}

func (p *parser) proc(n int) (*Proc, error) {
	pr := &Proc{Index: n}
	if err := p.expect("("); err != nil {
		return nil, err
	}
	for !p.accept(")") {
		var last string
		for !p.is(",") && !p.is(")") {
			tk := p.next()
			if tk.kind == 0 {
				return nil, fmt.Errorf("line %d: unterminated parameter list", tk.line)
			}
			if tk.kind == 'i' {
				last = tk.text
			}
		}
		p.accept(",")
		if last != "" && last != "void" {
			pr.Params = append(pr.Params, last)
		}
	}
	body, err := p.block()
	if err != nil {
		return nil, err
	}
	pr.Body = body
	return pr, nil
}

func (p *parser) block() ([]Stmt, error) {
	if err := p.expect("{"); err != nil {
		return nil, err
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: nesting too deep", p.peek().line)
	}
	var out []Stmt
	for !p.accept("}") {
		if p.peek().kind == 0 {
			return nil, fmt.Errorf("line %d: unterminated block", p.peek().line)
		}
		s, err := p.stmt()
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, s)
		}
	}
	return out, nil
}

func (p *parser) stmt() (Stmt, error) {
	tk := p.peek()
	switch {
	case tk.text == ";":
		p.next()
		return nil, nil
	case tk.text == "{":
		b, err := p.block()
		return &BlockStmt{Body: b}, err
	case tk.kind == 'i' && tk.text == "if":
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
		s := &IfStmt{Cond: c}
		if s.Then, err = p.branch(); err != nil {
			return nil, err
		}
		if p.accept("else") {
			if s.Else, err = p.branch(); err != nil {
				return nil, err
			}
		}
		return s, nil
	case tk.kind == 'i' && (tk.text == "while" || tk.text == "for" || tk.text == "do" || tk.text == "goto" || tk.text == "return" || tk.text == "switch"):
		return nil, unsupported("line %d: %s statement", tk.line, tk.text)
	case tk.kind == 'i' && typeWords[tk.text]:
		p.skipType()
		d := &DeclStmt{}
		for {
			for p.accept("*") {
			}
			name, err := p.ident()
			if err != nil {
				return nil, err
			}
			var init Expr
			if p.accept("=") {
				if init, err = p.expr(); err != nil {
					return nil, err
				}
			}
			d.Names = append(d.Names, name)
			d.Inits = append(d.Inits, init)
			if !p.accept(",") {
				break
			}
		}
		return d, p.expect(";")
	}
	x, err := p.expr()
	if err != nil {
		return nil, err
	}
	return &ExprStmt{X: x}, p.expect(";")
}

func (p *parser) branch() ([]Stmt, error) {
	if p.is("{") {
		return p.block()
	}
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: nesting too deep", p.peek().line)
	}
	s, err := p.stmt()
	if s == nil || err != nil {
		return nil, err
	}
	return []Stmt{s}, nil
}

// binary operator precedence, loosest first.
var precedence = [][]string{
	{"||"}, {"&&"}, {"|"}, {"^"}, {"&"}, {"==", "!="}, {"<", "<=", ">", ">="},
	{"<<", ">>"}, {"+", "-"}, {"*", "/", "%"},
}

// expr parses an assignment expression.
func (p *parser) expr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: expression too deep", p.peek().line)
	}
	l, err := p.binary(0)
	if err != nil {
		return nil, err
	}
	tk := p.peek()
	switch tk.text {
	case "=":
		p.next()
		r, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &Assign{L: l, R: r}, nil
	case "+=", "-=":
		p.next()
		r, err := p.expr()
		if err != nil {
			return nil, err
		}
		return &Assign{L: l, R: &Binary{Op: tk.text[:1], X: l, Y: r}}, nil
	case "?", "++", "--", "->", ".", "[":
		return nil, unsupported("line %d: operator %s", tk.line, tk.text)
	}
	return l, nil
}

func (p *parser) binary(level int) (Expr, error) {
	if level == len(precedence) {
		return p.unary()
	}
	x, err := p.binary(level + 1)
	if err != nil {
		return nil, err
	}
	for {
		tk := p.peek()
		found := false
		if tk.kind == 'p' {
			for _, op := range precedence[level] {
				if tk.text == op {
					found = true
				}
			}
		}
		if !found {
			return x, nil
		}
		p.next()
		y, err := p.binary(level + 1)
		if err != nil {
			return nil, err
		}
		x = &Binary{Op: tk.text, X: x, Y: y}
	}
}

func (p *parser) unary() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: expression too deep", p.peek().line)
	}
	tk := p.peek()
	switch tk.text {
	case "!", "-", "~", "*", "&":
		if tk.kind != 'p' {
			break
		}
		p.next()
		x, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &Unary{Op: tk.text, X: x}, nil
	case "++", "--":
		return nil, unsupported("line %d: operator %s", tk.line, tk.text)
	case "(":
		if nx := p.peekAt(1); nx.kind == 'i' && typeWords[nx.text] {
			p.next()
			p.skipType()
			if err := p.expect(")"); err != nil {
				return nil, err
			}
			return p.unary()
		}
		p.next()
		x, err := p.expr()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	}
	return p.primary()
}

func (p *parser) primary() (Expr, error) {
	tk := p.next()
	switch tk.kind {
	case 'n':
		s := strings.TrimRight(tk.text, "uUlL")
		v, err := strconv.ParseInt(s, 0, 64)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad number %q", tk.line, tk.text)
		}
		return &IntLit{V: v}, nil
	case 'i':
		if p.accept("(") {
			c := &Call{Fun: tk.text}
			for !p.accept(")") {
				a, err := p.expr()
				if err != nil {
					return nil, err
				}
				c.Args = append(c.Args, a)
				if !p.is(")") {
					if err := p.expect(","); err != nil {
						return nil, err
					}
				}
			}
			return c, nil
		}
		switch tk.text {
		case "NULL", "false":
			return &IntLit{V: 0}, nil
		case "true":
			return &IntLit{V: 1}, nil
		}
		return &Ident{Name: tk.text}, nil
	}
	return nil, fmt.Errorf("line %d: unexpected %s in expression", tk.line, describe(tk))
}

// prop parses a condition: \/ binds looser than /\, ~ binds tightest.
func (p *parser) prop() (Prop, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: condition too deep", p.peek().line)
	}
	x, err := p.conj()
	if err != nil {
		return nil, err
	}
	for p.accept("\\/") {
		y, err := p.conj()
		if err != nil {
			return nil, err
		}
		x = &Or{X: x, Y: y}
	}
	return x, nil
}

func (p *parser) conj() (Prop, error) {
	x, err := p.propUnary()
	if err != nil {
		return nil, err
	}
	for p.accept("/\\") {
		y, err := p.propUnary()
		if err != nil {
			return nil, err
		}
		x = &And{X: x, Y: y}
	}
	return x, nil
}

func (p *parser) propUnary() (Prop, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxNesting {
		return nil, fmt.Errorf("line %d: condition too deep", p.peek().line)
	}
	tk := p.peek()
	switch {
	case tk.text == "~" || tk.text == "not":
		p.next()
		x, err := p.propUnary()
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case tk.text == "(":
		p.next()
		x, err := p.prop()
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	case tk.text == "true" || tk.text == "false":
		p.next()
		return &Const{V: tk.text == "true"}, nil
	}
	a := &Atom{Proc: -1}
	switch {
	case tk.kind == 'n' && p.peekAt(1).text == ":":
		n, err := strconv.Atoi(tk.text)
		if err != nil {
			return nil, fmt.Errorf("line %d: bad process number %q", tk.line, tk.text)
		}
		p.pos += 2
		a.Proc = n
		if a.Name, err = p.ident(); err != nil {
			return nil, err
		}
	case tk.kind == 'i':
		p.next()
		a.Name = tk.text
	case tk.text == "[" || tk.text == "*":
		p.next()
		name, err := p.ident()
		if err != nil {
			return nil, err
		}
		if tk.text == "[" {
			if err := p.expect("]"); err != nil {
				return nil, err
			}
		}
		a.Name = name
	default:
		return nil, fmt.Errorf("line %d: unexpected %s in condition", tk.line, describe(tk))
	}
	switch {
	case p.accept("="), p.accept("=="):
	case p.accept("!="):
		a.Neq = true
	default:
		return nil, fmt.Errorf("line %d: want = in condition, got %s", p.peek().line, describe(p.peek()))
	}
	return a, p.value(&a.Int, &a.Addr)
}
