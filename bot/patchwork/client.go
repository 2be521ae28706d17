// Package patchwork is a client of the part of patchwork's REST API that a
// CI bot uses (patchwork docs/api/rest, API version 1.2): find a patch by
// its Message-ID, list and create its checks, list events (to discover
// completed series) and fetch a series and its mbox files.
//
// It is hand-written on net/http because no maintained Go client of
// patchwork exists (the Python git-pw and pwclient are the usual clients).
// Requests that fail with a server error (5xx), 429 or a network error
// are retried with exponential backoff; a client error (4xx) is returned
// at once as an *HTTPError. The token is only ever sent to the host of
// the configured URL, also when a pagination Link points elsewhere.
package patchwork

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// APIVersion is the REST API version requested: 1.2 is the first with the
// msgid filter on patches (older versions silently ignore the filter and
// list every patch).
const APIVersion = "1.2"

// Limits on what is read from the server.
const (
	maxJSONBytes = 16 << 20
	maxMboxBytes = 64 << 20
	maxPages     = 10_000
)

// Check states as patchwork names them.
const (
	StatePending = "pending"
	StateSuccess = "success"
	StateWarning = "warning"
	StateFail    = "fail"
)

// Client talks to one patchwork instance.
type Client struct {
	api   *url.URL // the API root, ending in "/"
	token string
	http  *http.Client
	// Retries is how many times a request failing with 5xx, 429 or a
	// network error is retried (default 4); Backoff the first pause,
	// doubled after each retry (default 1s).
	Retries int
	Backoff time.Duration
	// UserAgent is sent with every request.
	UserAgent string
}

// New returns a client for the patchwork instance at base ("https://
// patchwork.kernel.org", or an API root such as ".../api/1.2/"). token
// may be empty for read-only use.
func New(base, token string, hc *http.Client) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return nil, fmt.Errorf("patchwork URL %q: %w", base, err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("patchwork URL %q: want http(s)://HOST[/PATH]", base)
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	if !strings.Contains(u.Path, "/api/") {
		u.Path += "api/" + APIVersion + "/"
	}
	u.RawQuery, u.Fragment = "", ""
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	return &Client{api: u, token: token, http: hc, Retries: 4, Backoff: time.Second, UserAgent: "rcureview"}, nil
}

// String names the API root, for logs.
func (c *Client) String() string { return c.api.String() }

