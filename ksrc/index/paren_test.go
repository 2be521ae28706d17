package index

import "testing"

func TestParenOrKeepsConjunctionMeaning(t *testing.T) {
	for in, want := range map[string]string{
		"CONFIG_A":                                    "CONFIG_A",
		"CONFIG_A || CONFIG_B":                        "(CONFIG_A || CONFIG_B)",
		"(CONFIG_A || CONFIG_B)":                      "(CONFIG_A || CONFIG_B)",
		"!(defined(CONFIG_A) || defined(CONFIG_B))":   "!(defined(CONFIG_A) || defined(CONFIG_B))",
		"defined(CONFIG_A) && (CONFIG_B || CONFIG_C)": "defined(CONFIG_A) && (CONFIG_B || CONFIG_C)",
	} {
		if got := ParenOr(in); got != want {
			t.Errorf("ParenOr(%q) = %q, want %q", in, got, want)
		}
		if got := ParenOr(ParenOr(in)); got != want {
			t.Errorf("parenOr is not idempotent on %q: %q", in, got)
		}
	}
}
