package finding

import (
	"encoding/json"
	"testing"
)

func TestSeverityJSONRoundTrip(t *testing.T) {
	for _, s := range []Severity{Note, Warning, Error} {
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var back Severity
		if err := json.Unmarshal(b, &back); err != nil || back != s {
			t.Errorf("%s: %s -> %v (%v)", s, b, back, err)
		}
	}
	var s Severity
	if err := json.Unmarshal([]byte(`"fatal"`), &s); err == nil {
		t.Error("unknown severity accepted")
	}
}

func TestSortMaxCount(t *testing.T) {
	fs := []Finding{
		{Rule: "b", File: "z.c", Line: 1, Severity: Note},
		{Rule: "a", File: "a.c", Line: 9, Severity: Error},
		{Rule: "a", File: "a.c", Line: 2, Severity: Warning},
		{Rule: "c", File: "a.c", Line: 2, Severity: Warning},
	}
	Sort(fs)
	got := ""
	for _, f := range fs {
		got += f.File + ":" + f.Rule + " "
	}
	if got != "a.c:a a.c:c a.c:a z.c:b " {
		t.Errorf("order: %s", got)
	}
	if m, ok := Max(fs); !ok || m != Error {
		t.Errorf("Max = %v %v", m, ok)
	}
	if _, ok := Max(nil); ok {
		t.Error("Max of nothing")
	}
	if e, w, n := Count(fs); e != 1 || w != 2 || n != 1 {
		t.Errorf("Count = %d %d %d", e, w, n)
	}
}

func TestEveryDesignRuleIsCatalogued(t *testing.T) {
	for _, id := range []string{
		"notrace-instrumented-call", "notrace-name-contract", "noinstr-instrumented-call", "noinstr-unbalanced",
		"rcu-gp-flavor-mismatch", "rcu-sleep-in-reader", "rcu-fault-in-reader", "rcu-sync-in-reader",
		"rcu-illegal-context", "rcu-unbalanced", "rcu-gp-ends-in-reader", "rcu-gp-stall", "rcu-deferred-qs-lost",
		"rcu-boost-not-undone", "rcu-irq-work-recursion", "rcu-self-deadlock", "lkmm-litmus-result",
		"input-mail", "input-patch", "input-apply", "input-source",
	} {
		if _, ok := LookupRule(id); !ok {
			t.Errorf("rule %s missing", id)
		}
	}
	if len(Rules()) != 21 {
		t.Errorf("%d rules, want 21", len(Rules()))
	}
}

func TestUnchangedFindingsDoNotCount(t *testing.T) {
	fs := []Finding{
		{Rule: "a", Severity: Error, Status: StatusUnchanged},
		{Rule: "b", Severity: Note, Status: StatusNew},
	}
	if m, ok := Max(fs); !ok || m != Note {
		t.Errorf("Max = %v %v, want note (the error is unchanged)", m, ok)
	}
	if e, w, n := Count(fs); e != 0 || w != 0 || n != 1 {
		t.Errorf("Count = %d %d %d", e, w, n)
	}
	if _, ok := Max(fs[:1]); ok {
		t.Error("Max of only unchanged findings")
	}
}

func TestConfigText(t *testing.T) {
	for _, c := range []struct {
		conds []string
		want  string
	}{
		{[]string{"CONFIG_A", "!CONFIG_B"}, "CONFIG_A && !CONFIG_B"},
		{[]string{"CONFIG_A", "0"}, "no configuration: no Makefile builds this file"},
		{nil, ""},
	} {
		if got := ConfigText(c.conds); got != c.want {
			t.Errorf("ConfigText(%q) = %q, want %q", c.conds, got, c.want)
		}
	}
}
