package kconfig

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
)

// A Model's encoding lets a caller keep a built model between runs
// (the kernel index keeps one per pack): reading it back costs a few
// milliseconds where NewModel reads and translates some 1,600 Kconfig
// files. The encoding is canonical (symbols by name, expressions in the
// order first met) and keeps which expression nodes are shared, since a
// comparison the solver does not know is one free variable per node.
//
// Layout, all numbers unsigned varints:
//
//	magic "RCUKMOD\x01"
//	strings: count, then each as length + bytes
//	arch (string index), open, files, missing: count + string indexes
//	expressions: count, then each as kind, name, left+1, right+1
//	  (0 for none; children come before their parents)
//	choices: count, then each as members (count + string indexes),
//	  dep+1, optional, anyFree
//	symbols: count, then each as name, type, definitions (count, then
//	  dep+1, prompt, promptIf+1, defaults: count + (value+1, cond+1)),
//	  selectors (count + (by, cond+1)), choice+1
//
// The caller guards the bytes against damage (a checksum); Decode still
// checks every index and count, so a damaged encoding is an error, never
// a panic or a model with dangling parts.

const modelMagic = "RCUKMOD\x01"

// Encode returns the model's encoding (without its memos and without the
// function SetFree gave it).
func (m *Model) Encode() []byte {
	e := modelEncoder{strIdx: map[string]uint64{}, exprIdx: map[*Expr]uint64{}}
	names := make([]string, 0, len(m.syms))
	for n := range m.syms {
		names = append(names, n)
	}
	sort.Strings(names)
	choiceIdx := map[*choice]uint64{}
	for i, c := range m.choices {
		choiceIdx[c] = uint64(i)
	}
	// expressions and strings are numbered in one walk, in the order the
	// body below refers to them
	var body []byte
	u := func(v uint64) { body = binary.AppendUvarint(body, v) }
	b := func(v bool) {
		if v {
			u(1)
		} else {
			u(0)
		}
	}
	x := func(x *Expr) { u(e.expr(x)) }
	u(e.str(m.Arch))
	b(m.open)
	u(uint64(m.Files))
	u(uint64(len(m.Missing)))
	for _, p := range m.Missing {
		u(e.str(p))
	}
	u(uint64(len(m.choices)))
	for _, c := range m.choices {
		u(uint64(len(c.members)))
		for _, n := range c.members {
			u(e.str(n))
		}
		x(c.dep)
		b(c.optional)
		b(c.anyFree)
	}
	u(uint64(len(names)))
	for _, n := range names {
		s := m.syms[n]
		u(e.str(s.name))
		u(e.str(s.typ))
		u(uint64(len(s.defs)))
		for _, d := range s.defs {
			x(d.dep)
			b(d.prompt)
			x(d.promptIf)
			u(uint64(len(d.defaults)))
			for _, df := range d.defaults {
				x(df.val)
				x(df.cond)
			}
		}
		u(uint64(len(s.selectors)))
		for _, sl := range s.selectors {
			u(e.str(sl.by))
			x(sl.cond)
		}
		if s.choice != nil {
			u(choiceIdx[s.choice] + 1)
		} else {
			u(0)
		}
	}
	out := []byte(modelMagic)
	out = binary.AppendUvarint(out, uint64(len(e.strs)))
	for _, s := range e.strs {
		out = binary.AppendUvarint(out, uint64(len(s)))
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(e.exprs)))
	out = append(out, e.exprBytes...)
	return append(out, body...)
}

type modelEncoder struct {
	strs      []string
	strIdx    map[string]uint64
	exprs     []*Expr
	exprIdx   map[*Expr]uint64
	exprBytes []byte
}

func (e *modelEncoder) str(s string) uint64 {
	if i, ok := e.strIdx[s]; ok {
		return i
	}
	i := uint64(len(e.strs))
	e.strs = append(e.strs, s)
	e.strIdx[s] = i
	return i
}

// expr numbers x (children first) and returns its index + 1, 0 for nil.
func (e *modelEncoder) expr(x *Expr) uint64 {
	if x == nil {
		return 0
	}
	if i, ok := e.exprIdx[x]; ok {
		return i + 1
	}
	l, r := e.expr(x.L), e.expr(x.R)
	name := e.str(x.Name)
	i := uint64(len(e.exprs))
	e.exprs = append(e.exprs, x)
	e.exprIdx[x] = i
	e.exprBytes = append(e.exprBytes, byte(x.Kind))
	e.exprBytes = binary.AppendUvarint(e.exprBytes, name)
	e.exprBytes = binary.AppendUvarint(e.exprBytes, l)
	e.exprBytes = binary.AppendUvarint(e.exprBytes, r)
	return i + 1
}

// ErrBadModel is returned by DecodeModel for bytes that are not a whole
// model encoding.
var ErrBadModel = errors.New("kconfig: bad model encoding")

