package kconfig

import (
	"strconv"
	"strings"
)

// Expr is a parsed condition: a Kconfig expression (depends on, select
// … if, default … if) or a C preprocessor condition (#if, IS_ENABLED(),
// a Kbuild obj-$(CONFIG_X) line). Symbols are named without the CONFIG_
// prefix. Both languages share the tree so that one solver reads both.
type Expr struct {
	Kind ExprKind
	Name string // symbol (ExprSym, ExprDefined), literal (ExprLit) or text (ExprUnknown)
	L, R *Expr
}

// ExprKind says what an Expr node is.
type ExprKind uint8

// Expression kinds.
const (
	ExprSym     ExprKind = iota // a Kconfig symbol's tristate value
	ExprConst                   // y, m or n (Name)
	ExprLit                     // a string or number operand of a comparison
	ExprNot                     // !L
	ExprAnd                     // L && R
	ExprOr                      // L || R
	ExprEq                      // L = R
	ExprNe                      // L != R
	ExprDefined                 // C: CONFIG_X is defined (bool/tristate: =y; others: has a value)
	ExprUnknown                 // something the model does not know (a runtime call, arithmetic): a free variable
)

// tokens of both expression languages
type exprTok struct {
	text string
	kind byte // 'i' identifier/number, 's' string, 'o' operator, '$' macro
}

func lexExpr(s string) []exprTok {
	var out []exprTok
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || c == '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			out = append(out, exprTok{s[i : j+1], 's'})
			i = j + 1
		case c == '$' && i+1 < len(s) && s[i+1] == '(':
			d, j := 0, i+1
			for ; j < len(s); j++ {
				if s[j] == '(' {
					d++
				} else if s[j] == ')' {
					d--
					if d == 0 {
						break
					}
				}
			}
			if j >= len(s) {
				j = len(s) - 1
			}
			out = append(out, exprTok{s[i : j+1], '$'})
			i = j + 1
		case isWordChar(c):
			j := i
			for j < len(s) && isWordChar(s[j]) {
				j++
			}
			out = append(out, exprTok{s[i:j], 'i'})
			i = j
		default:
			op := string(c)
			if i+1 < len(s) {
				two := s[i : i+2]
				switch two {
				case "&&", "||", "!=", "==", "<=", ">=", "<<", ">>":
					op = two
				}
			}
			out = append(out, exprTok{op, 'o'})
			i += len(op)
		}
	}
	return out
}

func isWordChar(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// exprParser parses one language; c selects the C preprocessor one.
type exprParser struct {
	toks []exprTok
	pos  int
	c    bool
}

func (p *exprParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos].text
	}
	return ""
}

func (p *exprParser) or() *Expr {
	l := p.and()
	for p.peek() == "||" {
		p.pos++
		l = &Expr{Kind: ExprOr, L: l, R: p.and()}
	}
	return l
}

func (p *exprParser) and() *Expr {
	l := p.cmp()
	for p.peek() == "&&" {
		p.pos++
		l = &Expr{Kind: ExprAnd, L: l, R: p.cmp()}
	}
	return l
}

// cmp parses an operand and, in Kconfig, a comparison. In C, an
// operand followed by anything but &&, || or ')' is part of an
// expression the model does not know (arithmetic, a comparison): the
// whole span up to the next top-level && / || becomes one unknown atom.
func (p *exprParser) cmp() *Expr {
	start := p.pos
	l := p.unary()
	next := p.peek()
	if !p.c {
		switch next {
		case "=", "!=", "<", ">", "<=", ">=":
			p.pos++
			r := p.unary()
			switch next {
			case "=":
				return &Expr{Kind: ExprEq, L: l, R: r}
			case "!=":
				return &Expr{Kind: ExprNe, L: l, R: r}
			}
			return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:p.pos])}
		}
		return l
	}
	if next == "" || next == "&&" || next == "||" || next == ")" {
		return l
	}
	p.pos = start
	depth := 0
	for p.pos < len(p.toks) {
		t := p.toks[p.pos].text
		if depth == 0 && (t == "&&" || t == "||" || t == ")") {
			break
		}
		switch t {
		case "(":
			depth++
		case ")":
			depth--
		}
		p.pos++
	}
	if p.pos == start {
		p.pos++
	}
	return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:min(p.pos, len(p.toks))])}
}

