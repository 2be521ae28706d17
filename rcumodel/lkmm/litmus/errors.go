package litmus

import (
	"errors"
	"fmt"
)

// ErrUnsupported marks a test that is well-formed for herd7 but uses a
// construct this package does not model; the error names the construct.
var ErrUnsupported = errors.New("unsupported")

// ErrLimit marks a test that exceeds one of the Limits.
var ErrLimit = errors.New("limit exceeded")

// Construct returns the name of the unsupported construct an error wraps,
// or "" when err is not an ErrUnsupported.
func Construct(err error) string {
	var u *unsupportedError
	if errors.As(err, &u) {
		return u.construct
	}
	return ""
}

type unsupportedError struct {
	construct string
	line      int
}

func (e *unsupportedError) Error() string {
	if e.line > 0 {
		return fmt.Sprintf("line %d: %v: %s", e.line, ErrUnsupported, e.construct)
	}
	return fmt.Sprintf("%v: %s", ErrUnsupported, e.construct)
}

func (e *unsupportedError) Unwrap() error { return ErrUnsupported }

// Unsupported returns an error for construct (a short stable name such as
// "atomic_thread_fence" or "array location") at line (0 when unknown).
func Unsupported(line int, construct string) error {
	return &unsupportedError{construct: construct, line: line}
}

// Limits bound what a test may contain, so that hostile input cannot make
// parsing or checking take unbounded memory. The zero value means
// DefaultLimits.
type Limits struct {
	Bytes     int // size of the test text
	Procs     int // processes
	Regs      int // registers per process
	Locs      int // shared locations
	Events    int // memory, lock and fence events of one execution, all processes
	Paths     int // control-flow paths per process (branches, trylock, cmpxchg)
	Nesting   int // nesting of statements, expressions and propositions
	Expansion int // instructions after macro expansion, per process
}

// DefaultLimits are generous for real litmus tests (the largest in the
// kernel and the herdtools7 and paulmckrcu corpora have 19 processes and
// about 20 locations) and keep hostile input far below 512 MiB.
var DefaultLimits = Limits{
	Bytes:     1 << 20,
	Procs:     64,
	Regs:      256,
	Locs:      256,
	Events:    512,
	Paths:     4096,
	Nesting:   100,
	Expansion: 4096,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	if l.Bytes > 0 {
		d.Bytes = l.Bytes
	}
	if l.Procs > 0 {
		d.Procs = l.Procs
	}
	if l.Regs > 0 {
		d.Regs = l.Regs
	}
	if l.Locs > 0 {
		d.Locs = l.Locs
	}
	if l.Events > 0 {
		d.Events = l.Events
	}
	if l.Paths > 0 {
		d.Paths = l.Paths
	}
	if l.Nesting > 0 {
		d.Nesting = l.Nesting
	}
	if l.Expansion > 0 {
		d.Expansion = l.Expansion
	}
	return d
}

func limitErr(line int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		return fmt.Errorf("line %d: %w: %s", line, ErrLimit, msg)
	}
	return fmt.Errorf("%w: %s", ErrLimit, msg)
}
