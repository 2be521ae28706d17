package reports

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
)

func sampleReport() *Report {
	return &Report{
		Tool: "rcureview", Version: "test",
		Kernel: Kernel{Source: "git:/src/linux@v6.12"},
		Patches: []*Patch{{
			Subject: "[RFC PATCH 1/2] rcu: Add rcu_read_lock_notrace()", MessageID: "m1@x", Series: "m0@x",
			Index: 1, Total: 2, Applied: true, Lines: 26,
			Hunks: []Hunk{{File: "include/linux/rcupdate.h", Header: "@@ -975,6 +975,21 @@", OldLine: 971, NewLine: 971, Offset: -4}},
			Findings: []finding.Finding{
				{Rule: "rcu-gp-stall", Severity: finding.Error, File: "include/linux/rcupdate.h", Line: 990,
					Message: "an expedited grace period never ends",
					Trace: &finding.Trace{Property: "L1", Steps: []finding.Step{
						{CPU: 0, Context: "task", Event: "rcu_read_lock_notrace()"},
						{CPU: 1, Context: "task", Event: "synchronize_rcu_expedited()"},
						{CPU: 0, Context: "hardirq", Event: "rcu_exp_handler(): set need_qs"},
					}}},
				{Rule: "notrace-instrumented-call", Severity: finding.Warning, File: "include/linux/rcupdate.h", Line: 985,
					Function: "rcu_read_unlock_notrace", Message: "rcu_read_unlock_notrace() reaches traceable __rcu_read_unlock()",
					Sink: "ftrace", PatchLine: 42, Source: "+\t__rcu_read_unlock();",
					Chain:  []finding.Hop{{Function: "__rcu_read_unlock", File: "kernel/rcu/tree_plugin.h", Line: 429, Why: "ftrace"}},
					Config: []string{"CONFIG_PREEMPT_RCU=y"}},
			},
		}},
	}
}

func TestTextIsCheckpatchShaped(t *testing.T) {
	var b bytes.Buffer
	if err := NewFormats().Write(&b, "text", sampleReport()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	want := "WARNING: notrace-instrumented-call: rcu_read_unlock_notrace() reaches traceable __rcu_read_unlock()\n" +
		"#42: FILE: include/linux/rcupdate.h:985:\n" +
		"+\t__rcu_read_unlock();\n" +
		"  chain: rcu_read_unlock_notrace -> __rcu_read_unlock [ftrace]\n" +
		"  config: CONFIG_PREEMPT_RCU=y\n"
	if !strings.Contains(out, want) {
		t.Errorf("finding block missing:\n%s", out)
	}
	for _, s := range []string{
		"applied: yes; include/linux/rcupdate.h @@ -975,6 +975,21 @@ at line 971 (offset -4 lines)",
		"counterexample for L1:",
		"CPU 0",
		"CPU 1",
		"total: 1 errors, 1 warnings, 0 notes, 26 lines checked",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("text lacks %q:\n%s", s, out)
		}
	}
	// Findings are sorted by line: the warning at 985 comes before the error at 990.
	if strings.Index(out, "WARNING:") > strings.Index(out, "ERROR:") {
		t.Errorf("findings not in line order:\n%s", out)
	}
}

func TestTraceTableHasOneColumnPerCPU(t *testing.T) {
	rows := TraceTable(sampleReport().Patches[0].Findings[0].Trace)
	if len(rows) != 3+3 {
		t.Fatalf("rows: %q", rows)
	}
	hdr := rows[1]
	c0, c1 := strings.Index(hdr, "CPU 0"), strings.Index(hdr, "CPU 1")
	if c0 < 0 || c1 < 0 {
		t.Fatalf("header %q", hdr)
	}
	// CPU 1's event starts in CPU 1's column.
	if got := strings.Index(rows[4], "synchronize_rcu_expedited()"); got != c1 {
		t.Errorf("CPU 1 event at column %d, header column %d:\n%s", got, c1, strings.Join(rows, "\n"))
	}
}

func TestJSONKeepsSchemaKeysAndRoundTrips(t *testing.T) {
	r := sampleReport()
	r.Patches = append(r.Patches, &Patch{Subject: "bad", Error: "parse diff: x"})
	var b bytes.Buffer
	if err := NewFormats().Write(&b, "json", r); err != nil {
		t.Fatal(err)
	}
	var raw map[string]any
	if err := json.Unmarshal(b.Bytes(), &raw); err != nil {
		t.Fatal(err)
	}
	if raw["schema"].(float64) != 1 {
		t.Errorf("schema %v", raw["schema"])
	}
	bad := raw["patches"].([]any)[1].(map[string]any)
	if f, ok := bad["findings"].([]any); !ok || len(f) != 0 {
		t.Errorf("findings must be [] not null: %v", bad["findings"])
	}
	f0 := raw["patches"].([]any)[0].(map[string]any)["findings"].([]any)[0].(map[string]any)
	for _, k := range []string{"rule", "severity", "file", "line", "function", "message", "sink", "status", "chain", "config", "trace"} {
		if _, ok := f0[k]; !ok {
			t.Errorf("finding lacks key %q", k)
		}
	}
	if f0["severity"] != "warning" || f0["status"] != "new" {
		t.Errorf("severity/status: %v %v", f0["severity"], f0["status"])
	}
	var back Report
	if err := json.Unmarshal(b.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Patches[0].Findings[1].Trace.Steps[2].Context != "hardirq" {
		t.Errorf("round trip lost the trace: %+v", back.Patches[0].Findings[1])
	}
}

func TestUnknownFormatIsAnError(t *testing.T) {
	if err := NewFormats().Write(&bytes.Buffer{}, "xml", sampleReport()); err == nil {
		t.Fatal("want an error")
	}
}
