package litmus

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// stok is a token of herd7's state lexer (lib/stateLexer.mll), used for
// the init section and the condition.
type stok struct {
	kind skind
	text string
	line int
}

type skind uint8

const (
	sEOF skind = iota
	sName
	sNum
	sProc
	sKeyword // exists forall final with locations filter fault true false observed and not-as-word
	sPunct   // , & ; : + [ ] ( ) { } = == != => /\ \/ ~ *
)

func stateNameStart(c byte) bool { return isAlpha(c) || c == '_' || c == '.' || c == '$' }
func stateNameChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '_' || c == '/' || c == '.' || c == '-'
}

// stateKeywords are the words of the state and condition syntax, mapped to
// the keyword they stand for.
var stateKeywords = sync.OnceValue(func() map[string]string {
	return map[string]string{
		"exists": "exists", "forall": "forall", "final": "final", "with": "with",
		"locations": "locations", "filter": "filter", "fault": "fault", "Fault": "fault",
		"true": "true", "false": "false", "observed": "observed", "Observed": "observed",
		"and": "and", "not": "~", "_Atomic": "_Atomic", "ATOMIC_INIT": "ATOMIC_INIT",
		"NOP": "nop", "nop": "nop", "tag": "tag", "TAG": "tag", "attrs": "attrs", "Attrs": "attrs",
		"oa": "oa", "PTE": "PTE", "TTD": "PTE", "PA": "PA",
	}
})

func slex(src string, line int, maxTokens int) ([]stok, error) {
	toks := make([]stok, 0, len(src)/4+1)
	for i := 0; i < len(src); {
		if len(toks) > maxTokens {
			return nil, fmt.Errorf("line %d: more than %d tokens", line, maxTokens)
		}
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case isBlank(c):
			i++
		case c == '(' && i+1 < len(src) && src[i+1] == '*':
			e, nl, err := skipComment(src, i+2)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			line += nl
			i = e
		case isDigit(c) || c == '-' && i+1 < len(src) && isDigit(src[i+1]):
			j := i
			if c == '-' {
				j++
			}
			if src[j] == '0' && j+1 < len(src) && (src[j+1] == 'x' || src[j+1] == 'X') && j+2 < len(src) && isHex(src[j+2]) && c != '-' {
				j += 2
				for j < len(src) && isHex(src[j]) {
					j++
				}
			} else {
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			toks = append(toks, stok{sNum, src[i:j], line})
			i = j
		case c == 'P' && i+1 < len(src) && (isDigit(src[i+1]) || src[i+1] == '-'):
			j := i + 1
			if src[j] == '-' {
				j++
			}
			k := j
			for k < len(src) && isDigit(src[k]) {
				k++
			}
			if k == j {
				goto name
			}
			// A longer name wins.
			{
				m := k
				for m < len(src) && stateNameChar(src[m]) {
					m++
				}
				if m > k {
					goto name
				}
			}
			toks = append(toks, stok{sProc, src[i+1 : k], line})
			i = k
		case stateNameStart(c):
			goto name
		default:
			three, two := "", ""
			if i+2 <= len(src) {
				two = src[i : i+2]
			}
			if i+3 <= len(src) {
				three = src[i : i+3]
			}
			_ = three
			switch two {
			case "==", "!=", "<>", "=>", "/\\", "\\/":
				if two == "<>" {
					two = "!="
				}
				toks = append(toks, stok{sPunct, two, line})
				i += 2
				continue
			}
			if strings.IndexByte(",&;:+[](){}=~*", c) < 0 {
				return nil, fmt.Errorf("line %d: unexpected character %q in condition", line, c)
			}
			toks = append(toks, stok{sPunct, string(c), line})
			i++
		}
		continue
	name:
		{
			j := i
			for j < len(src) && stateNameStart(src[j]) {
				j++
			}
			for j < len(src) && stateNameChar(src[j]) {
				j++
			}
			w := src[i:j]
			if k, ok := stateKeywords()[w]; ok {
				toks = append(toks, stok{sKeyword, k, line})
			} else {
				toks = append(toks, stok{sName, w, line})
			}
			i = j
		}
	}
	toks = append(toks, stok{kind: sEOF, line: line})
	return toks, nil
}

