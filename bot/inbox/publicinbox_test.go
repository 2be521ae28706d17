package inbox

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// publicInbox runs one of Debian's public-inbox tools with a private
// configuration, skipping the test when the tools are not installed.
type publicInbox struct {
	t   *testing.T
	env []string
}

func newPublicInbox(t *testing.T) *publicInbox {
	t.Helper()
	for _, tool := range []string{"public-inbox-init", "public-inbox-mda", "public-inbox-learn", "public-inbox-purge"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian package public-inbox; .ci/run installs it): %v", tool, err)
		}
	}
	home := t.TempDir()
	cfg := filepath.Join(home, "pi-config")
	env := append(os.Environ(), "HOME="+home, "PI_CONFIG="+cfg, "ORIGINAL_RECIPIENT=rcu@example.org")
	p := &publicInbox{t: t, env: env}
	// No spam filter: public-inbox-mda otherwise pipes through spamc.
	p.run("", "git", "config", "-f", cfg, "publicinboxmda.spamcheck", "none")
	return p
}

func (p *publicInbox) run(stdin string, name string, args ...string) {
	p.t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Env = p.env
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		p.t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}

func piMail(id, subject string) string {
	return fmt.Sprintf("From: A U Thor <author@example.org>\nTo: rcu@example.org\nSubject: %s\n"+
		"Message-ID: <%s>\nDate: Mon, 1 Jan 2024 00:00:00 +0000\n\nbody of %s\n", subject, id, id)
}

// TestPublicInboxToolsArchive checks the reader against an archive made
// and changed by public-inbox itself: init -V2, delivery with
// public-inbox-mda, removal with public-inbox-learn rm and a history
// rewrite with public-inbox-purge.
func TestPublicInboxToolsArchive(t *testing.T) {
	p := newPublicInbox(t)
	dir := filepath.Join(t.TempDir(), "rcu")
	p.run("", "public-inbox-init", "-V2", "rcu", dir, "http://example.org/rcu", "rcu@example.org")
	src, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ids, cur, _ := readAll(t, src, Cursor{}, seen, 10)
	if len(ids) != 0 {
		t.Fatalf("fresh archive gave %v", ids)
	}
	for i := 1; i <= 4; i++ {
		p.run(piMail(fmt.Sprintf("m%d@example.org", i), fmt.Sprintf("m%d", i)), "public-inbox-mda", "--no-precheck")
	}
	ids, cur, _ = readAll(t, src, cur, seen, 3)
	if got := strings.Join(ids, " "); got != "m1 m2 m3 m4" {
		t.Fatalf("after delivery: %q", got)
	}
	// public-inbox adds List-Id and keeps the message otherwise.
	b, err := src.Read(Cursor{}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b.Items[0].Data), "Message-ID: <m1@example.org>") {
		t.Errorf("stored message lost its Message-ID:\n%s", b.Items[0].Data)
	}
	all, err := src.Read(Cursor{}, nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	m3key := ""
	for _, it := range all.Items {
		if subject(it.Data) == "m3" {
			m3key = it.Key
		}
	}

	p.run(piMail("m2@example.org", "m2"), "public-inbox-learn", "rm")
	ids, cur, _ = readAll(t, src, cur, seen, 3)
	if got := strings.Join(ids, " "); got != "deleted:m2" {
		t.Fatalf("after learn rm: %q", got)
	}

	p.run(piMail("m3@example.org", "m3"), "public-inbox-purge", "--all")
	p.run(piMail("m5@example.org", "m5"), "public-inbox-mda", "--no-precheck")
	ids, cur, rescans := readAll(t, src, cur, seen, 3)
	if got := strings.Join(ids, " "); got != "m5" {
		t.Fatalf("after purge: %q", got)
	}
	if len(rescans) != 1 {
		t.Fatalf("purge not detected as a rewrite: %+v", rescans)
	}
	if rescans[0].Present[m3key] {
		t.Errorf("purged m3 (%s) still listed as present", m3key)
	}
	if len(rescans[0].Present) != 4 { // m1 m2 m4 m5 (m2 is only deleted, its blob stays in history)
		t.Errorf("%d messages present after purge, want 4", len(rescans[0].Present))
	}
	if ids, _, _ := readAll(t, src, cur, seen, 3); len(ids) != 0 {
		t.Fatalf("re-read after purge gave %v", ids)
	}
}
