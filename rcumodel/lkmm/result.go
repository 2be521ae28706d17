package lkmm

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/rcumodel/lkmm/litmus"
)

// Verdict is herd7's observation of a test's condition.
type Verdict string

// Verdicts: Never, Sometimes and Always are herd7's; the others say why
// there is none.
const (
	Never       Verdict = "Never"
	Sometimes   Verdict = "Sometimes"
	Always      Verdict = "Always"
	Unsupported Verdict = "Unsupported" // a construct this package does not model
	NoVerdict   Verdict = "NoVerdict"   // a bound was reached
	Invalid     Verdict = "Error"       // herd7 would reject the test too
)

// Result is the outcome of checking one test, with what herd7 prints.
type Result struct {
	Name    string   `json:"name"`
	File    string   `json:"file,omitempty"`
	Verdict Verdict  `json:"verdict"`
	Reason  string   `json:"reason,omitempty"`
	Kind    string   `json:"kind,omitempty"` // Allowed, Forbidden or Required
	OK      bool     `json:"ok"`             // herd7's "Ok" (the test's claim holds)
	Loop    bool     `json:"loop,omitempty"` // a loop was unrolled too far
	Pos     int      `json:"positive"`       // executions satisfying the condition
	Neg     int      `json:"negative"`       // executions not satisfying it
	States  []string `json:"states,omitempty"`
	Flags   []string `json:"flags,omitempty"`
	Cond    string   `json:"condition,omitempty"` // herd7's "Condition" line, after "Condition "
	// Construct names the unsupported construct (Verdict Unsupported).
	Construct string `json:"construct,omitempty"`
	// Witness is an execution that satisfies the condition (for exists
	// and ~exists) or violates it (for forall), when there is one.
	Witness *Witness `json:"witness,omitempty"`
	// Counter is an execution with the opposite outcome, when there is one.
	Counter *Witness `json:"counter,omitempty"`
	// Executions counts the executions the model allows.
	Executions int `json:"executions"`
}

// Options tune Check.
type Options struct {
	Limits litmus.Limits
	// MaxExecutions bounds the candidates examined (combinations of
	// control-flow paths, reads-from choices and coherence orders); 0
	// means DefaultMaxExecutions. Reaching it gives NoVerdict.
	MaxExecutions int
	// Witness asks for a witness execution in the result.
	Witness bool
}

// DefaultMaxExecutions bounds the work on one test (herd7 has no bound).
const DefaultMaxExecutions = 20_000_000

var errBound = errors.New("bound reached")

