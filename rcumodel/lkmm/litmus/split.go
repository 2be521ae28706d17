package litmus

import (
	"fmt"
	"strings"
)

// section is a part of a litmus file with the line it starts on.
type section struct {
	text string
	line int
}

// parts is a litmus file cut as herd7's splitter cuts it.
type parts struct {
	arch, name, doc string
	init, prog      section
	constr          section
}

// isAlpha etc. follow the character classes of herd7's lexers.
func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

// splitNameChar is a character of the splitter's "name" after the first.
func splitNameChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || c == '_' || c == '/' || c == '.' || c == '-'
}

func testNameChar(c byte) bool {
	return isAlpha(c) || isDigit(c) || strings.IndexByte("_/.-+[]", c) >= 0
}

// split cuts src into its header, init, program and condition sections,
// following herd7's splitter (lib/splitter.mll): the header is the first
// line; the init section is the first brace block after it (lines
// "key = value" and OCaml comments may come first); the program runs up to
// the first keyword that starts a condition.
func split(src string) (*parts, error) {
	p := &parts{}
	i := 0
	line := 1
	for i < len(src) && isBlank(src[i]) {
		i++
	}
	j := i
	for j < len(src) && (isAlpha(src[j]) || isDigit(src[j]) || src[j] == '_') {
		j++
	}
	if j == i {
		return nil, fmt.Errorf("line 1: want \"C name\" on the first line")
	}
	p.arch = src[i:j]
	i = j
	k := i
	for k < len(src) && isBlank(src[k]) {
		k++
	}
	if k == i {
		return nil, fmt.Errorf("line 1: want \"C name\" on the first line")
	}
	i = k
	j = i
	for j < len(src) && testNameChar(src[j]) {
		j++
	}
	if j == i {
		return nil, fmt.Errorf("line 1: test has no name")
	}
	p.name = src[i:j]
	i = j
	for i < len(src) && isBlank(src[i]) {
		i++
	}
	// Optional "(texname)".
	if i < len(src) && src[i] == '(' && i+1 < len(src) && isAlpha(src[i+1]) {
		k := i + 2
		for k < len(src) && splitNameChar(src[k]) {
			k++
		}
		if k < len(src) && src[k] == ')' {
			i = k + 1
			for i < len(src) && isBlank(src[i]) {
				i++
			}
		}
	}
	// Optional doc string, possibly on the next line.
	{
		k := i
		nl := false
		if k < len(src) && src[k] == '\n' {
			k++
			nl = true
		}
		for k < len(src) && isBlank(src[k]) {
			k++
		}
		if k < len(src) && src[k] == '"' {
			e := strings.IndexByte(src[k+1:], '"')
			if e >= 0 {
				doc := src[k+1 : k+1+e]
				p.doc = doc
				line += strings.Count(doc, "\n")
				if nl {
					line++
				}
				i = k + 1 + e + 1
				for i < len(src) && isBlank(src[i]) {
					i++
				}
			}
		}
	}
	if i < len(src) && src[i] == ';' {
		i++
	}
	if p.arch != "C" {
		return p, nil
	}
	// find_init
	for {
		if i >= len(src) {
			return nil, fmt.Errorf("line %d: no init section", line)
		}
		c := src[i]
		// Longest match among the rules of find_init.
		if c == '\n' {
			line++
			i++
			continue
		}
		if c == '{' {
			break
		}
		other := i
		for other < len(src) && src[other] != '\n' && src[other] != '{' {
			other++
		}
		info := infoLineEnd(src, i)
		switch {
		case info > 0 && info-i >= other-i:
			line++
			i = info
		case c == '(' && i+1 < len(src) && src[i+1] == '*' && other-i <= 2:
			e, nl, err := skipComment(src, i+2)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			line += nl
			i = e
		default:
			i = other
		}
	}
	i++ // the '{'
	initStart, initLine := i, line
	depth := 0
	for {
		if i >= len(src) {
			return nil, fmt.Errorf("line %d: unterminated init section", initLine)
		}
		c := src[i]
		if c == '\n' {
			line++
		} else if c == '{' {
			depth++
		} else if c == '}' {
			if depth == 0 {
				break
			}
			depth--
		}
		i++
	}
	p.init = section{src[initStart:i], initLine}
	i++
	// inside_prog (C: comments are not skipped)
	progStart, progLine := i, line
	constrAt := -1
	for i < len(src) {
		c := src[i]
		if c == '\n' {
			line++
			i++
			continue
		}
		if c == '"' {
			e := strings.IndexAny(src[i+1:], "\"\n")
			if e < 0 || src[i+1+e] == '\n' {
				return nil, fmt.Errorf("line %d: unterminated string", line)
			}
			i += e + 2
			continue
		}
		if c == '(' && i+1 < len(src) && src[i+1] == '*' {
			i += 2
			continue
		}
		if n := condKeyword(src, i); n > 0 {
			constrAt = i
			break
		}
		if isAlpha(c) {
			j := i + 1
			for j < len(src) && splitNameChar(src[j]) {
				j++
			}
			i = j
			continue
		}
		i++
	}
	p.prog = section{src[progStart:i], progLine}
	if constrAt < 0 {
		p.constr = section{"", line}
		return p, nil
	}
	// inside_constr: up to "<<" or the end, OCaml comments skipped.
	cs, cl := i, line
	for i < len(src) {
		if src[i] == '(' && i+1 < len(src) && src[i+1] == '*' {
			e, _, err := skipComment(src, i+2)
			if err != nil {
				return nil, fmt.Errorf("line %d: %v", line, err)
			}
			i = e
			continue
		}
		if src[i] == '<' && i+1 < len(src) && src[i+1] == '<' {
			break
		}
		i++
	}
	p.constr = section{src[cs:i], cl}
	return p, nil
}

