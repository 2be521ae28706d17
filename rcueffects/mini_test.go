package rcueffects

import (
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcumodel"
)

func miniSummarizer(t *testing.T, cfg *kconfig.Config) *Summarizer {
	t.Helper()
	tree, err := ksrc.OpenDir(kerneltest.MiniTreeDir(t))
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewProvider(index.Options{Workers: 1}, nil).For(tree)
	if err != nil {
		t.Fatal(err)
	}
	return NewSummarizer(ix, NewSource(tree, nil), cfg)
}

func TestMiniSummaries(t *testing.T) {
	z := miniSummarizer(t, nil)
	tests := []struct {
		name string
		want rcumodel.Effects
		ev   string // an evidence key that must point into the definition
	}{
		{"rcu_read_lock", rcumodel.Effects{Counter: rcumodel.CounterRCU, Delta: 1, Traced: "ftrace:__rcu_read_lock", NMISafe: true}, EvCounter},
		{"rcu_read_unlock", rcumodel.Effects{Counter: rcumodel.CounterRCU, Delta: -1, TestsSpecial: true, CallsSpecial: true, Traced: "ftrace:__rcu_read_unlock", NMISafe: true}, EvCallSpecial},
		{"rcu_read_unlock_trace", rcumodel.Effects{Counter: rcumodel.CounterTrace, Delta: -1, TestsSpecial: true, CallsSpecial: true}, EvTestSpecial},
		{"demo_read", rcumodel.Effects{Counter: rcumodel.CounterRCU, TestsSpecial: true, CallsSpecial: true, Traced: "ftrace:demo_read", NMISafe: true}, EvCallSpecial},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, ok := z.Summary(tc.name)
			if !ok {
				t.Fatal("no summary")
			}
			if !SameEffects(s.Effects, tc.want) {
				t.Errorf("effects %+v, want %+v", s.Effects, tc.want)
			}
			if ev, ok := s.Evidence[tc.ev]; !ok || ev.File != s.Def.File || ev.Line < s.Def.Line {
				t.Errorf("evidence %s = %+v (def %+v)", tc.ev, ev, s.Def)
			}
		})
	}
	// Without CONFIG_PREEMPT_RCU, __rcu_read_lock() is preempt_disable().
	zn := miniSummarizer(t, kconfig.FromMap(nil))
	if s, ok := zn.Summary("rcu_read_lock"); !ok || s.Effects.Preempt != 1 || s.Effects.Counter != rcumodel.CounterNone {
		t.Errorf("!PREEMPT_RCU rcu_read_lock: %+v", s)
	}
}

func TestMiniMachinery(t *testing.T) {
	m := miniSummarizer(t, nil).Machinery()
	if !m.Found || m.Profile.Name != "v6.12.117" {
		t.Fatalf("profile %+v", m.Profile)
	}
	for _, k := range []string{EvHandlerReset, EvDeferTristate, EvSoftirqGuarded, EvWakeups} {
		if _, ok := m.Evidence[k]; !ok {
			t.Errorf("no evidence for %s", k)
		}
	}
}

func TestMiniSectionsAndBlocking(t *testing.T) {
	z := miniSummarizer(t, nil)
	ix := z.Index
	var fn = ix.Funcs("demo_read")[0]
	toks, ok := z.Src.FuncBody(fn.File.Path, fn.Func)
	if !ok {
		t.Fatal("no body")
	}
	var inReader []string
	z.WalkSections(ParseBody(toks), func(e Event) {
		if e.Kind == EvCall && len(e.Open) == 1 && e.Open[0].Kind == SecRCU {
			inReader = append(inReader, e.Call.Name)
		}
		if e.Kind == EvReturn || e.Kind == EvEnd || e.Kind == EvUnderflow {
			t.Errorf("demo_read is balanced, got event %d at %d", e.Kind, e.Line)
		}
	})
	if len(inReader) != 2 || inReader[0] != "rcu_dereference" || inReader[1] != "rcu_read_unlock" {
		t.Errorf("calls inside the reader: %v", inReader)
	}
	b, chain := z.Blocks("drivers/demo/demo.c", CallSite{Name: "demo_lock_helper"})
	if b != Sleeps || len(chain) != 2 || chain[1].Name != "mutex_lock" {
		t.Errorf("demo_lock_helper: %v %+v", b, chain)
	}
	if b, _ := z.Blocks("drivers/demo/demo.c", CallSite{Name: "demo_read"}); b != NoBlock {
		t.Errorf("demo_read blocks: %v", b)
	}
	gfp := Calls(Lex([]byte("kmalloc(n, GFP_ATOMIC); kzalloc(n, GFP_KERNEL | __GFP_ZERO)"), 1))
	if b, _ := z.Blocks("", gfp[0]); b != NoBlock {
		t.Error("GFP_ATOMIC sleeps")
	}
	if b, _ := z.Blocks("", gfp[1]); b != Sleeps {
		t.Error("GFP_KERNEL does not sleep")
	}
}
