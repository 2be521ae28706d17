package rcueffects

import "github.com/rcureview/rcureview/cscan"

// The index (ksrc/index) keeps calls and attributes, not the statements of
// a body; effect summaries need the statements themselves (which field a
// function decrements, which condition guards a call). They read one
// definition's text with the shared C scanner (cscan).

// Kind is the class of a token.
type Kind uint8

// Token kinds.
const (
	Ident  Kind = iota // identifier or keyword
	Number             // numeric literal
	Punct              // operator or punctuation
	String             // string or character literal (text replaced by "\"\"")
)

// Token is one C token with the source line it starts on.
type Token struct {
	Kind Kind
	Text string
	Line int
}

// Lex tokenizes C text whose first line is line. Comments and
// preprocessor directives (a '#' first on a line, with backslash
// continuations) are dropped, string and character literals become a
// String token, and a backslash-newline is blank. It never fails.
func Lex(src []byte, line int) []Token { return lexWith(src, line, nil) }

// lexWith is Lex with identifiers shared through in (nil: none).
func lexWith(src []byte, line int, in *cscan.Interner) []Token {
	var s cscan.Scanner
	s.Init(src, line, 0, in)
	var out []Token
	for {
		t := s.Scan()
		switch t.Kind {
		case cscan.EOF:
			return out
		case cscan.Directive:
		case cscan.Ident:
			out = append(out, Token{Kind: Ident, Text: t.Text, Line: int(t.Line)})
		case cscan.Number:
			out = append(out, Token{Kind: Number, Text: string(src[t.Off:t.End]), Line: int(t.Line)})
		case cscan.String, cscan.Char:
			out = append(out, Token{Kind: String, Text: `""`, Line: int(t.Line)})
		default:
			out = append(out, Token{Kind: Punct, Text: t.Text, Line: int(t.Line)})
		}
	}
}

// StmtKind says what a statement is.
type StmtKind uint8

// Statement kinds.
const (
	Simple StmtKind = iota // an expression or declaration up to ';'
	If                     // if (Cond) Then [else Else]
	Loop                   // for/while/switch/do, and macro loops such as list_for_each_entry(...) { } or scoped_guard(x) { }
	Block                  // { Body }
	Return                 // return ...;
	Jump                   // goto, break, continue
	Label                  // label:, case x:, default:
)

// Stmt is one statement of a function body: a small structural view,
// enough to know which condition guards a call and which paths return.
type Stmt struct {
	Kind StmtKind
	// Toks: the statement's tokens (Simple, Return, Jump), the condition
	// (If) or the loop header (Loop: the parenthesised part, or for macro
	// loops the whole head such as scoped_guard(rcu)).
	Toks []Token
	// Head is the macro name of a macro loop (scoped_guard, list_for_each_entry, …).
	Head       string
	Then, Else *Stmt   // If
	Body       []*Stmt // Block; Loop: one statement, the loop body
	Line       int
}

var keywords = map[string]bool{
	"if": true, "else": true, "for": true, "while": true, "do": true, "switch": true, "return": true,
	"sizeof": true, "typeof": true, "__typeof__": true, "_Static_assert": true, "__attribute__": true,
	"case": true, "default": true, "goto": true, "break": true, "continue": true, "asm": true,
	"__asm__": true, "volatile": true, "__builtin_expect": true, "alignof": true, "_Alignof": true,
}

// ParseBody splits the tokens of a body (without its outer braces) into
// statements. It never fails: unbalanced input ends the statement or block
// it is in.
func ParseBody(toks []Token) []*Stmt {
	p := &parser{t: toks}
	var out []*Stmt
	for p.i < len(p.t) {
		if p.peek() == "}" {
			p.i++ // stray closing brace (from #if branches): skip
			continue
		}
		if s := p.stmt(); s != nil {
			out = append(out, s)
		}
	}
	return out
}

type parser struct {
	t []Token
	i int
}

func (p *parser) peek() string {
	if p.i < len(p.t) {
		return p.t[p.i].Text
	}
	return ""
}

func (p *parser) line() int {
	if p.i < len(p.t) {
		return p.t[p.i].Line
	}
	if len(p.t) > 0 {
		return p.t[len(p.t)-1].Line
	}
	return 0
}

// parens consumes a balanced ( ... ) group at p.i and returns its inside.
func (p *parser) parens() []Token {
	if p.peek() != "(" {
		return nil
	}
	start := p.i + 1
	depth := 0
	for p.i < len(p.t) {
		switch p.t[p.i].Text {
		case "(":
			depth++
		case ")":
			depth--
			if depth == 0 {
				p.i++
				return p.t[start : p.i-1]
			}
		}
		p.i++
	}
	return p.t[start:]
}

