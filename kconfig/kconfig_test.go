package kconfig

import (
	"strings"
	"testing"
)

func TestParseAndHolds(t *testing.T) {
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
	tests := []struct {
		cond        string
		holds, know bool
	}{
		{"CONFIG_PREEMPT_RCU=y", true, true},
		{"CONFIG_PREEMPT_RCU", true, true},
		{"CONFIG_RCU_BOOST", true, true},
		{"CONFIG_RCU_BOOST=y", false, true},
		{"CONFIG_PREEMPT_RT", false, true},
		{"!CONFIG_PREEMPT_RT", true, true},
		{"CONFIG_PREEMPT_RT=n", true, true},
		{"CONFIG_NOT_MENTIONED=n", true, true},
		{"defined(FOO)", false, false},
	}
	for _, tc := range tests {
		h, k := c.Holds(tc.cond)
		if h != tc.holds || k != tc.know {
			t.Errorf("Holds(%q) = %v,%v; want %v,%v", tc.cond, h, k, tc.holds, tc.know)
		}
	}
}

func TestParseRejectsGarbageAssignment(t *testing.T) {
	_, err := Parse(strings.NewReader("CONFIG_A=y\nFOO BAR=1\n"))
	if err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Fatalf("want an error naming line 2, got %v", err)
	}
}