// HTTPError is a response with an unexpected status.
type HTTPError struct {
	Method, URL string
	Status      int
	Body        string // the start of the response body (patchwork's "detail")
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("patchwork: %s %s: %d %s", e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Temporary reports whether retrying later may succeed (5xx, 429).
func (e *HTTPError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests
}

// IsClientError reports whether err is a 4xx answer other than 429: the
// request itself was refused (unknown patch, no permission, invalid
// check) and repeating it will not help.
func IsClientError(err error) bool {
	var he *HTTPError
	return errors.As(err, &he) && he.Status >= 400 && he.Status < 500 && he.Status != http.StatusTooManyRequests
}

// endpoint resolves a path relative to the API root.
func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.api
	u.Path += strings.TrimPrefix(path, "/")
	if q != nil {
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// sameOrigin reports whether u is on the configured host (scheme and
// host), so that the token may be sent there.
func (c *Client) sameOrigin(u *url.URL) bool {
	return u.Scheme == c.api.Scheme && strings.EqualFold(u.Host, c.api.Host)
}

// do sends one request, retrying temporary failures. It returns the body
// (at most limit bytes) and headers of a 2xx response.
func (c *Client) do(ctx context.Context, method, rawURL string, body []byte, limit int64) ([]byte, http.Header, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, nil, fmt.Errorf("patchwork: %s %s: %w", method, rawURL, err)
	}
	pause := c.Backoff
	if pause <= 0 {
		pause = time.Second
	}
	var lastErr error
	for attempt := 0; ; attempt++ {
		data, hdr, err := c.once(ctx, method, u, body, limit)
		if err == nil {
			return data, hdr, nil
		}
		lastErr = err
		var he *HTTPError
		temporary := !errors.As(err, &he) || he.Temporary()
		if !temporary || attempt >= c.Retries || ctx.Err() != nil {
			break
		}
		wait := pause
		if he != nil && hdr != nil {
			if s, err := strconv.Atoi(hdr.Get("Retry-After")); err == nil && s >= 0 {
				wait = min(time.Duration(s)*time.Second, 5*time.Minute)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, fmt.Errorf("%w (after %d attempts: %v)", ctx.Err(), attempt+1, lastErr)
		case <-t.C:
		}
		pause *= 2
	}
	return nil, nil, lastErr
}

func (c *Client) once(ctx context.Context, method string, u *url.URL, body []byte, limit int64) ([]byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u.String(), rd)
	if err != nil {
		return nil, nil, fmt.Errorf("patchwork: %s %s: %w", method, u, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		// Without this header patchwork answers 200 and ignores the data.
		req.Header.Set("Content-Type", "application/json")
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if c.token != "" && c.sameOrigin(u) {
		req.Header.Set("Authorization", "Token "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("patchwork: %s %s: %w", method, u.Redacted(), err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, resp.Header, fmt.Errorf("patchwork: %s %s: read: %w", method, u.Redacted(), err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, resp.Header, &HTTPError{Method: method, URL: u.Redacted(), Status: resp.StatusCode, Body: errorDetail(data)}
	}
	if int64(len(data)) > limit {
		return nil, resp.Header, fmt.Errorf("patchwork: %s %s: response over %d bytes", method, u.Redacted(), limit)
	}
	return data, resp.Header, nil
}

// errorDetail shortens an error body to one line: patchwork's
// {"detail": "..."} when it is that, else the start of the text.
func errorDetail(data []byte) string {
	var d struct {
		Detail string `json:"detail"`
	}
	if json.Unmarshal(data, &d) == nil && d.Detail != "" {
		return d.Detail
	}
	s := strings.Join(strings.Fields(string(data)), " ")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// getJSON fetches url and decodes the JSON body into v.
func (c *Client) getJSON(ctx context.Context, rawURL string, v any) (http.Header, error) {
	data, hdr, err := c.do(ctx, http.MethodGet, rawURL, nil, maxJSONBytes)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("patchwork: GET %s: decode: %w", rawURL, err)
	}
	return hdr, nil
}

// list fetches every page of a list endpoint, following the Link
// header's rel="next", and decodes each item into T.
func list[T any](ctx context.Context, c *Client, first string) ([]T, error) {
	var out []T
	next := first
	seen := map[string]bool{}
	for page := 0; next != ""; page++ {
		if page >= maxPages || seen[next] {
			return out, fmt.Errorf("patchwork: GET %s: pagination does not end", first)
		}
		seen[next] = true
		var items []T
		hdr, err := c.getJSON(ctx, next, &items)
		if err != nil {
			return out, err
		}
		out = append(out, items...)
		next = NextLink(hdr.Get("Link"))
	}
	return out, nil
}

// NextLink returns the URL of rel="next" in an RFC 8288 Link header
// (`<URL>; rel="next", <URL>; rel="last"`), or "".
func NextLink(h string) string {
	for _, part := range splitLinks(h) {
		open, close := strings.IndexByte(part, '<'), strings.IndexByte(part, '>')
		if open < 0 || close < open {
			continue
		}
		for _, param := range strings.Split(part[close+1:], ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(param), "=")
			if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
				continue
			}
			for _, rel := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
				if strings.EqualFold(rel, "next") {
					return part[open+1 : close]
				}
			}
		}
	}
	return ""
}

// splitLinks splits a Link header at the commas between link values
// (commas inside <...> or quotes do not split).
func splitLinks(h string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i := 0; i < len(h); i++ {
		switch c := h[i]; {
		case c == '"':
			quoted = !quoted
		case c == '<' && !quoted:
			depth++
		case c == '>' && !quoted && depth > 0:
			depth--
		case c == ',' && !quoted && depth == 0:
			out = append(out, h[start:i])
			start = i + 1
		}
	}
	return append(out, h[start:])
}

// Project is the project a patch belongs to.
type Project struct {
	ID       int    `json:"id"`
	LinkName string `json:"link_name"`
	ListID   string `json:"list_id"`
}

// Patch is a patch as patchwork lists it (the fields rcureview uses).
type Patch struct {
	ID      int     `json:"id"`
	URL     string  `json:"url"`
	WebURL  string  `json:"web_url"`
	MsgID   string  `json:"msgid"` // with angle brackets, as patchwork stores it
	Name    string  `json:"name"`
	Mbox    string  `json:"mbox"`
	Project Project `json:"project"`
}

// PatchesByMsgID returns the patches with the given Message-ID (one per
// project the mail reached), optionally limited to one project (its link
// name or id).
func (c *Client) PatchesByMsgID(ctx context.Context, msgid, project string) ([]Patch, error) {
	q := url.Values{"msgid": {strings.Trim(strings.TrimSpace(msgid), "<>")}}
	if project != "" {
		q.Set("project", project)
	}
	ps, err := list[Patch](ctx, c, c.endpoint("patches/", q))
	if err != nil {
		return nil, err
	}
	// Older servers ignore unknown filters and list everything: keep only
	// what matches.
	want := "<" + strings.Trim(strings.TrimSpace(msgid), "<>") + ">"
	var out []Patch
	for _, p := range ps {
		if p.MsgID == want || p.MsgID == strings.Trim(want, "<>") {
			out = append(out, p)
		}
	}
	return out, nil
}

// Check is a patch's check.
type Check struct {
	ID          int    `json:"id,omitempty"`
	State       string `json:"state"`
	TargetURL   string `json:"target_url,omitempty"`
	Context     string `json:"context"`
	Description string `json:"description"`
	Date        string `json:"date,omitempty"`
}

// Checks lists the checks of a patch, optionally only those of one
// context.
func (c *Client) Checks(ctx context.Context, patchID int, context string) ([]Check, error) {
	var q url.Values
	if context != "" {
		q = url.Values{"context": {context}}
	}
	return list[Check](ctx, c, c.endpoint(fmt.Sprintf("patches/%d/checks/", patchID), q))
}

// PostCheck creates a check on a patch (201 Created). It needs a token
// of a maintainer of the patch's project.
func (c *Client) PostCheck(ctx context.Context, patchID int, ck Check) (*Check, error) {
	body, err := json.Marshal(Check{State: ck.State, TargetURL: ck.TargetURL, Context: ck.Context, Description: ck.Description})
	if err != nil {
		return nil, err
	}
	data, _, err := c.do(ctx, http.MethodPost, c.endpoint(fmt.Sprintf("patches/%d/checks/", patchID), nil), body, maxJSONBytes)
	if err != nil {
		return nil, err
	}
	var out Check
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("patchwork: POST check on patch %d: decode: %w", patchID, err)
	}
	return &out, nil
}

// SeriesRef is a series as embedded in events and patches.
type SeriesRef struct {
	ID      int    `json:"id"`
	URL     string `json:"url"`
	Name    string `json:"name"`
	Version int    `json:"version"`
	Mbox    string `json:"mbox"`
}

// Event is one entry of /api/events/ (the fields rcureview uses).
type Event struct {
	ID       int       `json:"id"`
	Category string    `json:"category"`
	Date     string    `json:"date"` // ISO 8601 without zone, UTC
	Project  Project   `json:"project"`
	Payload  EventBody `json:"payload"`
}

// EventBody is an event's payload.
type EventBody struct {
	Series *SeriesRef `json:"series"`
	Patch  *Patch     `json:"patch"`
}

// Events lists the events of a category (e.g. "series-completed") at or
// after since (patchwork's ISO 8601 form; "" for all), oldest first,
// optionally of one project.
func (c *Client) Events(ctx context.Context, category, since, project string) ([]Event, error) {
	q := url.Values{"category": {category}, "order": {"date"}}
	if since != "" {
		q.Set("since", since)
	}
	if project != "" {
		q.Set("project", project)
	}
	return list[Event](ctx, c, c.endpoint("events/", q))
}

// Cover is a series' cover letter.
type Cover struct {
	ID    int    `json:"id"`
	MsgID string `json:"msgid"`
	Name  string `json:"name"`
	Mbox  string `json:"mbox"`
}

// Series is a series in detail.
type Series struct {
	ID          int     `json:"id"`
	Name        string  `json:"name"`
	Version     int     `json:"version"`
	Total       int     `json:"total"`
	ReceivedAll bool    `json:"received_all"`
	Cover       *Cover  `json:"cover_letter"`
	Patches     []Patch `json:"patches"`
}

// Series fetches a series by id.
func (c *Client) Series(ctx context.Context, id int) (*Series, error) {
	var s Series
	if _, err := c.getJSON(ctx, c.endpoint(fmt.Sprintf("series/%d/", id), nil), &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Mbox downloads an mbox URL the API gave (a patch's or a cover's).
func (c *Client) Mbox(ctx context.Context, rawURL string) ([]byte, error) {
	data, _, err := c.do(ctx, http.MethodGet, rawURL, nil, maxMboxBytes)
	return data, err
}