// infoLineEnd matches `name blank* '=' blank* [^\n\r]* '\r'? '\n'` at i
// and returns the index after the newline, or 0.
func infoLineEnd(src string, i int) int {
	if i >= len(src) || !isAlpha(src[i]) {
		return 0
	}
	j := i + 1
	for j < len(src) && splitNameChar(src[j]) {
		j++
	}
	for j < len(src) && isBlank(src[j]) {
		j++
	}
	if j >= len(src) || src[j] != '=' {
		return 0
	}
	j++
	nl := strings.IndexByte(src[j:], '\n')
	if nl < 0 {
		return 0
	}
	return j + nl + 1
}

// condKeyword returns the length of a condition keyword at i when the
// splitter's longest match picks it, or 0.
func condKeyword(src string, i int) int {
	c := src[i]
	if c == '~' {
		j := i + 1
		for j < len(src) && isBlank(src[j]) {
			j++
		}
		if strings.HasPrefix(src[j:], "exists") {
			return j + 6 - i
		}
		return 0
	}
	if !isAlpha(c) {
		return 0
	}
	j := i + 1
	for j < len(src) && splitNameChar(src[j]) {
		j++
	}
	switch src[i:j] {
	case "final", "forall", "exists", "cases", "observed", "Observed", "locations", "filter":
		return j - i
	}
	return 0
}

// skipComment skips a nested OCaml comment whose "(*" ends before i; it
// returns the index after the closing "*)" and the newlines skipped.
func skipComment(src string, i int) (int, int, error) {
	depth := 1
	nl := 0
	for i < len(src) {
		switch {
		case src[i] == '\n':
			nl++
			i++
		case src[i] == '(' && i+1 < len(src) && src[i+1] == '*':
			depth++
			i += 2
		case src[i] == '*' && i+1 < len(src) && src[i+1] == ')':
			depth--
			i += 2
			if depth == 0 {
				return i, nl, nil
			}
		default:
			i++
		}
	}
	return i, nl, fmt.Errorf("unterminated comment")
}
