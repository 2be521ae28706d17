package litmus

import (
	"fmt"
	"strings"
)

// token is one lexical token with its 1-based line.
type token struct {
	kind byte // 'i' identifier, 'n' number, 'p' punctuation, 0 end of input
	text string
	line int
}

// stripComments blanks out comments, keeping newlines so line numbers stay
// right. C comments (// and /* */) are recognised everywhere; herd's OCaml
// comments (* *) only outside process bodies, where "(*" cannot start a
// C expression such as READ_ONCE(*x).
func stripComments(src string) string {
	b := []byte(src)
	blank := func(from, to int) {
		for k := from; k < to && k < len(b); k++ {
			if b[k] != '\n' {
				b[k] = ' '
			}
		}
	}
	depth := 0      // brace depth
	bodyDepth := -1 // brace depth at which the current process body opened
	pendingBody := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case c == '/' && i+1 < len(b) && b[i+1] == '/':
			j := i
			for j < len(b) && b[j] != '\n' {
				j++
			}
			blank(i, j)
			i = j - 1
		case c == '/' && i+1 < len(b) && b[i+1] == '*':
			j := strings.Index(string(b[i+2:]), "*/")
			end := len(b)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			blank(i, end)
			i = end - 1
		case c == '(' && i+1 < len(b) && b[i+1] == '*' && bodyDepth < 0:
			j := strings.Index(string(b[i+2:]), "*)")
			end := len(b)
			if j >= 0 {
				end = i + 2 + j + 2
			}
			blank(i, end)
			i = end - 1
		case c == 'P' && bodyDepth < 0 && depth == 0 && (i == 0 || !isIdent(b[i-1])):
			j := i + 1
			for j < len(b) && b[j] >= '0' && b[j] <= '9' {
				j++
			}
			if j > i+1 && (j == len(b) || !isIdent(b[j])) {
				pendingBody = true
			}
		case c == '{':
			if pendingBody {
				bodyDepth = depth
				pendingBody = false
			}
			depth++
		case c == '}':
			depth--
			if depth == bodyDepth {
				bodyDepth = -1
			}
		}
	}
	return string(b)
}

func isIdent(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// puncts are the multi-character punctuators, longest first.
var puncts = []string{"/\\", "\\/", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "->", "++", "--", "+=", "-="}

// lex splits comment-free text into tokens.
func lex(src string, line int) ([]token, error) {
	var toks []token
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case isIdent(c) && !(c >= '0' && c <= '9'):
			j := i
			for j < len(src) && isIdent(src[j]) {
				j++
			}
			toks = append(toks, token{'i', src[i:j], line})
			i = j
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdent(src[j])) {
				j++
			}
			toks = append(toks, token{'n', src[i:j], line})
			i = j
		default:
			t := string(c)
			for _, p := range puncts {
				if strings.HasPrefix(src[i:], p) {
					t = p
					break
				}
			}
			if !strings.ContainsAny(t[:1], "{}()[];,=*&!~+-/\\<>|^%:.?\"#'") {
				return nil, fmt.Errorf("line %d: unexpected character %q", line, c)
			}
			toks = append(toks, token{'p', t, line})
			i += len(t)
		}
	}
	toks = append(toks, token{0, "", line})
	return toks, nil
}
