package diffparse

import (
	"sort"
	"strings"

	"github.com/rcureview/rcureview/cscan"
)

// Func is a function definition found in C source.
type Func struct {
	Name      string
	Start     int // 1-based line where the declaration begins (return type, attributes)
	BodyStart int // line of the opening brace
	End       int // line of the closing brace
}

// maxHead bounds the declaration text kept while scanning, in bytes of
// source from the declaration's first token.
const maxHead = 4096

// Functions lists the function definitions of kernel-style C source, in
// order. It is a brace-matching scan over the C scanner's tokens (cscan),
// not a C parser (no library does this for kernel C without a full
// preprocessor and tree-sitter's cgo grammar is more than this needs):
// comments and preprocessor lines are skipped; a top-level "{" opens a
// function when the tokens since the previous top-level ";", "}" or
// preprocessor line have the shape "... name(args) [attributes]" without a
// top-level "=". Attributes (notrace, __always_inline, static inline,
// __acquires(x), __attribute__((...))) are allowed anywhere in the
// declaration; SYSCALL_DEFINEn(name, ...) gives sys_name and other
// function-defining macros such as DEFINE_IDTENTRY(name) or BPF_CALL_n(name,
// ...) give their first argument.
func Functions(src []byte) []Func {
	return functionsWith(src, newInterner(len(src)))
}

// newInterner returns an interner sized for scanning n bytes of source.
func newInterner(n int) *cscan.Interner {
	return cscan.NewInterner(min(cscan.DefaultInternerSlots, n/16+16))
}

// functionsWith is Functions with an interner of the caller's: the two
// versions of a patched file share most of their names, and each page of
// a new interner's table costs a fault on first use.
func functionsWith(src []byte, in *cscan.Interner) []Func {
	var out []Func
	var head []cscan.Token
	depth := 0
	var open *Func
	var sc cscan.Scanner
	sc.Init(src, 1, 0, in)
	for {
		t := sc.Scan()
		switch {
		case t.Kind == cscan.EOF:
			return out
		case t.Kind == cscan.Directive:
			if depth == 0 {
				head = head[:0]
			}
		case t.Kind != cscan.Punct || t.Text != "{" && t.Text != "}" && t.Text != ";":
			if depth == 0 && (len(head) == 0 || t.End-head[0].Off <= maxHead) {
				head = append(head, t)
			}
		case t.Text == "{":
			if depth == 0 {
				if name, ok := headName(head); ok {
					start := int(t.Line)
					if len(head) > 0 {
						start = int(head[0].Line)
					}
					open = &Func{Name: name, Start: start, BodyStart: int(t.Line)}
				}
				head = head[:0]
			}
			depth++
		case t.Text == "}":
			if depth > 0 {
				depth--
			}
			if depth == 0 {
				if open != nil {
					open.End = int(t.Line)
					out = append(out, *open)
					open = nil
				}
				head = head[:0]
			}
		case depth == 0: // ";"
			head = head[:0]
		}
	}
}

// attributeMacros are identifiers followed by parentheses in a declaration
// that are not the function's name.
var attributeMacros = map[string]bool{
	"__attribute__": true, "__attribute": true, "__acquires": true, "__releases": true,
	"__must_hold": true, "__cond_acquires": true, "__cond_releases": true, "__cond_lock": true,
	"__printf": true, "__scanf": true, "__section": true, "__aligned": true,
	"__alloc_size": true, "__realloc_size": true, "__assume_aligned": true, "__cleanup": true,
	"__counted_by": true, "__diagnose_as": true, "__declspec": true, "__asm__": true,
	"__asm": true, "asm": true, "alignas": true, "_Alignas": true,
	"typeof": true, "__typeof__": true, "__typeof": true, "__builtin_offsetof": true,
}

// notNames are keywords that can precede "(" but never name a function.
var notNames = map[string]bool{
	"if": true, "while": true, "for": true, "switch": true, "return": true, "sizeof": true,
	"defined": true, "void": true, "int": true, "char": true, "long": true, "short": true,
	"unsigned": true, "signed": true, "bool": true, "struct": true, "union": true, "enum": true,
	"do": true, "else": true, "case": true, "goto": true,
}

type headGroup struct {
	ident string
	arg0  string // the first argument when it is one identifier
	nargs int    // arguments read
	first bool   // the identifier is the first token of the declaration
}

// addArg records the tokens of one top-level argument of g.
func (g *headGroup) addArg(toks []cscan.Token) {
	if g.nargs == 0 && len(toks) == 1 && toks[0].Kind == cscan.Ident && isIdent(toks[0].Text) {
		g.arg0 = toks[0].Text
	}
	g.nargs++
}

