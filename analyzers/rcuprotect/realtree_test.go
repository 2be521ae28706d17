package rcuprotect

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/finding"
)

func TestRealTreeUnprotectedReader(t *testing.T) {
	p := realtest.Provider()
	tests := []struct {
		name string
		mbox string
		want bool
	}{
		{"the rcu_read_lock()/rcu_read_unlock() pair around rcu_dereference(primes) removed", "testdata/unprotected-dump-primes.mbox", true},
		{"twin: the pair replaced by guard(rcu)()", "testdata/guard-dump-primes.mbox", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs := realtest.RunMbox(t, Analyzer, p, tc.mbox)
			if !tc.want {
				if len(fs) != 0 {
					t.Fatalf("want no finding, got %d", len(fs))
				}
				return
			}
			if len(fs) != 1 {
				t.Fatalf("%d findings, want 1", len(fs))
			}
			f := fs[0]
			if f.Rule != finding.RuleIllegalContext || f.Status != finding.StatusNew || f.Function != "dump_primes" ||
				f.Source != " \tp = rcu_dereference(primes);" {
				t.Errorf("finding %s %s %s %q", f.Rule, f.Status, f.Function, f.Source)
			}
			if !strings.Contains(f.Message, "lib/math/prime_numbers.c:primes") || !strings.Contains(f.Message, "kmalloc") ||
				len(f.Chain) != 2 || f.Chain[0].Line != 247 {
				t.Errorf("message/chain: %s %+v", f.Message, f.Chain)
			}
			// the table: the unprotected path marked, the other readers of
			// primes with their sections
			m := f.RCUMap
			if m == nil || m.Location != "lib/math/prime_numbers.c:primes" {
				t.Fatalf("no protection map of primes: %+v", m)
			}
			var focus *finding.RCUMapReader
			others := 0
			for i, r := range m.Readers {
				if r.Finding {
					focus = &m.Readers[i]
				} else if strings.Contains(strings.Join(r.Protection, ""), "rcu_read_lock() here") {
					others++
				}
			}
			if focus == nil || focus.Function != "dump_primes" || !strings.HasPrefix(focus.Other, "no reader: dump_primes() may block at lib/math/prime_numbers.c:247") ||
				strings.Join(focus.Protection, "") != "" {
				t.Errorf("the unprotected row: %+v", focus)
			}
			if others == 0 {
				t.Errorf("no other reader of primes under rcu_read_lock(): %+v", m.Readers)
			}
		})
	}
}
