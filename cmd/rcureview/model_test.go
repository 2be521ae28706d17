package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestModelListNamesTheValidationScenarios(t *testing.T) {
	code, out, _ := runCLI(t, "", "model", "list")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"V1-no-sync-free", "P2=violated", "v6.12.117"} {
		if !strings.Contains(out, want) {
			t.Errorf("list lacks %q:\n%s", want, out)
		}
	}
}

func TestModelRunPrintsCounterexampleTable(t *testing.T) {
	code, out, errOut := runCLI(t, "", "model", "run", "V1-no-sync-free")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"rcu-gp-flavor-mismatch     violated (as expected)", "CPU 0", "CPU 1", "T2: free(p)"} {
		if !strings.Contains(out, want) {
			t.Errorf("run output lacks %q:\n%s", want, out)
		}
	}
}

func TestModelCheckFileAndErrors(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "ok.scn")
	os.WriteFile(good, []byte("scenario mine\ntask T1 cpu=0\n    rcu_read_lock\n    rcu_read_unlock\ntask T2 cpu=1\n    synchronize_rcu\nexpect P1=holds L1=holds\n"), 0o644)
	if code, out, errOut := runCLI(t, "", "model", "check", good); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	bad := filepath.Join(dir, "bad.scn")
	os.WriteFile(bad, []byte("scenario broken\ntask T1 cpu=zero\n"), 0o644)
	code, _, errOut := runCLI(t, "", "model", "check", bad)
	if code != 2 || !strings.Contains(errOut, "bad.scn:2:") {
		t.Fatalf("want exit 2 with file:line, got %d %q", code, errOut)
	}
	if code, _, _ := runCLI(t, "", "model", "run", "no-such-scenario"); code != 2 {
		t.Fatalf("unknown scenario: exit %d", code)
	}
}

// TestModelCheckBoundsAreACeiling: a scenario cannot raise its state bound
// past --max-states, and a bound reached is reported as "no verdict" with
// exit status 3.
func TestModelCheckBoundsAreACeiling(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "greedy.scn")
	os.WriteFile(f, []byte("scenario greedy\nobject o published\ntask T1 cpu=0\n    rcu_read_lock\n    deref o\n    rcu_read_unlock\n    rcu_read_lock\n    rcu_read_unlock\n"+
		"task T2 cpu=1\n    unpublish o\n    synchronize_rcu\n    free o\nbounds states=9223372036854775807\n"), 0o644)
	code, out, errOut := runCLI(t, "", "model", "check", "--max-states", "40", f)
	if code != 3 {
		t.Fatalf("exit %d, want 3 (no verdict)\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"no verdict", "bound states 40 reached", "asks for states=9223372036854775807; the ceiling is 40"} {
		if !strings.Contains(out+errOut, want) {
			t.Errorf("output lacks %q:\n%s\n%s", want, out, errOut)
		}
	}
	// Without the ceiling the same file is decided.
	if code, out, errOut := runCLI(t, "", "model", "check", f); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if code, _, errOut := runCLI(t, "", "model", "check", "--max-states", "-5", f); code != 2 || !strings.Contains(errOut, "positive") {
		t.Fatalf("negative ceiling: exit %d %q", code, errOut)
	}
}
