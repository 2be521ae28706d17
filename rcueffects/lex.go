package rcueffects

// The index (ksrc/index) keeps calls and attributes, not the statements of
// a body; effect summaries need the statements themselves (which field a
// function decrements, which condition guards a call). This file is the
// small C tokenizer that reads one definition's text. It is hand-written
// because the index's own tokenizer is unexported and a full C parser does
// not cope with unpreprocessed kernel code (see ksrc/index's package doc).

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

var puncts3 = []string{"...", "<<=", ">>="}
var puncts2 = []string{"->", "++", "--", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "==", "!=", "<=", ">=", "&&", "||", "<<", ">>", "##"}

// Lex tokenizes C text whose first line is line. Comments are dropped,
// string and character literals become a String token, preprocessor
// directives (a '#' first on a line, with backslash continuations) are
// skipped, and a backslash-newline is whitespace. It never fails.
func Lex(src []byte, line int) []Token {
	var out []Token
	bol := true // at the beginning of a line (only whitespace so far)
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '\n':
			line++
			bol = true
			i++
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			i++
		case c == '\\' && i+1 < len(src) && (src[i+1] == '\n' || src[i+1] == '\r'):
			i++
		case c == '/' && i+1 < len(src) && src[i+1] == '/':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case c == '/' && i+1 < len(src) && src[i+1] == '*':
			i += 2
			for i < len(src) && !(src[i] == '*' && i+1 < len(src) && src[i+1] == '/') {
				if src[i] == '\n' {
					line++
				}
				i++
			}
			i += 2
		case c == '#' && bol:
			// Preprocessor directive: skip to the end of the logical line.
			for i < len(src) && src[i] != '\n' {
				if src[i] == '\\' && i+1 < len(src) && src[i+1] == '\n' {
					line++
					i++
				}
				i++
			}
		case c == '"' || c == '\'':
			start := line
			i++
			for i < len(src) && src[i] != c && src[i] != '\n' {
				if src[i] == '\\' && i+1 < len(src) {
					i++
				}
				i++
			}
			i++
			out = append(out, Token{Kind: String, Text: `""`, Line: start})
			bol = false
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			out = append(out, Token{Kind: Ident, Text: string(src[i:j]), Line: line})
			i = j
			bol = false
		case c >= '0' && c <= '9':
			j := i
			for j < len(src) && (isIdentChar(src[j]) || src[j] == '.') {
				j++
			}
			out = append(out, Token{Kind: Number, Text: string(src[i:j]), Line: line})
			i = j
			bol = false
		default:
			n := 1
			for _, p := range puncts3 {
				if hasAt(src, i, p) {
					n = 3
					break
				}
			}
			if n == 1 {
				for _, p := range puncts2 {
					if hasAt(src, i, p) {
						n = 2
						break
					}
				}
			}
			out = append(out, Token{Kind: Punct, Text: string(src[i : i+n]), Line: line})
			i += n
			bol = false
		}
	}
	return out
}

func hasAt(src []byte, i int, p string) bool {
	return i+len(p) <= len(src) && string(src[i:i+len(p)]) == p
}

func isIdentStart(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func isIdentChar(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}
