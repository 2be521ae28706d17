// Package patchworktest runs a loopback HTTP server implementing the part
// of patchwork's REST API (version 1.2, getpatchwork/patchwork
// patchwork/api/) that CI bots use, with patchwork's documented status
// codes and pagination: patches filtered by msgid and project, a patch's
// checks (GET, and POST with token authentication and patchwork's
// validation), events filtered by category/since/project and ordered by
// date, series, and mbox downloads. Tests add patches and series, inject
// failures, and read back every check that was created.
//
// Behaviour copied from patchwork: msgid filters compare against the
// stored "<id>" form; lists are paginated (30 per page, ?per_page up to
// 250, ?page) with a Link header carrying next/prev/first/last; creating
// a check needs "Authorization: Token …" of a maintainer (403 with a
// "detail" otherwise), a known patch (404) and a valid state, slug
// context and URL (400); a created check answers 201 with its JSON.
package patchworktest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Check is a check created on the server.
type Check struct {
	ID          int    `json:"id"`
	URL         string `json:"url"`
	PatchID     int    `json:"-"`
	Date        string `json:"date"`
	State       string `json:"state"`
	TargetURL   any    `json:"target_url"` // string or null, as patchwork
	Context     string `json:"context"`
	Description any    `json:"description"`
	// Token is the token the check was created with (not in the API).
	Token string `json:"-"`
}

type patch struct {
	ID      int
	MsgID   string // "<…>"
	Name    string
	Project string
	Raw     []byte
	Series  int
	Date    time.Time
}

type series struct {
	ID      int
	Name    string
	Version int
	Project string
	Cover   *patch
	Patches []int
}

type event struct {
	ID       int
	Category string
	Date     time.Time
	Project  string
	Series   int
}

// Server is a running loopback patchwork.
type Server struct {
	// URL is the server's base URL (http://127.0.0.1:PORT).
	URL string
	srv *httptest.Server

	mu          sync.Mutex
	tokens      map[string]bool // tokens of project maintainers
	patches     map[int]*patch
	covers      map[int]*patch
	series      map[int]*series
	events      []event
	checks      []*Check
	nextID      int
	requests    []string
	fail        func(r *http.Request) int
	failAfter   func(r *http.Request) int
	lookupFirst func(msgid string) *patch
}

// New starts a server; tokens are the API tokens of maintainers allowed
// to create checks. Close stops it.
func New(tokens ...string) *Server {
	s := &Server{
		tokens:  map[string]bool{},
		patches: map[int]*patch{},
		covers:  map[int]*patch{},
		series:  map[int]*series{},
		nextID:  1,
	}
	for _, t := range tokens {
		s.tokens[t] = true
	}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL = s.srv.URL
	return s
}

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// SetFail installs a hook consulted before every request: a non-zero
// status is answered instead of handling the request (for 500s, 404s,
// 429s). It may be called concurrently.
func (s *Server) SetFail(f func(r *http.Request) int) {
	s.mu.Lock()
	s.fail = f
	s.mu.Unlock()
}

// SetFailAfter installs a hook consulted after every request was
// handled: a non-zero status is answered instead of the real answer, the
// request's effect stays (a proxy that timed out after patchwork created
// the check). It may be called concurrently.
func (s *Server) SetFailAfter(f func(r *http.Request) int) {
	s.mu.Lock()
	s.failAfter = f
	s.mu.Unlock()
}

// SetLookup installs a hook that creates patches on demand: a msgid
// lookup that matches nothing calls it, and a non-nil result is added
// (a patchwork that ingested every mail of the list).
func (s *Server) SetLookup(f func(msgid string) (name, project string, ok bool)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lookupFirst = func(msgid string) *patch {
		name, project, ok := f(msgid)
		if !ok {
			return nil
		}
		return s.addPatchLocked(msgid, name, project, nil)
	}
}

