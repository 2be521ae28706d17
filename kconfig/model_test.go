package kconfig

import (
	"strings"
	"testing"
)

// miniTree is a small Kconfig tree in the shapes the kernel uses.
var miniTree = map[string]string{
	"Kconfig": `mainmenu "mini"
source "init/Kconfig"
source "arch/$(SRCARCH)/Kconfig"
source "kernel/rcu/Kconfig"
`,
	"init/Kconfig": `config SMP
	bool "Symmetric multi-processing"
	help
	  Say Y.

	  config NOT_A_SYMBOL
	  this line is help text.

config MODULES
	bool "Modules"

choice
	prompt "Preemption Model"
	default PREEMPT_NONE

config PREEMPT_NONE
	bool "No Forced Preemption"

config PREEMPT
	bool "Preemptible Kernel"
	select PREEMPTION

config PREEMPT_RT
	bool "Fully Preemptible Kernel (Real-Time)"
	depends on ARCH_SUPPORTS_RT
	select PREEMPTION

endchoice

config PREEMPTION
	bool

config EXPERT
	bool "Expert"

config PRINTK
	default y
	bool "Enable printk" if EXPERT

config LOCKDEP
	bool
	select DEBUG_LOCKS

config PROVE_LOCKING
	bool "Prove locking"
	select LOCKDEP

config DEBUG_LOCKS
	bool

config NR_CPUS
	int "CPUs"
	range 2 512
	depends on SMP
	default 64

config DRIVER
	tristate "A driver"
	depends on SMP || COMPILE_TEST
`,
	"arch/x86/Kconfig": `config X86
	def_bool y
	select ARCH_SUPPORTS_RT

config ARCH_SUPPORTS_RT
	bool

if X86
config X86_FEATURE
	bool "feature"
endif
`,
	"kernel/rcu/Kconfig": `menu "RCU"
	depends on !COMPILE_TEST_NEVER

config TREE_RCU
	bool
	default y if SMP

config PREEMPT_RCU
	bool
	default y if PREEMPTION
	select TREE_RCU

config TINY_RCU
	bool
	default y if !PREEMPT_RCU && !SMP

config RCU_BOOST
	bool "boost" if PREEMPT_RCU
	depends on PREEMPT_RCU

endmenu
`,
}

func miniModel(t testing.TB) *Model {
	t.Helper()
	m := NewModel("x86", func(p string) *File {
		src, ok := miniTree[p]
		if !ok {
			return nil
		}
		return ParseFile([]byte(src))
	})
	if m.Open() || len(m.Missing) > 0 {
		t.Fatalf("model open %v, missing %v", m.Open(), m.Missing)
	}
	return m
}

func TestParseFileHelpAndBlocks(t *testing.T) {
	f := ParseFile([]byte(miniTree["init/Kconfig"]))
	var names []string
	for _, e := range f.Entries {
		if e.Kind == EntryConfig {
			names = append(names, e.Name)
		}
	}
	if got := strings.Join(names, " "); got != "SMP MODULES PREEMPT_NONE PREEMPT PREEMPT_RT PREEMPTION EXPERT PRINTK LOCKDEP PROVE_LOCKING DEBUG_LOCKS NR_CPUS DRIVER" {
		t.Errorf("configs: %s (help text must not declare symbols)", got)
	}
	for _, e := range f.Entries {
		switch e.Name {
		case "PRINTK":
			if !e.Prompt || e.PromptIf != "EXPERT" || len(e.Defaults) != 1 || e.Defaults[0].Value != "y" {
				t.Errorf("PRINTK: %+v", e)
			}
		case "PREEMPT_RT":
			if len(e.Depends) != 1 || e.Depends[0] != "ARCH_SUPPORTS_RT" || len(e.Selects) != 1 {
				t.Errorf("PREEMPT_RT: %+v", e)
			}
		case "DRIVER":
			if e.Type != "tristate" || e.Depends[0] != "SMP || COMPILE_TEST" {
				t.Errorf("DRIVER: %+v", e)
			}
		}
	}
}

