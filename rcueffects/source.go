package rcueffects

import (
	"strings"
	"sync"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Source reads the text of definitions: from a tree, or, without one, from
// the post-image lines of a patch's hunks (so a primitive the patch adds
// can be summarised against the embedded facts). It is safe for
// concurrent use.
type Source struct {
	tree  ksrc.Tree
	files []*diffparse.File
	mu    sync.Mutex
	cache map[string]*text
	// interners share the identifiers of the bodies lexed (the tokens
	// of many bodies stay live in summaries): *cscan.Interner
	interners sync.Pool
}

// lex is Lex with the identifiers shared between the bodies lexed.
func (s *Source) lex(src string, line int) []Token {
	in, _ := s.interners.Get().(*cscan.Interner)
	if in == nil {
		in = cscan.NewInterner(1 << 12)
	}
	defer s.interners.Put(in)
	return lexWith([]byte(src), line, in)
}

// text is the lines of a file: a tree's file as one string and where its
// lines start (data, starts; every line known), or the lines a patch
// shows (lines, with known false for the lines it does not show).
type text struct {
	data   string
	starts []int32
	lines  []string
	known  []bool
}

// newText lays out a file's content (CRLF line ends read as LF).
func newText(data []byte) *text {
	t := &text{data: string(data)}
	if strings.Contains(t.data, "\r\n") {
		t.data = strings.ReplaceAll(t.data, "\r\n", "\n")
	}
	t.starts = make([]int32, 1, strings.Count(t.data, "\n")+1)
	for i := 0; i < len(t.data); i++ {
		if t.data[i] == '\n' {
			t.starts = append(t.starts, int32(i+1))
		}
	}
	return t
}

// n is the number of lines.
func (t *text) n() int {
	if t.starts != nil {
		return len(t.starts)
	}
	return len(t.lines)
}

// span returns lines from..to (1-based, inclusive, within n) joined with
// newlines, and false when any of them is not known.
func (t *text) span(from, to int) (string, bool) {
	if t.starts != nil {
		end := len(t.data)
		if to < len(t.starts) {
			end = int(t.starts[to]) - 1
		}
		return t.data[t.starts[from-1]:end], true
	}
	for i := from; i <= to; i++ {
		if !t.known[i-1] {
			return "", false
		}
	}
	return strings.Join(t.lines[from-1:to], "\n"), true
}

// NewSource returns a source over tree; when tree is nil, files (a
// patch's diff) supply the post-image lines they show.
func NewSource(tree ksrc.Tree, files []*diffparse.File) *Source {
	return &Source{tree: tree, files: files, cache: map[string]*text{}}
}

func (s *Source) file(path string) *text {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.cache[path]; ok {
		return t
	}
	var t *text
	if s.tree != nil {
		if data, err := s.tree.ReadFile(path); err == nil {
			t = newText(data)
		}
	} else {
		t = hunkText(s.files, path)
	}
	s.cache[path] = t
	return t
}

// hunkText lays out the post-image lines a patch shows for path.
func hunkText(files []*diffparse.File, path string) *text {
	var t *text
	for _, f := range files {
		if f.Path() != path || f.IsDelete {
			continue
		}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Op == diffparse.Delete || l.NewLine <= 0 {
					continue
				}
				if t == nil {
					t = &text{}
				}
				for len(t.lines) < l.NewLine {
					t.lines = append(t.lines, "")
					t.known = append(t.known, false)
				}
				t.lines[l.NewLine-1] = l.Text
				t.known[l.NewLine-1] = true
			}
		}
	}
	return t
}

// Range returns lines from..to (1-based, inclusive) of path joined with
// newlines, and false when any of them is not available.
func (s *Source) Range(path string, from, to int) (string, bool) {
	t := s.file(path)
	if t == nil || from < 1 || to < from || to > t.n() {
		return "", false
	}
	return t.span(from, to)
}

// FuncBody returns the tokens of a function's body without its outer
// braces, and false when the text is not available.
func (s *Source) FuncBody(path string, fn *index.Func) ([]Token, bool) {
	src, ok := s.Range(path, int(fn.Start), int(fn.End))
	if !ok {
		return nil, false
	}
	toks := s.lex(src, int(fn.Start))
	// The body starts at the first '{' after the parameter list that
	// follows the function's name.
	i := 0
	for i < len(toks) && !(toks[i].Text == fn.Name && i+1 < len(toks) && toks[i+1].Text == "(") {
		i++
	}
	depth := 0
	for ; i < len(toks); i++ {
		switch toks[i].Text {
		case "(":
			depth++
		case ")":
			depth--
		case "{":
			if depth == 0 {
				return matchBrace(toks, i), true
			}
		}
	}
	return nil, false
}

// matchBrace returns the tokens between toks[open] ('{') and its match.
func matchBrace(toks []Token, open int) []Token {
	depth := 0
	for j := open; j < len(toks); j++ {
		switch toks[j].Text {
		case "{":
			depth++
		case "}":
			depth--
			if depth == 0 {
				return toks[open+1 : j]
			}
		}
	}
	return toks[open+1:]
}

// MacroBody returns the tokens of a #define's replacement text, and false
// when the text is not available.
func (s *Source) MacroBody(path string, m *index.Macro) ([]Token, bool) {
	t := s.file(path)
	if t == nil {
		return nil, false
	}
	end := int(m.Line)
	for end <= t.n() && end >= 1 {
		l, ok := t.span(end, end)
		if !ok || !strings.HasSuffix(strings.TrimRight(l, " \t"), "\\") {
			break
		}
		end++
	}
	src, ok := s.Range(path, int(m.Line), end)
	if !ok {
		return nil, false
	}
	// Drop "#define NAME" and, for function-like macros, the parameters.
	k := strings.Index(src, m.Name)
	if k < 0 {
		return nil, false
	}
	src = src[k+len(m.Name):]
	line := int(m.Line)
	if m.FuncLike && strings.HasPrefix(src, "(") {
		if c := strings.Index(src, ")"); c >= 0 {
			line += strings.Count(src[:c], "\n")
			src = src[c+1:]
		}
	}
	return s.lex(src, line), true
}
