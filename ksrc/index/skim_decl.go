package index

// The skimmer's top level: declarations, declaring macro invocations
// and function declarators.

import (
	"strings"

	"github.com/rcureview/rcureview/cscan"
)

// notCallee lists keywords and operators that look like calls.
var notCallee = map[string]bool{
	"if": true, "while": true, "for": true, "switch": true, "return": true, "sizeof": true,
	"typeof": true, "__typeof__": true, "__typeof": true, "_Generic": true, "asm": true,
	"__asm__": true, "__asm": true, "volatile": true, "__volatile__": true, "alignof": true,
	"_Alignof": true, "__alignof__": true, "defined": true, "case": true, "do": true,
	"else": true, "goto": true, "__attribute__": true, "__attribute": true, "_Static_assert": true,
	"typeof_unqual": true, "__typeof_unqual__": true, "__extension__": true, "offsetof": true,
	"static_assert": true, "void": true, "int": true, "char": true, "long": true, "unsigned": true,
	"signed": true, "short": true, "bool": true, "_Bool": true, "struct": true, "union": true, "enum": true,
	"const": true, "__label__": true, "IS_ENABLED": true, "IS_BUILTIN": true, "IS_MODULE": true,
	"IS_REACHABLE": true,
}

// attrParenWords are function-like attribute macros that may follow or
// precede a declarator; they are never the function's name.
var attrParenWords = map[string]bool{
	"__attribute__": true, "__attribute": true, "__section": true, "__aligned": true, "__printf": true,
	"__scanf": true, "__alloc_size": true, "__diagnose_as": true, "__acquires": true, "__releases": true,
	"__must_hold": true, "__cond_acquires": true, "__cond_releases": true, "__counted_by": true,
	"__free": true, "__assume_aligned": true, "__cleanup": true, "__malloc": true, "__realloc_size": true,
	"__nonstring": true, "__designated_init": true, "__no_sanitize_address": true, "__alias": true,
	"__weak": true, "__copy": true, "__latent_entropy": true, "__no_randomize_layout": true,
	"__cond_lock": true, "__deprecated": true, "__visible": true, "__used": true,
}

// toplevel walks the file's tokens outside functions.
func (s *skimmer) toplevel() {
	toks := s.toks
	n := len(toks)
	i := 0
	for i < n {
		start := i
		depth := 0
		hasEq := false
		ended := false
		j := i
	decl:
		for ; j < n; j++ {
			t := toks[j]
			if t.Kind != cscan.Punct {
				continue
			}
			switch t.Text {
			case "(":
				depth++
			case ")":
				if depth > 0 {
					depth--
				}
				if depth == 0 && j+1 < n && toks[j+1].Col0 && toks[j+1].Kind == cscan.Ident {
					// a macro invocation without ';' (DEFINE_LOCK_GUARD_0(...))
					s.declEnd(start, j+1)
					j++
					ended = true
					break decl
				}
			case "=":
				if depth == 0 {
					hasEq = true
				}
			case ";":
				if depth == 0 {
					s.declEnd(start, j)
					j++
					ended = true
					break decl
				}
			case "}":
				if depth == 0 {
					// stray closing brace (unbalanced #if branches)
					start = j + 1
				}
			case "{":
				if depth != 0 {
					continue
				}
				if !hasEq {
					if fi, ok := s.funcHead(start, j); ok {
						end := s.body(fi, j)
						s.rcuSites(&s.ff.Funcs[len(s.ff.Funcs)-1], start, j, end)
						j = end + 1
						ended = true
						break decl
					}
				}
				j = orLast(s.toks, braces.forward(s.toks, j))
			}
		}
		if j >= n && !ended && start < n {
			s.declEnd(start, n) // a last declaration without ';'
		}
		if j <= i {
			j = i + 1
		}
		i = j
	}
}

// declEnd handles a top-level declaration toks[start:end] without a body:
// it records invocations of declaring macros.
func (s *skimmer) declEnd(start, end int) {
	if start >= end || start >= len(s.toks) {
		return
	}
	s.rcuDecl(start, end)
	t := s.toks[start]
	if t.Kind != cscan.Ident || !isInvocationMacro(t.Text) || start+1 >= end || s.toks[start+1].Text != "(" {
		return
	}
	inv := Invocation{Macro: t.Text, Line: t.Line, Cond: s.tcond[start]}
	guard := isGuardMacro(t.Text)
	argStart := start + 2
	depth := 0
	for k := start + 2; k < end; k++ {
		x := s.toks[k]
		if x.Kind == cscan.Punct {
			switch x.Text {
			case "(", "{", "[":
				depth++
				continue
			case ")", "}", "]":
				if depth > 0 {
					depth--
					continue
				}
			case ",":
				if depth > 0 {
					continue
				}
			default:
				continue
			}
			// argument ends at k (',' or the closing ')')
			s.addArg(&inv, argStart, k, guard)
			argStart = k + 1
			if x.Text == ")" {
				break
			}
		}
	}
	s.ff.Invocations = append(s.ff.Invocations, inv)
}

