package index

import (
	"encoding/binary"
	"errors"
	"fmt"
	"unsafe"

	"github.com/rcureview/rcureview/kconfig"
)

// The cache stores each file's facts as a small binary record: unsigned
// varints for counts and numbers, zig-zag varints for signed numbers and
// length-prefixed strings. It is hand-written because gob carries its type
// descriptions per stream (too slow to decode one file at a time) and no
// dependency of the module offers a schema-less compact encoding of these
// structs; the layout follows the struct fields one to one.

// factsEncoder appends records to a byte slice.
type factsEncoder struct{ b []byte }

func (e *factsEncoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *factsEncoder) int(v int64)   { e.b = binary.AppendVarint(e.b, v) }
func (e *factsEncoder) str(s string)  { e.uint(uint64(len(s))); e.b = append(e.b, s...) }

// raw appends length-prefixed bytes (read back in place by
// factsDecoder.raw).
func (e *factsEncoder) raw(b []byte) { e.uint(uint64(len(b))); e.b = append(e.b, b...) }

func (e *factsEncoder) bool(v bool) {
	if v {
		e.b = append(e.b, 1)
	} else {
		e.b = append(e.b, 0)
	}
}

func (e *factsEncoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

func (e *factsEncoder) calls(cs []Call) {
	e.uint(uint64(len(cs)))
	for _, c := range cs {
		e.str(c.Name)
		e.int(int64(c.Line))
		e.int(int64(c.Cond))
		e.uint(uint64(c.Kind))
		e.int(int64(c.Instr))
	}
}

func (e *factsEncoder) rule(r *MakeRule) {
	e.str(r.Object)
	e.int(int64(r.Line))
	e.strs(r.Conds)
	e.str(r.Text)
}

func (e *factsEncoder) optRule(r *MakeRule) {
	e.bool(r != nil)
	if r != nil {
		e.rule(r)
	}
}

// encodeFacts appends the record of f to b.
func encodeFacts(b []byte, f *FileFacts) []byte {
	e := factsEncoder{b}
	e.str(f.Path)
	e.str(f.Key)
	e.uint(uint64(len(f.Conds)))
	for _, c := range f.Conds {
		e.strs(c)
	}
	e.uint(uint64(len(f.Funcs)))
	for i := range f.Funcs {
		fn := &f.Funcs[i]
		e.str(fn.Name)
		e.int(int64(fn.Start))
		e.int(int64(fn.Line))
		e.int(int64(fn.End))
		e.uint(uint64(fn.Attrs))
		e.int(int64(fn.Cond))
		e.calls(fn.Calls)
		e.uint(uint64(len(fn.Unbalanced)))
		for _, m := range fn.Unbalanced {
			e.int(int64(m.Line))
			e.str(m.Msg)
		}
	}
	e.uint(uint64(len(f.Macros)))
	for i := range f.Macros {
		m := &f.Macros[i]
		e.str(m.Name)
		e.int(int64(m.Line))
		e.int(int64(m.Cond))
		e.bool(m.FuncLike)
		e.str(m.Alias)
		e.calls(m.Calls)
	}
	e.uint(uint64(len(f.Invocations)))
	for i := range f.Invocations {
		inv := &f.Invocations[i]
		e.str(inv.Macro)
		e.int(int64(inv.Line))
		e.int(int64(inv.Cond))
		e.strs(inv.Args)
		e.uint(uint64(len(inv.ArgCalls)))
		for _, ac := range inv.ArgCalls {
			e.calls(ac)
		}
	}
	e.uint(uint64(len(f.Includes)))
	for _, inc := range f.Includes {
		e.str(inc.Path)
		e.int(int64(inc.Line))
		e.int(int64(inc.Cond))
	}
	e.bool(f.Make != nil)
	if mk := f.Make; mk != nil {
		e.uint(uint64(len(mk.FtraceRemoved)))
		for i := range mk.FtraceRemoved {
			e.rule(&mk.FtraceRemoved[i])
		}
		e.optRule(mk.DirFtraceRemoved)
		e.optRule(mk.SubdirFtraceRemoved)
		e.uint(uint64(len(mk.Vars)))
		for _, v := range mk.Vars {
			e.str(v.Name)
			e.str(v.Value)
			e.int(int64(v.Line))
		}
		e.strs(mk.Includes)
		e.uint(uint64(len(mk.Assigns)))
		for _, a := range mk.Assigns {
			e.str(a.Name)
			e.str(a.Value)
			e.bool(a.Append)
			e.int(int64(a.Line))
			e.strs(a.Conds)
		}
	}
	e.bool(f.Kconfig != nil)
	if kc := f.Kconfig; kc != nil {
		e.uint(uint64(len(kc.Entries)))
		for i := range kc.Entries {
			en := &kc.Entries[i]
			e.uint(uint64(en.Kind))
			e.str(en.Name)
			e.int(int64(en.Line))
			e.str(en.Type)
			e.bool(en.Prompt)
			e.str(en.PromptIf)
			e.strs(en.Depends)
			e.props(en.Selects)
			e.props(en.Defaults)
			e.bool(en.Optional)
		}
	}
	e.rcuFacts(f)
	return e.b
}

func (e *factsEncoder) props(ps []kconfig.Prop) {
	e.uint(uint64(len(ps)))
	for _, p := range ps {
		e.str(p.Value)
		e.str(p.If)
	}
}

var errShortRecord = errors.New("truncated record")

// factsDecoder reads a record; the first error sticks and every later
// read returns zero values.
type factsDecoder struct {
	b   []byte
	err error
	// inPlace makes strings share the decoded bytes instead of copying
	// them: only for bytes that are never modified or freed (a mapped
	// pack).
	inPlace bool
}

func (d *factsDecoder) fail(err error) {
	if d.err == nil {
		d.err = err
	}
	d.b = nil
}

func (d *factsDecoder) uint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail(errShortRecord)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *factsDecoder) int() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail(errShortRecord)
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *factsDecoder) int32() int32 {
	v := d.int()
	if int64(int32(v)) != v {
		d.fail(fmt.Errorf("number %d out of range", v))
		return 0
	}
	return int32(v)
}

