package index

// The lexer is hand-written: kernel C is read unpreprocessed, so no C
// parser library applies directly (tree-sitter parses it, see doc.go for
// the measurement), and the skimmer needs only identifiers, punctuation,
// line numbers and preprocessor directives.

type tokKind uint8

const (
	tEOF tokKind = iota
	tIdent
	tNumber
	tString
	tChar
	tPunct
	tDirective // a whole preprocessor line, continuation lines joined
)

type token struct {
	kind  tokKind
	text  string // identifier / punct text / directive text (without '#')
	line  int32
	col0  bool // first token of its line and in column 0
	first bool // first token of its line
}

// lexer yields tokens of C source with comments removed.
type lexer struct {
	src       []byte
	pos       int
	line      int32
	lineStart bool // nothing but whitespace seen on this line yet
	col0      bool
	intern    map[string]string
	// macroBody: the source is a #define's body, whose lines are its
	// continuation lines: a '#' there is stringizing, never a directive.
	macroBody bool
}

func newLexer(src []byte, intern map[string]string) *lexer {
	return &lexer{src: src, line: 1, lineStart: true, col0: true, intern: intern}
}

func (l *lexer) str(b []byte) string {
	if s, ok := l.intern[string(b)]; ok {
		return s
	}
	s := string(b)
	l.intern[s] = s
	return s
}

func isIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

func isIdentChar(c byte) bool { return isIdentStart(c) || c >= '0' && c <= '9' }

// next returns the next token.
func (l *lexer) next() token {
	src := l.src
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\n':
			l.pos++
			l.line++
			l.lineStart, l.col0 = true, true
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			l.pos++
			l.col0 = false
			continue
		case c == '\\' && l.pos+1 < len(src) && (src[l.pos+1] == '\n' || src[l.pos+1] == '\r'):
			l.pos++
			l.col0 = false
			continue
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '/':
			for l.pos < len(src) && src[l.pos] != '\n' {
				l.pos++
			}
			continue
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*':
			l.skipBlockComment()
			l.col0 = false
			continue
		}
		first, col0 := l.lineStart, l.col0
		l.lineStart, l.col0 = false, false
		t := token{line: l.line, first: first, col0: col0}
		start := l.pos
		switch {
		case c == '#' && first && !l.macroBody:
			t.kind = tDirective
			t.text = l.directive()
			return t
		case isIdentStart(c):
			for l.pos < len(src) && isIdentChar(src[l.pos]) {
				l.pos++
			}
			t.kind = tIdent
			t.text = l.str(src[start:l.pos])
			return t
		case c >= '0' && c <= '9' || c == '.' && l.pos+1 < len(src) && src[l.pos+1] >= '0' && src[l.pos+1] <= '9':
			for l.pos < len(src) && (isIdentChar(src[l.pos]) || src[l.pos] == '.' ||
				(src[l.pos] == '+' || src[l.pos] == '-') && (src[l.pos-1]|0x20) == 'e') {
				l.pos++
			}
			t.kind = tNumber
			return t
		case c == '"' || c == '\'':
			l.quoted(c)
			if c == '"' {
				t.kind = tString
			} else {
				t.kind = tChar
			}
			return t
		}
		t.kind = tPunct
		t.text = l.punct()
		return t
	}
	return token{kind: tEOF, line: l.line}
}

func (l *lexer) skipBlockComment() {
	src := l.src
	l.pos += 2
	for l.pos < len(src) {
		if src[l.pos] == '\n' {
			l.line++
		} else if src[l.pos] == '*' && l.pos+1 < len(src) && src[l.pos+1] == '/' {
			l.pos += 2
			return
		}
		l.pos++
	}
}

// quoted skips a string or character literal; an unterminated one ends at
// the end of the line.
func (l *lexer) quoted(q byte) {
	src := l.src
	l.pos++
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\\' && l.pos+1 < len(src):
			if src[l.pos+1] == '\n' {
				l.line++
			}
			l.pos += 2
			continue
		case c == q:
			l.pos++
			return
		case c == '\n':
			return
		}
		l.pos++
	}
}

// punct reads one punctuator. Only the multi-character ones the skimmer
// looks at are joined ("->", "##", "&&", "||", "...", "=="); the others
// come out one byte at a time.
func (l *lexer) punct() string {
	src := l.src
	c := src[l.pos]
	var n byte
	if l.pos+1 < len(src) {
		n = src[l.pos+1]
	}
	switch {
	case c == '-' && n == '>':
		l.pos += 2
		return "->"
	case c == '#' && n == '#':
		l.pos += 2
		return "##"
	case c == '&' && n == '&':
		l.pos += 2
		return "&&"
	case c == '|' && n == '|':
		l.pos += 2
		return "||"
	case c == '=' && n == '=':
		l.pos += 2
		return "=="
	case (c == '!' || c == '<' || c == '>' || c == '+' || c == '-' || c == '*' || c == '/' ||
		c == '%' || c == '&' || c == '|' || c == '^') && n == '=':
		l.pos += 2
		return punctEqStrings[c]
	case c == '.' && n == '.' && l.pos+2 < len(src) && src[l.pos+2] == '.':
		l.pos += 3
		return "..."
	}
	l.pos++
	return punctStrings[c]
}

var punctEqStrings = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = string(rune(i)) + "="
	}
	return t
}()

var punctStrings = func() [256]string {
	var t [256]string
	for i := range t {
		t[i] = string(rune(i))
	}
	return t
}()

// directive reads a preprocessor line from '#' to the end of the logical
// line (continuation lines joined with a newline, so that a #define's
// body keeps its line numbers; comments removed, a comment spanning lines
// leaves its newlines) and returns it without the '#'. The newline is left
// for next().
func (l *lexer) directive() string {
	src := l.src
	l.pos++ // '#'
	// fast path: a line without continuation, comment or literal
	if nl := indexByteFrom(src, l.pos, '\n'); nl >= 0 {
		line := src[l.pos:nl]
		simple := true
		for _, c := range line {
			if c == '\\' || c == '/' || c == '"' || c == '\'' {
				simple = false
				break
			}
		}
		if simple {
			l.pos = nl
			return string(line)
		}
	}
	buf := make([]byte, 0, 64)
	for l.pos < len(src) {
		c := src[l.pos]
		switch {
		case c == '\n':
			return string(buf)
		case c == '\\' && l.pos+1 < len(src) && src[l.pos+1] == '\n':
			l.pos += 2
			l.line++
			buf = append(buf, '\n')
			continue
		case c == '\\' && l.pos+2 < len(src) && src[l.pos+1] == '\r' && src[l.pos+2] == '\n':
			l.pos += 3
			l.line++
			buf = append(buf, '\n')
			continue
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '*':
			before := l.line
			l.skipBlockComment()
			buf = append(buf, ' ')
			for ; before < l.line; before++ {
				buf = append(buf, '\n')
			}
			continue
		case c == '/' && l.pos+1 < len(src) && src[l.pos+1] == '/':
			for l.pos < len(src) && src[l.pos] != '\n' {
				l.pos++
			}
			continue
		case c == '"' || c == '\'':
			s := l.pos
			l.quoted(c)
			buf = append(buf, src[s:l.pos]...)
			continue
		}
		buf = append(buf, c)
		l.pos++
	}
	return string(buf)
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}
