package index

import (
	"fmt"
	"path"
	"strings"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/kernelnames"
)

// SkimC extracts the facts of one C source or header file. It never fails:
// text that does not look like C yields fewer facts, not an error, and
// unbalanced braces or parentheses are recovered at the next column-0
// closing brace. path is stored in the result and used for nothing else.
func SkimC(path string, src []byte) *FileFacts {
	return new(Skimmer).SkimC(path, src)
}

// Skimmer skims many files, reusing its buffers and sharing the strings
// of identifiers between them. The zero value is ready; it is not safe
// for concurrent use.
type Skimmer struct {
	intern map[string]string
	toks   []cscan.Token
	tcond  []int32
	noRCU  bool // skip the RCU facts (the benchmark of their cost)
}

// SkimC is SkimC with the skimmer's buffers.
func (k *Skimmer) SkimC(path string, src []byte) *FileFacts {
	if k.intern == nil || len(k.intern) > 1<<20 {
		// Sized for the file at hand: a skimmer made for one small
		// fragment (a patch's hunks) must not allocate for a tree.
		k.intern = make(map[string]string, min(1<<14, len(src)/16+16))
	}
	s := newSkimmer(path, src, k.intern)
	s.noRCU = k.noRCU
	s.toks, s.tcond = k.toks[:0], k.tcond[:0]
	s.run()
	k.toks, k.tcond = s.toks, s.tcond
	return s.ff
}

type ppFrame struct {
	prev   []string // conditions of the earlier branches (to negate)
	cur    string   // this branch's condition, "" when not relevant
	active bool     // the frame contributes cur
}

type skimmer struct {
	ff      *FileFacts
	lx      cscan.Scanner
	intern  map[string]string // identifier strings, shared with the macro-body scanners
	toks    []cscan.Token
	tcond   []int32 // per token: preprocessor condition set
	pp      []ppFrame
	ppCond  int32 // current preprocessor condition set
	condIdx map[string]int32
	// rcuState collects what the RCU sites of the file need (rcu.go).
	rcuState *rcuScan
	noRCU    bool
}

func newSkimmer(path string, src []byte, intern map[string]string) *skimmer {
	if intern == nil {
		intern = map[string]string{}
	}
	s := &skimmer{
		ff:      &FileFacts{Path: path, Conds: [][]string{nil}},
		condIdx: map[string]int32{"": 0},
		intern:  intern,
	}
	s.lx.Init(src, 1, 0, intern)
	return s
}

func (s *skimmer) run() {
	for {
		t := s.lx.Scan()
		if t.Kind == cscan.EOF {
			break
		}
		if t.Kind == cscan.Directive {
			s.directive(t)
			continue
		}
		s.toks = append(s.toks, t)
		s.tcond = append(s.tcond, s.ppCond)
	}
	s.toplevel()
	s.rcuFinish()
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

func (s *skimmer) directive(t cscan.Token) {
	name, rest := splitDirective(t.Text)
	if name != "define" {
		rest = strings.ReplaceAll(rest, "\n", " ")
	}
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
	case "define":
		s.define(rest, t.Line)
		return
	case "include":
		s.include(rest, t.Line)
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
// single-identifier alias, and the calls its body makes.
func (s *skimmer) define(text string, line int32) {
	i := 0
	for i < len(text) && cscan.IsIdentChar(text[i]) {
		i++
	}
	if i == 0 || !cscan.IsIdentStart(text[0]) {
		return
	}
	m := Macro{Name: s.lx.Intern([]byte(text[:i])), Line: line, Cond: s.ppCond}
	body := text[i:]
	params := map[string]bool{}
	if strings.HasPrefix(body, "(") {
		m.FuncLike = true
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
			m.Alias = s.lx.Intern([]byte(body))
		}
	}
	if strings.IndexByte(body, '(') < 0 {
		if m.FuncLike || m.Alias != "" {
			s.ff.Macros = append(s.ff.Macros, m)
		}
		return
	}
	// the body scanner counts the continuation lines from 1; the body
	// starts on the line of the #define, after the name and parameters
	var bl cscan.Scanner
	bl.Init([]byte(rawBody), 1+strings.Count(text[:len(text)-len(rawBody)], "\n"), cscan.MacroBody, s.intern)
	var bt []cscan.Token
	for {
		t := bl.Scan()
		if t.Kind == cscan.EOF {
			break
		}
		bt = append(bt, t)
	}
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

var staticCallWords = map[string]bool{"static_call": true, "static_call_cond": true, "static_call_mod": true}

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
				j = s.matchBrace(j)
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

// matchBrace returns the index of the '}' closing toks[open], recovering at
// a column-0 '}' or, failing that, the end of input.
func (s *skimmer) matchBrace(open int) int {
	d := 0
	for k := open; k < len(s.toks); k++ {
		t := s.toks[k]
		if t.Kind != cscan.Punct {
			continue
		}
		switch t.Text {
		case "{":
			d++
		case "}":
			d--
			if d == 0 || t.Col0 {
				return k
			}
		}
	}
	return len(s.toks) - 1
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
	params map[string]bool
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
		open := s.matchParenBack(start, k)
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
		fi := &funcInfo{params: map[string]bool{}}
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
				fi.params[t.Text] = true
			}
			if d == 2 && x > 0 && toks[x-1].Text == "*" && nx.Text == ")" {
				fi.params[t.Text] = true
			}
		}
		return fi, true
	}
	return nil, false
}