// identText is an identifier's text; a number stands as "0" (a number is
// never a function's name).
func identText(t cscan.Token) string {
	if t.Kind == cscan.Ident {
		return t.Text
	}
	return "0"
}

// functionName decides whether a top-level declaration head introduces a
// function body and returns the function's name.
func functionName(head string) (string, bool) {
	var toks []cscan.Token
	var sc cscan.Scanner
	sc.Init([]byte(head), 1, 0, nil)
	for t := sc.Scan(); t.Kind != cscan.EOF; t = sc.Scan() {
		if t.Kind != cscan.Directive {
			toks = append(toks, t)
		}
	}
	return headName(toks)
}

// headName is functionName over a head's tokens.
func headName(head []cscan.Token) (string, bool) {
	if len(head) == 0 {
		return "", false
	}
	var groups []headGroup
	depth := 0
	lastIdent, identIsFirst := "", false
	argStart := 0
	cur := -1 // the group whose arguments are being read
	for i, t := range head {
		switch {
		case t.Kind == cscan.Ident || t.Kind == cscan.Number:
			if depth == 0 {
				lastIdent, identIsFirst = identText(t), i == 0
			}
			continue
		case t.Kind != cscan.Punct:
		case t.Text == "(":
			if depth == 0 {
				cur = -1
				if lastIdent != "" {
					groups = append(groups, headGroup{ident: lastIdent, first: identIsFirst})
					cur = len(groups) - 1
				}
				argStart = i + 1
			}
			depth++
		case t.Text == ")":
			depth--
			if depth < 0 {
				return "", false
			}
			if depth == 0 && cur >= 0 {
				groups[cur].addArg(head[argStart:i])
				cur = -1
			}
		case t.Text == "," && depth == 1 && cur >= 0:
			groups[cur].addArg(head[argStart:i])
			argStart = i + 1
		case depth == 0 && (strings.Contains(t.Text, "=") || t.Text == "["):
			return "", false
		}
		if depth == 0 {
			lastIdent = ""
		}
	}
	if depth != 0 {
		return "", false
	}
	var cands []headGroup
	for _, g := range groups {
		if !attributeMacros[g.ident] && !notNames[g.ident] && !isDigit(g.ident[0]) {
			cands = append(cands, g)
		}
	}
	for k, g := range cands {
		if !isMacroName(g.ident) {
			return g.ident, true
		}
		if strings.HasPrefix(g.ident, "SYSCALL_DEFINE") || strings.HasPrefix(g.ident, "COMPAT_SYSCALL_DEFINE") {
			if g.arg0 != "" {
				if strings.HasPrefix(g.ident, "COMPAT_") {
					return "compat_sys_" + g.arg0, true
				}
				return "sys_" + g.arg0, true
			}
		}
		if laterLower(cands[k+1:]) {
			continue // an attribute-like macro such as SEC("...")
		}
		if g.arg0 != "" {
			return g.arg0, true
		}
		if k+1 < len(cands) {
			continue
		}
		return g.ident, true
	}
	return "", false
}

func laterLower(gs []headGroup) bool {
	for _, g := range gs {
		if !isMacroName(g.ident) {
			return true
		}
	}
	return false
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isIdent(s string) bool {
	if s == "" || isDigit(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i]) {
			return false
		}
	}
	return true
}

// isMacroName reports an all-capitals identifier (with at least one letter).
func isMacroName(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' {
			return false
		}
		if c >= 'A' && c <= 'Z' {
			letter = true
		}
	}
	return letter
}

// EnclosingFunction returns the C function whose definition (declaration
// through closing brace) contains the 1-based line, with its first and
// last lines; "" and zeros when the line is outside every function.
func EnclosingFunction(src []byte, line int) (name string, start, end int) {
	if f, ok := lookupFunc(Functions(src), line); ok {
		return f.Name, f.Start, f.End
	}
	return "", 0, 0
}

// lookupFunc finds the function containing line in funcs (sorted, disjoint).
func lookupFunc(funcs []Func, line int) (Func, bool) {
	i := sort.Search(len(funcs), func(i int) bool { return funcs[i].End >= line })
	if i < len(funcs) && funcs[i].Start <= line && line <= funcs[i].End {
		return funcs[i], true
	}
	return Func{}, false
}

// lookupInsert finds the function that an insertion (or deletion) right
// after line `after` happens inside: after must be in the function and
// not its closing line.
func lookupInsert(funcs []Func, after int) (Func, bool) {
	f, ok := lookupFunc(funcs, after)
	if !ok && after == 0 {
		return Func{}, false
	}
	if ok && after < f.End {
		return f, true
	}
	return Func{}, false
}