func (s *Server) id() int {
	id := s.nextID
	s.nextID++
	return id
}

// AddPatch adds a patch (msgid with or without brackets) to a project
// and returns its id.
func (s *Server) AddPatch(msgid, name, project string, raw []byte) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addPatchLocked(msgid, name, project, raw).ID
}

func (s *Server) addPatchLocked(msgid, name, project string, raw []byte) *patch {
	p := &patch{ID: s.id(), MsgID: "<" + strings.Trim(msgid, "<>") + ">", Name: name, Project: project, Raw: raw,
		Date: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(s.nextID) * time.Minute)}
	s.patches[p.ID] = p
	return p
}

// AddSeries adds a complete series (an optional cover and its patches,
// raw mails with their Message-IDs) and a series-completed event at date.
// It returns the series id.
func (s *Server) AddSeries(project, name string, version int, date time.Time, cover *Mail, patches ...Mail) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	sr := &series{ID: s.id(), Name: name, Version: version, Project: project}
	if cover != nil {
		c := &patch{ID: s.id(), MsgID: "<" + strings.Trim(cover.MsgID, "<>") + ">", Name: cover.Name, Project: project,
			Raw: cover.Raw, Series: sr.ID, Date: date}
		s.covers[c.ID] = c
		sr.Cover = c
	}
	for _, m := range patches {
		p := s.addPatchLocked(m.MsgID, m.Name, project, m.Raw)
		p.Series, p.Date = sr.ID, date
		sr.Patches = append(sr.Patches, p.ID)
	}
	s.series[sr.ID] = sr
	s.events = append(s.events, event{ID: s.id(), Category: "series-completed", Date: date.UTC(), Project: project, Series: sr.ID})
	return sr.ID
}

// Mail is a mail of a series added with AddSeries.
type Mail struct {
	MsgID, Name string
	Raw         []byte
}

// Checks returns every check created so far, in creation order.
func (s *Server) Checks() []Check {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Check, len(s.checks))
	for i, c := range s.checks {
		out[i] = *c
	}
	return out
}

// PatchID returns the id of the patch with msgid (0 if none).
func (s *Server) PatchID(msgid string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	want := "<" + strings.Trim(msgid, "<>") + ">"
	for _, p := range s.sortedPatches() {
		if p.MsgID == want {
			return p.ID
		}
	}
	return 0
}

// Requests returns "METHOD PATH?QUERY" of every request served.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

var (
	apiPrefix = regexp.MustCompile(`^/api/(?:(1\.[0-9])/)?`)
	slugRE    = regexp.MustCompile(`^[-a-zA-Z0-9_]+$`)
	checksRE  = regexp.MustCompile(`^patches/([0-9]+)/checks/$`)
	patchRE   = regexp.MustCompile(`^patches/([0-9]+)/$`)
	seriesRE  = regexp.MustCompile(`^series/([0-9]+)/$`)
	mboxRE    = regexp.MustCompile(`^/project/([^/]+)/(patch|cover)/([0-9]+)/mbox/$`)
	states    = []string{"pending", "success", "warning", "fail"}
)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	fail := s.fail
	s.mu.Unlock()
	if fail != nil {
		if code := fail(r); code != 0 {
			writeJSON(w, code, map[string]string{"detail": http.StatusText(code)})
			return
		}
	}
	s.mu.Lock()
	after := s.failAfter
	s.mu.Unlock()
	if after == nil {
		s.handle(w, r)
		return
	}
	rec := httptest.NewRecorder()
	s.handle(rec, r)
	if code := after(r); code != 0 {
		writeJSON(w, code, map[string]string{"detail": http.StatusText(code)})
		return
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	w.Write(rec.Body.Bytes())
}