// Check runs test t under the Linux-kernel memory model.
func Check(t *litmus.Test, opt Options) Result {
	res := Result{Name: t.Name, Kind: t.Quant.Kind(), Cond: condString(t)}
	lim := opt.Limits
	if lim == (litmus.Limits{}) {
		lim = litmus.DefaultLimits
	}
	c, err := compile(t, lim)
	if err != nil {
		return errorResult(res, err)
	}
	c.maxWork = opt.MaxExecutions
	if c.maxWork <= 0 {
		c.maxWork = DefaultMaxExecutions
	}
	obs := c.observe()
	cond := obs.compile(t.Cond)
	var filter *cprop
	if t.Filter != nil {
		filter = obs.compile(t.Filter)
	}
	states := map[string]bool{}
	var stateList []stateKey
	var keyBuf []byte
	flags := 0
	var wit, counter *Witness
	a := &arena{}
	var st *static
	var stMark arenaMark
	fin := &final{c: c, o: obs, v: make([]val, len(obs.slots))}
	err = c.enumerate(func(cd *candidate, s *solver) error {
		if st == nil || st.cd != cd || !cd.constLocs {
			a.release(arenaMark{})
			loc := make([]int, cd.n)
			for i := range cd.ev {
				loc[i] = -1
				if k := cd.ev[i].kind; k != aF && k != aTooFar {
					l, _ := s.get(cd.ev[i].loc)
					loc[i] = l.sym()
				}
			}
			st = newStatic(cd, a, loc)
			stMark = a.mark()
		}
		a.release(stMark)
		x := newExecution(st, cd, s)
		fin.setRegs(cd, s)
		toofar := cd.toofar()
		return x.enumerate(func(o *outcome) error {
			fin.setMem(o)
			if filter != nil && !filter.eval(fin) {
				return nil
			}
			if toofar {
				res.Loop = true
				return nil
			}
			ok := cond.eval(fin)
			if ok {
				res.Pos++
			} else {
				res.Neg++
			}
			res.Executions++
			flags |= o.flags
			keyBuf = fin.keyBytes(keyBuf[:0])
			if !states[string(keyBuf)] {
				states[string(keyBuf)] = true
				stateList = append(stateList, fin.key())
			}
			// The witness is an execution that satisfies the condition
			// (for exists and ~exists) or violates it (for forall).
			wantWit := ok
			if t.Quant == litmus.Forall {
				wantWit = !ok
			}
			if opt.Witness && wit == nil && wantWit {
				wit = newWitness(c, o, fin)
			}
			if opt.Witness && counter == nil && !wantWit {
				counter = newWitness(c, o, fin)
			}
			return nil
		})
	})
	if err != nil {
		return errorResult(res, err)
	}
	sort.Slice(stateList, func(i, j int) bool { return c.lessState(stateList[i], stateList[j]) })
	for _, k := range stateList {
		res.States = append(res.States, k.text)
	}
	for b := 0; b < nFlags; b++ {
		if flags&(1<<b) != 0 {
			res.Flags = append(res.Flags, flagNames[b])
		}
	}
	switch {
	case res.Pos == 0:
		res.Verdict = Never
	case res.Neg == 0:
		res.Verdict = Always
	default:
		res.Verdict = Sometimes
	}
	switch t.Quant {
	case litmus.Exists:
		res.OK = res.Pos > 0
	case litmus.NotExists:
		res.OK = res.Pos == 0
	case litmus.Forall:
		res.OK = res.Neg == 0
	}
	res.Witness, res.Counter = wit, counter
	return res
}

func errorResult(res Result, err error) Result {
	switch {
	case errors.Is(err, errBound):
		res.Verdict, res.Reason = NoVerdict, "more candidate executions than the bound"
	case errors.Is(err, litmus.ErrLimit):
		res.Verdict, res.Reason = NoVerdict, err.Error()
	case errors.Is(err, litmus.ErrUnsupported):
		res.Verdict, res.Reason = Unsupported, err.Error()
		res.Construct = litmus.Construct(err)
	default:
		res.Verdict, res.Reason = Invalid, err.Error()
	}
	return res
}

func (cd *candidate) toofar() bool {
	for _, p := range cd.paths {
		if p.toofar {
			return true
		}
	}
	return false
}

// observed holds the locations a test observes (the condition, the
// filter, the locations clause): registers and shared locations, each in a
// slot of a final state.
type observed struct {
	c         *compiled
	slots     []litmus.RLoc
	slotOf    map[litmus.RLoc]int
	memLoc    []int // per slot: the location index of a shared location, -1 for a register
	displayed []int // slots of the States lines, in herd7's order
}

func (c *compiled) observe() *observed {
	o := &observed{c: c, slotOf: map[litmus.RLoc]int{}}
	add := func(l litmus.RLoc) {
		if _, ok := o.slotOf[l]; ok {
			return
		}
		o.slotOf[l] = len(o.slots)
		o.slots = append(o.slots, l)
		m := -1
		if l.Global() {
			if i, ok := c.b.locIdx[l.Name]; ok {
				m = i
			}
		}
		o.memLoc = append(o.memLoc, m)
	}
	for _, l := range displayedLocs(c.t) {
		add(l)
		o.displayed = append(o.displayed, o.slotOf[l])
	}
	litmus.WalkProp(c.t.Filter, add)
	return o
}

// final is the final state of one execution, by slot.
type final struct {
	c *compiled
	o *observed
	v []val
}

