package bot

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcureview/rcureview/bot/patchwork"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/internal/patchworktest"
)

const pwToken = "0123456789abcdef"

// pwEnv is a bot env posting checks to a loopback patchwork that lists
// every mail of the list (patches are created when first looked up).
func pwEnv(t *testing.T, mod func(*Options)) (*env, *patchworktest.Server) {
	t.Helper()
	srv := patchworktest.New(pwToken)
	t.Cleanup(srv.Close)
	srv.SetLookup(func(msgid string) (string, string, bool) { return "patch " + msgid, "rcu", true })
	c, err := patchwork.New(srv.URL, pwToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff = time.Millisecond
	e := newEnv(t, func(o *Options) {
		o.Patchwork = &PatchworkOptions{Client: c, URLTemplate: "https://lore.kernel.org/r/{reply}/", Backoff: time.Millisecond}
		if mod != nil {
			mod(o)
		}
	})
	return e, srv
}

// checksByPatch counts the server's checks per patch Message-ID.
func checksByPatch(t *testing.T, srv *patchworktest.Server, ids ...string) map[string][]patchworktest.Check {
	t.Helper()
	out := map[string][]patchworktest.Check{}
	for _, ck := range srv.Checks() {
		for _, id := range ids {
			if srv.PatchID(id) == ck.PatchID {
				out[id] = append(out[id], ck)
			}
		}
	}
	return out
}

func TestPatchworkCheckPerReviewedPatch(t *testing.T) {
	e, srv := pwEnv(t, nil)
	ms := series("pw", 1, 2, true, 1, 2)
	e.deliver(ms...)
	st := e.pass()
	if st.Replied != 1 || st.Checks != 2 {
		t.Fatalf("pass: %+v", st)
	}
	p1, p2 := ms[1].id, ms[2].id
	got := checksByPatch(t, srv, p1, p2, ms[0].id)
	if len(got[p1]) != 1 || len(got[p2]) != 1 || len(got[ms[0].id]) != 0 || len(srv.Checks()) != 2 {
		t.Fatalf("checks: %+v", srv.Checks())
	}
	replies := outboxMessages(t, e.outbox)
	if len(replies) != 1 {
		t.Fatalf("%d replies", len(replies))
	}
	for _, ck := range srv.Checks() {
		desc, _ := ck.Description.(string)
		if ck.Token != pwToken || ck.Context != "rcureview" || ck.State != patchwork.StateSuccess ||
			desc == "" || len([]rune(desc)) > 255 || strings.ContainsAny(desc, "\r\n") ||
			ck.TargetURL != "https://lore.kernel.org/r/"+replies[0].MessageID+"/" {
			t.Errorf("check %+v (reply %s)", ck, replies[0].MessageID)
		}
	}
	// The lookup is by Message-ID without angle brackets.
	want := "GET /api/1.2/patches/?msgid=" + strings.ReplaceAll(p1, "@", "%40")
	found := false
	for _, r := range srv.Requests() {
		found = found || r == want
	}
	if !found {
		t.Errorf("no %q in %q", want, srv.Requests())
	}
	// A later pass and a restarted bot post nothing again.
	if st := e.pass(); st.Checks != 0 {
		t.Errorf("second pass posted %d checks", st.Checks)
	}
	b2, err := New(e.bot.opt)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := b2.Pass(context.Background()); err != nil || st.Checks != 0 {
		t.Errorf("restarted bot: %+v %v", st, err)
	}
	if n := len(srv.Checks()); n != 2 {
		t.Errorf("%d checks on the server, want 2", n)
	}
}

func TestPatchworkCheckStatesAndDescription(t *testing.T) {
	e, srv := pwEnv(t, func(o *Options) { o.PerPatch = true })
	// The sample's patch 1/2 alone: a notrace function calling the
	// traceable __rcu_read_unlock() (an error).
	data, err := os.ReadFile("../testdata/rcu-read-lock-notrace.mbox")
	if err != nil {
		t.Fatal(err)
	}
	msgs := strings.Split(string(data), "\nFrom ")
	bad := "From " + msgs[1]
	bad = bad[strings.Index(bad, "\n")+1:]
	if err := os.WriteFile(filepath.Join(e.inbox, "new", "1700000000.1.bad"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	e.pass()
	e.now = e.now.Add(2 * time.Hour) // patch 2/2 never comes
	e.pass()
	cks := srv.Checks()
	if len(cks) != 1 {
		t.Fatalf("checks %+v", cks)
	}
	desc, _ := cks[0].Description.(string)
	if cks[0].State == patchwork.StateSuccess || !strings.Contains(desc, "notrace") {
		t.Errorf("check of a patch with findings: %+v", cks[0])
	}
	replies := outboxMessages(t, e.outbox)
	if len(replies) != 1 || cks[0].TargetURL != "https://lore.kernel.org/r/"+replies[0].MessageID+"/" {
		t.Errorf("per-patch target_url %v, replies %d", cks[0].TargetURL, len(replies))
	}
	long := strings.Repeat("rule-name, ", 60)
	if s := oneLine("a\nb\t"+long, 255); len([]rune(s)) != 255 || strings.ContainsAny(s, "\n\t") || !strings.HasSuffix(s, "…") {
		t.Errorf("oneLine: %q", s)
	}
}

// TestPatchworkRetriesAndRefusals: a 500 is retried (the check posted
// once), a 500 answered after patchwork created the check is not posted
// again, a 404 on one patch is logged and recorded as failed while the
// other patches get theirs.
func TestPatchworkRetriesAndRefusals(t *testing.T) {
	e, srv := pwEnv(t, nil)
	ms := series("retry", 1, 3, false, 1, 2, 3)
	var posts500, after500 atomic.Int32
	srv.SetFail(func(r *http.Request) int {
		if r.Method != http.MethodPost {
			return 0
		}
		if strings.Contains(r.URL.Path, fmt.Sprintf("/patches/%d/", srv.PatchID(ms[1].id))) {
			return http.StatusNotFound
		}
		if strings.Contains(r.URL.Path, fmt.Sprintf("/patches/%d/", srv.PatchID(ms[0].id))) && posts500.Add(1) <= 2 {
			return http.StatusInternalServerError
		}
		return 0
	})
	srv.SetFailAfter(func(r *http.Request) int {
		if r.Method == http.MethodPost && strings.Contains(r.URL.Path, fmt.Sprintf("/patches/%d/", srv.PatchID(ms[2].id))) && after500.Add(1) == 1 {
			return http.StatusBadGateway
		}
		return 0
	})
	e.deliver(ms...)
	st := e.pass()
	got := checksByPatch(t, srv, ms[0].id, ms[1].id, ms[2].id)
	if len(got[ms[0].id]) != 1 || len(got[ms[1].id]) != 0 || len(got[ms[2].id]) != 1 || st.Checks != 2 {
		t.Fatalf("checks after 500s and a 404: %d, %d, %d; pass %+v", len(got[ms[0].id]), len(got[ms[1].id]), len(got[ms[2].id]), st)
	}
	var failed []state.PWCheck
	e.store.View(func(tx *state.Tx) (err error) {
		failed, err = tx.PWChecks(state.CheckFailed)
		return err
	})
	if len(failed) != 1 || failed[0].PatchMsgID != ms[1].id || !strings.Contains(failed[0].LastError, "404") {
		t.Errorf("failed checks %+v", failed)
	}
	s, err := ReadStatus(e.store)
	if err != nil {
		t.Fatal(err)
	}
	if s.Checks[state.CheckPosted] != 2 || s.Checks[state.CheckFailed] != 1 || s.Counters["checks:already-posted"] != 1 {
		t.Errorf("status checks %v counters %v", s.Checks, s.Counters)
	}
	var text strings.Builder
	s.WriteText(&text)
	if !strings.Contains(text.String(), "patchwork checks posted: 2") || !strings.Contains(text.String(), ms[1].id) {
		t.Errorf("status text:\n%s", text.String())
	}
	// A failed check is not tried again.
	srv.SetFail(nil)
	if st := e.pass(); st.Checks != 0 || len(srv.Checks()) != 2 {
		t.Errorf("after the 404: pass %+v, %d checks", st, len(srv.Checks()))
	}
}

// TestPatchworkNotListedYet: a patch patchwork does not list is looked up
// again at the next pass, and given up after GiveUp.
func TestPatchworkNotListedYet(t *testing.T) {
	e, srv := pwEnv(t, nil)
	listed := false
	srv.SetLookup(func(msgid string) (string, string, bool) { return "p", "rcu", listed })
	e.deliver(series("late", 1, 1, false, 1)...)
	if st := e.pass(); st.Checks != 0 || len(srv.Checks()) != 0 {
		t.Fatalf("unlisted patch: %+v", st)
	}
	listed = true
	if st := e.pass(); st.Checks != 1 || len(srv.Checks()) != 1 {
		t.Fatalf("listed later: %+v, %d checks", st, len(srv.Checks()))
	}
	listed = false
	e.deliver(series("never", 1, 1, false, 1)...)
	e.pass()
	e.now = e.now.Add(25 * time.Hour)
	e.pass()
	var failed []state.PWCheck
	e.store.View(func(tx *state.Tx) (err error) {
		failed, err = tx.PWChecks(state.CheckFailed)
		return err
	})
	if len(failed) != 1 || !strings.Contains(failed[0].LastError, "does not list") {
		t.Errorf("given up: %+v", failed)
	}
}

// TestPatchworkEventsSource: the bot finds series through patchwork's
// series-completed events (paginated with Link headers) instead of an
// archive, reviews each once and posts its checks; later events are read
// from the cursor on.
func TestPatchworkEventsSource(t *testing.T) {
	srv := patchworktest.New(pwToken)
	t.Cleanup(srv.Close)
	add := func(n int, name string, total int, withCover bool) {
		ms := series(name, 1, total, withCover, func() []int {
			var idx []int
			for i := 1; i <= total; i++ {
				idx = append(idx, i)
			}
			return idx
		}()...)
		var cover *patchworktest.Mail
		var patches []patchworktest.Mail
		for _, m := range ms {
			pm := patchworktest.Mail{MsgID: m.id, Name: m.subject, Raw: m.bytes()}
			if withCover && cover == nil {
				cover = &pm
				continue
			}
			patches = append(patches, pm)
		}
		srv.AddSeries("rcu", name, 1, baseDate.Add(time.Duration(n)*time.Minute), cover, patches...)
	}
	for i := 0; i < 34; i++ {
		add(i, fmt.Sprintf("ev%02d", i), 1, false)
	}
	add(34, "evcover", 2, true)
	c, err := patchwork.New(srv.URL, pwToken, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff = time.Millisecond
	e := newEnv(t, func(o *Options) {
		o.Source = &patchwork.EventSource{Client: c, Project: "rcu"}
		o.Patchwork = &PatchworkOptions{Client: c, Backoff: time.Millisecond}
		o.Batch = 10
	})
	st := e.pass()
	if st.Reviewed != 35 || st.Replied != 35 || st.Checks != 36 || len(srv.Checks()) != 36 {
		t.Fatalf("first pass: %+v, %d checks", st, len(srv.Checks()))
	}
	paged := false
	for _, r := range srv.Requests() {
		paged = paged || strings.HasPrefix(r, "GET /api/1.2/events/") && strings.Contains(r, "page=2")
	}
	if !paged {
		t.Errorf("the events' second page was never read: %q", srv.Requests())
	}
	if st := e.pass(); st.Reviewed != 0 || st.Checks != 0 {
		t.Errorf("second pass: %+v", st)
	}
	add(40, "later", 1, false)
	if st := e.pass(); st.Reviewed != 1 || st.Checks != 1 {
		t.Errorf("a later series: %+v", st)
	}
	if n := len(e.replies()); n != 36 {
		t.Errorf("%d replies, want 36", n)
	}
}
