package bot

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/analyzers/noinstr"
	"github.com/rcureview/rcureview/analyzers/notrace"
	"github.com/rcureview/rcureview/bot/inbox"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/mbox"
	"github.com/rcureview/rcureview/reports"
	"github.com/rcureview/rcureview/review"
)

// tmail describes a test message.
type tmail struct {
	id, from, subject, inReplyTo string
	refs                         []string
	body                         string
	headers                      map[string]string
	date                         time.Time
}

var baseDate = time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)

func (m tmail) bytes() []byte {
	var b strings.Builder
	from := m.from
	if from == "" {
		from = "Dev One <dev1@example.org>"
	}
	date := m.date
	if date.IsZero() {
		date = baseDate
	}
	fmt.Fprintf(&b, "From: %s\nTo: rcu@vger.kernel.org\nCc: Paul McKenney <paulmck@kernel.org>\n", from)
	fmt.Fprintf(&b, "Subject: %s\nDate: %s\nMessage-ID: <%s>\n", m.subject, date.Format(time.RFC1123Z), m.id)
	if m.inReplyTo != "" {
		fmt.Fprintf(&b, "In-Reply-To: <%s>\n", m.inReplyTo)
	}
	if len(m.refs) > 0 {
		fmt.Fprintf(&b, "References: <%s>\n", strings.Join(m.refs, "> <"))
	}
	keys := make([]string, 0, len(m.headers))
	for k := range m.headers {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %s\n", k, m.headers[k])
	}
	b.WriteString("List-Id: <rcu.vger.kernel.org>\n\n")
	b.WriteString(m.body)
	return []byte(b.String())
}

// patchBody is a commit message and a diff creating file.
func patchBody(file string) string {
	return "Make the grace period faster.\n\nSigned-off-by: Dev One <dev1@example.org>\n---\n" +
		" " + file + " | 4 ++++\n 1 file changed, 4 insertions(+)\n\n" +
		"diff --git a/" + file + " b/" + file + "\nnew file mode 100644\nindex 0000000..1111111\n" +
		"--- /dev/null\n+++ b/" + file + "\n@@ -0,0 +1,4 @@\n+int rcu_test_fn(void)\n+{\n+\treturn 0;\n+}\n"
}

// series returns a cover (when withCover) and the patches idx of a
// version-v series of total patches, threaded on the cover or patch 1.
func series(name string, v, total int, withCover bool, idx ...int) []tmail {
	tag := "PATCH"
	if v > 1 {
		tag = fmt.Sprintf("PATCH v%d", v)
	}
	root := fmt.Sprintf("%s-v%d-0@example.org", name, v)
	if !withCover {
		root = fmt.Sprintf("%s-v%d-1@example.org", name, v)
	}
	var out []tmail
	if withCover {
		out = append(out, tmail{id: root, from: author(name), subject: fmt.Sprintf("[%s 0/%d] rcu: %s", tag, total, name),
			body: "This series does " + name + ".\n", date: baseDate})
	}
	for _, i := range idx {
		m := tmail{
			id:      fmt.Sprintf("%s-v%d-%d@example.org", name, v, i),
			from:    author(name),
			subject: fmt.Sprintf("[%s %d/%d] rcu: %s part %d", tag, i, total, name, i),
			body:    patchBody(fmt.Sprintf("kernel/rcu/%s_v%d_%d.c", name, v, i)),
			date:    baseDate.Add(time.Duration(i) * time.Second),
		}
		if total == 1 && !withCover {
			m.subject = fmt.Sprintf("[%s] rcu: %s", tag, name)
		}
		if m.id != root {
			m.inReplyTo, m.refs = root, []string{root}
		}
		out = append(out, m)
	}
	return out
}

// author gives each series its own sender, so that series are told apart
// by threading and author as the grouper does.
func author(name string) string { return "Dev " + name + " <" + name + "@example.org>" }

// realReviewer reviews with the analyzers the command registers, on the
// facts embedded from linux 6.12.
func realReviewer(t testing.TB) Reviewer {
	reg, err := analyzers.NewRegistry(notrace.Analyzer, noinstr.Analyzer)
	if err != nil {
		t.Fatal(err)
	}
	session := review.NewSession(review.Options{Tool: "rcureview", Version: "test", Registry: reg})
	return func(ctx context.Context, s *mbox.Series) (*reports.Report, int, error) {
		res := session.Series(s)
		return res.Report, res.Reviewed, nil
	}
}

// env is a bot on a Maildir inbox with an outbox and a settable clock.
type env struct {
	t      *testing.T
	inbox  string
	outbox string
	store  *state.Store
	now    time.Time
	bot    *Bot
	n      int
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	dir := t.TempDir()
	e := &env{t: t, inbox: filepath.Join(dir, "inbox"), outbox: filepath.Join(dir, "outbox"), now: baseDate}
	for _, sub := range []string{"new", "cur", "tmp"} {
		os.MkdirAll(filepath.Join(e.inbox, sub), 0o755)
	}
	st, err := state.Create(filepath.Join(dir, "state.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e.store = st
	opt := Options{
		Source: inbox.NewMaildir(e.inbox), State: st, Sender: &Outbox{Dir: e.outbox},
		Review: realReviewer(t), From: mbox.Address{Name: "rcureview", Email: "bot@rcureview.example"},
		Version: "test", Wait: time.Hour, Now: func() time.Time { return e.now },
		Logger: testLogger(t),
	}
	if mod != nil {
		mod(&opt)
	}
	b, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	e.bot = b
	return e
}

func (e *env) deliver(ms ...tmail) {
	for _, m := range ms {
		e.n++
		name := fmt.Sprintf("%010d.%d.test", 1700000000+e.n, e.n)
		if err := os.WriteFile(filepath.Join(e.inbox, "new", name), m.bytes(), 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
}

func (e *env) pass() PassStats {
	e.t.Helper()
	st, err := e.bot.Pass(context.Background())
	if err != nil {
		e.t.Fatalf("pass: %v", err)
	}
	return st
}

// replies parses the outbox: In-Reply-To of every reply, sorted.
func (e *env) replies() []string {
	e.t.Helper()
	var out []string
	for _, m := range outboxMessages(e.t, e.outbox) {
		out = append(out, m.InReplyTo)
	}
	sort.Strings(out)
	return out
}

func outboxMessages(t testing.TB, dir string) []*mbox.Message {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(dir, "new"))
	var out []*mbox.Message
	for _, en := range ents {
		data, err := os.ReadFile(filepath.Join(dir, "new", en.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m, err := parseRaw(data)
		if err != nil {
			t.Fatalf("reply %s does not parse: %v", en.Name(), err)
		}
		out = append(out, m)
	}
	return out
}