// setRegs fixes the registers, which reads-from determines.
func (f *final) setRegs(cd *candidate, s *solver) {
	for k, l := range f.o.slots {
		if l.Global() {
			continue
		}
		v := f.c.b.initVal(l)
		if l.Proc < len(cd.paths) {
			if t, ok := cd.paths[l.Proc].regs[l.Name]; ok {
				var known bool
				if v, known = s.get(t); !known {
					v = undet
				}
			}
		}
		f.v[k] = v
	}
}

// setMem fixes the shared locations: the value of the co-last memory
// write of each.
func (f *final) setMem(o *outcome) {
	x := o.x
	for k, l := range f.o.memLoc {
		if !f.o.slots[k].Global() {
			continue
		}
		if l < 0 {
			f.v[k] = 0
			continue
		}
		f.v[k] = f.c.init[l]
		x.w0.each(func(i int) {
			if x.loc[i] == l && !o.co.rowHas(i, x.w0) {
				f.v[k] = x.val[i]
			}
		})
	}
}

func (f *final) keyBytes(b []byte) []byte {
	for _, k := range f.o.displayed {
		v := uint64(f.v[k])
		for i := 0; i < 8; i++ {
			b = append(b, byte(v>>(8*i)))
		}
	}
	return b
}

// key is the displayed part of the state, as herd7 prints it.
func (f *final) key() stateKey {
	var b strings.Builder
	k := stateKey{}
	for _, s := range f.o.displayed {
		v := f.v[s]
		k.vals = append(k.vals, v)
		fmt.Fprintf(&b, "%s=%s; ", f.o.slots[s], f.c.show(v))
	}
	k.text = strings.TrimSuffix(b.String(), " ")
	return k
}

// value is the value a condition compares with: a number or the address
// of a location (one the test does not name is no address).
func (c *compiled) value(v litmus.Value) val {
	if v.Sym != "" {
		if i, ok := c.b.locIdx[v.Sym]; ok {
			return symVal(i)
		}
		return undet - 1
	}
	return val(int32(v.Int))
}

// cprop is a proposition compiled to slots.
type cprop struct {
	op     byte // 'a' atom, 'l' two locations, '!' not, '&' and, '|' or, '>' implies
	s1, s2 int
	v      val
	kids   []*cprop
}

func (o *observed) compile(p litmus.Prop) *cprop {
	switch p := p.(type) {
	case *litmus.Atom:
		return &cprop{op: 'a', s1: o.slotOf[p.Loc], v: o.valueOf(p.Val)}
	case *litmus.AtomLoc:
		return &cprop{op: 'l', s1: o.slotOf[p.Loc], s2: o.slotOf[p.Loc2]}
	case *litmus.Not:
		return &cprop{op: '!', kids: []*cprop{o.compile(p.P)}}
	case *litmus.And:
		c := &cprop{op: '&'}
		for _, q := range p.Ps {
			c.kids = append(c.kids, o.compile(q))
		}
		return c
	case *litmus.Or:
		c := &cprop{op: '|'}
		for _, q := range p.Ps {
			c.kids = append(c.kids, o.compile(q))
		}
		return c
	case *litmus.Implies:
		return &cprop{op: '>', kids: []*cprop{o.compile(p.P), o.compile(p.Q)}}
	}
	return &cprop{op: '|'}
}

func (o *observed) valueOf(v litmus.Value) val { return o.c.value(v) }

func (p *cprop) eval(f *final) bool {
	switch p.op {
	case 'a':
		return f.v[p.s1] == p.v
	case 'l':
		return f.v[p.s1] == f.v[p.s2]
	case '!':
		return !p.kids[0].eval(f)
	case '&':
		for _, k := range p.kids {
			if !k.eval(f) {
				return false
			}
		}
		return true
	case '|':
		for _, k := range p.kids {
			if k.eval(f) {
				return true
			}
		}
		return false
	case '>':
		return !p.kids[0].eval(f) || p.kids[1].eval(f)
	}
	return false
}

// stateKey is a final state restricted to the displayed locations, with
// herd7's order.
type stateKey struct {
	text string
	vals []val
}

func (c *compiled) lessState(k, o stateKey) bool {
	for i := range k.vals {
		if k.vals[i] != o.vals[i] {
			return c.cmpVal(k.vals[i], o.vals[i]) < 0
		}
	}
	return false
}

