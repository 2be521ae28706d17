package kconfig

import (
	"encoding/binary"
	"errors"
	"maps"
	"slices"
	"sort"
	"sync"
	"unsafe"
)

// A Model's encoding lets a caller keep a built model between runs
// (the kernel index keeps one per pack): reading it back costs a few
// milliseconds where NewModel reads and translates some 1,600 Kconfig
// files, and a symbol's definitions are decoded only when a query first
// asks about it (a review's queries touch a few thousand of the 17,700
// symbols). The encoding is canonical (symbols by name, expressions in
// the order first met) and keeps which expression nodes are shared,
// since a comparison the solver does not know is one free variable per
// node.
//
// Layout, numbers unsigned varints unless said otherwise ("u32" is a
// little-endian uint32, in the fixed-width tables that are read in
// place):
//
//	magic "RCUKMOD\x03"
//	strings: count n, n+1 u32 offsets into the bytes, then the bytes'
//	  length and the bytes
//	expressions: count, then each as kind (one byte), name, left+1,
//	  right+1 (u32 each; 0 for none; children come before their parents)
//	arch (string index), open, files, missing: count + string indexes
//	choices: count, then each as members (count + string indexes),
//	  dep+1, optional, anyFree
//	symbols: count, then per symbol by name two u32s (name, offset of
//	  its record), then the records' length and the records: type,
//	  definitions (count, then dep+1, prompt, promptIf+1, defaults:
//	  count + (value+1, cond+1)), selectors (count + (by, cond+1)),
//	  choice+1
//
// Expressions are built when a symbol that refers to them is decoded,
// each node once (shared nodes stay shared).
//
// The caller guards the bytes against damage (a checksum); DecodeModel
// still checks every index, count and record (without building the
// symbols), so a damaged encoding is an error, never a panic or a model
// with dangling parts. The model reads the bytes it was decoded from as
// long as it is used: they must not change.

const modelMagic = "RCUKMOD\x03"

