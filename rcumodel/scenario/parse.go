package scenario

import (
	"fmt"
	"strconv"
	"strings"
)

// Error is a parse error at a position of a named input.
type Error struct {
	File string
	Pos  Pos
	Msg  string
}

// Error formats as "file:line:col: msg".
func (e *Error) Error() string { return fmt.Sprintf("%s:%s: %s", e.File, e.Pos, e.Msg) }

// MaxSize is the largest scenario text Parse accepts.
const MaxSize = 1 << 20

type token struct {
	text   string
	quoted bool
	col    int
}

// Parse reads a scenario. file names the input in error messages.
func Parse(file string, src []byte) (*Scenario, error) {
	if len(src) > MaxSize {
		return nil, &Error{File: file, Pos: Pos{1, 1}, Msg: fmt.Sprintf("scenario is %d bytes, limit %d", len(src), MaxSize)}
	}
	p := &parser{file: file, s: &Scenario{}}
	for i, line := range strings.Split(string(src), "\n") {
		if err := p.line(i+1, strings.TrimSuffix(line, "\r")); err != nil {
			return nil, err
		}
	}
	if p.s.Name == "" {
		return nil, &Error{File: file, Pos: Pos{1, 1}, Msg: "missing \"scenario NAME\" directive"}
	}
	p.s.Doc = strings.Join(p.doc, " ")
	return p.s, nil
}

type parser struct {
	file  string
	s     *Scenario
	block *Block
	doc   []string
}

func (p *parser) errf(pos Pos, format string, args ...any) error {
	return &Error{File: p.file, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) line(n int, line string) error {
	toks, err := p.tokens(n, line)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return nil
	}
	pos := Pos{n, toks[0].col}
	if toks[0].quoted || !isName(toks[0].text) {
		return p.errf(pos, "a line must start with a directive or operation name, got %q", toks[0].text)
	}
	if toks[0].col > 1 { // indented: an operation
		if p.block == nil {
			return p.errf(pos, "operation %q outside a task/probe/irq/nmi block", toks[0].text)
		}
		op := Op{Name: toks[0].text, Pos: pos}
		for _, t := range toks[1:] {
			if k, v, ok := cut(t.text); ok && !t.quoted {
				op.Attrs = append(op.Attrs, KV{Key: k, Value: v, Pos: Pos{n, t.col}})
			} else {
				op.Args = append(op.Args, t.text)
			}
		}
		p.block.Ops = append(p.block.Ops, op)
		return nil
	}
	p.block = nil
	dir, args := toks[0].text, toks[1:]
	if dir != "scenario" && p.s.Name == "" {
		return p.errf(pos, "first directive must be \"scenario NAME\", got %q", dir)
	}
	switch dir {
	case "scenario":
		if p.s.Name != "" {
			return p.errf(pos, "second \"scenario\" directive (one scenario per file)")
		}
		if len(args) != 1 || args[0].text == "" {
			return p.errf(pos, "scenario: want one name")
		}
		p.s.Name, p.s.Pos = args[0].text, pos
	case "doc":
		// Joined once at the end: appending to the string per word
		// would copy it again and again (quadratic in the input).
		for _, a := range args {
			p.doc = append(p.doc, a.text)
		}
	case "profile":
		if len(args) != 1 {
			return p.errf(pos, "profile: want one profile name")
		}
		p.s.Profile = args[0].text
	case "cpus":
		if len(args) != 1 {
			return p.errf(pos, "cpus: want one number")
		}
		c, err := strconv.Atoi(args[0].text)
		if err != nil || c < 1 {
			return p.errf(Pos{n, args[0].col}, "cpus: %q is not a positive number", args[0].text)
		}
		p.s.CPUs = c
	case "config", "expect", "bounds", "init", "exists":
		kvs, err := p.kvs(n, dir, args)
		if err != nil {
			return err
		}
		switch dir {
		case "config":
			p.s.Config = append(p.s.Config, kvs...)
		case "init":
			p.s.Init = append(p.s.Init, kvs...)
		case "exists":
			p.s.Exists = append(p.s.Exists, kvs...)
		case "expect":
			for _, kv := range kvs {
				if kv.Value != "holds" && kv.Value != "violated" {
					return p.errf(kv.Pos, "expect %s=%q: want holds or violated", kv.Key, kv.Value)
				}
			}
			p.s.Expect = append(p.s.Expect, kvs...)
		case "bounds":
			for _, kv := range kvs {
				if kv.Key != "states" && kv.Key != "depth" {
					return p.errf(kv.Pos, "bounds: unknown bound %q (want states or depth)", kv.Key)
				}
				if v, err := strconv.Atoi(kv.Value); err != nil || v < 1 {
					return p.errf(kv.Pos, "bounds: %s=%q is not a positive number", kv.Key, kv.Value)
				}
			}
			p.s.Bounds = append(p.s.Bounds, kvs...)
		}
	case "check":
		for _, a := range args {
			p.s.Check = append(p.s.Check, a.text)
		}
	case "object":
		if len(args) < 1 || len(args) > 2 {
			return p.errf(pos, "object: want NAME [published|unpublished]")
		}
		o := Object{Name: args[0].text, Published: true, Pos: pos}
		if len(args) == 2 {
			switch args[1].text {
			case "published":
			case "unpublished":
				o.Published = false
			default:
				return p.errf(Pos{n, args[1].col}, "object: %q: want published or unpublished", args[1].text)
			}
		}
		p.s.Objects = append(p.s.Objects, o)
	case BlockTask, BlockProbe, BlockIRQ, BlockNMI, BlockSoftirq:
		b := Block{Kind: dir, Pos: pos}
		rest := args
		if dir == BlockTask || dir == BlockProbe || dir == BlockSoftirq {
			if len(args) == 0 || args[0].text == "" || (!args[0].quoted && strings.Contains(args[0].text, "=")) {
				return p.errf(pos, "%s: want a name", dir)
			}
			b.Name, rest = args[0].text, args[1:]
		}
		kvs, err := p.kvs(n, dir, rest)
		if err != nil {
			return err
		}
		b.Attrs = kvs
		p.s.Blocks = append(p.s.Blocks, b)
		p.block = &p.s.Blocks[len(p.s.Blocks)-1]
	default:
		return p.errf(pos, "unknown directive %q", dir)
	}
	return nil
}

