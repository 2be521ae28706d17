// Package cscan is rcureview's one C tokenizer, shaped like go/scanner: a
// Scanner is initialised with a source and a mode and yields one Token at
// a time, each with its byte span and line. Kernel C is read
// unpreprocessed (no C parser library copes with it without a
// preprocessor; see ksrc/index's package doc), so a preprocessor line is
// one Directive token, comments are skipped or kept as Comment tokens, and
// the scanner never fails: text that is not C yields punctuation tokens.
//
// The index skimmer (ksrc/index), the effect summaries (rcueffects) and the
// diff's enclosing-function finder (diffparse) read C through it.
//
// Between two tokens there is only blank space: whitespace, a backslash
// that continues a line and, unless ScanComments is set, comments. The
// spans of the tokens and that space concatenate back to the source.
package cscan

import "strings"

// Kind is the class of a token.
type Kind uint8

// Token kinds.
const (
	EOF       Kind = iota
	Ident          // identifier or keyword
	Number         // preprocessing number (123, 0x1f, 1e+5, .5)
	String         // string literal
	Char           // character literal
	Punct          // operator or punctuator (the longest C punctuator, else one byte)
	Directive      // a whole preprocessor line, continuation lines joined
	Comment        // a comment (only with ScanComments)
)

var kindNames = [...]string{"EOF", "Ident", "Number", "String", "Char", "Punct", "Directive", "Comment"}

// String names the kind.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind?"
}

// Token is one token of C source.
type Token struct {
	Kind Kind
	// First: the token is the first of its line (only blank space and
	// comments before it); Col0: and it starts in column 0.
	First, Col0 bool
	Line        int32 // line the token starts on
	Off, End    int32 // byte span in the source: src[Off:End]
	// Text is the identifier or punctuator; for a Directive the line
	// without its '#', continuation lines joined with a newline each (so a
	// #define's body keeps its line numbers) and comments replaced by a
	// blank (and the newlines they span). Empty for the other kinds: their
	// text is src[Off:End].
	Text string
}

// Mode controls what the scanner returns.
type Mode uint8

// Modes.
const (
	// ScanComments returns comments as Comment tokens instead of skipping them.
	ScanComments Mode = 1 << iota
	// MacroBody scans a #define's body, whose lines are its continuation
	// lines: a '#' there is stringizing, never a directive.
	MacroBody
	// DirectiveBytes leaves a Directive token's Text empty: DirectiveText
	// returns it instead, without allocating (for a reader that keeps
	// little of most directives).
	DirectiveBytes
)

// Scanner tokenizes C source. Initialise it with Init; the zero value is
// not ready.
type Scanner struct {
	src       []byte
	mode      Mode
	pos       int
	line      int32
	lineStart bool // nothing but blank space and comments seen on this line yet
	col0      bool // nothing at all seen on this line yet
	intern    *Interner
	dtext     []byte // the last directive's text (DirectiveBytes)
	dbuf      []byte // storage for a directive's text that is not a slice of src
}

// Init prepares s to scan src, whose first line is line. Identifiers share
// their strings through intern when it is not nil (share it between the
// scanners of many files, one goroutine at a time).
func (s *Scanner) Init(src []byte, line int, mode Mode, intern *Interner) {
	*s = Scanner{src: src, mode: mode, line: int32(line), lineStart: true, col0: true, intern: intern, dbuf: s.dbuf[:0]}
}

// DirectiveText returns the Text of the last Directive token (in mode
// DirectiveBytes, where the token's Text is empty). The bytes are part of
// the source or of the scanner's buffer: valid until the next Scan or
// Init, and not to be written.
func (s *Scanner) DirectiveText() []byte { return s.dtext }

// Intern returns b as a string, shared through the scanner's interner.
func (s *Scanner) Intern(b []byte) string {
	if s.intern == nil {
		return string(b)
	}
	return s.intern.Bytes(b)
}

// InternString is Intern of a string (copied when not already held).
func (s *Scanner) InternString(str string) string {
	if s.intern == nil {
		return strings.Clone(str)
	}
	return s.intern.String(str)
}

// IsIdentStart reports whether c starts an identifier ('$' included, as GCC allows).
func IsIdentStart(c byte) bool {
	return c == '_' || c == '$' || (c|0x20) >= 'a' && (c|0x20) <= 'z'
}

// IsIdentChar reports whether c continues an identifier.
func IsIdentChar(c byte) bool { return IsIdentStart(c) || c >= '0' && c <= '9' }