func (s *skimmer) addArg(inv *Invocation, a, b int, guard bool) {
	name := ""
	if b-a == 1 && s.toks[a].Kind == cscan.Ident {
		name = s.toks[a].Text
	}
	inv.Args = append(inv.Args, name)
	if !guard {
		return
	}
	var calls []Call
	for k := a; k+1 < b; k++ {
		t := s.toks[k]
		if t.Kind == cscan.Ident && s.toks[k+1].Text == "(" && !notCallee[t.Text] && !strings.HasPrefix(t.Text, "__builtin_") {
			if k > a && (s.toks[k-1].Text == "." || s.toks[k-1].Text == "->") {
				continue
			}
			calls = append(calls, Call{Name: t.Text, Line: t.Line, Cond: s.tcond[k]})
		}
	}
	inv.ArgCalls = append(inv.ArgCalls, calls)
}

func isInvocationMacro(name string) bool {
	if isGuardMacro(name) {
		return true
	}
	if strings.ToUpper(name) != name {
		return false
	}
	return strings.Contains(name, "TRACE") || strings.Contains(name, "EVENT")
}

func isGuardMacro(name string) bool {
	return strings.HasPrefix(name, "DEFINE_GUARD") || strings.HasPrefix(name, "DEFINE_LOCK_GUARD") ||
		strings.HasPrefix(name, "DEFINE_CLASS") || strings.HasPrefix(name, "EXTEND_CLASS")
}

type funcInfo struct {
	fn     Func
	params []string // parameter names (a few: searched in order)
}

// isParam reports whether name is one of the function's parameters.
func (fi *funcInfo) isParam(name string) bool {
	for _, p := range fi.params {
		if p == name {
			return true
		}
	}
	return false
}

// funcHead decides whether toks[start:brace] is a function declarator and
// returns its name, attributes and parameter names.
func (s *skimmer) funcHead(start, brace int) (*funcInfo, bool) {
	toks := s.toks
	k := brace - 1
	// skip trailing attribute groups: __acquires(x), __attribute__((...))
	for k > start {
		t := toks[k]
		if t.Kind == cscan.Ident && (attrWords[t.Text] != 0 || attrParenWords[t.Text]) {
			k--
			continue
		}
		if t.Text != ")" || t.Kind != cscan.Punct {
			return nil, false
		}
		open := parens.backward(toks, start, k)
		if open <= start {
			return nil, false
		}
		nameTok := toks[open-1]
		if nameTok.Kind == cscan.Ident && attrParenWords[nameTok.Text] {
			k = open - 2
			continue
		}
		if nameTok.Kind == cscan.Ident && nameTok.Text == "__attribute__" {
			k = open - 2
			continue
		}
		if nameTok.Kind != cscan.Ident || notCallee[nameTok.Text] {
			return nil, false
		}
		// one funcInfo per skimmer: body reads it before the next head
		fi := &s.fi
		*fi = funcInfo{params: fi.params[:0]}
		fi.fn.Name = nameTok.Text
		fi.fn.Line = nameTok.Line
		fi.fn.Start = toks[start].Line
		fi.fn.Cond = s.tcond[open-1]
		if strings.HasPrefix(nameTok.Text, "SYSCALL_DEFINE") || strings.HasPrefix(nameTok.Text, "COMPAT_SYSCALL_DEFINE") {
			if open+1 < k && toks[open+1].Kind == cscan.Ident {
				fi.fn.Name = "__do_sys_" + toks[open+1].Text
			}
		}
		if allCaps(fi.fn.Name) {
			return nil, false // a macro invocation that expands to a definition
		}
		for x := start; x < brace; x++ {
			if toks[x].Kind == cscan.Ident {
				fi.fn.Attrs |= attrWords[toks[x].Text]
			}
		}
		// parameter names: identifiers before ',' or ')' at depth 1, and (*name)
		d := 0
		for x := open; x <= k; x++ {
			t := toks[x]
			if t.Kind == cscan.Punct {
				switch t.Text {
				case "(":
					d++
				case ")":
					d--
				}
				continue
			}
			if t.Kind != cscan.Ident || x+1 > k {
				continue
			}
			nx := toks[x+1]
			if d == 1 && nx.Kind == cscan.Punct && (nx.Text == "," || nx.Text == ")" || nx.Text == "[") {
				fi.params = append(fi.params, t.Text)
			}
			if d == 2 && x > 0 && toks[x-1].Text == "*" && nx.Text == ")" {
				fi.params = append(fi.params, t.Text)
			}
		}
		return fi, true
	}
	return nil, false
}

// allCaps reports whether a name is spelled like a macro (FOO_BAR2).
func allCaps(s string) bool {
	letter := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z':
			return false
		case c >= 'A' && c <= 'Z':
			letter = true
		}
	}
	return letter
}
