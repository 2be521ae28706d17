package index

import (
	"fmt"

	"github.com/rcureview/rcureview/cscan"
)

// SkimC extracts the facts of one C source or header file. It never fails:
// text that does not look like C yields fewer facts, not an error, and
// unbalanced braces or parentheses are recovered at the next column-0
// closing brace. path is stored in the result and used for nothing else.
func SkimC(path string, src []byte) *FileFacts {
	return new(Skimmer).SkimC(path, src)
}

// Skimmer skims many files, reusing its buffers and sharing the strings
// of identifiers between them. The zero value is ready; it is not safe
// for concurrent use.
type Skimmer struct {
	intern *cscan.Interner
	toks   []cscan.Token
	tcond  []int32
	bt     []cscan.Token
	calls  []Call
	blocks []blockState
	params []string
	funcs  []Func
	macros []Macro
	noRCU  bool // skip the RCU facts (the benchmark of their cost)
}

// SkimC is SkimC with the skimmer's buffers.
func (k *Skimmer) SkimC(path string, src []byte) *FileFacts {
	if want := min(cscan.DefaultInternerSlots, len(src)/16+16); k.intern == nil || k.intern.Slots() < want {
		// Sized for the largest file yet: a skimmer made for one small
		// fragment (a patch's hunks) must not allocate for a tree.
		k.intern = cscan.NewInterner(want)
	}
	s := newSkimmer(path, src, k.intern)
	s.noRCU = k.noRCU
	s.toks, s.tcond, s.bt, s.calls, s.blocks = k.toks[:0], k.tcond[:0], k.bt[:0], k.calls[:0], k.blocks[:0]
	s.fi.params, s.ff.Funcs, s.ff.Macros = k.params[:0], k.funcs[:0], k.macros[:0]
	s.run()
	k.toks, k.tcond, k.bt, k.calls, k.blocks = s.toks, s.tcond, s.bt, s.calls, s.blocks
	k.params, k.funcs, k.macros = s.fi.params, s.ff.Funcs, s.ff.Macros
	// the file keeps exact copies of its functions and macros (the
	// buffers are reused)
	s.ff.Funcs, s.ff.Macros = nil, nil
	if len(k.funcs) > 0 {
		s.ff.Funcs = append(make([]Func, 0, len(k.funcs)), k.funcs...)
	}
	if len(k.macros) > 0 {
		s.ff.Macros = append(make([]Macro, 0, len(k.macros)), k.macros...)
	}
	return s.ff
}

type skimmer struct {
	ff      *FileFacts
	lx      cscan.Scanner
	intern  *cscan.Interner // identifier strings, shared with the macro-body scanners
	toks    []cscan.Token
	tcond   []int32       // per token: preprocessor condition set
	bt      []cscan.Token // a #define body's tokens (define)
	calls   []Call        // the calls of the function body being read
	blocks  []blockState  // its open blocks
	fi      funcInfo      // the function head being read (funcHead)
	pp      []ppFrame
	ppCond  int32 // current preprocessor condition set
	condIdx map[string]int32
	// rcuState collects what the RCU sites of the file need (rcu.go).
	rcuState *rcuScan
	noRCU    bool
}

func newSkimmer(path string, src []byte, intern *cscan.Interner) *skimmer {
	if intern == nil {
		intern = cscan.NewInterner(min(cscan.DefaultInternerSlots, len(src)/16+16))
	}
	s := &skimmer{
		ff:      &FileFacts{Path: path, Conds: [][]string{nil}},
		condIdx: map[string]int32{"": 0},
		intern:  intern,
	}
	s.lx.Init(src, 1, cscan.DirectiveBytes, intern)
	return s
}

func (s *skimmer) run() {
	for {
		t := s.lx.Scan()
		if t.Kind == cscan.EOF {
			break
		}
		if t.Kind == cscan.Directive {
			s.directive(s.lx.DirectiveText(), t.Line)
			continue
		}
		if len(s.toks) == cap(s.toks) {
			s.growToks()
		}
		s.toks = append(s.toks, t)
		s.tcond = append(s.tcond, s.ppCond)
	}
	s.toplevel()
	s.rcuFinish()
}

// growToks doubles the token buffers (append grows a large slice by a
// quarter at a time, and each step copies and clears the whole buffer:
// that cost more than scanning the big files that needed it).
func (s *skimmer) growToks() {
	n := max(2*cap(s.toks), 1024)
	toks, tcond := make([]cscan.Token, len(s.toks), n), make([]int32, len(s.tcond), n)
	copy(toks, s.toks)
	copy(tcond, s.tcond)
	s.toks, s.tcond = toks, tcond
}

// String summarises the facts (for debugging and tests).
func (f *FileFacts) String() string {
	return fmt.Sprintf("%s: %d functions, %d macros, %d invocations", f.Path, len(f.Funcs), len(f.Macros), len(f.Invocations))
}
