package kconfig

import (
	"fmt"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	src := `#
# Automatically generated file; DO NOT EDIT.
CONFIG_PREEMPT_RCU=y
CONFIG_RCU_BOOST=m
# CONFIG_PREEMPT_RT is not set
CONFIG_LOCALVERSION="-rt"
`
	c, err := Parse(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if c.Get("CONFIG_LOCALVERSION") != "-rt" {
		t.Errorf("quoted value: got %q", c.Get("CONFIG_LOCALVERSION"))
	}
	for k, want := range map[string]string{"CONFIG_PREEMPT_RCU": "y", "CONFIG_RCU_BOOST": "m", "CONFIG_PREEMPT_RT": "n"} {
		if c.Get(k) != want {
			t.Errorf("%s = %q, want %q", k, c.Get(k), want)
		}
	}
	if !c.Enabled("CONFIG_RCU_BOOST") || c.Enabled("CONFIG_PREEMPT_RT") || c.Enabled("CONFIG_ABSENT") {
		t.Error("Enabled is wrong")
	}
}

func TestParseRejectsGarbageAssignment(t *testing.T) {
	_, err := Parse(strings.NewReader("CONFIG_A=y\nFOO BAR=1\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}

// TestConfigValue: bisection finds every option of a configuration and
// no other name (neighbours, prefixes and extensions of names, names
// before the first and after the last), and All yields them in order.
func TestConfigValue(t *testing.T) {
	m := map[string]string{}
	for i := range 500 {
		m[fmt.Sprintf("CONFIG_%c%d", 'A'+i%26, i)] = []string{"y", "m", "n", "", "0x10", "a=b c"}[i%6]
	}
	m["CONFIG_X"] = "y"
	m["CONFIG_XY"] = "m"
	c := FromMap(m)
	if c.Len() != len(m) {
		t.Fatalf("Len = %d, want %d", c.Len(), len(m))
	}
	for k, v := range m {
		if got, ok := c.Value(k); !ok || got != v {
			t.Errorf("Value(%q) = %q, %v; want %q", k, got, ok, v)
		}
	}
	for _, k := range []string{"", "A", "CONFIG_", "CONFIG_A", "CONFIG_A00", "CONFIG_X0", "CONFIG_XYZ", "CONFIG_Z9999", "ZZZ", "CONFIG_A0=y"} {
		if v, ok := c.Value(k); ok {
			t.Errorf("Value(%q) = %q, want absent", k, v)
		}
	}
	var prev string
	n := 0
	for k, v := range c.All() {
		if k <= prev || m[k] != v {
			t.Fatalf("All: %q=%q after %q", k, v, prev)
		}
		prev = k
		n++
	}
	if n != len(m) {
		t.Errorf("All yields %d options, want %d", n, len(m))
	}
	var none *Config
	if v, ok := none.Value("CONFIG_X"); ok || v != "" || none.Enabled("CONFIG_X") || none.Len() != 0 {
		t.Error("a nil Config has values")
	}
	if c := FromMap(map[string]string{"CONFIG_A=B": "n", "CONFIG_C": "y"}); c.Len() != 1 || c.Get("CONFIG_C") != "y" {
		t.Errorf("a name holding '=' is kept: %q", c.text)
	}
}
