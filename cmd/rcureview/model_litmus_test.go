package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

func TestModelLitmus(t *testing.T) {
	dir := "../../rcumodel/litmus/testdata"
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout []string
	}{
		{"one file", []string{dir + "/gp-guarantee.litmus"}, 0, []string{"Observation gp-guarantee Never ("}},
		{"unsupported", []string{dir + "/unsupported-call-rcu.litmus"}, 0, []string{"Unsupported unsupported-call-rcu: ", "call_rcu()"}},
		{"directory counts", []string{dir}, 0, []string{"Observation srcu-xdomain Sometimes", "Observation forall-always Always", "unsupported 2", "time "}},
		{"no args", nil, 2, nil},
		{"missing", []string{dir + "/nope.litmus"}, 2, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"model", "litmus"}, tt.args...), strings.NewReader(""), &out, &errb)
			if code != tt.code {
				t.Fatalf("exit %d, want %d; stderr %s", code, tt.code, errb.String())
			}
			for _, w := range tt.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
}

func TestModelLitmusJSON(t *testing.T) {
	var out, errb bytes.Buffer
	code := run([]string{"model", "litmus", "--json", "../../rcumodel/litmus/testdata/srcu-overlap.litmus"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var r struct {
		Name, Verdict string
		Witness       []string
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if r.Name != "srcu-overlap" || r.Verdict != "Sometimes" || len(r.Witness) == 0 {
		t.Fatalf("got %+v", r)
	}
}

// TestModelLitmusIndex runs the V0 sweep through the command on the
// kernel's tests (fast) and checks the counts line against the index.
func TestModelLitmusIndex(t *testing.T) {
	root := "../../../shared/litmus"
	if _, err := os.Stat(root + "/INDEX.tsv"); err != nil {
		t.Skip("litmus corpus not present: " + root)
	}
	var out, errb bytes.Buffer
	code := run([]string{"model", "litmus", root + "/linux-6.12"}, strings.NewReader(""), &out, &errb)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	if !strings.Contains(out.String(), "tests 47: supported 47") || !strings.Contains(out.String(), "model bugs (Sometimes/Always) 0") {
		t.Fatalf("unexpected summary:\n%s", out.String())
	}
}