// Scan returns the next token; at the end it returns an EOF token (again
// on every later call).
func (s *Scanner) Scan() Token {
	src := s.src
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\n':
			s.pos++
			s.line++
			s.lineStart, s.col0 = true, true
			continue
		case c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			s.pos++
			s.col0 = false
			continue
		case c == '\\' && s.pos+1 < len(src) && (src[s.pos+1] == '\n' || src[s.pos+1] == '\r'):
			s.pos++
			s.col0 = false
			continue
		case c == '/' && s.pos+1 < len(src) && src[s.pos+1] == '/':
			t := Token{Kind: Comment, Line: s.line, Off: int32(s.pos), First: s.lineStart, Col0: s.col0}
			for s.pos < len(src) && src[s.pos] != '\n' {
				s.pos++
			}
			if s.mode&ScanComments != 0 {
				t.End = int32(s.pos)
				return t
			}
			continue
		case c == '/' && s.pos+1 < len(src) && src[s.pos+1] == '*':
			t := Token{Kind: Comment, Line: s.line, Off: int32(s.pos), First: s.lineStart, Col0: s.col0}
			s.skipBlockComment()
			s.col0 = false
			if s.mode&ScanComments != 0 {
				t.End = int32(s.pos)
				return t
			}
			continue
		}
		t := Token{Line: s.line, First: s.lineStart, Col0: s.col0, Off: int32(s.pos)}
		s.lineStart, s.col0 = false, false
		start := s.pos
		switch {
		case c == '#' && t.First && s.mode&MacroBody == 0:
			t.Kind = Directive
			s.dtext = s.directive()
			if s.mode&DirectiveBytes == 0 {
				t.Text = string(s.dtext)
			}
		case IsIdentStart(c):
			for s.pos < len(src) && IsIdentChar(src[s.pos]) {
				s.pos++
			}
			t.Kind = Ident
			t.Text = s.Intern(src[start:s.pos])
		case c >= '0' && c <= '9' || c == '.' && s.pos+1 < len(src) && src[s.pos+1] >= '0' && src[s.pos+1] <= '9':
			s.pos++
			for s.pos < len(src) && (IsIdentChar(src[s.pos]) || src[s.pos] == '.' ||
				(src[s.pos] == '+' || src[s.pos] == '-') && (src[s.pos-1]|0x20) == 'e') {
				s.pos++
			}
			t.Kind = Number
		case c == '"' || c == '\'':
			s.quoted(c)
			if c == '"' {
				t.Kind = String
			} else {
				t.Kind = Char
			}
		default:
			t.Kind = Punct
			t.Text = s.punct()
		}
		t.End = int32(s.pos)
		return t
	}
	return Token{Kind: EOF, Line: s.line, Off: int32(len(src)), End: int32(len(src))}
}

func (s *Scanner) skipBlockComment() {
	src := s.src
	s.pos += 2
	for s.pos < len(src) {
		if src[s.pos] == '\n' {
			s.line++
		} else if src[s.pos] == '*' && s.pos+1 < len(src) && src[s.pos+1] == '/' {
			s.pos += 2
			return
		}
		s.pos++
	}
}

// quoted skips a string or character literal; an unterminated one ends at
// the end of the line.
func (s *Scanner) quoted(q byte) {
	src := s.src
	s.pos++
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\\' && s.pos+1 < len(src):
			if src[s.pos+1] == '\n' {
				s.line++
			}
			s.pos += 2
			continue
		case c == q:
			s.pos++
			return
		case c == '\n':
			return
		}
		s.pos++
	}
}

// punct reads the longest C punctuator at the scanner's position (digraphs
// aside), else one byte.
func (s *Scanner) punct() string {
	src := s.src
	c := src[s.pos]
	var n, n2 byte
	if s.pos+1 < len(src) {
		n = src[s.pos+1]
	}
	if s.pos+2 < len(src) {
		n2 = src[s.pos+2]
	}
	switch {
	case c == '.' && n == '.' && n2 == '.':
		s.pos += 3
		return "..."
	case (c == '<' || c == '>') && n == c && n2 == '=':
		s.pos += 3
		if c == '<' {
			return "<<="
		}
		return ">>="
	}
	if p := punct2[c]; p != "" {
		for i := 1; i < len(p); i += 2 {
			if n == p[i] {
				s.pos += 2
				return p[i-1 : i+1]
			}
		}
	}
	s.pos++
	return allBytes[int(c) : int(c)+1]
}

