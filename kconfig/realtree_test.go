package kconfig

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// realModel reads the Kconfig tree of $RCUREVIEW_KERNEL_TREE for x86.
func realModel(t testing.TB) *Model {
	t.Helper()
	root := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if root == "" {
		t.Skip("RCUREVIEW_KERNEL_TREE not set: no real kernel tree")
	}
	m := NewModel("x86", func(p string) *File {
		b, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(p)))
		if err != nil {
			return nil
		}
		return ParseFile(b)
	})
	if m.Open() {
		t.Fatalf("no Kconfig in %s", root)
	}
	return m
}

func TestRealModelRules(t *testing.T) {
	start := time.Now()
	m := realModel(t)
	t.Logf("%d files, %d symbols, missing %v, %v", m.Files, m.Symbols(), m.Missing, time.Since(start))
	tests := []struct {
		conds []string
		sat   bool
	}{
		{[]string{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"}, false},
		{[]string{"CONFIG_TREE_RCU", "CONFIG_PREEMPT_RCU"}, true},
		{[]string{"CONFIG_ARM64"}, false},
		{[]string{"IS_ENABLED(CONFIG_ARM_CPUIDLE)"}, false},
		{[]string{"CONFIG_X86_32"}, true},
		{[]string{"CONFIG_X86_32", "CONFIG_X86_64"}, false},
		{[]string{"!CONFIG_X86"}, false},
		{[]string{"CONFIG_PREEMPT_RCU", "!CONFIG_PREEMPTION"}, false},
		{[]string{"CONFIG_LOCKDEP", "!in_nmi()"}, true},
		{[]string{"in_nmi()", "!in_nmi()"}, false},
		{[]string{"CONFIG_DEBUG_LOCK_ALLOC", "!CONFIG_LOCKDEP"}, false},
		{[]string{"CONFIG_PREEMPT_RT", "!CONFIG_PREEMPT_RCU"}, false},
		{[]string{"CONFIG_NR_CPUS > 1"}, true},
	}
	for _, tc := range tests {
		s := time.Now()
		if got := m.Satisfiable(tc.conds); got != tc.sat {
			t.Errorf("Satisfiable(%q) = %v, want %v", tc.conds, got, tc.sat)
		}
		t.Logf("%q %v", tc.conds, time.Since(s))
	}
	t.Logf("%q", m.Simplify([]string{"CONFIG_PREEMPT_RCU", "IS_ENABLED(CONFIG_TREE_RCU)", "(!defined(CONFIG_TINY_RCU) || defined(CONFIG_TASKS_RCU_GENERIC))", "!in_nmi()", "CONFIG_X86"}))
}
