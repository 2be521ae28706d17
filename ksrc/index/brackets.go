package index

import "github.com/rcureview/rcureview/cscan"

// bracket is a pair of bracket punctuators and the column-0 punctuators
// that end a search for its partner early: kernel code is read without
// running the preprocessor, so the branches of an #if can leave brackets
// unbalanced, and a column-0 brace or ';' is where a definition surely
// ended.
type bracket struct {
	open, close byte
	recover     string // column-0 punctuators that end the search
}

// Brackets the skimmer matches: braces recover at a column-0 '}', parentheses
// at a column-0 '{', '}' or ';'; plain parentheses do not recover.
var (
	braces      = bracket{'{', '}', "}"}
	parens      = bracket{'(', ')', "{};"}
	plainParens = bracket{'(', ')', ""}
)

// forward returns the index of the token closing toks[open], or of the
// first recovery token after it; -1 when toks end first.
func (b bracket) forward(toks []cscan.Token, open int) int {
	d := 0
	for k := open; k < len(toks); k++ {
		t := &toks[k]
		if t.Kind != cscan.Punct || len(t.Text) != 1 {
			continue
		}
		switch c := t.Text[0]; {
		case c == b.open:
			d++
		case c == b.close:
			d--
			if d == 0 {
				return k
			}
		}
		if t.Col0 && b.recovers(t.Text[0]) {
			return k
		}
	}
	return -1
}

// backward returns the index of the token opening toks[close], searching
// back no further than from; -1 when there is none.
func (b bracket) backward(toks []cscan.Token, from, close int) int {
	d := 0
	for k := close; k >= from; k-- {
		t := &toks[k]
		if t.Kind != cscan.Punct || len(t.Text) != 1 {
			continue
		}
		switch t.Text[0] {
		case b.close:
			d++
		case b.open:
			d--
			if d == 0 {
				return k
			}
		}
	}
	return -1
}

func (b bracket) recovers(c byte) bool {
	for i := 0; i < len(b.recover); i++ {
		if b.recover[i] == c {
			return true
		}
	}
	return false
}

// orLast is k, or the last index of toks when k is -1 (an unmatched
// bracket extends to the end of input).
func orLast(toks []cscan.Token, k int) int {
	if k < 0 {
		return len(toks) - 1
	}
	return k
}