// Encode returns the model's encoding (without its memos and without the
// function SetFree gave it).
func (m *Model) Encode() []byte {
	e := modelEncoder{strIdx: map[string]uint64{}, exprIdx: map[*Expr]uint64{}}
	syms := m.allSymbols()
	choiceIdx := map[*choice]uint64{}
	for i, c := range m.choices {
		choiceIdx[c] = uint64(i)
	}
	// expressions and strings are numbered in one walk, in the order the
	// parts below refer to them
	var head, recs []byte
	buf := &head
	u := func(v uint64) { *buf = binary.AppendUvarint(*buf, v) }
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
	symtab := make([]byte, 0, 8*len(syms))
	buf = &recs
	for _, s := range syms {
		symtab = binary.LittleEndian.AppendUint32(symtab, uint32(e.str(s.name)))
		symtab = binary.LittleEndian.AppendUint32(symtab, uint32(len(recs)))
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
	off := 0
	for _, s := range e.strs {
		out = binary.LittleEndian.AppendUint32(out, uint32(off))
		off += len(s)
	}
	out = binary.LittleEndian.AppendUint32(out, uint32(off))
	out = binary.AppendUvarint(out, uint64(off))
	for _, s := range e.strs {
		out = append(out, s...)
	}
	out = binary.AppendUvarint(out, uint64(len(e.exprs)))
	out = append(out, e.exprBytes...)
	out = append(out, head...)
	out = binary.AppendUvarint(out, uint64(len(syms)))
	out = append(out, symtab...)
	out = binary.AppendUvarint(out, uint64(len(recs)))
	return append(out, recs...)
}

// allSymbols returns every symbol, sorted by name (decoding them all
// for a decoded model).
func (m *Model) allSymbols() []*symbol {
	if m.lz != nil {
		out := make([]*symbol, m.lz.n())
		for i := range out {
			out[i] = m.lz.symbol(i)
		}
		return out
	}
	names := slices.Sorted(maps.Keys(m.syms))
	out := make([]*symbol, len(names))
	for i, n := range names {
		out[i] = m.syms[n]
	}
	return out
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
	e.exprBytes = binary.LittleEndian.AppendUint32(e.exprBytes, uint32(name))
	e.exprBytes = binary.LittleEndian.AppendUint32(e.exprBytes, uint32(l))
	e.exprBytes = binary.LittleEndian.AppendUint32(e.exprBytes, uint32(r))
	return i + 1
}

// ErrBadModel is returned by DecodeModel for bytes that are not a whole
// model encoding.
var ErrBadModel = errors.New("kconfig: bad model encoding")

// lazySyms holds a decoded model's symbols, each decoded on first use,
// and the expressions they refer to, each built on first use.
type lazySyms struct {
	strs    string // every string, one after the other
	offs    []byte // u32 offsets into strs, one per string and one past
	exprTab []byte // exprSize bytes per expression
	choices []*choice
	symtab  []byte // per symbol: name, record offset (u32 each)
	recs    []byte
	mu      sync.Mutex
	// The symbols decoded and the expressions built so far, by index: a
	// review builds a few thousand of a model's ~20,000 symbols and
	// ~75,000 expressions (as slices, nearly all nil, their tables were
	// ~750 KB of heap live through the review and scanned by every
	// collection; paged, every page had some).
	syms  map[int]*symbol
	nodes map[uint32]*Expr
	arena []Expr
}

// exprSize is the size of an expression in the table: kind, name, left,
// right.
const exprSize = 13

func (l *lazySyms) nstr() int { return len(l.offs)/4 - 1 }

// str returns string i (i checked by the caller).
func (l *lazySyms) str(i uint32) string {
	return l.strs[binary.LittleEndian.Uint32(l.offs[4*i:]):binary.LittleEndian.Uint32(l.offs[4*i+4:])]
}

// node returns expression j-1, nil for 0 (j checked by the caller).
func (l *lazySyms) node(j uint32) *Expr {
	if j == 0 {
		return nil
	}
	if x := l.nodes[j]; x != nil {
		return x
	}
	rec := l.exprTab[exprSize*(j-1):]
	if len(l.arena) == 0 {
		l.arena = make([]Expr, 256)
	}
	x := &l.arena[0]
	l.arena = l.arena[1:]
	x.Kind = ExprKind(rec[0])
	x.Name = l.str(binary.LittleEndian.Uint32(rec[1:]))
	x.L = l.node(binary.LittleEndian.Uint32(rec[5:]))
	x.R = l.node(binary.LittleEndian.Uint32(rec[9:]))
	l.nodes[j] = x
	return x
}

func (l *lazySyms) n() int { return len(l.symtab) / 8 }

func (l *lazySyms) name(i int) string {
	return l.str(binary.LittleEndian.Uint32(l.symtab[8*i:]))
}

// lookup returns the symbol named name, nil when there is none.
func (l *lazySyms) lookup(name string) *symbol {
	i := sort.Search(l.n(), func(i int) bool { return l.name(i) >= name })
	if i == l.n() || l.name(i) != name {
		return nil
	}
	return l.symbol(i)
}

// symbol returns symbol i, decoding it on first use (DecodeModel checked
// every record).
func (l *lazySyms) symbol(i int) *symbol {
	l.mu.Lock()
	defer l.mu.Unlock()
	if s := l.syms[i]; s != nil {
		return s
	}
	s := &symbol{name: l.name(i)}
	d := l.record(i)
	if !l.decodeSymbol(&d, s) {
		panic("kconfig: symbol record changed after its check") // DecodeModel checked it
	}
	l.syms[i] = s
	return s
}

// record returns a decoder of symbol i's record.
func (l *lazySyms) record(i int) modelDecoder {
	off := binary.LittleEndian.Uint32(l.symtab[8*i+4:])
	end := uint32(len(l.recs))
	if i+1 < l.n() {
		end = binary.LittleEndian.Uint32(l.symtab[8*(i+1)+4:])
	}
	if off > end || end > uint32(len(l.recs)) {
		return modelDecoder{bad: true}
	}
	return modelDecoder{b: l.recs[off:end]}
}

// decodeSymbol reads a symbol record into s, or only checks it when s is
// nil; false when it is not a whole record.
func (l *lazySyms) decodeSymbol(d *modelDecoder, s *symbol) bool {
	keep := s != nil
	str := func() string {
		i := d.uint()
		if i >= uint64(l.nstr()) {
			d.bad = true
			return ""
		}
		if !keep {
			return ""
		}
		return l.str(uint32(i))
	}
	expr := func() *Expr {
		j := d.uint()
		if j > uint64(len(l.exprTab)/exprSize) {
			d.bad = true
			return nil
		}
		if !keep {
			return nil
		}
		return l.node(uint32(j))
	}
	if !keep {
		s = &symbol{}
	}
	s.typ = str()
	if n := d.count(4); n > 0 {
		var defs []symDef
		if keep {
			defs = make([]symDef, n)
		}
		for j := 0; j < n; j++ {
			var df symDef
			df.dep = expr()
			df.prompt = d.flag()
			df.promptIf = expr()
			if n := d.count(2); n > 0 {
				if keep {
					df.defaults = make([]defProp, n)
				}
				for k := 0; k < n; k++ {
					dp := defProp{val: expr(), cond: expr()}
					if keep {
						df.defaults[k] = dp
					}
				}
			}
			if keep {
				defs[j] = df
			}
		}
		s.defs = defs
	}
	if n := d.count(2); n > 0 {
		if keep {
			s.selectors = make([]selector, n)
		}
		for j := 0; j < n; j++ {
			sl := selector{by: str(), cond: expr()}
			if keep {
				s.selectors[j] = sl
			}
		}
	}
	if c := d.uint(); c > 0 {
		if c > uint64(len(l.choices)) {
			d.bad = true
		} else {
			s.choice = l.choices[c-1]
		}
	}
	return !d.bad && len(d.b) == 0
}

// DecodeModel reads a model written by Encode. Its memos start empty,
// it has no SetFree function, and its symbols are decoded as queries ask
// for them. Its strings and tables are read in place: data must not
// change while the Model is used (the index passes a mapping of its
// sidecar, which is replaced by renaming, never rewritten, and stays
// mapped).
func DecodeModel(data []byte) (m *Model, err error) {
	if len(data) < len(modelMagic) || string(data[:len(modelMagic)]) != modelMagic {
		return nil, ErrBadModel
	}
	d := modelDecoder{b: data[len(modelMagic):]}
	l := &lazySyms{}
	ns := d.count(4)
	if d.bad || len(d.b) < 4*(ns+1) {
		return nil, ErrBadModel
	}
	l.offs = d.b[:4*(ns+1)]
	d.skip(4 * (ns + 1))
	nb := d.count(1)
	if d.bad || nb > len(d.b) {
		return nil, ErrBadModel
	}
	l.strs = unsafe.String(unsafe.SliceData(d.b), nb) // read in place, as the tables
	d.skip(nb)
	for i := 0; i < ns; i++ {
		a, b := binary.LittleEndian.Uint32(l.offs[4*i:]), binary.LittleEndian.Uint32(l.offs[4*i+4:])
		if a > b || int(b) > nb || i == 0 && a != 0 {
			return nil, ErrBadModel
		}
	}
	nx := d.count(exprSize)
	if d.bad {
		return nil, ErrBadModel
	}
	l.exprTab = d.b[:exprSize*nx]
	d.skip(exprSize * nx)
	for j := 0; j < nx; j++ {
		rec := l.exprTab[exprSize*j:]
		if ExprKind(rec[0]) > ExprUnknown || int(binary.LittleEndian.Uint32(rec[1:])) >= ns ||
			binary.LittleEndian.Uint32(rec[5:]) > uint32(j) || binary.LittleEndian.Uint32(rec[9:]) > uint32(j) {
			return nil, ErrBadModel // children come first
		}
	}
	l.nodes = map[uint32]*Expr{}
	str := func() string {
		i := d.uint()
		if i >= uint64(ns) {
			d.bad = true
			return ""
		}
		return l.str(uint32(i))
	}
	expr := func() *Expr {
		j := d.uint()
		if j > uint64(nx) {
			d.bad = true
			return nil
		}
		return l.node(uint32(j))
	}
	m = &Model{memo: map[string]bool{}, parsed: map[string]*Expr{}, simple: map[string][]string{}, lz: l}
	m.Arch = str()
	m.open = d.flag()
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
		c.optional = d.flag()
		c.anyFree = d.flag()
		m.choices[i] = c
		if d.bad {
			return nil, ErrBadModel
		}
	}
	l.choices = m.choices
	nsym := d.count(8)
	if d.bad {
		return nil, ErrBadModel
	}
	l.symtab = d.b[:8*nsym]
	d.skip(8 * nsym)
	nrec := d.count(1)
	if d.bad || nrec != len(d.b) {
		return nil, ErrBadModel
	}
	l.recs = d.b
	l.syms = map[int]*symbol{}
	// check the table (names sorted, records in order) and every record
	prev, prevOff := "", uint32(0)
	for i := 0; i < nsym; i++ {
		ni := binary.LittleEndian.Uint32(l.symtab[8*i:])
		off := binary.LittleEndian.Uint32(l.symtab[8*i+4:])
		if ni >= uint32(ns) || off < prevOff || i > 0 && l.str(ni) <= prev {
			return nil, ErrBadModel
		}
		prev, prevOff = l.str(ni), off
		r := l.record(i)
		if r.bad || !l.decodeSymbolCheck(&r) {
			return nil, ErrBadModel
		}
	}
	return m, nil
}

// decodeSymbolCheck checks a record without keeping what it holds.
func (l *lazySyms) decodeSymbolCheck(d *modelDecoder) bool {
	return l.decodeSymbol(d, nil)
}

// modelDecoder reads varints; a read past the end sets bad and yields 0.
type modelDecoder struct {
	b   []byte
	bad bool
}

// flag reads a boolean written as 0 or 1; anything else marks the
// encoding bad.
func (d *modelDecoder) flag() bool {
	v := d.uint()
	if v > 1 {
		d.bad = true
	}
	return v == 1
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
