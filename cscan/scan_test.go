package cscan

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// scanAll returns the tokens of src (EOF excluded) in mode.
func scanAll(src string, mode Mode) []Token {
	var s Scanner
	s.Init([]byte(src), 1, mode, NewInterner(0))
	var out []Token
	for {
		t := s.Scan()
		if t.Kind == EOF {
			return out
		}
		out = append(out, t)
	}
}

// brief renders tokens as "kind:text@line" with the text of literals,
// numbers and comments taken from the source.
func brief(src string, toks []Token) string {
	var parts []string
	for _, t := range toks {
		txt := t.Text
		if txt == "" || t.Kind == Directive {
			txt = src[t.Off:t.End]
		}
		flags := ""
		if t.Col0 {
			flags = "^"
		} else if t.First {
			flags = "'"
		}
		parts = append(parts, fmt.Sprintf("%s%s:%s@%d", flags, t.Kind, txt, t.Line))
	}
	return strings.Join(parts, " ")
}

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		src  string
		mode Mode
		want string
	}{
		{"a->b++ <<= c", 0, "^Ident:a@1 Punct:->@1 Ident:b@1 Punct:++@1 Punct:<<=@1 Ident:c@1"},
		{"x>>=1;y>>2!=3", 0, "^Ident:x@1 Punct:>>=@1 Number:1@1 Punct:;@1 Ident:y@1 Punct:>>@1 Number:2@1 Punct:!=@1 Number:3@1"},
		{"f(...) && g || !h -= 1e+5 .5", 0,
			"^Ident:f@1 Punct:(@1 Punct:...@1 Punct:)@1 Punct:&&@1 Ident:g@1 Punct:||@1 Punct:!@1 Ident:h@1 Punct:-=@1 Number:1e+5@1 Number:.5@1"},
		{"a /* x\ny */ b // c\n  d", 0, "^Ident:a@1 Ident:b@2 'Ident:d@3"},
		{"a /* x\ny */ b // c\n  d", ScanComments, "^Ident:a@1 Comment:/* x\ny */@1 Ident:b@2 Comment:// c@2 'Ident:d@3"},
		{"\"s\\\"t\" 'c' \"open\nx", 0, "^String:\"s\\\"t\"@1 Char:'c'@1 String:\"open@1 ^Ident:x@2"},
		{"#define F(x) \\\n\tg(x) /* c\n */\nint y;", 0,
			"^Directive:#define F(x) \\\n\tg(x) /* c\n */@1 ^Ident:int@4 Ident:y@4 Punct:;@4"},
		{"  # if A\nb", 0, "'Directive:# if A@1 ^Ident:b@2"},
		{"a # b ## c", MacroBody, "^Ident:a@1 Punct:#@1 Ident:b@1 Punct:##@1 Ident:c@1"},
		{"/* x */ #pragma once", 0, "'Directive:#pragma once@1"},
	} {
		if got := brief(tc.src, scanAll(tc.src, tc.mode)); got != tc.want {
			t.Errorf("%q:\n got %s\nwant %s", tc.src, got, tc.want)
		}
	}
}

func TestDirectiveText(t *testing.T) {
	toks := scanAll("#define F(x) \\\n\tg(x) /* c\n */ // d\n", 0)
	if len(toks) != 1 || toks[0].Text != "define F(x) \n\tg(x)  \n " {
		t.Fatalf("%q", toks[0].Text)
	}
	var s Scanner
	s.Init([]byte("a\nb"), 7, 0, nil)
	if a, b := s.Scan(), s.Scan(); a.Line != 7 || b.Line != 8 || b.Text != "b" {
		t.Errorf("start line: %+v %+v", a, b)
	}
}

