package index

// The skimmer's preprocessor side: #if/#elif/#else/#endif conditions
// (the condition set of every token), #include and #define (a macro's
// calls, alias and RCU sites).

import (
	"path"
	"strings"
	"unsafe"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/kernelnames"
)

type ppFrame struct {
	prev   []string // conditions of the earlier branches (to negate)
	cur    string   // this branch's condition, "" when not relevant
	active bool     // the frame contributes cur
}

// internCond returns the index of the condition set terms.
func (s *skimmer) internCond(terms []string) int32 {
	if len(terms) == 0 {
		return 0
	}
	key := strings.Join(terms, "\x00")
	if i, ok := s.condIdx[key]; ok {
		return i
	}
	i := int32(len(s.ff.Conds))
	s.ff.Conds = append(s.ff.Conds, append([]string(nil), terms...))
	s.condIdx[key] = i
	return i
}

// addTerms returns the set base ∪ extra.
func (s *skimmer) addTerms(base int32, extra []string) int32 {
	if len(extra) == 0 {
		return base
	}
	terms := append([]string(nil), s.ff.CondSet(base)...)
	for _, e := range extra {
		dup := false
		for _, t := range terms {
			if t == e {
				dup = true
				break
			}
		}
		if !dup {
			terms = append(terms, e)
		}
	}
	return s.internCond(terms)
}

func (s *skimmer) recomputePP() {
	var terms []string
	for _, f := range s.pp {
		for _, p := range f.prev {
			terms = append(terms, negateCond(p))
		}
		if f.active && f.cur != "" {
			terms = append(terms, f.cur)
		}
	}
	s.ppCond = s.internCond(terms)
}

func splitDirective(d string) (name, rest string) {
	d = strings.TrimLeft(d, " \t")
	i := 0
	for i < len(d) && cscan.IsIdentChar(d[i]) {
		i++
	}
	return d[:i], strings.TrimSpace(d[i:])
}

func ppCondOf(e string) string {
	if !relevantCond(e) {
		return ""
	}
	return normCond(e)
}

// directive follows a preprocessor line (text: the scanner's
// DirectiveText, valid during the call). A #define is read in place,
// without a copy of its text (most of a kernel header's directives): what
// define keeps of it is interned or built anew. The other directives,
// whose conditions keep parts of the text, read a copy.
func (s *skimmer) directive(text []byte, line int32) {
	if len(text) == 0 {
		return
	}
	name, rest := splitDirective(unsafe.String(&text[0], len(text)))
	if name == "define" {
		s.define(rest, line)
		return
	}
	rest = strings.ReplaceAll(strings.Clone(rest), "\n", " ")
	switch name {
	case "if":
		s.pp = append(s.pp, ppFrame{cur: ppCondOf(rest), active: true})
	case "ifdef":
		s.pp = append(s.pp, ppFrame{cur: ppCondOf(firstWord(rest)), active: true})
	case "ifndef":
		c := ppCondOf(firstWord(rest))
		if c != "" {
			c = negateCond(c)
		}
		s.pp = append(s.pp, ppFrame{cur: c, active: true})
	case "elif", "elifdef", "elifndef":
		if len(s.pp) == 0 {
			return
		}
		f := &s.pp[len(s.pp)-1]
		if f.cur != "" {
			f.prev = append(f.prev, f.cur)
		}
		switch name {
		case "elif":
			f.cur = ppCondOf(rest)
		case "elifdef":
			f.cur = ppCondOf(firstWord(rest))
		default:
			f.cur = ppCondOf(firstWord(rest))
			if f.cur != "" {
				f.cur = negateCond(f.cur)
			}
		}
	case "else":
		if len(s.pp) == 0 {
			return
		}
		f := &s.pp[len(s.pp)-1]
		if f.cur != "" {
			f.prev = append(f.prev, f.cur)
		}
		f.cur = ""
	case "endif":
		if len(s.pp) > 0 {
			s.pp = s.pp[:len(s.pp)-1]
		}
	case "include":
		s.include(rest, line)
		return
	default:
		return
	}
	s.recomputePP()
}

// include records a quoted #include, resolved against the file's
// directory; <…> includes name global headers, which need no record.
func (s *skimmer) include(rest string, line int32) {
	if len(rest) < 3 || rest[0] != '"' {
		return
	}
	end := strings.IndexByte(rest[1:], '"')
	if end <= 0 {
		return
	}
	p := path.Join(path.Dir(s.ff.Path), rest[1:1+end])
	if p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
		return
	}
	s.ff.Includes = append(s.ff.Includes, Include{Path: p, Line: line, Cond: s.ppCond})
}

