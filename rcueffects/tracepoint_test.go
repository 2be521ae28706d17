package rcueffects

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// doTrace is 6.12's __DO_TRACE() with the guard lines replaced by enter
// and exit.
func doTrace(enter, exit string) string {
	return `#define __DO_TRACE(name, args, cond, rcuidle)				\
	do {								\
		int __maybe_unused __idx = 0;				\
									\
		if (!(cond))						\
			return;						\
									\
		if (WARN_ONCE(RCUIDLE_COND(rcuidle),			\
			      "Bad RCU usage for tracepoint"))		\
			return;						\
									\
		` + enter + `						\
									\
		if (rcuidle) {						\
			__idx = srcu_read_lock_notrace(&tracepoint_srcu);\
			ct_irq_enter_irqson();				\
		}							\
									\
		__DO_TRACE_CALL(name, TP_ARGS(args));			\
									\
		if (rcuidle) {						\
			ct_irq_exit_irqson();				\
			srcu_read_unlock_notrace(&tracepoint_srcu, __idx);\
		}							\
									\
		` + exit + `						\
	} while (0)
`
}

func tracepointSummarizer(t *testing.T, header string) *Summarizer {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "include", "linux", "tracepoint.h")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(header), 0o644); err != nil {
		t.Fatal(err)
	}
	tree, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	ix, err := index.NewProvider(index.Options{Workers: 1}, nil).For(tree)
	if err != nil {
		t.Fatal(err)
	}
	return NewSummarizer(ix, NewSource(tree, nil), nil)
}

// TestTracepointGuard: the guard __DO_TRACE() takes is read from the code
// (the rcuidle branches are not taken by trace_NAME()), for 6.12's
// preemption guard, the RFC's rcu_read_lock_notrace(), a guard() class
// and no guard at all.
func TestTracepointGuard(t *testing.T) {
	for _, tc := range []struct {
		name, header string
		enter, exit  string
	}{
		{"6.12", doTrace("preempt_disable_notrace();", "preempt_enable_notrace();"), "preempt_disable_notrace", "preempt_enable_notrace"},
		{"RFC rcu_read_lock_notrace", doTrace("rcu_read_lock_notrace();", "rcu_read_unlock_notrace();"), "rcu_read_lock_notrace", "rcu_read_unlock_notrace"},
		{"guard class", doTrace("guard(srcu_fast_notrace)(&tracepoint_srcu);", ""), "srcu_read_lock_fast_notrace", "srcu_read_unlock_fast_notrace"},
		{"no guard", doTrace("", ""), "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := tracepointSummarizer(t, tc.header).TracepointGuard()
			if !g.Found {
				t.Fatal("no tracepoint implementation found")
			}
			var enter, exit []string
			for _, e := range g.Tracepoint.Enter {
				enter = append(enter, e.Name)
			}
			for _, e := range g.Tracepoint.Exit {
				exit = append(exit, e.Name)
			}
			if strings.Join(enter, ",") != tc.enter || strings.Join(exit, ",") != tc.exit {
				t.Fatalf("enter %v exit %v, want %q %q", enter, exit, tc.enter, tc.exit)
			}
			if tc.enter != "" && (g.Loc.File != "include/linux/tracepoint.h" || g.Loc.Line != 12) {
				t.Fatalf("guard located at %+v, want include/linux/tracepoint.h:12", g.Loc)
			}
		})
	}
}