// cmpVal orders values as herd7 does: integers before addresses,
// addresses by name.
func (c *compiled) cmpVal(a, b val) int {
	as, bs := a.isSym(), b.isSym()
	switch {
	case as != bs:
		if as {
			return 1
		}
		return -1
	case as:
		return strings.Compare(c.show(a), c.show(b))
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// displayedLocs are the locations of the locations clause and the
// condition, in herd7's order: registers by process and name, then shared
// locations by name.
func displayedLocs(t *litmus.Test) []litmus.RLoc {
	seen := map[litmus.RLoc]bool{}
	var out []litmus.RLoc
	add := func(l litmus.RLoc) {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	for _, l := range t.Locations {
		add(l)
	}
	litmus.WalkProp(t.Cond, add)
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Global() != b.Global() {
			return !a.Global()
		}
		if a.Proc != b.Proc {
			return a.Proc < b.Proc
		}
		return a.Name < b.Name
	})
	return out
}

// condString prints the condition as herd7's "Condition" line does.
func condString(t *litmus.Test) string {
	return t.Quant.String() + " (" + propString(t.Cond, opTop) + ")"
}

const (
	opTop = iota
	opAnd
	opOr
	opImplies
)

func paren(above, here int) bool {
	switch {
	case above == opTop:
		return false
	case above == opImplies:
		return here != opImplies
	case above == opAnd:
		return here != opAnd
	}
	return here == opImplies // above == opOr
}

func propString(p litmus.Prop, above int) string {
	wrap := func(here int, s string) string {
		if paren(above, here) {
			return "(" + s + ")"
		}
		return s
	}
	switch p := p.(type) {
	case *litmus.Atom:
		return p.Loc.String() + "=" + p.Val.String()
	case *litmus.AtomLoc:
		return p.Loc.String() + "=" + p.Loc2.String()
	case *litmus.Not:
		return "not (" + propString(p.P, opTop) + ")"
	case *litmus.And:
		if len(p.Ps) == 0 {
			return "true"
		}
		var parts []string
		for _, q := range p.Ps {
			parts = append(parts, propString(q, opAnd))
		}
		return wrap(opAnd, strings.Join(parts, " /\\ "))
	case *litmus.Or:
		if len(p.Ps) == 0 {
			return "false"
		}
		var parts []string
		for _, q := range p.Ps {
			parts = append(parts, propString(q, opOr))
		}
		return wrap(opOr, strings.Join(parts, " \\/ "))
	case *litmus.Implies:
		return wrap(opImplies, propString(p.P, opImplies)+" => "+propString(p.Q, opImplies))
	}
	return "?"
}

// Herd formats the result as herd7 prints it, without the Time and Hash
// lines. Tests without a verdict give one line "Error|Unsupported|NoVerdict
// NAME: reason".
func (r Result) Herd() string {
	switch r.Verdict {
	case Never, Sometimes, Always:
	default:
		return fmt.Sprintf("%s %s: %s\n", r.Verdict, r.Name, r.Reason)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Test %s %s\n", r.Name, r.Kind)
	fmt.Fprintf(&b, "States %d\n", len(r.States))
	for _, s := range r.States {
		b.WriteString(s + "\n")
	}
	okText := "No"
	if r.OK {
		okText = "Ok"
	}
	if r.Loop {
		okText = "Loop " + okText
	}
	b.WriteString(okText + "\n")
	pos, neg := r.Pos, r.Neg
	if r.Kind == "Forbidden" {
		pos, neg = neg, pos
	}
	fmt.Fprintf(&b, "Witnesses\nPositive: %d Negative: %d\n", pos, neg)
	for _, f := range r.Flags {
		fmt.Fprintf(&b, "Flag %s\n", f)
	}
	fmt.Fprintf(&b, "Condition %s\n", r.Cond)
	fmt.Fprintf(&b, "Observation %s %s %d %d\n", r.Name, r.Verdict, r.Pos, r.Neg)
	return b.String()
}
