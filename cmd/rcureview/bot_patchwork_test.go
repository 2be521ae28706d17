package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/internal/patchworktest"
)

// TestBotPatchworkCommandLine runs "rcureview bot" as a maintainer would,
// with --patchwork-events as its source and --patchwork checks: the one
// series is answered in the outbox and its patch gets one check with the
// token from the file; "bot status" shows the check.
func TestBotPatchworkCommandLine(t *testing.T) {
	const token = "feedface0123"
	srv := patchworktest.New(token)
	defer srv.Close()
	data, err := os.ReadFile(clean)
	if err != nil {
		t.Fatal(err)
	}
	const msgid = "20250708120000.1-rcureview-clean@example.org"
	srv.AddSeries("rcu", "rcu/sync: comment", 1, time.Date(2025, 7, 8, 10, 0, 0, 0, time.UTC), nil,
		patchworktest.Mail{MsgID: msgid, Name: "[PATCH] rcu/sync: Fix a doubled article", Raw: data})
	dir := t.TempDir()
	tokenFile := filepath.Join(dir, "token")
	os.WriteFile(tokenFile, []byte(token+"\n"), 0o600)
	statePath := filepath.Join(dir, "state.db")
	outbox := filepath.Join(dir, "outbox")
	args := []string{"bot", "--patchwork", srv.URL, "--patchwork-token-file", tokenFile, "--patchwork-events",
		"--patchwork-project", "rcu", "--state", statePath, "--from", "rcureview <bot@rcureview.example>",
		"--outbox", outbox, "--once", "--wait", "1ms", "--state-backups", "0"}
	if code, _, errOut := runCLI(t, "", append(args, "--init-state")...); code != 0 {
		t.Fatalf("bot: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := runCLI(t, "", args...); code != 0 {
		t.Fatalf("bot, second run: exit %d\n%s", code, errOut)
	}
	cks := srv.Checks()
	if len(cks) != 1 || cks[0].Token != token || cks[0].Context != "rcureview" || cks[0].State != "success" {
		t.Fatalf("checks %+v", cks)
	}
	ents, _ := os.ReadDir(filepath.Join(outbox, "new"))
	if len(ents) != 1 {
		t.Errorf("%d replies in the outbox", len(ents))
	}
	_, out, _ := runCLI(t, "", "bot", "status", "--state", statePath)
	if !strings.Contains(out, "patchwork checks posted: 1") || !strings.Contains(out, "source: patchwork events") {
		t.Errorf("bot status:\n%s", out)
	}
	// Misuse is a usage error.
	for _, bad := range [][]string{
		{"bot", "--patchwork-events", "--state", statePath, "--from", "a@b.c", "--outbox", outbox},
		{"bot", "--patchwork", srv.URL, "--inbox", dir, "--state", statePath, "--from", "a@b.c", "--outbox", outbox},
	} {
		if code, _, _ := runCLI(t, "", bad...); code != 2 {
			t.Errorf("%v: exit %d, want 2", bad, code)
		}
	}
}