// count reads a length and checks that at least min bytes per element
// remain, so a corrupt length cannot make a huge allocation.
func (d *factsDecoder) count(min int) int {
	v := d.uint()
	if v > uint64(len(d.b)/min) {
		d.fail(fmt.Errorf("count %d exceeds the record", v))
		return 0
	}
	return int(v)
}

func (d *factsDecoder) str() string {
	n := d.count(1)
	var s string
	switch {
	case n == 0:
	case d.inPlace:
		s = unsafe.String(&d.b[0], n)
	default:
		s = string(d.b[:n])
	}
	d.b = d.b[n:]
	return s
}

// raw returns length-prefixed bytes in place (not copied).
func (d *factsDecoder) raw() []byte {
	n := d.count(1)
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func (d *factsDecoder) bool() bool {
	if len(d.b) == 0 {
		d.fail(errShortRecord)
		return false
	}
	v := d.b[0]
	d.b = d.b[1:]
	if v > 1 {
		d.fail(fmt.Errorf("bad flag %d", v))
	}
	return v == 1
}

func (d *factsDecoder) strs() []string {
	n := d.count(1)
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = d.str()
	}
	return out
}

func (d *factsDecoder) calls() []Call {
	n := d.count(5)
	if n == 0 {
		return nil
	}
	out := make([]Call, n)
	for i := range out {
		c := &out[i]
		c.Name = d.str()
		c.Line = d.int32()
		c.Cond = d.int32()
		c.Kind = CallKind(d.uint())
		c.Instr = int8(d.int())
	}
	return out
}

func (d *factsDecoder) props() []kconfig.Prop {
	n := d.count(2)
	if n == 0 {
		return nil
	}
	out := make([]kconfig.Prop, n)
	for i := range out {
		out[i] = kconfig.Prop{Value: d.str(), If: d.str()}
	}
	return out
}

func (d *factsDecoder) rule() MakeRule {
	return MakeRule{Object: d.str(), Line: d.int32(), Conds: d.strs(), Text: d.str()}
}

func (d *factsDecoder) optRule() *MakeRule {
	if !d.bool() {
		return nil
	}
	r := d.rule()
	return &r
}

// decodeFacts decodes one record written by encodeFacts. Empty slices
// decode as nil, as they do from gob.
func decodeFacts(b []byte) (*FileFacts, error) { return decodeRecord(b, false) }