func (s *skimmer) matchParenBack(start, close int) int {
	d := 0
	for k := close; k >= start; k-- {
		t := s.toks[k]
		if t.Kind != cscan.Punct {
			continue
		}
		switch t.Text {
		case ")":
			d++
		case "(":
			d--
			if d == 0 {
				return k
			}
		}
	}
	return -1
}

// blockState is one open brace in a function body.
type blockState struct {
	instr    int  // instrumentation depth at entry
	terms    int  // length of the body-condition stack at entry
	returned bool // a return/goto was seen directly in this block
	ifTerms  []string
}

// body parses a function body starting at toks[open] ('{') and records the
// function. It returns the index of the closing brace.
func (s *skimmer) body(fi *funcInfo, open int) int {
	toks := s.toks
	fn := fi.fn
	var blocks []blockState
	var terms []string // body conditions (IS_ENABLED(), early returns)
	// pending: conditions of an if whose statement is not a block; they
	// apply up to the next ';' at stmtDepth.
	var pending []string
	pendingParen := -1
	instr := 0
	sawBegin := false
	lastWasReturn := false
	var lastIf []string // conditions of the if statement just closed
	end := len(toks) - 1
	paren := 0
	early, earlyAfter := "", 0
	// chains tracks an if/else-if/else chain per block depth: every
	// branch starts at the depth the if statement started with, and the
	// chain ends at the depth its falling-through branches end with.
	type branchChain struct {
		end   int
		falls bool
	}
	chains := map[int]*branchChain{}
	for k := open; k < len(toks); k++ {
		t := toks[k]
		if early != "" && k > earlyAfter && t.Text == ";" {
			// the statement after "if (cond) return" ends: cond is false below
			terms = append(terms, early)
			early = ""
		}
		if t.Kind == cscan.Punct {
			switch t.Text {
			case "(":
				paren++
			case ")":
				if paren > 0 {
					paren--
				}
			case "{":
				b := blockState{instr: instr, terms: len(terms)}
				if pending != nil && pendingParen == paren {
					terms = append(terms, pending...)
					pending = nil
				}
				blocks = append(blocks, b)
				lastWasReturn = false
				continue
			case "}":
				if len(blocks) == 0 {
					end = k
					goto done
				}
				b := blocks[len(blocks)-1]
				blocks = blocks[:len(blocks)-1]
				ifTerms := terms[b.terms:]
				lastIf = append([]string(nil), ifTerms...)
				terms = terms[:b.terms]
				falls := !(b.returned || lastWasReturn)
				if !falls {
					instr = b.instr
				}
				lastWasReturn = false
				if len(blocks) == 0 || t.Col0 {
					end = k
					goto done
				}
				hasElse := k+1 < len(toks) && toks[k+1].Text == "else"
				if ch := chains[len(blocks)]; ch != nil || hasElse {
					if ch == nil {
						ch = &branchChain{}
						chains[len(blocks)] = ch
					}
					if falls && !ch.falls {
						ch.end, ch.falls = instr, true
					}
					if hasElse {
						instr = b.instr
					} else {
						if !falls && ch.falls {
							instr = ch.end
						}
						delete(chains, len(blocks))
					}
				}
				if k+1 < len(toks) && toks[k+1].Text == "else" {
					neg := negateAll(lastIf)
					if k+2 < len(toks) && toks[k+2].Text == "{" {
						pending, pendingParen = neg, paren
					} else if len(neg) > 0 {
						pending, pendingParen = neg, paren
					}
				}
				continue
			case ";":
				if pendingParen == paren && pending != nil {
					pending = nil
				}
				continue
			}
			continue
		}
		if t.Kind != cscan.Ident {
			continue
		}
		lastWasReturn = false
		switch t.Text {
		case "else":
			// an else whose statement is not a block or an if ends the chain
			if k+1 < len(toks) && toks[k+1].Text != "{" && toks[k+1].Text != "if" {
				delete(chains, len(blocks))
			}
			continue
		case "return", "goto":
			if len(blocks) > 0 {
				blocks[len(blocks)-1].returned = true
			}
			if t.Text == "return" {
				if sawBegin && instr > 0 {
					fn.Unbalanced = append(fn.Unbalanced, Mark{t.Line, "return with instrumentation enabled"})
				}
				// a return that ends a block restores the depth at its '}'
				if s.endsBlock(k) {
					lastWasReturn = true
				}
			}
			continue
		case "if":
			if k+1 < len(toks) && toks[k+1].Text == "(" {
				closeIdx := s.matchParen(k + 1)
				conds := s.ifConds(k+2, closeIdx)
				// early exit: if (!IS_ENABLED(X)) return; → X holds below
				if closeIdx+1 < len(toks) && toks[closeIdx+1].Text == "return" && len(conds) == 1 {
					early, earlyAfter = negateCond(conds[0]), closeIdx
				} else if len(conds) > 0 {
					pending, pendingParen = conds, paren
				}
				// scan the condition's own calls normally
			}
			continue
		}
		if k+1 >= len(toks) || toks[k+1].Text != "(" || toks[k+1].Kind != cscan.Punct {
			continue
		}
		if notCallee[t.Text] || strings.HasPrefix(t.Text, "__builtin_") {
			continue
		}
		var all []string
		all = append(all, terms...)
		if pending != nil {
			all = append(all, pending...)
		}
		c := Call{Name: t.Text, Line: t.Line, Cond: s.addTerms(s.tcond[k], all), Instr: clampInstr(instr)}
		prev := cscan.Token{}
		if k > 0 {
			prev = toks[k-1]
		}
		switch {
		case prev.Kind == cscan.Punct && (prev.Text == "." || prev.Text == "->"):
			c.Kind = CallMember
		case prev.Kind == cscan.Punct && prev.Text == "*" && k >= 2 && toks[k-2].Text == "(" &&
			k+2 < len(toks) && toks[k+1].Text == ")" && toks[k+2].Text == "(" &&
			!(k >= 3 && toks[k-3].Kind == cscan.Ident):
			c.Kind = CallPointer
		case staticCallWords[t.Text]:
			name, ok := identArg(toks, k+1)
			if !ok {
				continue
			}
			c.Name, c.Kind = name, CallStatic
		case kernelnames.GuardMacros[t.Text]:
			name, ok := identArg(toks, k+1)
			if !ok {
				continue
			}
			c.Name, c.Kind = name, CallGuard
		case fi.params[t.Text]:
			c.Kind = CallPointer
		}
		if c.Kind == CallPointer && prev.Text == "*" {
			// (*fp)(args): the identifier is followed by ')' not '('
			c.Name = t.Text
		}
		fn.Calls = append(fn.Calls, c)
		if kernelnames.NoReturn[t.Text] && s.endsBlock(k) {
			lastWasReturn = true // nothing after it runs: like a return, without its check
		}
		switch t.Text {
		case "instrumentation_begin":
			instr++
			sawBegin = true
		case "instrumentation_end":
			instr--
			if instr < 0 {
				fn.Unbalanced = append(fn.Unbalanced, Mark{t.Line, "instrumentation_end() without instrumentation_begin()"})
				instr = 0
			}
		}
	}
done:
	if sawBegin && instr > 0 && !lastWasReturn {
		fn.Unbalanced = append(fn.Unbalanced, Mark{toks[end].Line, "end of function with instrumentation enabled"})
	}
	fn.End = toks[end].Line
	s.ff.Funcs = append(s.ff.Funcs, fn)
	return end
}