// handle answers a request as patchwork does.
func (s *Server) handle(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m := mboxRE.FindStringSubmatch(r.URL.Path); m != nil {
		s.serveMbox(w, m[2], m[3])
		return
	}
	loc := apiPrefix.FindStringIndex(r.URL.Path)
	if loc == nil {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
		return
	}
	path := r.URL.Path[loc[1]:]
	switch {
	case path == "":
		writeJSON(w, http.StatusOK, map[string]string{
			"events": s.abs(r, "events/"), "patches": s.abs(r, "patches/"), "series": s.abs(r, "series/"),
		})
	case path == "patches/" && r.Method == http.MethodGet:
		s.listPatches(w, r)
	case checksRE.MatchString(path):
		id, _ := strconv.Atoi(checksRE.FindStringSubmatch(path)[1])
		s.serveChecks(w, r, id)
	case patchRE.MatchString(path) && r.Method == http.MethodGet:
		id, _ := strconv.Atoi(patchRE.FindStringSubmatch(path)[1])
		p, ok := s.patches[id]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
			return
		}
		writeJSON(w, http.StatusOK, s.patchJSON(r, p))
	case path == "events/" && r.Method == http.MethodGet:
		s.listEvents(w, r)
	case seriesRE.MatchString(path) && r.Method == http.MethodGet:
		id, _ := strconv.Atoi(seriesRE.FindStringSubmatch(path)[1])
		sr, ok := s.series[id]
		if !ok {
			writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
			return
		}
		writeJSON(w, http.StatusOK, s.seriesJSON(r, sr))
	case r.Method != http.MethodGet && r.Method != http.MethodPost:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": fmt.Sprintf("Method %q not allowed.", r.Method)})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
	}
}

func (s *Server) abs(r *http.Request, path string) string {
	return s.URL + "/api/1.2/" + path
}

