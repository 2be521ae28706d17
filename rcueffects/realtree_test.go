package rcueffects

import (
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcumodel"
)

func realSummarizer(t *testing.T) *Summarizer {
	t.Helper()
	root := kerneltest.Tree(t)
	tree, err := ksrc.OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	cache, err := index.DefaultCache()
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewProvider(index.Options{Cache: cache}, nil).For(tree)
	if err != nil {
		t.Fatal(err)
	}
	return NewSummarizer(ix, NewSource(tree, nil), nil)
}

func TestRealTreePrimitives(t *testing.T) {
	z := realSummarizer(t)
	tests := []struct {
		name string
		want rcumodel.Effects
	}{
		{"rcu_read_lock", rcumodel.Effects{Counter: rcumodel.CounterRCU, Delta: 1, Traced: "ftrace:__rcu_read_lock", NMISafe: true}},
		{"rcu_read_unlock", rcumodel.Effects{Counter: rcumodel.CounterRCU, Delta: -1, TestsSpecial: true, CallsSpecial: true, Traced: "ftrace:__rcu_read_unlock", NMISafe: true}},
		{"rcu_read_lock_trace", rcumodel.Effects{Counter: rcumodel.CounterTrace, Delta: 1}},
		{"rcu_read_unlock_trace", rcumodel.Effects{Counter: rcumodel.CounterTrace, Delta: -1, TestsSpecial: true, CallsSpecial: true}},
		{"rcu_read_lock_sched", rcumodel.Effects{Preempt: 1, NMISafe: true}},
		{"rcu_read_lock_bh", rcumodel.Effects{BH: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := z.Summary(tc.name)
			if !ok {
				t.Fatalf("no summary")
			}
			if !SameEffects(s.Effects, tc.want) {
				t.Errorf("effects %+v, want %+v (evidence %v)", s.Effects, tc.want, s.Evidence)
			}
		})
	}
	m := z.Machinery()
	if !m.Found || m.Profile.Name != "v6.12.117" {
		t.Errorf("machinery %+v, want v6.12.117 (evidence %v)", m.Profile, m.Evidence)
	}
}
