package litmus

// Test is one C litmus test as herd7 reads it: the name line, the initial
// state, the processes (after macro expansion) and the final condition.
type Test struct {
	Name      string
	Doc       string      // the optional quoted doc string after the name
	Init      []InitItem  // the init block, in order
	Procs     []*Proc     // P0, P1, ... in index order
	Locations []RLoc      // the "locations [...]" clause
	Filter    Prop        // the "filter" clause, or nil
	Quant     Quantifier  // exists, ~exists or forall
	Cond      Prop        // the quantified proposition
	Lines     CondLines   // where the clauses are, for reports
	Src       []byte      // the text the test was parsed from
	Macros    *MacroTable // the macros the bodies were expanded with
}

// CondLines gives the 1-based lines of the condition clauses.
type CondLines struct {
	Cond int // the exists/~exists/forall keyword
}

// Quantifier is the kind of the final condition.
type Quantifier int

// Quantifiers, as herd7 names them in its "Test NAME KIND" line.
const (
	Exists    Quantifier = iota // exists: "Allowed"
	NotExists                   // ~exists: "Forbidden"
	Forall                      // forall: "Required"
)

func (q Quantifier) String() string {
	switch q {
	case NotExists:
		return "~exists"
	case Forall:
		return "forall"
	}
	return "exists"
}

// Kind is herd7's name for the quantifier.
func (q Quantifier) Kind() string {
	switch q {
	case NotExists:
		return "Forbidden"
	case Forall:
		return "Required"
	}
	return "Allowed"
}

// InitItem is one entry of the init block: a location or a register and
// its initial value.
type InitItem struct {
	Loc  RLoc
	Val  Value
	Type string // declared type, "" when none
	Line int
}

// RLoc is a location of the init block or the condition: a register of a
// process (Proc >= 0) or a shared location (Proc < 0).
type RLoc struct {
	Proc int
	Name string
}

// Global reports whether l names a shared location.
func (l RLoc) Global() bool { return l.Proc < 0 }

// String prints l as herd7 does in states: "0:r1" or "[x]".
func (l RLoc) String() string {
	if l.Proc < 0 {
		return "[" + l.Name + "]"
	}
	return itoa(l.Proc) + ":" + l.Name
}

// Value is an integer or the address of a shared location (Sym != "").
type Value struct {
	Int int64
	Sym string
}

// String prints v as herd7 does.
func (v Value) String() string {
	if v.Sym != "" {
		return v.Sym
	}
	return i64toa(v.Int)
}

// Proc is one process: its index, parameters and expanded body.
type Proc struct {
	Index  int
	Params []Param
	Body   []Instr
	Line   int // the line of "Pn("
}

// Param is one parameter "type *name" of a process.
type Param struct {
	Type string
	Name string
}

// Instr is a statement of a process body (herd7's CBase.instruction).
type Instr interface{ instrLine() int }

// Pos is the source line of an instruction; after macro expansion the
// instructions of a macro body carry the line of the call.
type Pos struct{ Line int }

func (p Pos) instrLine() int { return p.Line }

// Line returns the source line of an instruction.
func Line(i Instr) int { return i.instrLine() }

// Instructions.
type (
	// Fence is __fence{annot}.
	Fence struct {
		Pos
		Annot []string
	}
	// Seq is a braced block.
	Seq struct {
		Pos
		Body []Instr
	}
	// If is if (Cond) Then [else Else].
	If struct {
		Pos
		Cond Expr
		Then Instr
		Else Instr // nil when absent
	}
	// While is while (Cond) Body, unrolled by the model.
	While struct {
		Pos
		Cond Expr
		Body Instr
	}
	// CastExpr is (void)X;.
	CastExpr struct {
		Pos
		X Expr
	}
	// DeclReg declares a register without a value.
	DeclReg struct {
		Pos
		Type string
		Reg  string
	}
	// StoreReg evaluates X and stores it in Reg ("" to discard it).
	StoreReg struct {
		Pos
		Type string // declared type when a declaration, else ""
		Reg  string
		X    Expr
	}
	// StoreMem is *Loc = Val (Annot nil) or __store{Annot}(Loc, Val).
	StoreMem struct {
		Pos
		Loc, Val Expr
		Annot    []string
	}
	// Lock is spin_lock(Loc).
	Lock struct {
		Pos
		Loc Expr
	}
	// Unlock is spin_unlock(Loc).
	Unlock struct {
		Pos
		Loc Expr
	}
	// AtomicOp is __atomic_op(Loc, Op, Val) (no return value).
	AtomicOp struct {
		Pos
		Loc Expr
		Op  string
		Val Expr
	}
	// InstrSRCU is __srcu{Annot}(Loc[, Val]).
	InstrSRCU struct {
		Pos
		Loc   Expr
		Annot []string
		Val   Expr // nil when absent
	}
	// PCall is a call statement; macro expansion replaces it.
	PCall struct {
		Pos
		Name string
		Args []Expr
	}
)