func (s *Server) sortedPatches() []*patch {
	out := make([]*patch, 0, len(s.patches))
	for _, p := range s.patches {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

func (s *Server) listPatches(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	msgid, project := q.Get("msgid"), q.Get("project")
	var items []any
	found := false
	for _, p := range s.sortedPatches() {
		if msgid != "" && p.MsgID != "<"+msgid+">" {
			continue
		}
		if project != "" && p.Project != project && strconv.Itoa(projectID(p.Project)) != project {
			continue
		}
		found = true
		items = append(items, s.patchJSON(r, p))
	}
	if !found && msgid != "" && s.lookupFirst != nil {
		if p := s.lookupFirst(msgid); p != nil && (project == "" || p.Project == project) {
			items = append(items, s.patchJSON(r, p))
		}
	}
	s.paginate(w, r, items)
}

// projectID derives a stable numeric id from a project link name.
func projectID(name string) int {
	h := 7
	for _, c := range name {
		h = (h*31 + int(c)) % 100000
	}
	return h
}

func (s *Server) projectJSON(name string) map[string]any {
	return map[string]any{"id": projectID(name), "link_name": name, "list_id": name + ".example.org", "name": name}
}

func (s *Server) patchJSON(r *http.Request, p *patch) map[string]any {
	var sr []any
	if p.Series != 0 {
		x := s.series[p.Series]
		sr = append(sr, map[string]any{"id": x.ID, "name": x.Name, "version": x.Version,
			"url": s.abs(r, fmt.Sprintf("series/%d/", x.ID))})
	}
	return map[string]any{
		"id": p.ID, "url": s.abs(r, fmt.Sprintf("patches/%d/", p.ID)),
		"web_url": fmt.Sprintf("%s/project/%s/patch/%s/", s.URL, p.Project, url.PathEscape(strings.Trim(p.MsgID, "<>"))),
		"project": s.projectJSON(p.Project), "msgid": p.MsgID, "date": p.Date.Format("2006-01-02T15:04:05"),
		"name": p.Name, "state": "new", "archived": false,
		"mbox":   fmt.Sprintf("%s/project/%s/patch/%d/mbox/", s.URL, p.Project, p.ID),
		"series": sr, "checks": s.abs(r, fmt.Sprintf("patches/%d/checks/", p.ID)), "check": "pending",
	}
}

func (s *Server) seriesJSON(r *http.Request, sr *series) map[string]any {
	var ps []any
	for _, id := range sr.Patches {
		p := s.patches[id]
		ps = append(ps, map[string]any{"id": p.ID, "url": s.abs(r, fmt.Sprintf("patches/%d/", p.ID)),
			"msgid": p.MsgID, "name": p.Name, "mbox": fmt.Sprintf("%s/project/%s/patch/%d/mbox/", s.URL, p.Project, p.ID)})
	}
	var cover any
	if sr.Cover != nil {
		cover = map[string]any{"id": sr.Cover.ID, "msgid": sr.Cover.MsgID, "name": sr.Cover.Name,
			"mbox": fmt.Sprintf("%s/project/%s/cover/%d/mbox/", s.URL, sr.Project, sr.Cover.ID)}
	}
	return map[string]any{"id": sr.ID, "url": s.abs(r, fmt.Sprintf("series/%d/", sr.ID)), "name": sr.Name,
		"version": sr.Version, "total": len(sr.Patches), "received_total": len(sr.Patches), "received_all": true,
		"project": s.projectJSON(sr.Project), "cover_letter": cover, "patches": ps}
}

func (s *Server) serveMbox(w http.ResponseWriter, kind, idStr string) {
	id, _ := strconv.Atoi(idStr)
	var p *patch
	if kind == "patch" {
		p = s.patches[id]
	} else {
		p = s.covers[id]
	}
	if p == nil || p.Raw == nil {
		http.Error(w, "Not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(p.Raw)
}

func (s *Server) checkJSON(r *http.Request, c *Check) *Check {
	out := *c
	out.URL = s.abs(r, fmt.Sprintf("patches/%d/checks/%d/", c.PatchID, c.ID))
	return &out
}

func (s *Server) serveChecks(w http.ResponseWriter, r *http.Request, patchID int) {
	if _, ok := s.patches[patchID]; !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Not found."})
		return
	}
	switch r.Method {
	case http.MethodGet:
		ctx := r.URL.Query().Get("context")
		var items []any
		for _, c := range s.checks {
			if c.PatchID == patchID && (ctx == "" || c.Context == ctx) {
				items = append(items, s.checkJSON(r, c))
			}
		}
		s.paginate(w, r, items)
	case http.MethodPost:
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Token ")
		if r.Header.Get("Authorization") != "" && !s.tokens[tok] {
			writeJSON(w, http.StatusForbidden, map[string]string{"detail": "Invalid token."})
			return
		}
		if !s.tokens[tok] {
			writeJSON(w, http.StatusForbidden, map[string]string{"detail": "You do not have permission to perform this action."})
			return
		}
		var in map[string]any
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			writeJSON(w, http.StatusBadRequest, map[string][]string{"state": {"A check must have a state."}})
			return
		}
		body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err := json.Unmarshal(body, &in); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"detail": "JSON parse error - " + err.Error()})
			return
		}
		str := func(k string) string { v, _ := in[k].(string); return v }
		c := &Check{PatchID: patchID, State: str("state"), Context: str("context"), Token: tok,
			Date: time.Now().UTC().Format("2006-01-02T15:04:05.000000")}
		errs := map[string][]string{}
		if c.State == "" {
			errs["state"] = []string{"A check must have a state."}
		} else if !contains(states, c.State) {
			errs["state"] = []string{fmt.Sprintf("%q is not a valid choice.", c.State)}
		}
		if c.Context == "" {
			c.Context = "default"
		} else if len(c.Context) > 255 || !slugRE.MatchString(c.Context) {
			errs["context"] = []string{`Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.`}
		}
		if u := str("target_url"); u != "" {
			pu, err := url.Parse(u)
			if err != nil || (pu.Scheme != "http" && pu.Scheme != "https") || pu.Host == "" {
				errs["target_url"] = []string{"Enter a valid URL."}
			} else if len(u) > 200 {
				errs["target_url"] = []string{"Ensure this field has no more than 200 characters."}
			}
			c.TargetURL = u
		}
		if d := str("description"); d != "" {
			c.Description = d
		}
		if len(errs) > 0 {
			writeJSON(w, http.StatusBadRequest, errs)
			return
		}
		c.ID = s.id()
		s.checks = append(s.checks, c)
		writeJSON(w, http.StatusCreated, s.checkJSON(r, c))
	default:
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"detail": fmt.Sprintf("Method %q not allowed.", r.Method)})
	}
}

