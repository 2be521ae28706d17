package diffparse

import (
	"sort"
	"strings"
)

// Func is a function definition found in C source.
type Func struct {
	Name      string
	Start     int // 1-based line where the declaration begins (return type, attributes)
	BodyStart int // line of the opening brace
	End       int // line of the closing brace
}

// maxHead bounds the declaration text kept while scanning.
const maxHead = 4096

// Functions lists the function definitions of kernel-style C source, in
// order. It is a small brace-matching scan, not a C parser (no library
// does this for kernel C without a full preprocessor and tree-sitter's cgo
// grammar is more than this needs): comments, string and character
// literals and preprocessor lines are skipped; a top-level "{" opens a
// function when the text since the previous top-level ";", "}" or
// preprocessor line has the shape "... name(args) [attributes]" without a
// top-level "=". Attributes (notrace, __always_inline, static inline,
// __acquires(x), __attribute__((...))) are allowed anywhere in the
// declaration; SYSCALL_DEFINEn(name, ...) gives sys_name and other
// function-defining macros such as DEFINE_IDTENTRY(name) or BPF_CALL_n(name,
// ...) give their first argument.
func Functions(src []byte) []Func {
	var out []Func
	var head strings.Builder
	headStart := 0
	depth := 0
	line := 1
	var open *Func
	atLineStart := true
	resetHead := func() { head.Reset(); headStart = 0 }
	addHead := func(c byte) {
		if depth != 0 {
			return
		}
		if headStart == 0 && c != ' ' {
			headStart = line
		}
		if head.Len() < maxHead {
			head.WriteByte(c)
		}
	}
	n := len(src)
	for i := 0; i < n; i++ {
		c := src[i]
		if atLineStart && c == '#' {
			i = skipPreprocessor(src, i, &line)
			if depth == 0 {
				resetHead()
			}
			atLineStart = true
			continue
		}
		switch {
		case c == '\n':
			line++
			atLineStart = true
			addHead(' ')
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			addHead(' ')
			continue
		}
		atLineStart = false
		switch {
		case c == '/' && i+1 < n && src[i+1] == '/':
			for i+1 < n && src[i+1] != '\n' {
				i++
			}
		case c == '/' && i+1 < n && src[i+1] == '*':
			i += 2
			for i < n && !(src[i] == '*' && i+1 < n && src[i+1] == '/') {
				if src[i] == '\n' {
					line++
				}
				i++
			}
			i++
			addHead(' ')
		case c == '"' || c == '\'':
			i = skipLiteral(src, i, &line)
			addHead(c)
			addHead(c)
		case c == '{':
			if depth == 0 {
				if name, ok := functionName(head.String()); ok {
					start := headStart
					if start == 0 {
						start = line
					}
					open = &Func{Name: name, Start: start, BodyStart: line}
				}
				resetHead()
			}
			depth++
		case c == '}':
			if depth > 0 {
				depth--
			}
			if depth == 0 {
				if open != nil {
					open.End = line
					out = append(out, *open)
					open = nil
				}
				resetHead()
			}
		case c == ';':
			if depth == 0 {
				resetHead()
			}
		default:
			addHead(c)
		}
	}
	return out
}

// skipPreprocessor skips the directive starting at src[i] (with its
// backslash continuations and comments) and returns the index of its
// final newline (or the end).
func skipPreprocessor(src []byte, i int, line *int) int {
	n := len(src)
	for ; i < n; i++ {
		switch {
		case src[i] == '\\' && i+1 < n && src[i+1] == '\n':
			i++
			*line++
		case src[i] == '\\' && i+2 < n && src[i+1] == '\r' && src[i+2] == '\n':
			i += 2
			*line++
		case src[i] == '/' && i+1 < n && src[i+1] == '*':
			i += 2
			for i < n && !(src[i] == '*' && i+1 < n && src[i+1] == '/') {
				if src[i] == '\n' {
					*line++
				}
				i++
			}
			i++
		case src[i] == '\n':
			*line++
			return i
		}
	}
	return n
}

// skipLiteral skips a string or character literal starting at src[i] and
// returns the index of its closing quote (or of the newline or end that
// cut it short).
func skipLiteral(src []byte, i int, line *int) int {
	q := src[i]
	n := len(src)
	for i++; i < n; i++ {
		switch src[i] {
		case '\\':
			if i+1 < n && src[i+1] == '\n' {
				*line++
			}
			i++
		case q:
			return i
		case '\n':
			*line++
			return i
		}
	}
	return n
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
	args  []string // top-level comma-separated arguments, trimmed
	first bool     // the identifier is the first token of the declaration
}

// functionName decides whether a top-level declaration head introduces a
// function body and returns the function's name.
func functionName(head string) (string, bool) {
	head = strings.TrimSpace(head)
	if head == "" {
		return "", false
	}
	var groups []headGroup
	depth := 0
	lastIdent, identIsFirst, sawToken := "", false, false
	var argStart int
	var cur *headGroup
	for i := 0; i < len(head); i++ {
		c := head[i]
		switch {
		case isIdentByte(c):
			j := i
			for j < len(head) && isIdentByte(head[j]) {
				j++
			}
			if depth == 0 {
				lastIdent, identIsFirst = head[i:j], !sawToken
			}
			sawToken = true
			i = j - 1
			continue
		case c == ' ':
			continue
		case c == '(':
			if depth == 0 {
				if lastIdent != "" {
					groups = append(groups, headGroup{ident: lastIdent, first: identIsFirst})
					cur = &groups[len(groups)-1]
				} else {
					cur = nil
				}
				argStart = i + 1
			}
			depth++
		case c == ')':
			depth--
			if depth < 0 {
				return "", false
			}
			if depth == 0 && cur != nil {
				cur.args = append(cur.args, strings.TrimSpace(head[argStart:i]))
				cur = nil
			}
		case c == ',' && depth == 1 && cur != nil:
			cur.args = append(cur.args, strings.TrimSpace(head[argStart:i]))
			argStart = i + 1
		case c == '=' && depth == 0:
			return "", false
		case c == '[' && depth == 0:
			return "", false
		}
		if depth == 0 {
			lastIdent = ""
		}
		sawToken = true
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
			if len(g.args) > 0 && isIdent(g.args[0]) {
				if strings.HasPrefix(g.ident, "COMPAT_") {
					return "compat_sys_" + g.args[0], true
				}
				return "sys_" + g.args[0], true
			}
		}
		if laterLower(cands[k+1:]) {
			continue // an attribute-like macro such as SEC("...")
		}
		if len(g.args) > 0 && isIdent(g.args[0]) {
			return g.args[0], true
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
