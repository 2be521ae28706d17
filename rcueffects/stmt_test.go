package rcueffects

import (
	"strings"
	"testing"
)

func texts(toks []Token) string {
	var s []string
	for _, t := range toks {
		s = append(s, t.Text)
	}
	return strings.Join(s, " ")
}

func TestLex(t *testing.T) {
	tests := []struct {
		name, src, want string
		lastLine        int
	}{
		{"comments and strings are dropped or replaced", "a /* x\ny */ b // c\n\"s\\\"t\" 'c'", `a b "" ""`, 3},
		{"preprocessor lines with continuations are skipped", "#define X(a) \\\n\tfoo(a)\nbar();", "bar ( ) ;", 3},
		{"multi-character operators", "p->n-- ; x += 1; a && b || !c", "p -> n -- ; x += 1 ; a && b || ! c", 1},
		{"a hash inside a line is punctuation", "a # b", "a # b", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			toks := Lex([]byte(tc.src), 1)
			if got := texts(toks); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
			if l := toks[len(toks)-1].Line; l != tc.lastLine {
				t.Errorf("last token on line %d, want %d", l, tc.lastLine)
			}
		})
	}
}

func TestParseBody(t *testing.T) {
	src := `
	rcu_read_lock();
	if (!p) {
		rcu_read_unlock();
		return -ENOENT;
	} else if (q)
		x = 1;
	list_for_each_entry(pos, head, list) {
		foo(pos);
	}
	do { bar(); } while (baz());
out:
	struct s v = { .a = 1 };
	return 0;`
	stmts := ParseBody(Lex([]byte(src), 1))
	var kinds []StmtKind
	for _, s := range stmts {
		kinds = append(kinds, s.Kind)
	}
	want := []StmtKind{Simple, If, Loop, Loop, Label, Simple, Return}
	if len(kinds) != len(want) {
		t.Fatalf("kinds %v, want %v", kinds, want)
	}
	for i := range want {
		if kinds[i] != want[i] {
			t.Fatalf("kinds %v, want %v", kinds, want)
		}
	}
	if stmts[1].Else == nil || stmts[1].Else.Kind != If {
		t.Errorf("else-if not parsed")
	}
	if stmts[2].Head != "list_for_each_entry" || len(stmts[2].Body) != 1 {
		t.Errorf("macro loop: %+v", stmts[2])
	}
	calls := Calls(Lex([]byte("a(b(1, c->d(2)), e)"), 1))
	if len(calls) != 3 || calls[0].Name != "a" || len(calls[0].Args) != 2 || calls[1].Name != "b" || !calls[2].Member {
		t.Errorf("calls %+v", calls)
	}
}

func TestCounterChange(t *testing.T) {
	tests := []struct {
		src   string
		delta int8
	}{
		{"current->rcu_read_lock_nesting++", 1},
		{"--t->rcu_read_lock_nesting", -1},
		{"WRITE_ONCE(current->rcu_read_lock_nesting, READ_ONCE(current->rcu_read_lock_nesting) + 1)", 1},
		{"int ret = READ_ONCE(current->rcu_read_lock_nesting) - 1", -1},
		{"WRITE_ONCE(current->rcu_read_lock_nesting, ret)", 0},
		{"x = current->rcu_read_lock_nesting > 1", 0},
		{"nesting = READ_ONCE(t->trc_reader_nesting) - 1", -1},
	}
	for _, tc := range tests {
		_, d, _ := counterChange(Lex([]byte(tc.src), 1))
		if d != tc.delta {
			t.Errorf("%s: delta %d, want %d", tc.src, d, tc.delta)
		}
	}
}

// FuzzLexParse: any text lexes into tokens at its lines in order, parses
// into statements holding at most the tokens given, and yields calls of
// identifiers at its lines; the walks over the result do not fail.
func FuzzLexParse(f *testing.F) {
	for _, s := range []string{
		"if (a) { b(); } else c();", "#define X \\\n y\nz;", "do x(); while (0);", "a: b; case 1: c;",
		"list_for_each_entry(p, h, l) { if (x) return; }", "}}}{{{", "\"unterminated", "/* open",
		"scoped_guard(rcu) { x(); }", "guard(rcu)(); return p->q--;",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		toks := Lex([]byte(src), 1)
		lines := 1 + strings.Count(src, "\n")
		for i, tk := range toks {
			if tk.Line < 1 || tk.Line > lines || (i > 0 && tk.Line < toks[i-1].Line) {
				t.Fatalf("token %d %q at line %d (previous %d, %d lines)", i, tk.Text, tk.Line, toks[max(i-1, 0)].Line, lines)
			}
		}
		stmts := ParseBody(toks)
		// Statements hold the tokens they were given, each at most once,
		// at lines of the input.
		n := 0
		var walk func(ss []*Stmt)
		walk = func(ss []*Stmt) {
			for _, st := range ss {
				if st == nil {
					continue
				}
				n += len(st.Toks)
				if st.Line < 0 || st.Line > lines {
					t.Fatalf("statement at line %d of %d", st.Line, lines)
				}
				walk([]*Stmt{st.Then, st.Else})
				walk(st.Body)
			}
		}
		walk(stmts)
		if n > len(toks) {
			t.Fatalf("statements hold %d tokens, the input has %d", n, len(toks))
		}
		for _, c := range Calls(toks) {
			if c.Line < 1 || c.Line > lines || c.Name == "" || keywords[c.Name] {
				t.Fatalf("call %q at line %d of %d", c.Name, c.Line, lines)
			}
		}
		counterChange(toks)
		eachGuarded(stmts, nil, func([]Token, [][]Token) {})
		var z *Summarizer
		z.WalkSections(stmts, func(Event) {})
	})
}