func (s *Server) listEvents(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var since time.Time
	if v := q.Get("since"); v != "" {
		t, err := parseISO(v)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string][]string{"since": {"Enter a valid date/time."}})
			return
		}
		since = t
	}
	evs := append([]event(nil), s.events...)
	asc := q.Get("order") == "date"
	sort.SliceStable(evs, func(i, j int) bool {
		if asc {
			return evs[i].Date.Before(evs[j].Date)
		}
		return evs[i].Date.After(evs[j].Date) // patchwork's default: newest first
	})
	var items []any
	for _, e := range evs {
		if c := q.Get("category"); c != "" && e.Category != c {
			continue
		}
		if p := q.Get("project"); p != "" && e.Project != p && strconv.Itoa(projectID(e.Project)) != p {
			continue
		}
		if !since.IsZero() && e.Date.Before(since) {
			continue
		}
		sr := s.series[e.Series]
		items = append(items, map[string]any{
			"id": e.ID, "category": e.Category, "project": s.projectJSON(e.Project),
			"date": e.Date.Format("2006-01-02T15:04:05.000000"), "actor": nil,
			"payload": map[string]any{"series": map[string]any{"id": sr.ID, "name": sr.Name, "version": sr.Version,
				"url": s.abs(r, fmt.Sprintf("series/%d/", sr.ID)), "mbox": fmt.Sprintf("%s/series/%d/mbox/", s.URL, sr.ID)}},
		})
	}
	s.paginate(w, r, items)
}

func parseISO(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04:05.999999Z07:00", "2006-01-02T15:04:05.999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}

// paginate answers one page of items with patchwork's Link header
// (LinkHeaderPagination: next and prev when they exist, first and last
// always; 30 per page, ?per_page up to 250; 404 for a page out of range).
func (s *Server) paginate(w http.ResponseWriter, r *http.Request, items []any) {
	q := r.URL.Query()
	per := 30
	if v, err := strconv.Atoi(q.Get("per_page")); err == nil && v > 0 {
		per = min(v, 250)
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Invalid page."})
			return
		}
		page = n
	}
	pages := max(1, (len(items)+per-1)/per)
	if page > pages {
		writeJSON(w, http.StatusNotFound, map[string]string{"detail": "Invalid page."})
		return
	}
	link := func(n int) string {
		u := *r.URL
		qq := u.Query()
		qq.Set("page", strconv.Itoa(n))
		u.RawQuery = qq.Encode()
		return s.URL + u.RequestURI()
	}
	var links []string
	if page < pages {
		links = append(links, fmt.Sprintf(`<%s>; rel="next"`, link(page+1)))
	}
	if page > 1 {
		links = append(links, fmt.Sprintf(`<%s>; rel="prev"`, link(page-1)))
	}
	links = append(links, fmt.Sprintf(`<%s>; rel="first"`, link(1)), fmt.Sprintf(`<%s>; rel="last"`, link(pages)))
	w.Header().Set("Link", strings.Join(links, ", "))
	lo, hi := (page-1)*per, min(page*per, len(items))
	out := items[lo:hi]
	if out == nil {
		out = []any{}
	}
	writeJSON(w, http.StatusOK, out)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Allow", "GET, POST, HEAD, OPTIONS")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
