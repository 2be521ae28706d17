package bot

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/internal/archivetest"
)

func countFiles(dir string) int {
	ents, _ := os.ReadDir(dir)
	return len(ents)
}

// waitFor polls cond every 50ms for at most d.
func waitFor(d time.Duration, cond func() bool) bool {
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if cond() {
			return true
		}
	}
	return cond()
}

func TestDaemonPollsAndStopsOnSIGTERM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	dir := t.TempDir()
	arch, err := archivetest.New(filepath.Join(dir, "inbox"))
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range series("first", 1, 2, true, 1, 2) {
		arch.Add(0, m.bytes())
	}
	statePath := filepath.Join(dir, "state.db")
	outNew := filepath.Join(dir, "outbox", "new")
	cmd := exec.Command(bin, "bot", "--inbox", arch.Dir, "--state", statePath, "--init-state", "--from", "rcureview <bot@rcureview.example>",
		"--outbox", filepath.Join(dir, "outbox"), "--poll", "200ms", "--wait", "1ms")
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-done
		}
	}()
	if !waitFor(20*time.Second, func() bool { return countFiles(outNew) == 1 }) {
		t.Fatalf("no reply to the first series\n%s", logs.String())
	}
	// While the daemon holds the database, status reads its status file.
	if !waitFor(5*time.Second, func() bool {
		out, err := exec.Command(bin, "bot", "status", "--state", statePath).CombinedOutput()
		return err == nil && strings.Contains(string(out), "replies sent: 1")
	}) {
		out, err := exec.Command(bin, "bot", "status", "--state", statePath).CombinedOutput()
		t.Fatalf("status while running: %v\n%s", err, out)
	}
	// New mail is picked up by a later poll.
	for _, m := range series("second", 1, 1, false, 1) {
		arch.Add(0, m.bytes())
	}
	if !waitFor(20*time.Second, func() bool { return countFiles(outNew) == 2 }) {
		t.Fatalf("no reply to the second series\n%s", logs.String())
	}
	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("still running 10s after SIGTERM\n%s", logs.String())
	}
	if !strings.Contains(logs.String(), "shutting down") {
		t.Errorf("no shutdown log:\n%s", logs.String())
	}
	t.Logf("stopped %v after SIGTERM", time.Since(start).Round(time.Millisecond))
	out, err := exec.Command(bin, "bot", "status", "--state", statePath).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "replies sent: 2") || !strings.Contains(string(out), "last error: none") {
		t.Fatalf("status after stop: %v\n%s", err, out)
	}
}

func TestDryRunChangesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	dir := t.TempDir()
	arch, _ := archivetest.New(filepath.Join(dir, "inbox"))
	for _, m := range series("dry", 1, 1, false, 1) {
		arch.Add(0, m.bytes())
	}
	statePath := filepath.Join(dir, "state.db")
	common := []string{"bot", "--inbox", arch.Dir, "--state", statePath, "--from", "rcureview <bot@rcureview.example>", "--once", "--wait", "1ms"}
	out, err := exec.Command(bin, append(common, "--dry-run", "--init-state")...).Output()
	if err != nil {
		t.Fatalf("dry run: %v", err)
	}
	if !strings.Contains(string(out), "Subject: Re: [PATCH] rcu: dry") || !strings.Contains(string(out), "In-Reply-To: <dry-v1-1@example.org>") {
		t.Fatalf("dry run printed:\n%s", out)
	}
	if _, err := os.Stat(statePath); err == nil {
		t.Fatal("dry run created the state file")
	}
	// A real run afterwards still replies.
	if out, err := exec.Command(bin, append(common, "--init-state", "--outbox", filepath.Join(dir, "outbox"))...).CombinedOutput(); err != nil {
		t.Fatalf("real run: %v\n%s", err, out)
	}
	if n := countFiles(filepath.Join(dir, "outbox", "new")); n != 1 {
		t.Fatalf("%d replies after the dry run, want 1", n)
	}
}

func TestCommandRejectsBadFlags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	dir := t.TempDir()
	for name, args := range map[string][]string{
		"no sender":       {"bot", "--inbox", dir, "--state", filepath.Join(dir, "s"), "--from", "a@b.example"},
		"two senders":     {"bot", "--inbox", dir, "--state", filepath.Join(dir, "s"), "--from", "a@b.example", "--dry-run", "--outbox", dir},
		"no inbox":        {"bot", "--state", filepath.Join(dir, "s"), "--from", "a@b.example", "--dry-run"},
		"bad rate":        {"bot", "--inbox", dir, "--state", filepath.Join(dir, "s"), "--from", "a@b.example", "--dry-run", "--rate-list", "many"},
		"status no state": {"bot", "status"},
	} {
		t.Run(name, func(t *testing.T) {
			err := exec.Command(bin, args...).Run()
			ee, ok := err.(*exec.ExitError)
			if !ok || ee.ExitCode() == 0 {
				t.Fatalf("exit %v, want a failure", err)
			}
		})
	}
}
