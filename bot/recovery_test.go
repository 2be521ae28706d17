package bot

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
)

// echo copies the replies in the outbox into the inbox, as the list does
// when it distributes them (once: call it after each pass that replied).
func (e *env) echo() {
	e.t.Helper()
	ents, _ := os.ReadDir(filepath.Join(e.outbox, "new"))
	for _, en := range ents {
		data, err := os.ReadFile(filepath.Join(e.outbox, "new", en.Name()))
		if err != nil {
			e.t.Fatal(err)
		}
		e.n++
		dst := filepath.Join(e.inbox, "new", fmt.Sprintf("%010d.%d.echo", 1700000000+e.n, e.n))
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

// useState points the env's bot at another state store.
func (e *env) useState(st *state.Store, mod func(*Options)) {
	e.t.Helper()
	e.store = st
	opt := e.bot.opt
	opt.State = st
	if mod != nil {
		mod(&opt)
	}
	b, err := New(opt)
	if err != nil {
		e.t.Fatal(err)
	}
	e.bot = b
}

func TestRebuildFromArchiveSendsNothingTwice(t *testing.T) {
	e := newEnv(t, nil)
	e.deliver(series("alpha", 1, 2, true, 1, 2)...)
	e.deliver(series("beta", 1, 1, false, 1)...)
	e.now = e.now.Add(2 * time.Hour)
	if st := e.pass(); st.Replied != 2 {
		t.Fatalf("first pass replied %d, want 2", st.Replied)
	}
	e.echo()
	// A series the bot has not answered yet, after its replies.
	e.deliver(series("gamma", 1, 1, false, 1)...)

	// The state is lost: rebuild it from the archive.
	fresh, err := state.Create(filepath.Join(t.TempDir(), "rebuilt.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	rs, err := Rebuild(context.Background(), Options{
		Source: inbox.NewMaildir(e.inbox), State: fresh, From: mbox.Address{Email: "bot@rcureview.example"},
		Now: func() time.Time { return e.now }, Logger: testLogger(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	if rs.Replies != 2 || rs.Replied != 2 || rs.Waiting != 1 {
		t.Errorf("rebuild found %+v, want 2 replies answering 2 series, 1 series waiting", rs)
	}
	if _, err := Rebuild(context.Background(), Options{Source: inbox.NewMaildir(e.inbox), State: fresh, From: mbox.Address{Email: "bot@rcureview.example"}}); err == nil {
		t.Error("rebuild into a used state was accepted")
	}
	e.useState(fresh, nil)
	e.now = e.now.Add(2 * time.Hour)
	st := e.pass()
	if st.Replied != 1 {
		t.Errorf("after the rebuild the bot replied %d times, want 1 (gamma only)", st.Replied)
	}
	got := e.replies()
	want := []string{"alpha-v1-0@example.org", "beta-v1-1@example.org", "gamma-v1-1@example.org"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("replies to %v, want %v", got, want)
	}
}

// TestRolledBackStateDoesNotResend restores a backup taken before a
// series was answered: the series is reviewed again, and its reply, found
// in the outbox under its Message-ID, is not sent again.
func TestRolledBackStateDoesNotResend(t *testing.T) {
	e := newEnv(t, nil)
	if _, err := e.store.Backup(1); err != nil {
		t.Fatal(err)
	}
	e.deliver(series("delta", 1, 1, false, 1)...)
	e.now = e.now.Add(2 * time.Hour)
	if st := e.pass(); st.Replied != 1 {
		t.Fatalf("replied %d, want 1", st.Replied)
	}
	path := e.store.Path()
	e.store.Close()
	if err := os.Rename(state.BackupName(path, 1), path); err != nil {
		t.Fatal(err)
	}
	old, err := state.Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	e.useState(old, nil)
	e.now = e.now.Add(time.Hour)
	e.pass()
	if got := e.replies(); len(got) != 1 {
		t.Errorf("%d replies after the rollback, want 1: %v", len(got), got)
	}
	old.View(func(tx *state.Tx) error {
		if n := tx.Counters()["replies:already-delivered"]; n != 1 {
			t.Errorf("replies:already-delivered = %d, want 1", n)
		}
		return nil
	})
}

// runCmd runs the command and returns its exit status and output.
func runCmd(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), string(out)
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, string(out)
}

// TestCommandRefusesUnusableState runs the bot, then empties or truncates
// its state: the bot and "bot status" refuse it with exit status 3 and
// send nothing, "bot state repair" restores it from the backup the bot
// made, and the bot then sends nothing twice.
func TestCommandRefusesUnusableState(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	for _, damage := range []string{"empty", "truncated"} {
		t.Run(damage, func(t *testing.T) {
			dir := t.TempDir()
			inboxDir := filepath.Join(dir, "inbox")
			for _, sub := range []string{"new", "cur", "tmp"} {
				os.MkdirAll(filepath.Join(inboxDir, sub), 0o755)
			}
			for i, m := range series("eps", 1, 2, true, 1, 2) {
				os.WriteFile(filepath.Join(inboxDir, "new", "m"+string(rune('a'+i))), m.bytes(), 0o644)
			}
			statePath := filepath.Join(dir, "state.db")
			outbox := filepath.Join(dir, "outbox")
			args := []string{"bot", "--inbox", inboxDir, "--state", statePath, "--from", "rcureview <bot@rcureview.example>",
				"--outbox", outbox, "--once", "--wait", "1ms"}
			if code, out := runCmd(t, bin, append(args, "--init-state")...); code != 0 {
				t.Fatalf("first run: exit %d\n%s", code, out)
			}
			if n := countFiles(filepath.Join(outbox, "new")); n != 1 {
				t.Fatalf("%d replies, want 1", n)
			}
			// A second run backs up the state that holds the reply.
			if code, out := runCmd(t, bin, args...); code != 0 {
				t.Fatalf("second run: exit %d\n%s", code, out)
			}
			fi, _ := os.Stat(statePath)
			size := int64(0)
			if damage == "truncated" {
				size = fi.Size() / 3
			}
			os.Truncate(statePath, size)
			for name, a := range map[string][]string{
				"bot":         args,
				"status":      {"bot", "status", "--state", statePath},
				"state check": {"bot", "state", "check", "--state", statePath},
			} {
				code, out := runCmd(t, bin, a...)
				if code != 3 || !strings.Contains(out, "unusable ("+damage) || strings.Contains(out, "goroutine") {
					t.Errorf("%s on a %s state: exit %d, want 3 and a clear message\n%s", name, damage, code, out)
				}
			}
			if fi, _ := os.Stat(statePath); fi.Size() != size {
				t.Errorf("the refused state was changed: %d bytes, was %d", fi.Size(), size)
			}
			if n := countFiles(filepath.Join(outbox, "new")); n != 1 {
				t.Fatalf("%d replies after the refusals, want 1", n)
			}
			if code, out := runCmd(t, bin, append(args, "--init-state")...); code == 0 {
				t.Errorf("--init-state replaced an existing file\n%s", out)
			}
			if code, out := runCmd(t, bin, "bot", "state", "repair", "--state", statePath); code != 0 || !strings.Contains(out, "records added from") {
				t.Fatalf("repair: exit %d\n%s", code, out)
			}
			if code, out := runCmd(t, bin, args...); code != 0 {
				t.Fatalf("run after repair: exit %d\n%s", code, out)
			}
			if n := countFiles(filepath.Join(outbox, "new")); n != 1 {
				t.Errorf("%d replies after the repair, want 1", n)
			}
		})
	}
}

func TestCommandRebuildsFromArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the command")
	}
	bin := binary(t)
	e := newEnv(t, nil)
	e.deliver(series("zeta", 1, 1, false, 1)...)
	e.now = e.now.Add(2 * time.Hour)
	e.pass()
	e.echo()
	e.store.Close()
	statePath := e.store.Path()
	os.Truncate(statePath, 0)
	code, out := runCmd(t, bin, "bot", "state", "rebuild-from-archive", "--state", statePath, "--inbox", e.inbox,
		"--from", "rcureview <bot@rcureview.example>")
	if code != 0 || !strings.Contains(out, "1 replies of bot@rcureview.example, 1 series answered") {
		t.Fatalf("rebuild: exit %d\n%s", code, out)
	}
	code, out = runCmd(t, bin, "bot", "--inbox", e.inbox, "--state", statePath, "--from", "rcureview <bot@rcureview.example>",
		"--outbox", e.outbox, "--once", "--wait", "1ms")
	if code != 0 {
		t.Fatalf("run after rebuild: exit %d\n%s", code, out)
	}
	if got := e.replies(); len(got) != 1 {
		t.Errorf("%d replies after the rebuild, want 1", len(got))
	}
	if code, _ := runCmd(t, bin, "bot", "state", "rebuild-from-archive", "--state", statePath, "--inbox", e.inbox,
		"--from", "bot@rcureview.example"); code == 0 {
		t.Error("rebuild replaced a usable state without --replace")
	}
}