// stmt parses one statement; nil at a closing brace or the end.
func (p *parser) stmt() *Stmt {
	if p.i >= len(p.t) {
		return nil
	}
	line := p.line()
	tok := p.t[p.i]
	switch {
	case tok.Text == "}":
		return nil
	case tok.Text == "{":
		p.i++
		b := &Stmt{Kind: Block, Line: line}
		for p.i < len(p.t) && p.peek() != "}" {
			if s := p.stmt(); s != nil {
				b.Body = append(b.Body, s)
			}
		}
		if p.i < len(p.t) {
			p.i++
		}
		return b
	case tok.Text == ";":
		p.i++
		return &Stmt{Kind: Simple, Line: line}
	case tok.Text == "if":
		p.i++
		s := &Stmt{Kind: If, Line: line, Toks: p.parens()}
		s.Then = p.stmt()
		if p.peek() == "else" {
			p.i++
			s.Else = p.stmt()
		}
		return s
	case tok.Text == "for" || tok.Text == "while" || tok.Text == "switch":
		p.i++
		s := &Stmt{Kind: Loop, Line: line, Head: tok.Text, Toks: p.parens()}
		if body := p.stmt(); body != nil {
			s.Body = []*Stmt{body}
		}
		return s
	case tok.Text == "do":
		p.i++
		s := &Stmt{Kind: Loop, Line: line, Head: "do"}
		if body := p.stmt(); body != nil {
			s.Body = []*Stmt{body}
		}
		if p.peek() == "while" {
			p.i++
			s.Toks = p.parens()
		}
		if p.peek() == ";" {
			p.i++
		}
		return s
	case tok.Text == "return" || tok.Text == "goto" || tok.Text == "break" || tok.Text == "continue":
		k := Return
		if tok.Text != "return" {
			k = Jump
		}
		s := &Stmt{Kind: k, Line: line, Toks: p.untilSemi()}
		return s
	case tok.Text == "case" || tok.Text == "default":
		for p.i < len(p.t) && p.peek() != ":" && p.peek() != "}" {
			p.i++
		}
		if p.peek() == ":" {
			p.i++
		}
		return &Stmt{Kind: Label, Line: line}
	case tok.Kind == Ident && p.i+1 < len(p.t) && p.t[p.i+1].Text == ":" && !keywords[tok.Text]:
		p.i += 2
		return &Stmt{Kind: Label, Line: line, Toks: []Token{tok}}
	}
	return p.simple(line)
}

// untilSemi consumes tokens up to and including ';' at depth 0 (or up to
// an unbalanced '}').
func (p *parser) untilSemi() []Token {
	start := p.i
	depth := 0
	for p.i < len(p.t) {
		switch p.t[p.i].Text {
		case "(", "[", "{":
			depth++
		case ")", "]":
			depth--
		case "}":
			if depth == 0 {
				return p.t[start:p.i]
			}
			depth--
		case ";":
			if depth <= 0 {
				p.i++
				return p.t[start : p.i-1]
			}
		}
		p.i++
	}
	return p.t[start:]
}

// simple parses an expression statement or declaration, or a macro loop
// (NAME(...) followed by a statement).
func (p *parser) simple(line int) *Stmt {
	start := p.i
	depth := 0
	for p.i < len(p.t) {
		t := p.t[p.i]
		switch t.Text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
		case "{":
			if depth == 0 {
				prev := ""
				if p.i > start {
					prev = p.t[p.i-1].Text
				}
				if prev == ")" && p.t[start].Kind == Ident && p.i-start >= 3 && p.t[start+1].Text == "(" {
					head := p.t[start:p.i]
					s := &Stmt{Kind: Loop, Line: line, Head: head[0].Text, Toks: head}
					if body := p.stmt(); body != nil {
						s.Body = []*Stmt{body}
					}
					return s
				}
			}
			depth++
		case "}":
			if depth == 0 {
				if p.i == start {
					return nil
				}
				return &Stmt{Kind: Simple, Line: line, Toks: p.t[start:p.i]}
			}
			depth--
		case ";":
			if depth <= 0 {
				p.i++
				return &Stmt{Kind: Simple, Line: line, Toks: p.t[start : p.i-1]}
			}
		}
		p.i++
	}
	return &Stmt{Kind: Simple, Line: line, Toks: p.t[start:]}
}

// CallSite is one call written in a token range.
type CallSite struct {
	Name   string
	Line   int
	Args   [][]Token
	Member bool // x->name(...) or x.name(...)
}

// Calls lists the calls written in toks, outermost first, including calls
// inside the arguments of other calls.
func Calls(toks []Token) []CallSite {
	var out []CallSite
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.Kind != Ident || toks[i+1].Text != "(" || keywords[t.Text] {
			continue
		}
		c := CallSite{Name: t.Text, Line: t.Line}
		if i > 0 && (toks[i-1].Text == "->" || toks[i-1].Text == ".") {
			c.Member = true
		}
		depth := 0
		argStart := i + 2
		for j := i + 1; j < len(toks); j++ {
			switch toks[j].Text {
			case "(", "[", "{":
				depth++
			case ")", "]", "}":
				depth--
				if depth == 0 {
					if j > argStart || len(c.Args) > 0 {
						c.Args = append(c.Args, toks[argStart:j])
					}
					j = len(toks)
				}
			case ",":
				if depth == 1 {
					c.Args = append(c.Args, toks[argStart:j])
					argStart = j + 1
				}
			}
		}
		out = append(out, c)
	}
	return out
}

// Has reports whether toks contain an identifier named name.
func Has(toks []Token, names ...string) bool {
	for _, t := range toks {
		if t.Kind != Ident {
			continue
		}
		for _, n := range names {
			if t.Text == n {
				return true
			}
		}
	}
	return false
}

// LastIdent returns the last identifier of an expression (the field or
// variable a pointer expression names: "tp->funcs" -> "funcs"), skipping
// casts' type words is not attempted.
func LastIdent(toks []Token) string {
	for i := len(toks) - 1; i >= 0; i-- {
		if toks[i].Kind == Ident {
			return toks[i].Text
		}
	}
	return ""
}