func (p *parser) kvs(n int, dir string, args []token) ([]KV, error) {
	var out []KV
	for _, a := range args {
		k, v, ok := cut(a.text)
		if !ok || a.quoted {
			return nil, p.errf(Pos{n, a.col}, "%s: want key=value, got %q", dir, a.text)
		}
		out = append(out, KV{Key: k, Value: v, Pos: Pos{n, a.col}})
	}
	return out, nil
}

// isName reports whether w is a directive or operation name: letters,
// digits, '_' and '.', not starting with a digit.
func isName(w string) bool {
	for i := 0; i < len(w); i++ {
		c := w[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c == '.' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return w != ""
}

func isWord(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
		strings.IndexByte("_.:+-=,[]()/*&<>!", c) >= 0
}

// tokens splits a line into words and quoted strings; a quoted string may
// follow "key=" directly (key="a b").
func (p *parser) tokens(n int, line string) ([]token, error) {
	var out []token
	i := 0
	for i < len(line) {
		c := line[i]
		switch {
		case c == ' ' || c == '\t':
			i++
		case c == '#':
			return out, nil
		case c == '"':
			s, j, err := p.quoted(n, line, i)
			if err != nil {
				return nil, err
			}
			out = append(out, token{text: s, quoted: true, col: i + 1})
			i = j
		case isWord(c):
			j := i
			for j < len(line) && isWord(line[j]) {
				j++
			}
			text := line[i:j]
			if j < len(line) && line[j] == '"' && strings.HasSuffix(text, "=") {
				s, k, err := p.quoted(n, line, j)
				if err != nil {
					return nil, err
				}
				text += s
				j = k
			}
			out = append(out, token{text: text, col: i + 1})
			i = j
		default:
			return nil, p.errf(Pos{n, i + 1}, "unexpected character %q", rune(c))
		}
	}
	return out, nil
}

func (p *parser) quoted(n int, line string, i int) (string, int, error) {
	var b strings.Builder
	for j := i + 1; j < len(line); j++ {
		switch line[j] {
		case '\\':
			if j+1 < len(line) && (line[j+1] == '"' || line[j+1] == '\\') {
				b.WriteByte(line[j+1])
				j++
				continue
			}
			return "", 0, p.errf(Pos{n, j + 1}, "bad escape in string")
		case '"':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(line[j])
		}
	}
	return "", 0, p.errf(Pos{n, i + 1}, "unterminated string")
}