// endsBlock reports whether the statement starting at toks[k] is the last
// one of its block (followed by '}').
func (s *skimmer) endsBlock(k int) bool {
	d := 0
	for x := k; x < len(s.toks); x++ {
		t := s.toks[x]
		if t.Kind != cscan.Punct {
			continue
		}
		switch t.Text {
		case "(", "[", "{":
			d++
		case ")", "]", "}":
			d--
		case ";":
			if d == 0 {
				return x+1 < len(s.toks) && s.toks[x+1].Text == "}"
			}
		}
		if d < 0 {
			return false
		}
	}
	return false
}

func clampInstr(n int) int8 {
	if n > 100 {
		return 100
	}
	return int8(n)
}

func negateAll(terms []string) []string {
	if len(terms) != 1 {
		return nil
	}
	return []string{negateCond(terms[0])}
}

func (s *skimmer) matchParen(open int) int {
	d := 0
	for k := open; k < len(s.toks); k++ {
		t := s.toks[k]
		if t.Kind != cscan.Punct {
			continue
		}
		switch t.Text {
		case "(":
			d++
		case ")":
			d--
			if d == 0 {
				return k
			}
		case "{", "}", ";":
			if t.Col0 {
				return k
			}
		}
	}
	return len(s.toks) - 1
}

