package patchwork

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rcureview/rcureview/internal/patchworktest"
)

func newClient(t *testing.T, base, token string) *Client {
	t.Helper()
	c, err := New(base, token, nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Backoff = time.Millisecond
	return c
}

func TestNewAPIRoot(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://patchwork.kernel.org", "https://patchwork.kernel.org/api/1.2/"},
		{"https://patchwork.kernel.org/", "https://patchwork.kernel.org/api/1.2/"},
		{"https://pw.example.org/api/1.3/", "https://pw.example.org/api/1.3/"},
		{"https://pw.example.org/api", "https://pw.example.org/api/"},
		{"http://127.0.0.1:8000/pw", "http://127.0.0.1:8000/pw/api/1.2/"},
	} {
		c, err := New(tc.in, "", nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if c.String() != tc.want {
			t.Errorf("%s: API root %s, want %s", tc.in, c, tc.want)
		}
	}
	for _, bad := range []string{"", "patchwork.kernel.org", "ftp://x/", "https://"} {
		if _, err := New(bad, "", nil); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestNextLink(t *testing.T) {
	for _, tc := range []struct{ h, want string }{
		{"", ""},
		{`<https://pw/api/patches/?page=3&per_page=100>; rel="next", <https://pw/api/patches/?page=50>; rel="last"`,
			"https://pw/api/patches/?page=3&per_page=100"},
		{`<https://pw/a?page=1>; rel="first", <https://pw/a?page=9>; rel="last"`, ""},
		{`<https://pw/a?x=1,2&page=2>; rel=next`, "https://pw/a?x=1,2&page=2"},
		{`<https://pw/a?page=2>; title="a, b"; rel="prev next"`, "https://pw/a?page=2"},
		{`garbage, <no end; rel="next"`, ""},
	} {
		if got := NextLink(tc.h); got != tc.want {
			t.Errorf("NextLink(%q) = %q, want %q", tc.h, got, tc.want)
		}
	}
}

func TestPatchesByMsgID(t *testing.T) {
	srv := patchworktest.New("tok")
	defer srv.Close()
	a := srv.AddPatch("<a@example.org>", "[PATCH] a", "rcu", nil)
	b := srv.AddPatch("a@example.org", "[PATCH] a", "netdev", nil) // cross-posted
	srv.AddPatch("b@example.org", "[PATCH] b", "rcu", nil)
	c := newClient(t, srv.URL, "")
	ps, err := c.PatchesByMsgID(context.Background(), "<a@example.org>", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 2 || ps[0].ID != a || ps[1].ID != b || ps[0].MsgID != "<a@example.org>" {
		t.Fatalf("patches %+v, want ids %d %d", ps, a, b)
	}
	ps, err = c.PatchesByMsgID(context.Background(), "a@example.org", "netdev")
	if err != nil || len(ps) != 1 || ps[0].ID != b || ps[0].Project.LinkName != "netdev" {
		t.Fatalf("project filter: %+v %v", ps, err)
	}
	ps, err = c.PatchesByMsgID(context.Background(), "missing@example.org", "")
	if err != nil || len(ps) != 0 {
		t.Fatalf("missing: %+v %v", ps, err)
	}
	// The msgid is sent without angle brackets, as patchwork's filter adds them.
	found := false
	for _, r := range srv.Requests() {
		if strings.Contains(r, "msgid=missing%40example.org") {
			found = true
		}
	}
	if !found {
		t.Errorf("no msgid query without brackets in %v", srv.Requests())
	}
}

func TestPostCheckAndPaginatedList(t *testing.T) {
	srv := patchworktest.New("tok")
	defer srv.Close()
	id := srv.AddPatch("p@example.org", "[PATCH] p", "rcu", nil)
	c := newClient(t, srv.URL, "tok")
	ctx := context.Background()
	for i := 0; i < 70; i++ {
		ck, err := c.PostCheck(ctx, id, Check{State: StateWarning, Context: fmt.Sprintf("ctx-%d", i%2),
			Description: fmt.Sprintf("check %d", i), TargetURL: "https://lore.kernel.org/r/x@y"})
		if err != nil {
			t.Fatal(err)
		}
		if ck.ID == 0 || ck.State != StateWarning || ck.Description != fmt.Sprintf("check %d", i) {
			t.Fatalf("created %+v", ck)
		}
	}
	all, err := c.Checks(ctx, id, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 70 {
		t.Fatalf("listed %d checks over pages of 30, want 70", len(all))
	}
	for i, ck := range all {
		if ck.Description != fmt.Sprintf("check %d", i) {
			t.Fatalf("check %d: %q (order or page lost)", i, ck.Description)
		}
	}
	odd, err := c.Checks(ctx, id, "ctx-1")
	if err != nil || len(odd) != 35 {
		t.Fatalf("context filter: %d checks, %v", len(odd), err)
	}
	pages := 0
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r, "GET /api/1.2/patches/") && strings.Contains(r, "/checks/") {
			pages++
		}
	}
	if pages != 3+2 {
		t.Errorf("%d list requests, want 3 pages + 2 pages", pages)
	}
}

func TestPostCheckClientErrors(t *testing.T) {
	srv := patchworktest.New("tok")
	defer srv.Close()
	id := srv.AddPatch("p@example.org", "[PATCH] p", "rcu", nil)
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		token  string
		patch  int
		check  Check
		status int
		detail string
	}{
		{"no token", "", id, Check{State: StateSuccess, Context: "rcureview"}, 403, "permission"},
		{"wrong token", "nope", id, Check{State: StateSuccess, Context: "rcureview"}, 403, "Invalid token"},
		{"unknown patch", "tok", id + 100, Check{State: StateSuccess, Context: "rcureview"}, 404, "Not found"},
		{"bad state", "tok", id, Check{State: "passed", Context: "rcureview"}, 400, "state"},
		{"context not a slug", "tok", id, Check{State: StateFail, Context: "rcu review"}, 400, "slug"},
		{"target_url over 200", "tok", id, Check{State: StateFail, Context: "x", TargetURL: "https://x/" + strings.Repeat("a", 200)}, 400, "200"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, srv.URL, tc.token)
			_, err := c.PostCheck(ctx, tc.patch, tc.check)
			var he *HTTPError
			if !errors.As(err, &he) || he.Status != tc.status || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("err = %v, want %d with %q", err, tc.status, tc.detail)
			}
			if !IsClientError(err) {
				t.Errorf("IsClientError(%v) = false", err)
			}
		})
	}
	if n := len(srv.Checks()); n != 0 {
		t.Errorf("%d checks created by refused requests", n)
	}
}