func firstWord(s string) string {
	f := strings.Fields(s)
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// define records a #define: its name, whether it is function-like, a
// single-identifier alias, and the calls its body makes. text may be a
// view of the scanner's bytes (directive): nothing of it is kept without
// a copy.
func (s *skimmer) define(text string, line int32) {
	i := 0
	for i < len(text) && cscan.IsIdentChar(text[i]) {
		i++
	}
	if i == 0 || !cscan.IsIdentStart(text[0]) {
		return
	}
	// the name is interned only for a macro that is kept (most are
	// constants that are not)
	name := text[:i]
	m := Macro{Line: line, Cond: s.ppCond}
	body := text[i:]
	var params map[string]bool // a function-like macro's parameters (read only when nil)
	if strings.HasPrefix(body, "(") {
		m.FuncLike = true
		params = map[string]bool{}
		end := strings.IndexByte(body, ')')
		if end < 0 {
			end = len(body) // unterminated parameter list: no body
		}
		for _, p := range strings.Split(body[1:end], ",") {
			p = strings.TrimSpace(p)
			if p != "" {
				params[p] = true
			}
		}
		params["__VA_ARGS__"] = true
		if end < len(body) {
			body = body[end+1:]
		} else {
			body = ""
		}
	}
	rawBody := body
	body = strings.TrimSpace(body)
	if body != "" && cscan.IsIdentStart(body[0]) {
		j := 0
		for j < len(body) && cscan.IsIdentChar(body[j]) {
			j++
		}
		if j == len(body) {
			m.Alias = s.lx.InternString(body)
		}
	}
	if strings.IndexByte(body, '(') < 0 {
		if m.FuncLike || m.Alias != "" {
			m.Name = s.lx.InternString(name)
			s.ff.Macros = append(s.ff.Macros, m)
		}
		return
	}
	// the body scanner counts the continuation lines from 1; the body
	// starts on the line of the #define, after the name and parameters
	var bl cscan.Scanner
	// rawBody is read in place (the scanner never writes its source, and
	// nothing it returns is part of it: identifiers are interned)
	bl.Init(unsafe.Slice(unsafe.StringData(rawBody), len(rawBody)), 1+strings.Count(text[:len(text)-len(rawBody)], "\n"), cscan.MacroBody, s.intern)
	bt := s.bt[:0] // the body's tokens (the buffer is reused: nothing keeps them)
	for {
		t := bl.Scan()
		if t.Kind == cscan.EOF {
			break
		}
		bt = append(bt, t)
	}
	s.bt = bt
	for k := 0; k+1 < len(bt); k++ {
		t := bt[k]
		if t.Kind != cscan.Ident || bt[k+1].Text != "(" || bt[k+1].Kind != cscan.Punct {
			continue
		}
		if params[t.Text] || notCallee[t.Text] || strings.HasPrefix(t.Text, "__builtin_") {
			continue
		}
		if k > 0 && bt[k-1].Kind == cscan.Punct && (bt[k-1].Text == "##" || bt[k-1].Text == "." || bt[k-1].Text == "->" || bt[k-1].Text == "#") {
			continue
		}
		c := Call{Name: t.Text, Line: line + t.Line - 1, Cond: s.ppCond}
		switch {
		case staticCallWords[t.Text]:
			name, ok := identArg(bt, k+1)
			if !ok || params[name] || pasted(bt, k+2) {
				continue
			}
			c.Name, c.Kind = name, CallStatic
		case kernelnames.GuardMacros[t.Text]:
			name, ok := identArg(bt, k+1)
			if !ok || params[name] {
				continue
			}
			c.Name, c.Kind = name, CallGuard
		}
		m.Calls = append(m.Calls, c)
	}
	if !m.FuncLike && m.Alias == "" && len(m.Calls) == 0 {
		return // a constant: nothing to resolve through it
	}
	for _, c := range m.Calls {
		if isRCUName(c.Name) && !s.noRCU {
			m.RCU = s.rcuSitesIn(bt, 0, line-1, nil, params)
			break
		}
	}
	m.Name = s.lx.InternString(name)
	s.ff.Macros = append(s.ff.Macros, m)
}

// identArg returns the identifier right after the '(' at toks[open].
func identArg(toks []cscan.Token, open int) (string, bool) {
	if open+1 < len(toks) && toks[open+1].Kind == cscan.Ident {
		return toks[open+1].Text, true
	}
	return "", false
}

func pasted(toks []cscan.Token, i int) bool {
	return i+1 < len(toks) && toks[i+1].Text == "##" || i > 0 && toks[i-1].Text == "##"
}

var staticCallWords = map[string]bool{"static_call": true, "static_call_cond": true, "static_call_mod": true}