// Expr is an expression (herd7's CBase.expression).
type Expr interface{ expr() }

// Expressions.
type (
	// Const is an integer constant.
	Const struct{ V int64 }
	// LoadReg reads a register.
	LoadReg struct{ Reg string }
	// LoadMem reads memory at Loc: *Loc (Annot nil) or __load{Annot}(Loc).
	LoadMem struct {
		Loc   Expr
		Annot []string
	}
	// Op is X op Y for op in + - * / & | ^ == != < > <= >=.
	Op struct {
		Op   string
		X, Y Expr
	}
	// Exchange is __xchg{Annot}(Loc, Val).
	Exchange struct {
		Loc, Val Expr
		Annot    []string
	}
	// CmpExchange is __cmpxchg{Annot}(Loc, Old, New).
	CmpExchange struct {
		Loc, Old, New Expr
		Annot         []string
	}
	// ECall is a call expression; macro expansion replaces it.
	ECall struct {
		Name string
		Args []Expr
	}
	// TryLock is spin_trylock(Loc).
	TryLock struct{ Loc Expr }
	// IsLocked is spin_is_locked(Loc).
	IsLocked struct{ Loc Expr }
	// AtomicOpReturn is __atomic_op_return{Annot}(Loc, Op, Val), or
	// __atomic_fetch_op{Annot}(...) when Fetch.
	AtomicOpReturn struct {
		Loc   Expr
		Op    string
		Val   Expr
		Fetch bool
		Annot []string
	}
	// AtomicAddUnless is atomic_add_unless(Loc, A, U) (RetBool) or
	// __atomic_add_unless(Loc, A, U).
	AtomicAddUnless struct {
		Loc, A, U Expr
		RetBool   bool
	}
	// ExpSRCU is __srcu{Annot}(Loc) used as an expression.
	ExpSRCU struct {
		Loc   Expr
		Annot []string
	}
)

func (*Const) expr()           {}
func (*LoadReg) expr()         {}
func (*LoadMem) expr()         {}
func (*Op) expr()              {}
func (*Exchange) expr()        {}
func (*CmpExchange) expr()     {}
func (*ECall) expr()           {}
func (*TryLock) expr()         {}
func (*IsLocked) expr()        {}
func (*AtomicOpReturn) expr()  {}
func (*AtomicAddUnless) expr() {}
func (*ExpSRCU) expr()         {}

// Prop is a proposition of the final condition or the filter.
type Prop interface{ prop() }

// Propositions.
type (
	// Atom is Loc = Val.
	Atom struct {
		Loc RLoc
		Val Value
	}
	// AtomLoc is Loc = Loc2 (two locations with the same value).
	AtomLoc struct{ Loc, Loc2 RLoc }
	// Not is "not P" or "~P".
	Not struct{ P Prop }
	// And is P /\ Q; an empty And is true.
	And struct{ Ps []Prop }
	// Or is P \/ Q; an empty Or is false.
	Or struct{ Ps []Prop }
	// Implies is P => Q.
	Implies struct{ P, Q Prop }
)

func (*Atom) prop()    {}
func (*AtomLoc) prop() {}
func (*Not) prop()     {}
func (*And) prop()     {}
func (*Or) prop()      {}
func (*Implies) prop() {}

func itoa(n int) string { return i64toa(int64(n)) }

func i64toa(n int64) string {
	if n == 0 {
		return "0"
	}
	neg := n < 0
	u := uint64(n)
	if neg {
		u = uint64(-n)
	}
	var b [24]byte
	i := len(b)
	for u > 0 {
		i--
		b[i] = byte('0' + u%10)
		u /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