// DecodeModel reads a model written by Encode. Its memos start empty
// and it has no SetFree function.
func DecodeModel(data []byte) (m *Model, err error) {
	if len(data) < len(modelMagic) || string(data[:len(modelMagic)]) != modelMagic {
		return nil, ErrBadModel
	}
	d := modelDecoder{b: data[len(modelMagic):]}
	// strings: one conversion, sliced
	ns := d.count(1)
	lens := make([]int, ns)
	total := 0
	start := d.b
	for i := range lens {
		n := d.count(1)
		lens[i] = n
		total += n
		d.skip(n)
	}
	if d.bad {
		return nil, ErrBadModel
	}
	strs := make([]string, ns)
	{
		buf := make([]byte, 0, total)
		r := modelDecoder{b: start}
		for i := range lens {
			r.uint()
			buf = append(buf, r.b[:lens[i]]...)
			r.skip(lens[i])
		}
		all := string(buf)
		off := 0
		for i, n := range lens {
			strs[i] = all[off : off+n]
			off += n
		}
	}
	str := func() string {
		i := d.uint()
		if i >= uint64(len(strs)) {
			d.bad = true
			return ""
		}
		return strs[i]
	}
	nx := d.count(3)
	exprs := make([]Expr, nx)
	for i := range exprs {
		k := ExprKind(d.byte())
		if k > ExprUnknown {
			d.bad = true
		}
		exprs[i].Kind = k
		exprs[i].Name = str()
		for _, side := range []**Expr{&exprs[i].L, &exprs[i].R} {
			j := d.uint()
			switch {
			case j == 0:
			case j <= uint64(i): // children come first
				*side = &exprs[j-1]
			default:
				d.bad = true
			}
		}
		if d.bad {
			return nil, ErrBadModel
		}
	}
	expr := func() *Expr {
		j := d.uint()
		switch {
		case j == 0:
			return nil
		case j <= uint64(len(exprs)):
			return &exprs[j-1]
		}
		d.bad = true
		return nil
	}
	flag := func() bool {
		v := d.uint()
		if v > 1 {
			d.bad = true
		}
		return v == 1
	}
	m = &Model{syms: map[string]*symbol{}, memo: map[string]bool{}, parsed: map[string]*Expr{}, simple: map[string][]string{}}
	m.Arch = str()
	m.open = flag()
	m.Files = d.count(0)
	if n := d.count(1); n > 0 {
		m.Missing = make([]string, n)
		for i := range m.Missing {
			m.Missing[i] = str()
		}
	}
	nc := d.count(4)
	choices := make([]choice, nc)
	m.choices = make([]*choice, nc)
	for i := range choices {
		c := &choices[i]
		c.members = make([]string, d.count(1))
		for j := range c.members {
			c.members[j] = str()
		}
		c.dep = expr()
		c.optional = flag()
		c.anyFree = flag()
		m.choices[i] = c
		if d.bad {
			return nil, ErrBadModel
		}
	}
	nsym := d.count(5)
	syms := make([]symbol, nsym)
	m.syms = make(map[string]*symbol, nsym)
	for i := range syms {
		s := &syms[i]
		s.name = str()
		s.typ = str()
		if n := d.count(4); n > 0 {
			s.defs = make([]symDef, n)
			for j := range s.defs {
				df := &s.defs[j]
				df.dep = expr()
				df.prompt = flag()
				df.promptIf = expr()
				if n := d.count(2); n > 0 {
					df.defaults = make([]defProp, n)
					for k := range df.defaults {
						df.defaults[k] = defProp{val: expr(), cond: expr()}
					}
				}
			}
		}
		if n := d.count(2); n > 0 {
			s.selectors = make([]selector, n)
			for j := range s.selectors {
				s.selectors[j] = selector{by: str(), cond: expr()}
			}
		}
		if c := d.uint(); c > 0 {
			if c > uint64(len(m.choices)) {
				d.bad = true
			} else {
				s.choice = m.choices[c-1]
			}
		}
		if d.bad {
			return nil, ErrBadModel
		}
		if m.syms[s.name] != nil {
			return nil, fmt.Errorf("%w: symbol %s twice", ErrBadModel, s.name)
		}
		m.syms[s.name] = s
	}
	if d.bad || len(d.b) != 0 {
		return nil, ErrBadModel
	}
	return m, nil
}

// modelDecoder reads varints; a read past the end sets bad and yields 0.
type modelDecoder struct {
	b   []byte
	bad bool
}

func (d *modelDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.bad = true
		d.b = nil
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *modelDecoder) byte() byte {
	if len(d.b) == 0 {
		d.bad = true
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *modelDecoder) skip(n int) {
	if n > len(d.b) {
		d.bad = true
		d.b = nil
		return
	}
	d.b = d.b[n:]
}

// count reads a count of items that take at least min bytes each (so a
// damaged count cannot allocate more than the input could hold).
func (d *modelDecoder) count(min int) int {
	v := d.uint()
	if min > 0 && v > uint64(len(d.b)/min) || v > 1<<31 {
		d.bad = true
		d.b = nil
		return 0
	}
	return int(v)
}
