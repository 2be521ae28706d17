package lkmm

import (
	"errors"
	"fmt"
)

// val is a value of herd7's C semantics: a 32-bit integer (herd7 runs C
// tests with Int32Value) or the address of a shared location, encoded as
// symBase plus the location's index. undet stands for a value that herd7
// leaves undetermined (a cycle of reads-from through data dependencies
// with nothing else to fix it).
type val int64

const (
	symBase val = 1 << 33
	undet   val = -(1 << 40)
)

func symVal(loc int) val  { return symBase + val(loc) }
func (v val) isSym() bool { return v >= symBase }
func (v val) sym() int    { return int(v - symBase) }

// errArith is returned for arithmetic herd7 refuses (on addresses, or a
// division by zero).
var errArith = errors.New("arithmetic on an address or division by zero")

// apply computes x op y with 32-bit wrap-around, as herd7 does.
func apply(op string, x, y val) (val, error) {
	switch op {
	case "==":
		return b2v(x == y), nil
	case "!=":
		return b2v(x != y), nil
	}
	if x.isSym() || y.isSym() || x == undet || y == undet {
		return 0, errArith
	}
	a, b := int32(x), int32(y)
	var r int32
	switch op {
	case "+":
		r = a + b
	case "-":
		r = a - b
	case "*":
		r = a * b
	case "/":
		if b == 0 {
			return 0, errArith
		}
		r = a / b
	case "&":
		r = a & b
	case "|":
		r = a | b
	case "^":
		r = a ^ b
	case "<":
		return b2v(a < b), nil
	case ">":
		return b2v(a > b), nil
	case "<=":
		return b2v(a <= b), nil
	case ">=":
		return b2v(a >= b), nil
	default:
		return 0, fmt.Errorf("unknown operator %s", op)
	}
	return val(r), nil
}

func b2v(b bool) val {
	if b {
		return 1
	}
	return 0
}

// term is a value of the semantics: a constant, or a variable (x > 0)
// whose value the solver finds.
type term struct {
	c val
	x int32
}

func cst(v val) term          { return term{c: v} }
func (t term) isConst() bool  { return t.x == 0 }
func (t term) String() string { return fmt.Sprintf("%v", t.pretty()) }
func (t term) pretty() any {
	if t.x == 0 {
		return int64(t.c)
	}
	return fmt.Sprintf("v%d", t.x)
}

// cnstr is herd7's "Assign (lhs, rhs)" equation: lhs is the value of rhs,
// where rhs is an atom (op == ""), "op(a, b)", or the initial value of
// the location a (op == "init").
type cnstr struct {
	lhs  term
	op   string
	a, b term
}