func (p *exprParser) unary() *Expr {
	if p.pos >= len(p.toks) {
		return &Expr{Kind: ExprUnknown, Name: "?"}
	}
	t := p.toks[p.pos]
	switch {
	case t.text == "!":
		p.pos++
		return &Expr{Kind: ExprNot, L: p.unary()}
	case t.text == "(":
		p.pos++
		e := p.or()
		if p.peek() == ")" {
			p.pos++
		}
		return e
	case t.kind == 's' && p.c:
		p.pos++
		return &Expr{Kind: ExprUnknown, Name: t.text}
	case t.kind == 's':
		p.pos++
		lit := t.text[1:]
		if len(lit) > 0 && lit[len(lit)-1] == t.text[0] {
			lit = lit[:len(lit)-1]
		}
		return &Expr{Kind: ExprLit, Name: lit}
	case t.kind == '$':
		p.pos++
		return &Expr{Kind: ExprUnknown, Name: t.text}
	case t.kind == 'i':
		p.pos++
		if p.c {
			return p.cIdent(t.text)
		}
		switch t.text {
		case "y", "m", "n":
			return &Expr{Kind: ExprConst, Name: t.text}
		}
		if t.text[0] >= '0' && t.text[0] <= '9' || t.text[0] == '-' {
			return &Expr{Kind: ExprLit, Name: t.text}
		}
		return &Expr{Kind: ExprSym, Name: t.text}
	}
	p.pos++
	return &Expr{Kind: ExprUnknown, Name: t.text}
}

// cIdent reads a C identifier or number and what follows it: defined X,
// defined(X), IS_ENABLED(X), IS_BUILTIN(X), IS_MODULE(X),
// IS_REACHABLE(X), a CONFIG_ symbol, a number; anything else (a call such
// as in_nmi()) is unknown.
func (p *exprParser) cIdent(id string) *Expr {
	if id[0] >= '0' && id[0] <= '9' {
		n, err := strconv.ParseInt(strings.TrimRight(id, "uUlL"), 0, 64)
		if err != nil {
			return &Expr{Kind: ExprUnknown, Name: id}
		}
		if n != 0 {
			return &Expr{Kind: ExprConst, Name: "y"}
		}
		return &Expr{Kind: ExprConst, Name: "n"}
	}
	switch id {
	case "defined", "IS_ENABLED", "IS_BUILTIN", "IS_MODULE", "IS_REACHABLE":
		start := p.pos - 1
		paren := p.peek() == "("
		if paren {
			p.pos++
		}
		if p.pos >= len(p.toks) {
			return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:])}
		}
		arg := p.toks[p.pos].text
		p.pos++
		if paren {
			if p.peek() != ")" {
				return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:p.pos])}
			}
			p.pos++
		}
		sym, ok := strings.CutPrefix(arg, "CONFIG_")
		if !ok || sym == "" {
			if id == "defined" {
				return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:p.pos])}
			}
			return &Expr{Kind: ExprConst, Name: "n"} // IS_ENABLED of a non-option: 0
		}
		s := &Expr{Kind: ExprSym, Name: sym}
		switch id {
		case "defined":
			return &Expr{Kind: ExprDefined, Name: sym}
		case "IS_BUILTIN":
			return &Expr{Kind: ExprEq, L: s, R: &Expr{Kind: ExprConst, Name: "y"}}
		case "IS_MODULE":
			return &Expr{Kind: ExprEq, L: s, R: &Expr{Kind: ExprConst, Name: "m"}}
		}
		return &Expr{Kind: ExprNe, L: s, R: &Expr{Kind: ExprConst, Name: "n"}}
	}
	if sym, ok := strings.CutPrefix(id, "CONFIG_"); ok && sym != "" && p.peek() != "(" {
		return &Expr{Kind: ExprDefined, Name: sym}
	}
	start := p.pos - 1
	if p.peek() == "(" {
		d := 0
		for p.pos < len(p.toks) {
			t := p.toks[p.pos].text
			p.pos++
			if t == "(" {
				d++
			} else if t == ")" {
				d--
				if d == 0 {
					break
				}
			}
		}
	}
	return &Expr{Kind: ExprUnknown, Name: exprText(p.toks[start:p.pos])}
}