func TestRetriesServerErrors(t *testing.T) {
	srv := patchworktest.New("tok")
	defer srv.Close()
	id := srv.AddPatch("p@example.org", "[PATCH] p", "rcu", nil)
	var posts atomic.Int32
	srv.SetFail(func(r *http.Request) int {
		if r.Method == http.MethodPost && posts.Add(1) <= 2 {
			return http.StatusInternalServerError
		}
		return 0
	})
	c := newClient(t, srv.URL, "tok")
	if _, err := c.PostCheck(context.Background(), id, Check{State: StateSuccess, Context: "rcureview"}); err != nil {
		t.Fatalf("two 500s then 201: %v", err)
	}
	if n := len(srv.Checks()); n != 1 || posts.Load() != 3 {
		t.Fatalf("%d checks after %d posts, want 1 after 3", n, posts.Load())
	}

	// A server that keeps failing: Retries+1 attempts, then the 5xx error.
	posts.Store(0)
	srv.SetFail(func(r *http.Request) int {
		posts.Add(1)
		return http.StatusBadGateway
	})
	c.Retries = 3
	_, err := c.PostCheck(context.Background(), id, Check{State: StateSuccess, Context: "rcureview"})
	var he *HTTPError
	if !errors.As(err, &he) || he.Status != 502 || !he.Temporary() || IsClientError(err) {
		t.Fatalf("err = %v, want a temporary 502", err)
	}
	if posts.Load() != 4 {
		t.Errorf("%d attempts, want 4", posts.Load())
	}

	// A 4xx is not retried.
	posts.Store(0)
	srv.SetFail(func(r *http.Request) int { posts.Add(1); return http.StatusNotFound })
	if _, err := c.PostCheck(context.Background(), id, Check{State: StateSuccess, Context: "rcureview"}); !IsClientError(err) {
		t.Fatalf("err = %v, want a client error", err)
	}
	if posts.Load() != 1 {
		t.Errorf("404 retried: %d attempts", posts.Load())
	}

	// A cancelled context stops the backoff.
	srv.SetFail(func(r *http.Request) int { return http.StatusServiceUnavailable })
	c.Backoff, c.Retries = time.Hour, 5
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := c.PostCheck(ctx, id, Check{State: StateSuccess, Context: "rcureview"}); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the deadline", err)
	}
	if time.Since(start) > 30*time.Second {
		t.Errorf("backoff ignored the context")
	}
}