// decodeRecord decodes a record; with inPlace its strings share b, which
// must then never be modified or freed (a mapped pack's records).
func decodeRecord(b []byte, inPlace bool) (*FileFacts, error) {
	d := &factsDecoder{b: b, inPlace: inPlace}
	f := &FileFacts{Path: d.str(), Key: d.str()}
	if n := d.count(1); n > 0 {
		f.Conds = make([][]string, n)
		for i := range f.Conds {
			f.Conds[i] = d.strs()
		}
	}
	if n := d.count(7); n > 0 {
		f.Funcs = make([]Func, n)
		for i := range f.Funcs {
			fn := &f.Funcs[i]
			fn.Name = d.str()
			fn.Start, fn.Line, fn.End = d.int32(), d.int32(), d.int32()
			fn.Attrs = Attr(d.uint())
			fn.Cond = d.int32()
			fn.Calls = d.calls()
			if m := d.count(2); m > 0 {
				fn.Unbalanced = make([]Mark, m)
				for j := range fn.Unbalanced {
					fn.Unbalanced[j] = Mark{Line: d.int32(), Msg: d.str()}
				}
			}
		}
	}
	if n := d.count(6); n > 0 {
		f.Macros = make([]Macro, n)
		for i := range f.Macros {
			m := &f.Macros[i]
			m.Name = d.str()
			m.Line, m.Cond = d.int32(), d.int32()
			m.FuncLike = d.bool()
			m.Alias = d.str()
			m.Calls = d.calls()
		}
	}
	if n := d.count(5); n > 0 {
		f.Invocations = make([]Invocation, n)
		for i := range f.Invocations {
			inv := &f.Invocations[i]
			inv.Macro = d.str()
			inv.Line, inv.Cond = d.int32(), d.int32()
			inv.Args = d.strs()
			if m := d.count(1); m > 0 {
				inv.ArgCalls = make([][]Call, m)
				for j := range inv.ArgCalls {
					inv.ArgCalls[j] = d.calls()
				}
			}
		}
	}
	if n := d.count(3); n > 0 {
		f.Includes = make([]Include, n)
		for i := range f.Includes {
			f.Includes[i] = Include{Path: d.str(), Line: d.int32(), Cond: d.int32()}
		}
	}
	if d.bool() {
		mk := &MakeFacts{}
		if n := d.count(4); n > 0 {
			mk.FtraceRemoved = make([]MakeRule, n)
			for i := range mk.FtraceRemoved {
				mk.FtraceRemoved[i] = d.rule()
			}
		}
		mk.DirFtraceRemoved = d.optRule()
		mk.SubdirFtraceRemoved = d.optRule()
		if n := d.count(3); n > 0 {
			mk.Vars = make([]MakeVar, n)
			for i := range mk.Vars {
				mk.Vars[i] = MakeVar{Name: d.str(), Value: d.str(), Line: d.int32()}
			}
		}
		mk.Includes = d.strs()
		if n := d.count(5); n > 0 {
			mk.Assigns = make([]MakeAssign, n)
			for i := range mk.Assigns {
				mk.Assigns[i] = MakeAssign{Name: d.str(), Value: d.str(), Append: d.bool(), Line: d.int32(), Conds: d.strs()}
			}
		}
		f.Make = mk
	}
	if d.bool() {
		kc := &kconfig.File{}
		if n := d.count(11); n > 0 {
			kc.Entries = make([]kconfig.Entry, n)
			for i := range kc.Entries {
				en := &kc.Entries[i]
				en.Kind = kconfig.EntryKind(d.uint())
				en.Name = d.str()
				en.Line = d.int32()
				en.Type = d.str()
				en.Prompt = d.bool()
				en.PromptIf = d.str()
				en.Depends = d.strs()
				en.Selects = d.props()
				en.Defaults = d.props()
				en.Optional = d.bool()
			}
		}
		f.Kconfig = kc
	}
	d.rcuFacts(f)
	if d.err == nil && len(d.b) != 0 {
		d.fail(fmt.Errorf("%d bytes after the record", len(d.b)))
	}
	if d.err != nil {
		return nil, fmt.Errorf("decode facts: %w", d.err)
	}
	return f, nil
}
