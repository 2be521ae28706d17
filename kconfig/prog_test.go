package kconfig

import (
	"fmt"
	"reflect"
	"sort"
	"testing"
)

// directCNF builds a query's CNF by translating every symbol's
// constraints itself (as before constraint programs).
func directCNF(m *Model, es []*Expr) (int, [][]int) {
	q := m.newQuery()
	for _, x := range es {
		_, y := q.tri(x)
		q.clause(y)
	}
	for len(q.pending) > 0 && q.nconstr < maxConstrained {
		s := q.pending[0]
		q.pending = q.pending[1:]
		if q.constrained[s] {
			continue
		}
		q.constrained[s] = true
		q.nconstr++
		if q.symbolSteps(s) && s.choice != nil && !q.choiceDone[s.choice] {
			q.choiceDone[s.choice] = true
			q.choiceSteps(s.choice)
		}
	}
	return q.n, q.clauses
}

// progCNF builds it as sat does, by running the symbols' programs.
func progCNF(m *Model, es []*Expr) (int, [][]int) {
	q := m.newQuery()
	for _, x := range es {
		_, y := q.tri(x)
		q.clause(y)
	}
	q.constrain()
	return q.n, q.clauses
}

// sameCNF checks that programs give exactly the CNF a direct
// translation gives (same variables, same clauses in the same order),
// so quickSat and gophersat see the same problem and answer the same.
func sameCNF(t *testing.T, m *Model, queries [][]string) {
	t.Helper()
	for _, conds := range queries {
		es := make([]*Expr, len(conds))
		for i, c := range conds {
			es[i] = m.parseCond(c)
		}
		n1, c1 := directCNF(m, es)
		n2, c2 := progCNF(m, es)
		if n1 != n2 || !reflect.DeepEqual(c1, c2) {
			t.Fatalf("%q: direct %d variables %d clauses, programs %d variables %d clauses", conds, n1, len(c1), n2, len(c2))
		}
	}
}

func TestProgCNFRealTree(t *testing.T) {
	m := realModel(t)
	m.SetFree(func(sym string) bool { return sym == "HAVE_FREE_TEST" })
	var names []string
	for n := range m.syms {
		names = append(names, n)
	}
	sort.Strings(names)
	queries := [][]string{
		{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"}, {"CONFIG_NR_CPUS > 1", "IS_MODULE(CONFIG_KVM)"},
		{"defined(CONFIG_HAVE_FREE_TEST)", "!in_nmi()"}, {"CONFIG_UNDEFINED_THING"},
		{"IS_ENABLED(CONFIG_TASKS_RCU) || defined(CONFIG_HZ_1000_MODULE)"},
	}
	for i, n := range names {
		if i%25 == 0 {
			queries = append(queries, []string{"CONFIG_" + n},
				[]string{"IS_ENABLED(CONFIG_" + n + ")", "!CONFIG_" + names[(i*7)%len(names)]},
				[]string{fmt.Sprintf("IS_MODULE(CONFIG_%s)", n), "CONFIG_X86_64"})
		}
	}
	sameCNF(t, m, queries)
	// and again, with every program made: runs do not change them
	sameCNF(t, m, queries)
	for _, q := range queries[:40] {
		es := make([]*Expr, len(q))
		for i, c := range q {
			es[i] = m.parseCond(c)
		}
		fresh := &Model{Arch: m.Arch, syms: m.syms, choices: m.choices, Missing: m.Missing, free: m.free,
			memo: map[string]bool{}, parsed: map[string]*Expr{}, simple: map[string][]string{}}
		if a, b := m.sat(es), fresh.sat(es); a != b {
			t.Errorf("%q: %v after other queries, %v first", q, a, b)
		}
	}
}

func TestProgCNFSmall(t *testing.T) {
	src := `
config MODULES
	bool "modules"
choice
	prompt "rcu"
	depends on !EMBEDDED
config TREE_RCU
	bool "tree"
config TINY_RCU
	bool "tiny" if !SMP
endchoice
config SMP
	def_bool y
	depends on X86 && (Y || !Z) && W = "v"
	select RCU_STALL if PRINTK
config RCU_STALL
	tristate
	default m if MODULES
	default y
config NR
	int "nr"
	depends on SMP
	default 8
config KVM
	tristate "kvm"
	depends on NR = 8 && RCU_STALL != n
	select NEVER_DEFINED
`
	m := NewModel("x86", func(p string) *File {
		if p != "Kconfig" {
			return nil
		}
		return ParseFile([]byte(src))
	})
	m.SetFree(func(sym string) bool { return sym == "PRINTK" })
	var queries [][]string
	for _, a := range []string{"CONFIG_TREE_RCU", "IS_MODULE(CONFIG_KVM)", "CONFIG_NR > 4", "defined(CONFIG_PRINTK)", "CONFIG_ABSENT", "IS_ENABLED(CONFIG_RCU_STALL)", "!CONFIG_TINY_RCU"} {
		queries = append(queries, []string{a})
		for _, b := range []string{"CONFIG_SMP", "!CONFIG_MODULES", "CONFIG_TINY_RCU", "IS_BUILTIN(CONFIG_KVM)"} {
			queries = append(queries, []string{a, b}, []string{b, a})
		}
	}
	sameCNF(t, m, queries)
	open := NewModel("x86", func(string) *File { return nil })
	sameCNF(t, open, queries)
}

// TestProgConcurrent: queries from several goroutines share the model's
// programs and pooled queries (run with -race).
func TestProgConcurrent(t *testing.T) {
	m := NewModel("x86", func(p string) *File {
		if p != "Kconfig" {
			return nil
		}
		return ParseFile([]byte("config A\n\tbool \"a\"\n\tdepends on B\nconfig B\n\ttristate \"b\"\n\tselect C if A\nconfig C\n\tbool\nconfig MODULES\n\tbool \"m\"\n"))
	})
	want := map[string]bool{}
	queries := [][]string{{"CONFIG_A", "!CONFIG_C"}, {"CONFIG_A", "!CONFIG_B"}, {"IS_MODULE(CONFIG_B)", "!CONFIG_MODULES"}, {"CONFIG_C", "!CONFIG_A"}}
	for _, q := range queries {
		n1, c1 := directCNF(m, []*Expr{ParseCond(q[0]), ParseCond(q[1])})
		want[q[0]+q[1]] = func() bool { s, _ := quickSat(n1, c1, quickBudget); return s }()
	}
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			for i := 0; i < 200; i++ {
				q := queries[(g+i)%len(queries)]
				if m.sat([]*Expr{m.parseCond(q[0]), m.parseCond(q[1])}) != want[q[0]+q[1]] {
					t.Errorf("%q: wrong answer", q)
				}
			}
			done <- true
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
}