func TestModelSatisfiable(t *testing.T) {
	m := miniModel(t)
	tests := []struct {
		name  string
		conds []string
		want  bool
	}{
		{"invisible default: TINY_RCU only without PREEMPT_RCU", []string{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"}, false},
		{"select: PREEMPT_RCU brings TREE_RCU", []string{"CONFIG_PREEMPT_RCU", "!CONFIG_TREE_RCU"}, false},
		{"invisible default on: SMP means TREE_RCU", []string{"CONFIG_SMP", "!CONFIG_TREE_RCU"}, false},
		{"choice members exclude each other", []string{"CONFIG_PREEMPT", "CONFIG_PREEMPT_NONE"}, false},
		{"a visible choice picks one", []string{"!CONFIG_PREEMPT", "!CONFIG_PREEMPT_NONE", "!CONFIG_PREEMPT_RT"}, false},
		{"choice member", []string{"CONFIG_PREEMPT_RT", "CONFIG_PREEMPT_RCU"}, true},
		{"select chain", []string{"CONFIG_PROVE_LOCKING", "!CONFIG_DEBUG_LOCKS"}, false},
		{"depends on", []string{"CONFIG_RCU_BOOST", "!CONFIG_PREEMPTION"}, false},
		{"def_bool y", []string{"!CONFIG_X86"}, false},
		{"if block", []string{"IS_ENABLED(CONFIG_X86_FEATURE)"}, true},
		{"undefined symbol is never set", []string{"defined(CONFIG_ARM64)"}, false},
		{"negated undefined symbol always holds", []string{"!IS_ENABLED(CONFIG_ARM64)"}, true},
		{"prompt only with EXPERT: else the default", []string{"!CONFIG_PRINTK", "!CONFIG_EXPERT"}, false},
		{"prompt with EXPERT", []string{"!CONFIG_PRINTK", "CONFIG_EXPERT"}, true},
		{"tristate module needs MODULES", []string{"IS_MODULE(CONFIG_DRIVER)", "!CONFIG_MODULES"}, false},
		{"tristate module", []string{"IS_MODULE(CONFIG_DRIVER)", "!CONFIG_DRIVER"}, true},
		{"bare tristate is =y", []string{"CONFIG_DRIVER", "IS_MODULE(CONFIG_DRIVER)"}, false},
		{"int symbol needs its dependency", []string{"defined(CONFIG_NR_CPUS)", "!CONFIG_SMP"}, false},
		{"int comparison is free", []string{"CONFIG_NR_CPUS > 1", "CONFIG_NR_CPUS < 1"}, true},
		{"runtime condition and its negation", []string{"in_nmi()", "!in_nmi()"}, false},
		{"runtime condition", []string{"!in_nmi()", "CONFIG_SMP"}, true},
		{"a build condition that never holds", []string{"0"}, false},
	}
	for _, tc := range tests {
		if got := m.Satisfiable(tc.conds); got != tc.want {
			t.Errorf("%s: Satisfiable(%q) = %v, want %v", tc.name, tc.conds, got, tc.want)
		}
	}
	m.SetFree(func(sym string) bool { return sym == "C_MACRO" })
	if !m.Satisfiable([]string{"defined(CONFIG_C_MACRO)"}) {
		t.Errorf("a CONFIG_ macro #defined in C is free")
	}
}

func TestModelSimplify(t *testing.T) {
	m := miniModel(t)
	tests := []struct {
		in   []string
		want string
	}{
		{[]string{"CONFIG_PREEMPT_RCU", "IS_ENABLED(CONFIG_TREE_RCU)", "!in_nmi()"}, "!in_nmi() && CONFIG_PREEMPT_RCU"},
		{[]string{"defined(CONFIG_SMP)", "CONFIG_X86", "(!defined(CONFIG_TINY_RCU) || defined(CONFIG_LOCKDEP))"}, "CONFIG_SMP"},
		{[]string{"IS_ENABLED(CONFIG_LOCKDEP)", "IS_ENABLED(CONFIG_DRIVER)"}, "CONFIG_LOCKDEP && IS_ENABLED(CONFIG_DRIVER)"},
		{[]string{"CONFIG_A_OR || CONFIG_SMP", "CONFIG_EXPERT"}, "(CONFIG_A_OR || CONFIG_SMP) && CONFIG_EXPERT"},
	}
	for _, tc := range tests {
		if got := strings.Join(m.Simplify(tc.in), " && "); got != tc.want {
			t.Errorf("Simplify(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestOpenModel(t *testing.T) {
	m := NewModel("x86", func(string) *File { return nil })
	if !m.Open() {
		t.Fatal("no Kconfig: want an open model")
	}
	if !m.Satisfiable([]string{"CONFIG_ARM64", "CONFIG_X86"}) || m.Satisfiable([]string{"CONFIG_A", "!CONFIG_A"}) {
		t.Error("open model: only plain contradictions are unsatisfiable")
	}
}

// FuzzParseCond: any condition parses, prints, and the printed form
// means the same to an open model (satisfiable together with the
// original, unsatisfiable with its negation when the original is
// satisfiable on its own).
func FuzzParseCond(f *testing.F) {
	for _, s := range []string{"CONFIG_A", "!defined(CONFIG_A) || IS_ENABLED(CONFIG_B)", "CONFIG_NR_CPUS > 1 && !in_nmi()",
		"(", "IS_MODULE(CONFIG_X) && (CONFIG_Y || !CONFIG_Z)", "defined CONFIG_A", "0", "1 || x", "a(b(c)"} {
		f.Add(s)
	}
	m := NewModel("x86", func(string) *File { return nil })
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 400 {
			return
		}
		e := ParseCond(s)
		p := e.CString(m.Type)
		if m.Satisfiable([]string{s}) && !m.Satisfiable([]string{s, p}) {
			t.Fatalf("%q printed as %q means something else", s, p)
		}
	})
}

// FuzzParseFile: any text parses into entries whose lines are in the
// input, and a model built from it answers queries.
func FuzzParseFile(f *testing.F) {
	for _, s := range miniTree {
		f.Add(s)
	}
	f.Add("config A\n\tbool \"a\" if B\n\tselect C if D\nchoice\nendif\nendchoice\nendmenu\nsource \"x\"\n")
	f.Fuzz(func(t *testing.T, s string) {
		fl := ParseFile([]byte(s))
		lines := int32(strings.Count(s, "\n") + 1)
		for _, e := range fl.Entries {
			if e.Line < 1 || e.Line > lines {
				t.Fatalf("entry %q at line %d of %d", e.Name, e.Line, lines)
			}
		}
		m := NewModel("x86", func(p string) *File {
			if p == "Kconfig" {
				return fl
			}
			return nil
		})
		m.Satisfiable([]string{"CONFIG_A", "!CONFIG_B"})
		m.Simplify([]string{"CONFIG_A", "CONFIG_B || !CONFIG_C"})
	})
}
