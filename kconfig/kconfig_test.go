package kconfig

import (
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
	if c["CONFIG_LOCALVERSION"] != "-rt" {
		t.Errorf("quoted value: got %q", c["CONFIG_LOCALVERSION"])
	}
	for k, want := range map[string]string{"CONFIG_PREEMPT_RCU": "y", "CONFIG_RCU_BOOST": "m", "CONFIG_PREEMPT_RT": "n"} {
		if c[k] != want {
			t.Errorf("%s = %q, want %q", k, c[k], want)
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