// checkSpans asserts the scanner's invariants on src: every token is a
// non-empty span after the previous one, the bytes between tokens are
// blank (whitespace or a line-continuing backslash; comments too when they
// are skipped), identifiers and punctuators are their source text, and a
// token's line is one more than the newlines before it.
func checkSpans(t *testing.T, src []byte) {
	with := scanAll(string(src), ScanComments)
	without := scanAll(string(src), 0)
	var filtered []Token
	prev, nl := int32(0), 0
	for _, tk := range with {
		if tk.Off < prev || tk.End <= tk.Off || int(tk.End) > len(src) {
			t.Fatalf("token %+v after offset %d in %q", tk, prev, src)
		}
		for i := prev; i < tk.Off; i++ {
			c := src[i]
			if c == '\\' && i+1 < int32(len(src)) && (src[i+1] == '\n' || src[i+1] == '\r') {
				continue
			}
			if !strings.ContainsRune(" \t\r\f\v\n", rune(c)) {
				t.Fatalf("byte %q at %d between tokens in %q", c, i, src)
			}
		}
		nl += bytes.Count(src[prev:tk.Off], []byte("\n"))
		if int(tk.Line) != 1+nl {
			t.Fatalf("token %+v on line %d, want %d in %q", tk, tk.Line, 1+nl, src)
		}
		nl += bytes.Count(src[tk.Off:tk.End], []byte("\n"))
		if (tk.Kind == Ident || tk.Kind == Punct) && tk.Text != string(src[tk.Off:tk.End]) {
			t.Fatalf("token %+v text differs from %q", tk, src[tk.Off:tk.End])
		}
		if tk.Kind != Comment {
			filtered = append(filtered, tk)
		}
		prev = tk.End
	}
	if len(filtered) != len(without) {
		t.Fatalf("%d tokens without comments, %d with them filtered, in %q", len(without), len(filtered), src)
	}
	for i := range without {
		if without[i] != filtered[i] {
			t.Fatalf("token %d: %+v without comments, %+v with, in %q", i, without[i], filtered[i], src)
		}
	}
	// DirectiveBytes: the same tokens, a directive's text from DirectiveText
	var sc Scanner
	sc.Init(src, 1, DirectiveBytes, NewInterner(16))
	for i := 0; ; i++ {
		tk := sc.Scan()
		if tk.Kind == EOF {
			if i != len(without) {
				t.Fatalf("%d tokens with DirectiveBytes, %d without, in %q", i, len(without), src)
			}
			break
		}
		if tk.Kind == Directive {
			if tk.Text != "" {
				t.Fatalf("directive %+v has a text with DirectiveBytes", tk)
			}
			tk.Text = string(sc.DirectiveText())
		}
		if i >= len(without) || tk != without[i] {
			t.Fatalf("token %d: %+v with DirectiveBytes, want %+v, in %q", i, tk, without, src)
		}
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"static int f(void)\n{\n\treturn a->b[1] <<= 2;\n}\n",
		"#define X(a, b) \\\n\tdo { a ## b; } while (0) /* c */\n#if defined(A) && B\n#endif\n",
		"'\\'' \"a\\\nb\" /* open", "x\\\r\ny // c \\\nz", ".5e+3 0x1p-2 ... >>= <<=",
		"\xff\x00$a#b\n  #  include <x.h>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) { checkSpans(t, src) })
}

// TestPunctTables: the static punctuator tables give the texts the tables
// built at start-up gave (one byte: the byte itself, also >= 0x80; two
// bytes: the first byte's listed seconds, in order).
func TestPunctTables(t *testing.T) {
	if len(allBytes) != 256 {
		t.Fatalf("len(allBytes) = %d", len(allBytes))
	}
	for c := range 256 {
		if allBytes[c] != byte(c) {
			t.Errorf("allBytes[%#x] = %#x", c, allBytes[c])
		}
	}
	seconds := map[byte]string{
		'-': ">-=", '+': "+=", '&': "&=", '|': "|=", '<': "<=", '>': ">=",
		'=': "=", '!': "=", '*': "=", '/': "=", '%': "=", '^': "=", '#': "#",
	}
	for c := range 256 {
		var want []string
		for _, n := range []byte(seconds[byte(c)]) {
			want = append(want, string([]byte{byte(c), n}))
		}
		var got []string
		for p, i := punct2[c], 0; i+1 < len(p); i += 2 {
			got = append(got, p[i:i+2])
		}
		if len(punct2[c])%2 != 0 || !slices.Equal(got, want) {
			t.Errorf("punct2[%q] = %q: two-byte punctuators %q, want %q", rune(c), punct2[c], got, want)
		}
	}
}