// ifConds extracts the configuration and NMI conditions of an if: the
// conjuncts IS_ENABLED(CONFIG_X), !IS_ENABLED(CONFIG_X), IS_BUILTIN,
// IS_REACHABLE and in_nmi(). A condition with a top-level || gives none.
func (s *skimmer) ifConds(a, b int) []string {
	toks := s.toks
	var out []string
	d := 0
	for k := a; k < b; k++ {
		if toks[k].Text == "(" {
			d++
		} else if toks[k].Text == ")" {
			d--
		} else if d == 0 && toks[k].Text == "||" {
			return nil
		}
	}
	for k := a; k < b; k++ {
		t := toks[k]
		if t.Kind != cscan.Ident {
			continue
		}
		neg := k > a && toks[k-1].Text == "!"
		var c string
		switch t.Text {
		case "IS_ENABLED", "IS_BUILTIN", "IS_REACHABLE":
			if k+3 < len(toks) && toks[k+1].Text == "(" && isConfigName(toks[k+2].Text) && toks[k+3].Text == ")" {
				c = toks[k+2].Text
			}
		case "in_nmi":
			if k+2 < len(toks) && toks[k+1].Text == "(" && toks[k+2].Text == ")" {
				c = "in_nmi()"
			}
		}
		if c == "" {
			continue
		}
		if neg {
			c = negateCond(c)
		}
		out = append(out, c)
	}
	return out
}

// String summarises the facts (for debugging and tests).
func (f *FileFacts) String() string {
	return fmt.Sprintf("%s: %d functions, %d macros, %d invocations", f.Path, len(f.Funcs), len(f.Macros), len(f.Invocations))
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
