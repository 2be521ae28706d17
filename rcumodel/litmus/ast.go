package litmus

// Test is one parsed C litmus test.
type Test struct {
	Name   string     // the name on the "C" line
	Init   []InitItem // the init block, in order
	Procs  []*Proc    // P0, P1, ... in index order
	Quant  string     // "exists", "~exists" or "forall"
	Cond   Prop       // the quantified proposition
	Filter Prop       // the filter proposition, or nil
}

// InitItem is one assignment of the init block: a location or a register
// (Proc >= 0) and its initial value (Int, or the address of a location when
// Addr is set).
type InitItem struct {
	Proc int    // -1 for a shared location
	Name string // location or register name
	Int  int64
	Addr string // non-empty: the value is the address of this location
}

// Proc is one process: its index, parameter names and body.
type Proc struct {
	Index  int
	Params []string
	Body   []Stmt
}

// Stmt is a statement of a process body.
type Stmt interface{ stmt() }

// DeclStmt declares registers, each with an optional initialiser.
type DeclStmt struct {
	Names []string
	Inits []Expr // nil entries: no initialiser
}

// ExprStmt is an expression evaluated for its effect (a call or assignment).
type ExprStmt struct{ X Expr }

// IfStmt is if (Cond) Then else Else.
type IfStmt struct {
	Cond       Expr
	Then, Else []Stmt
}

// BlockStmt is a braced block.
type BlockStmt struct{ Body []Stmt }

func (*DeclStmt) stmt()  {}
func (*ExprStmt) stmt()  {}
func (*IfStmt) stmt()    {}
func (*BlockStmt) stmt() {}

// Expr is an expression of a process body.
type Expr interface{ expr() }

// IntLit is an integer constant.
type IntLit struct{ V int64 }

// Ident is a register or (for a parameter) the address of a location.
type Ident struct{ Name string }

// Unary is op X for op in "!", "-", "~", "*" (load) and "&".
type Unary struct {
	Op string
	X  Expr
}

// Binary is X op Y.
type Binary struct {
	Op   string
	X, Y Expr
}

// Assign is L = R.
type Assign struct{ L, R Expr }

// Call is Fun(Args...).
type Call struct {
	Fun  string
	Args []Expr
}

func (*IntLit) expr() {}
func (*Ident) expr()  {}
func (*Unary) expr()  {}
func (*Binary) expr() {}
func (*Assign) expr() {}
func (*Call) expr()   {}

// Prop is a proposition of the final condition.
type Prop interface{ prop() }

// Atom compares a register (Proc >= 0) or a location with a value.
type Atom struct {
	Proc int // -1: a location
	Name string
	Neq  bool
	Int  int64
	Addr string // non-empty: compare with the address of this location
}

// Not is ~X.
type Not struct{ X Prop }

// And is X /\ Y.
type And struct{ X, Y Prop }

// Or is X \/ Y.
type Or struct{ X, Y Prop }

// Const is true or false.
type Const struct{ V bool }

func (*Atom) prop()  {}
func (*Not) prop()   {}
func (*And) prop()   {}
func (*Or) prop()    {}
func (*Const) prop() {}
