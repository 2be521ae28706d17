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
	intern map[string]string
	toks   []cscan.Token
	tcond  []int32
	noRCU  bool // skip the RCU facts (the benchmark of their cost)
}

// SkimC is SkimC with the skimmer's buffers.
func (k *Skimmer) SkimC(path string, src []byte) *FileFacts {
	if k.intern == nil || len(k.intern) > 1<<20 {
		// Sized for the file at hand: a skimmer made for one small
		// fragment (a patch's hunks) must not allocate for a tree.
		k.intern = make(map[string]string, min(1<<14, len(src)/16+16))
	}
	s := newSkimmer(path, src, k.intern)
	s.noRCU = k.noRCU
	s.toks, s.tcond = k.toks[:0], k.tcond[:0]
	s.run()
	k.toks, k.tcond = s.toks, s.tcond
	return s.ff
}

type skimmer struct {
	ff      *FileFacts
	lx      cscan.Scanner
	intern  map[string]string // identifier strings, shared with the macro-body scanners
	toks    []cscan.Token
	tcond   []int32 // per token: preprocessor condition set
	pp      []ppFrame
	ppCond  int32 // current preprocessor condition set
	condIdx map[string]int32
	// rcuState collects what the RCU sites of the file need (rcu.go).
	rcuState *rcuScan
	noRCU    bool
}

func newSkimmer(path string, src []byte, intern map[string]string) *skimmer {
	if intern == nil {
		intern = map[string]string{}
	}
	s := &skimmer{
		ff:      &FileFacts{Path: path, Conds: [][]string{nil}},
		condIdx: map[string]int32{"": 0},
		intern:  intern,
	}
	s.lx.Init(src, 1, 0, intern)
	return s
}

func (s *skimmer) run() {
	for {
		t := s.lx.Scan()
		if t.Kind == cscan.EOF {
			break
		}
		if t.Kind == cscan.Directive {
			s.directive(t)
			continue
		}
		s.toks = append(s.toks, t)
		s.tcond = append(s.tcond, s.ppCond)
	}
	s.toplevel()
	s.rcuFinish()
}

// String summarises the facts (for debugging and tests).
func (f *FileFacts) String() string {
	return fmt.Sprintf("%s: %d functions, %d macros, %d invocations", f.Path, len(f.Funcs), len(f.Macros), len(f.Invocations))
}