func isHex(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

type sparser struct {
	toks     []stok
	pos      int
	depth    int
	maxDepth int
}

func (p *sparser) peek() stok { return p.toks[p.pos] }
func (p *sparser) peekAt(k int) stok {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *sparser) next() stok {
	t := p.toks[p.pos]
	if t.kind != sEOF {
		p.pos++
	}
	return t
}
func (p *sparser) is(kind skind, text string) bool {
	t := p.peek()
	return t.kind == kind && t.text == text
}
func (p *sparser) accept(text string) bool {
	if p.is(sPunct, text) {
		p.pos++
		return true
	}
	return false
}
func (p *sparser) errorf(format string, args ...any) error {
	return fmt.Errorf("line %d: %s", p.peek().line, fmt.Sprintf(format, args...))
}
func (p *sparser) expect(text string) error {
	if !p.accept(text) {
		return p.errorf("want %q, got %s", text, describeS(p.peek()))
	}
	return nil
}

func describeS(t stok) string {
	switch t.kind {
	case sEOF:
		return "end of input"
	case sProc:
		return "P" + t.text
	}
	return strconv.Quote(t.text)
}

func numValue(t stok) (int64, error) {
	v, err := strconv.ParseInt(t.text, 0, 64)
	if err != nil || v < -1<<31 || v > 1<<32-1 {
		return 0, fmt.Errorf("line %d: number %s out of range", t.line, t.text)
	}
	return int64(int32(v)), nil
}

// initBlock parses the init section: "x=1; int *p=&y; 0:r1=x; ...".
func (p *sparser) initBlock() ([]InitItem, error) {
	var out []InitItem
	for {
		if p.peek().kind == sEOF {
			return out, nil
		}
		if p.accept(";") {
			if p.peek().kind != sEOF {
				return nil, p.errorf("unexpected ;")
			}
			return out, nil
		}
		it, err := p.initItem()
		if err != nil {
			return nil, err
		}
		out = append(out, it)
		if p.peek().kind == sEOF {
			return out, nil
		}
		if err := p.expect(";"); err != nil {
			return nil, err
		}
	}
}

// location parses a register "P:reg" / "N:reg" or a shared location NAME.
func (p *sparser) location() (RLoc, bool) {
	t := p.peek()
	switch {
	case (t.kind == sNum || t.kind == sProc) && p.peekAt(1).kind == sPunct && p.peekAt(1).text == ":" && p.peekAt(2).kind == sName:
		n, err := strconv.Atoi(t.text)
		if err != nil || n < 0 {
			return RLoc{}, false
		}
		p.pos += 2
		return RLoc{Proc: n, Name: p.next().text}, true
	case t.kind == sName:
		p.next()
		return RLoc{Proc: -1, Name: t.text}, true
	}
	return RLoc{}, false
}

// leftLoc is a location or "[name]".
func (p *sparser) leftLoc() (RLoc, error) {
	if p.accept("[") {
		t := p.next()
		if t.kind != sName {
			return RLoc{}, fmt.Errorf("line %d: want a location name, got %s", t.line, describeS(t))
		}
		return RLoc{Proc: -1, Name: t.text}, p.expect("]")
	}
	l, ok := p.location()
	if !ok {
		return RLoc{}, p.errorf("want a location, got %s", describeS(p.peek()))
	}
	return l, nil
}

// value parses herd7's maybev: a number or a location name (its address).
func (p *sparser) value() (Value, error) {
	t := p.next()
	switch t.kind {
	case sNum:
		if p.is(sPunct, ":") {
			return Value{}, Unsupported(t.line, "tagged or labelled value")
		}
		v, err := numValue(t)
		return Value{Int: v}, err
	case sName:
		if p.is(sPunct, "[") {
			return Value{}, Unsupported(t.line, "array value")
		}
		if p.is(sPunct, ":") {
			return Value{}, Unsupported(t.line, "tagged value")
		}
		return Value{Sym: t.text}, nil
	case sProc:
		return Value{}, Unsupported(t.line, "label value")
	}
	if t.kind == sKeyword && (t.text == "PTE" || t.text == "PA" || t.text == "tag") {
		return Value{}, Unsupported(t.line, t.text+" value")
	}
	return Value{}, fmt.Errorf("line %d: want a value, got %s", t.line, describeS(t))
}

func (p *sparser) initItem() (InitItem, error) {
	line := p.peek().line
	it := InitItem{Line: line}
	// "[x] = v" or "x = v" or "0:r = v" or "x" (zero).
	if p.is(sKeyword, "_Atomic") {
		p.next()
		tt := p.next()
		if tt.kind != sName {
			return it, fmt.Errorf("line %d: want a type after _Atomic", tt.line)
		}
		it.Type = "_Atomic " + tt.text
	}
	if p.accept("*") {
		// "*loc [= [&]v]": a pointer of default type.
		l, err := p.leftLoc()
		if err != nil {
			return it, err
		}
		it.Loc, it.Type = l, "*"
		if p.accept("=") {
			p.accept("&")
			if it.Val, err = p.value(); err != nil {
				return it, err
			}
		}
		return it, nil
	}
	// A type name followed by a location?
	t := p.peek()
	if t.kind == sName && it.Type == "" {
		n1 := p.peekAt(1)
		switch {
		case n1.kind == sName && p.peekAt(2).kind == sPunct && p.peekAt(2).text == "[":
			return it, Unsupported(line, "array location")
		case n1.kind == sPunct && n1.text == "[" && p.peekAt(2).kind == sNum:
			return it, Unsupported(line, "array location")
		case n1.kind == sName || n1.kind == sNum && p.peekAt(2).text == ":" || n1.kind == sProc ||
			n1.kind == sPunct && n1.text == "[" || n1.kind == sPunct && n1.text == "*":
			p.next()
			it.Type = t.text
			if p.accept("*") {
				it.Type += " *"
			}
		}
	} else if it.Type != "" {
		if p.accept("*") {
			it.Type += " *"
		}
	}
	l, err := p.leftLoc()
	if err != nil {
		return it, err
	}
	it.Loc = l
	if !p.accept("=") {
		return it, nil
	}
	if strings.HasSuffix(it.Type, "*") {
		p.accept("&")
	}
	if p.is(sKeyword, "ATOMIC_INIT") && it.Type != "" {
		p.next()
		if err := p.expect("("); err != nil {
			return it, err
		}
		if it.Val, err = p.value(); err != nil {
			return it, err
		}
		return it, p.expect(")")
	}
	if p.is(sPunct, "(") || p.is(sPunct, "{") {
		return it, Unsupported(line, "structured initial value")
	}
	it.Val, err = p.value()
	return it, err
}

// constraints parses "locations [..] filter P exists|~exists|forall P".
func (p *sparser) constraints(t *Test) error {
	if p.is(sKeyword, "locations") {
		p.next()
		if err := p.expect("["); err != nil {
			return err
		}
		for !p.accept("]") {
			if p.is(sKeyword, "fault") {
				return Unsupported(p.peek().line, "fault location")
			}
			l, err := p.leftLoc()
			if err != nil {
				return err
			}
			// An optional type: "x int", "x int*", "x*".
			if p.peek().kind == sName {
				p.next()
			}
			p.accept("*")
			t.Locations = append(t.Locations, l)
			if !p.accept(";") {
				if err := p.expect("]"); err != nil {
					return err
				}
				break
			}
		}
	}
	if p.is(sKeyword, "filter") {
		p.next()
		f, err := p.prop(0)
		if err != nil {
			return err
		}
		t.Filter = f
	}
	tok := p.peek()
	t.Lines.Cond = tok.line
	switch {
	case p.is(sKeyword, "forall"):
		p.next()
		t.Quant = Forall
	case p.is(sKeyword, "exists") || p.is(sKeyword, "final"):
		p.next()
		t.Quant = Exists
	case p.is(sKeyword, "~") && p.peekAt(1).kind == sKeyword && p.peekAt(1).text == "exists":
		p.pos += 2
		t.Quant = NotExists
	case p.is(sPunct, "~") && p.peekAt(1).kind == sKeyword && p.peekAt(1).text == "exists":
		p.pos += 2
		t.Quant = NotExists
	case p.is(sPunct, "("):
		t.Quant = Exists
	case p.is(sKeyword, "observed"):
		return Unsupported(tok.line, "observed condition")
	case tok.kind == sEOF || p.is(sPunct, ";"):
		t.Quant, t.Cond = Forall, &And{}
		p.accept(";")
		if p.peek().kind != sEOF {
			return p.errorf("unexpected %s after the condition", describeS(p.peek()))
		}
		return nil
	default:
		return p.errorf("want exists, ~exists or forall, got %s", describeS(tok))
	}
	c, err := p.prop(0)
	if err != nil {
		return err
	}
	t.Cond = c
	p.accept(";")
	if p.is(sKeyword, "with") {
		return Unsupported(p.peek().line, "with clause")
	}
	if p.peek().kind != sEOF {
		return p.errorf("unexpected %s after the condition", describeS(p.peek()))
	}
	return nil
}

// prop parses a proposition with herd7's precedences: \/ loosest, then
// /\, then => (right associative), then ~ (tightest).
func (p *sparser) prop(level int) (Prop, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > p.maxDepth {
		return nil, limitErr(p.peek().line, "condition nested deeper than %d", p.maxDepth)
	}
	switch level {
	case 0:
		x, err := p.prop(1)
		if err != nil {
			return nil, err
		}
		for p.accept("\\/") {
			y, err := p.prop(1)
			if err != nil {
				return nil, err
			}
			x = &Or{[]Prop{x, y}}
		}
		return x, nil
	case 1:
		x, err := p.prop(2)
		if err != nil {
			return nil, err
		}
		for p.accept("/\\") {
			y, err := p.prop(2)
			if err != nil {
				return nil, err
			}
			x = &And{[]Prop{x, y}}
		}
		return x, nil
	case 2:
		x, err := p.prop(3)
		if err != nil {
			return nil, err
		}
		if p.accept("=>") {
			y, err := p.prop(2)
			if err != nil {
				return nil, err
			}
			return &Implies{x, y}, nil
		}
		return x, nil
	}
	t := p.peek()
	switch {
	case t.kind == sKeyword && t.text == "~" || t.kind == sPunct && t.text == "~":
		p.next()
		x, err := p.prop(3)
		if err != nil {
			return nil, err
		}
		return &Not{x}, nil
	case t.kind == sKeyword && t.text == "true":
		p.next()
		return &And{}, nil
	case t.kind == sKeyword && t.text == "false":
		p.next()
		return &Or{}, nil
	case t.kind == sPunct && t.text == "(":
		p.next()
		x, err := p.prop(0)
		if err != nil {
			return nil, err
		}
		return x, p.expect(")")
	case t.kind == sKeyword && t.text == "fault":
		return nil, Unsupported(t.line, "fault condition")
	}
	l, err := p.leftLoc()
	if err != nil {
		return nil, err
	}
	neq := false
	switch {
	case p.accept("="), p.accept("=="):
	case p.accept("!="):
		neq = true
	default:
		return nil, p.errorf("want = in condition, got %s", describeS(p.peek()))
	}
	var a Prop
	switch nt := p.peek(); {
	case (nt.kind == sNum || nt.kind == sProc) && p.peekAt(1).text == ":" && p.peekAt(2).kind == sName:
		l2, _ := p.location()
		a = &AtomLoc{l, l2}
	case nt.kind == sPunct && nt.text == "[":
		l2, err := p.leftLoc()
		if err != nil {
			return nil, err
		}
		a = &AtomLoc{l, l2}
	case nt.kind == sPunct && nt.text == "*":
		return nil, Unsupported(nt.line, "dereference in condition")
	case nt.kind == sPunct && nt.text == "{":
		return nil, Unsupported(nt.line, "array value in condition")
	default:
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = &Atom{l, v}
	}
	if neq {
		return &Not{a}, nil
	}
	return a, nil
}