// exprText joins tokens into a canonical spelling: no spaces around
// parentheses, one space around binary operators.
func exprText(ts []exprTok) string {
	var b strings.Builder
	for i, t := range ts {
		if i > 0 {
			prev := ts[i-1]
			space := true
			if t.text == "(" && prev.kind == 'i' || t.text == ")" || prev.text == "(" || prev.text == "!" || t.text == "," {
				space = false
			}
			if space {
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.text)
	}
	return b.String()
}

// ParseExpr parses a Kconfig expression ("A && !B", "X = y", "$(m)").
func ParseExpr(s string) *Expr {
	p := &exprParser{toks: lexExpr(s)}
	if len(p.toks) == 0 {
		return &Expr{Kind: ExprConst, Name: "y"}
	}
	return p.or()
}

// ParseCond parses a C preprocessor condition ("defined(CONFIG_A) &&
// !IS_ENABLED(CONFIG_B)", "CONFIG_NR_CPUS > 1", "!in_nmi()").
func ParseCond(s string) *Expr {
	p := &exprParser{toks: lexExpr(s), c: true}
	if len(p.toks) == 0 {
		return &Expr{Kind: ExprConst, Name: "y"}
	}
	e := p.or()
	if p.pos < len(p.toks) { // stray tokens: keep the whole condition as an unknown
		return &Expr{Kind: ExprUnknown, Name: exprText(p.toks)}
	}
	return e
}

// CString prints an expression in C preprocessor syntax, the spelling
// findings carry: CONFIG_X for "X is y" (and for a bool option that is
// enabled), IS_ENABLED(CONFIG_X) for a tristate that is y or m,
// IS_MODULE(CONFIG_X), with parentheses only where needed. typ gives a
// symbol's type ("" when unknown).
func (e *Expr) CString(typ func(sym string) string) string {
	return e.cstr(typ, 0)
}

func (e *Expr) cstr(typ func(string) string, prec int) string {
	paren := func(p int, s string) string {
		if p < prec {
			return "(" + s + ")"
		}
		return s
	}
	switch e.Kind {
	case ExprDefined:
		return "CONFIG_" + e.Name
	case ExprSym:
		return "CONFIG_" + e.Name
	case ExprConst:
		if e.Name == "n" {
			return "0"
		}
		return "1"
	case ExprLit:
		return e.Name
	case ExprUnknown:
		if strings.Contains(e.Name, "&&") || strings.Contains(e.Name, "||") || strings.ContainsAny(e.Name, "<>=+-*") {
			return paren(3, e.Name)
		}
		return e.Name
	case ExprNot:
		return "!" + e.L.cstr(typ, 3)
	case ExprAnd:
		return paren(2, e.L.cstr(typ, 2)+" && "+e.R.cstr(typ, 2))
	case ExprOr:
		return paren(1, e.L.cstr(typ, 1)+" || "+e.R.cstr(typ, 1))
	case ExprEq, ExprNe:
		if e.L.Kind == ExprSym && e.R.Kind == ExprConst {
			s := e.L.Name
			v := e.R.Name
			neg := e.Kind == ExprNe
			bool_ := typ != nil && typ(s) == "bool"
			var out string
			switch {
			case v == "y" && !neg, v == "n" && neg && bool_:
				out = "CONFIG_" + s
			case v == "n" && neg:
				out = "IS_ENABLED(CONFIG_" + s + ")"
			case v == "n" && !neg && bool_, v == "y" && neg && bool_:
				return "!CONFIG_" + s
			case v == "n" && !neg:
				return "!IS_ENABLED(CONFIG_" + s + ")"
			case v == "y" && neg:
				return "!CONFIG_" + s
			case v == "m" && !neg:
				out = "IS_MODULE(CONFIG_" + s + ")"
			default:
				return "!IS_MODULE(CONFIG_" + s + ")"
			}
			return out
		}
		op := " == "
		if e.Kind == ExprNe {
			op = " != "
		}
		return paren(3, e.L.cstr(typ, 4)+op+e.R.cstr(typ, 4))
	}
	return "?"
}