// punct2 lists, per first byte, the two-byte punctuators it starts, in
// the order they are tried, each as its two bytes: the text of a match is
// a slice of the entry (static data, nothing built at start-up).
var punct2 = [256]string{
	'-': "->---=", '+': "+++=", '&': "&&&=", '|': "|||=", '<': "<<<=", '>': ">>>=",
	'=': "==", '!': "!=", '*': "*=", '/': "/=", '%': "%=", '^': "^=", '#': "##",
}

// allBytes holds the 256 byte values in order: allBytes[c:c+1] is the
// one-byte punctuator c (a byte >= 0x80 stands for itself, not for its
// UTF-8 encoding; index with int(c), as c+1 wraps at 0xff). A constant
// where a table of 256 strings was built at every start.
const allBytes = "" +
	"\x00\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f" +
	"\x20\x21\x22\x23\x24\x25\x26\x27\x28\x29\x2a\x2b\x2c\x2d\x2e\x2f\x30\x31\x32\x33\x34\x35\x36\x37\x38\x39\x3a\x3b\x3c\x3d\x3e\x3f" +
	"\x40\x41\x42\x43\x44\x45\x46\x47\x48\x49\x4a\x4b\x4c\x4d\x4e\x4f\x50\x51\x52\x53\x54\x55\x56\x57\x58\x59\x5a\x5b\x5c\x5d\x5e\x5f" +
	"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f\x70\x71\x72\x73\x74\x75\x76\x77\x78\x79\x7a\x7b\x7c\x7d\x7e\x7f" +
	"\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f" +
	"\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf" +
	"\xc0\xc1\xc2\xc3\xc4\xc5\xc6\xc7\xc8\xc9\xca\xcb\xcc\xcd\xce\xcf\xd0\xd1\xd2\xd3\xd4\xd5\xd6\xd7\xd8\xd9\xda\xdb\xdc\xdd\xde\xdf" +
	"\xe0\xe1\xe2\xe3\xe4\xe5\xe6\xe7\xe8\xe9\xea\xeb\xec\xed\xee\xef\xf0\xf1\xf2\xf3\xf4\xf5\xf6\xf7\xf8\xf9\xfa\xfb\xfc\xfd\xfe\xff"

// directive reads a preprocessor line from '#' to the end of the logical
// line and returns it without the '#' (see Token.Text): a slice of the
// source, or of the scanner's buffer when continuation lines or comments
// had to be joined or blanked. The newline is left for the next Scan.
func (s *Scanner) directive() []byte {
	src := s.src
	s.pos++ // '#'
	// fast path: a line without continuation, comment or literal
	if nl := indexByteFrom(src, s.pos, '\n'); nl >= 0 {
		line := src[s.pos:nl]
		simple := true
		for _, c := range line {
			if c == '\\' || c == '/' || c == '"' || c == '\'' {
				simple = false
				break
			}
		}
		if simple {
			s.pos = nl
			return line
		}
	}
	buf := s.dbuf[:0]
	defer func() { s.dbuf = buf }()
	for s.pos < len(src) {
		c := src[s.pos]
		switch {
		case c == '\n':
			return buf
		case c == '\\' && s.pos+1 < len(src) && src[s.pos+1] == '\n':
			s.pos += 2
			s.line++
			buf = append(buf, '\n')
			continue
		case c == '\\' && s.pos+2 < len(src) && src[s.pos+1] == '\r' && src[s.pos+2] == '\n':
			s.pos += 3
			s.line++
			buf = append(buf, '\n')
			continue
		case c == '/' && s.pos+1 < len(src) && src[s.pos+1] == '*':
			before := s.line
			s.skipBlockComment()
			buf = append(buf, ' ')
			for ; before < s.line; before++ {
				buf = append(buf, '\n')
			}
			continue
		case c == '/' && s.pos+1 < len(src) && src[s.pos+1] == '/':
			for s.pos < len(src) && src[s.pos] != '\n' {
				s.pos++
			}
			continue
		case c == '"' || c == '\'':
			st := s.pos
			s.quoted(c)
			buf = append(buf, src[st:s.pos]...)
			continue
		}
		buf = append(buf, c)
		s.pos++
	}
	return buf
}

func indexByteFrom(b []byte, from int, c byte) int {
	for i := from; i < len(b); i++ {
		if b[i] == c {
			return i
		}
	}
	return -1
}
