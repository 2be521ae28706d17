package kconfig

import (
	"bytes"
	"errors"
	"testing"
)

// TestModelEncodingRealTree: the x86 model of the real tree, encoded and
// decoded, encodes to the same bytes and answers every query of
// TestRealModelRules and a sample of single symbols as the built one.
func TestModelEncodingRealTree(t *testing.T) {
	m := realModel(t)
	enc := m.Encode()
	d, err := DecodeModel(enc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(d.Encode(), enc) {
		t.Fatal("decoded model encodes differently")
	}
	if d.Arch != m.Arch || d.Files != m.Files || d.Symbols() != m.Symbols() || d.Open() != m.Open() {
		t.Fatalf("decoded %s %d files %d symbols, built %s %d files %d symbols", d.Arch, d.Files, d.Symbols(), m.Arch, m.Files, m.Symbols())
	}
	t.Logf("%d symbols, %d files, %d bytes", m.Symbols(), m.Files, len(enc))
	queries := [][]string{
		{"CONFIG_TINY_RCU", "CONFIG_PREEMPT_RCU"}, {"CONFIG_ARM64"}, {"CONFIG_X86_32", "CONFIG_X86_64"},
		{"CONFIG_PREEMPT_RT", "!CONFIG_PREEMPT_RCU"}, {"CONFIG_NR_CPUS > 1"}, {"IS_MODULE(CONFIG_KVM)", "!CONFIG_MODULES"},
	}
	n := 0
	for name := range m.syms {
		if n%40 == 0 {
			queries = append(queries, []string{"CONFIG_" + name}, []string{"!IS_ENABLED(CONFIG_" + name + ")", "CONFIG_X86_64"})
		}
		n++
	}
	for _, q := range queries {
		if a, b := m.Satisfiable(q), d.Satisfiable(q); a != b {
			t.Errorf("Satisfiable(%q): built %v, decoded %v", q, a, b)
		}
	}
	for _, q := range queries[:6] {
		if a, b := m.Simplify(q), d.Simplify(q); !equalStrings(a, b) {
			t.Errorf("Simplify(%q): built %q, decoded %q", q, a, b)
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestModelDecodeDamage: every truncation and a flipped byte at many
// offsets of a real encoding decode to an error or to a model, never a
// panic; truncations are always errors.
func TestModelDecodeDamage(t *testing.T) {
	m := NewModel("x86", func(p string) *File {
		if p != "Kconfig" {
			return nil
		}
		return ParseFile([]byte(`
config MODULES
	bool "modules"
choice
	prompt "rcu"
config TREE_RCU
	bool "tree"
config TINY_RCU
	bool "tiny" if !SMP
endchoice
config SMP
	def_bool y
	depends on X && (Y || !Z) && W = "v"
	select RCU_STALL if PRINTK
config RCU_STALL
	tristate
	default m if MODULES
`))
	})
	enc := m.Encode()
	if _, err := DecodeModel(enc); err != nil {
		t.Fatal(err)
	}
	for n := 0; n < len(enc); n++ {
		if _, err := DecodeModel(enc[:n]); !errors.Is(err, ErrBadModel) {
			t.Fatalf("truncated to %d of %d bytes: err %v", n, len(enc), err)
		}
	}
	for i := range enc {
		for _, bit := range []byte{0x01, 0x80, 0x7f} {
			b := bytes.Clone(enc)
			b[i] ^= bit
			if d, err := DecodeModel(b); err == nil {
				d.Satisfiable([]string{"CONFIG_TINY_RCU", "CONFIG_SMP"}) // must not panic
			}
		}
	}
}

func BenchmarkDecodeModel(b *testing.B) {
	enc := realModel(b).Encode()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := DecodeModel(enc); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDecodedModelConcurrent: a decoded model's symbols and expressions
// are built on first use from several goroutines (run with -race) and
// answer as the built model does.
func TestDecodedModelConcurrent(t *testing.T) {
	m := NewModel("x86", func(p string) *File {
		if p != "Kconfig" {
			return nil
		}
		return ParseFile([]byte("config A\n\tbool \"a\"\n\tdepends on B && !D\nconfig B\n\ttristate \"b\"\n\tselect C if A\nconfig C\n\tbool\n\tdepends on B || D\nconfig D\n\tbool \"d\"\nconfig MODULES\n\tbool \"m\"\n"))
	})
	queries := [][]string{{"CONFIG_A", "!CONFIG_C"}, {"CONFIG_A", "CONFIG_D"}, {"IS_MODULE(CONFIG_B)", "!CONFIG_MODULES"}, {"CONFIG_C", "!CONFIG_B"}}
	for round := 0; round < 20; round++ {
		d, err := DecodeModel(m.Encode())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan bool)
		for g := 0; g < 4; g++ {
			go func(g int) {
				defer func() { done <- true }()
				q := queries[(g+round)%len(queries)]
				if d.Satisfiable(q) != m.Satisfiable(q) {
					t.Errorf("%q: decoded and built models differ", q)
				}
			}(g)
		}
		for g := 0; g < 4; g++ {
			<-done
		}
	}
}
