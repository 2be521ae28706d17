package index

// The skimmer's function bodies: calls with their conditions
// (IS_ENABLED() branches, early returns), instrumentation regions and
// whether a block ends without falling through.

import (
	"strings"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/kernelnames"
)

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
	// calls and blocks are built in the skimmer's buffers; the function
	// keeps an exact copy of its calls
	fn.Calls = s.calls[:0]
	blocks := s.blocks[:0]
	defer func() { s.blocks = blocks[:0] }()
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
				closeIdx := orLast(toks, parens.forward(toks, k+1))
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
		case fi.isParam(t.Text):
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
	s.calls = fn.Calls[:0]
	fn.Calls = cloneCalls(fn.Calls)
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

// cloneCalls returns an exact copy of calls (nil for none).
func cloneCalls(calls []Call) []Call {
	if len(calls) == 0 {
		return nil
	}
	return append(make([]Call, 0, len(calls)), calls...)
}