func TestTokenStaysOnItsHost(t *testing.T) {
	var leaked atomic.Value
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		leaked.Store(r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte("[]"))
	}))
	defer other.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Token secret" {
			t.Errorf("own host got Authorization %q", r.Header.Get("Authorization"))
		}
		w.Header().Set("Link", fmt.Sprintf(`<%s/api/1.2/patches/1/checks/?page=2>; rel="next"`, other.URL))
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`[{"id":1,"state":"success","context":"a","description":"d"}]`))
	}))
	defer first.Close()
	c := newClient(t, first.URL, "secret")
	cks, err := c.Checks(context.Background(), 1, "")
	if err != nil || len(cks) != 1 {
		t.Fatalf("checks %v %v", cks, err)
	}
	if v, _ := leaked.Load().(string); v != "" {
		t.Errorf("token sent to another host: %q", v)
	}
}

func TestPaginationLoopStops(t *testing.T) {
	var self string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Link", fmt.Sprintf(`<%s%s>; rel="next"`, self, r.URL.RequestURI()))
		w.Write([]byte(`[]`))
	}))
	defer srv.Close()
	self = srv.URL
	c := newClient(t, srv.URL, "")
	if _, err := c.Checks(context.Background(), 1, ""); err == nil || !strings.Contains(err.Error(), "pagination") {
		t.Fatalf("err = %v, want a pagination loop error", err)
	}
}

func TestEventsSeriesAndMbox(t *testing.T) {
	srv := patchworktest.New("tok")
	defer srv.Close()
	base := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	var ids []int
	for i := 0; i < 35; i++ {
		raw := []byte(fmt.Sprintf("Message-ID: <s%d-1@example.org>\nSubject: [PATCH] s%d\n\nbody\n", i, i))
		ids = append(ids, srv.AddSeries("rcu", fmt.Sprintf("s%d", i), 1, base.Add(time.Duration(i)*time.Minute),
			&patchworktest.Mail{MsgID: fmt.Sprintf("s%d-0@example.org", i), Name: "cover", Raw: []byte("cover\n")},
			patchworktest.Mail{MsgID: fmt.Sprintf("s%d-1@example.org", i), Name: fmt.Sprintf("[PATCH] s%d", i), Raw: raw}))
	}
	c := newClient(t, srv.URL, "")
	ctx := context.Background()
	evs, err := c.Events(ctx, "series-completed", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 35 {
		t.Fatalf("%d events, want 35 over two pages", len(evs))
	}
	for i, e := range evs {
		if e.Payload.Series == nil || e.Payload.Series.ID != ids[i] {
			t.Fatalf("event %d: %+v, want series %d (oldest first)", i, e, ids[i])
		}
	}
	later, err := c.Events(ctx, "series-completed", base.Add(30*time.Minute).Format("2006-01-02T15:04:05"), "rcu")
	if err != nil || len(later) != 5 {
		t.Fatalf("since: %d events, %v", len(later), err)
	}
	s, err := c.Series(ctx, ids[3])
	if err != nil {
		t.Fatal(err)
	}
	if s.Cover == nil || s.Cover.MsgID != "<s3-0@example.org>" || len(s.Patches) != 1 {
		t.Fatalf("series %+v", s)
	}
	data, err := c.Mbox(ctx, s.Patches[0].Mbox)
	if err != nil || !strings.Contains(string(data), "Subject: [PATCH] s3") {
		t.Fatalf("mbox %q %v", data, err)
	}
	if _, err := c.Series(ctx, 999999); !IsClientError(err) {
		t.Errorf("unknown series: %v", err)
	}
}
