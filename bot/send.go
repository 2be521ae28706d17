package bot

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/rcureview/rcureview/bot/state"
)

// Sender delivers replies.
type Sender interface {
	// Send delivers the reply: its envelope and bytes.
	Send(ctx context.Context, r *state.Reply) error
	// Delivered reports whether the reply was delivered by an earlier
	// run that crashed before recording it. A sender that cannot know
	// returns false, and the reply is sent again with the same
	// Message-ID (which receivers and archives deduplicate on).
	Delivered(r *state.Reply) (bool, error)
}

// Outbox writes replies into a Maildir (for a separate MTA or a human to
// pick up). A reply's file name is derived from its Message-ID and the
// time it was intended, both recorded, and it is written to tmp/ and
// renamed into new/, so that after a crash the reply is either wholly
// there under its known name or absent: delivery is exactly once.
type Outbox struct {
	Dir string
}

func outboxName(r *state.Reply) string {
	return fmt.Sprintf("%d%s", r.Intended.Unix(), outboxSuffix(r))
}

// outboxSuffix is the part of a reply's file name that depends on its
// Message-ID alone.
func outboxSuffix(r *state.Reply) string {
	sum := sha256.Sum256([]byte(r.MessageID))
	return ".R" + hex.EncodeToString(sum[:12]) + ".rcureview"
}

// Send writes the reply into new/.
func (o *Outbox) Send(ctx context.Context, r *state.Reply) error {
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(o.Dir, sub), 0o755); err != nil {
			return fmt.Errorf("outbox: %w", err)
		}
	}
	name := outboxName(r)
	tmp := filepath.Join(o.Dir, "tmp", name)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	if _, err := f.Write(r.Data); err != nil {
		f.Close()
		return fmt.Errorf("outbox: write %s: %w", tmp, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("outbox: sync %s: %w", tmp, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("outbox: close %s: %w", tmp, err)
	}
	if err := os.Rename(tmp, filepath.Join(o.Dir, "new", name)); err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return syncDir(filepath.Join(o.Dir, "new"))
}

// Delivered looks for the reply's file in new/ and cur/ (where a mail
// client may have moved it, with a ":2,flags" suffix), by its Message-ID:
// the same reply recorded again at another time (a state restored from
// a backup reviews the series again) is found too.
func (o *Outbox) Delivered(r *state.Reply) (bool, error) {
	if _, err := os.Stat(filepath.Join(o.Dir, "new", outboxName(r))); err == nil {
		return true, nil
	}
	suffix := outboxSuffix(r)
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(o.Dir, sub))
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return false, fmt.Errorf("outbox: %w", err)
		}
		for _, e := range ents {
			if base, _, _ := strings.Cut(e.Name(), ":"); strings.HasSuffix(base, suffix) {
				return true, nil
			}
		}
	}
	return false, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("outbox: sync %s: %w", dir, err)
	}
	return nil
}

// Printer writes each reply to W as an mbox message (for --dry-run).
type Printer struct {
	W  io.Writer
	mu sync.Mutex
}

// Send prints the reply.
func (p *Printer) Send(ctx context.Context, r *state.Reply) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	data := strings.ReplaceAll(string(r.Data), "\r\n", "\n")
	_, err := fmt.Fprintf(p.W, "From rcureview Thu Jan  1 00:00:00 1970\n%s\n", data)
	return err
}

// Delivered is always false: nothing was sent.
func (p *Printer) Delivered(r *state.Reply) (bool, error) { return false, nil }

// TLS modes of SMTP.
const (
	TLSStartTLS = "starttls" // plain connection upgraded with STARTTLS (required)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no TLS: only for a relay on the loopback
)

// SMTP submits replies to a mail server with github.com/emersion/go-smtp.
type SMTP struct {
	Addr      string      // host:port
	TLS       string      // TLSStartTLS (default), TLSImplicit or TLSNone
	TLSConfig *tls.Config // nil: system roots, server name from Addr
	Username  string      // AUTH PLAIN when set
	Password  string
	LocalName string        // EHLO name; "localhost" when empty
	Timeout   time.Duration // dial and per-command timeout; 30s when zero
}

// Send submits one reply in its own SMTP session.
func (s *SMTP) Send(ctx context.Context, r *state.Reply) error {
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return fmt.Errorf("smtp %s: %w", s.Addr, err)
	}
	d := net.Dialer{Timeout: timeout}
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp dial %s: %w", s.Addr, err)
	}
	// Every step is bounded: the whole session by a deadline, and a
	// cancelled context closes the connection.
	conn.SetDeadline(time.Now().Add(4 * timeout))
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	cfg := s.TLSConfig
	if cfg == nil {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg = cfg.Clone()
		cfg.ServerName = host
	}
	var c *smtp.Client
	switch s.TLS {
	case "", TLSStartTLS:
		c, err = smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			conn.Close()
			return fmt.Errorf("smtp %s: starttls: %w", s.Addr, err)
		}
	case TLSImplicit:
		c = smtp.NewClient(tls.Client(conn, cfg))
	case TLSNone:
		c = smtp.NewClient(conn)
	default:
		conn.Close()
		return fmt.Errorf("smtp %s: unknown TLS mode %q", s.Addr, s.TLS)
	}
	defer c.Close()
	c.CommandTimeout, c.SubmissionTimeout = timeout, timeout
	name := s.LocalName
	if name == "" {
		name = "localhost"
	}
	if err := c.Hello(name); err != nil {
		return fmt.Errorf("smtp %s: hello: %w", s.Addr, err)
	}
	if s.Username != "" {
		if _, isTLS := c.TLSConnectionState(); !isTLS && !isLoopback(host) {
			return fmt.Errorf("smtp %s: refusing AUTH PLAIN without TLS", s.Addr)
		}
		if err := c.Auth(sasl.NewPlainClient("", s.Username, s.Password)); err != nil {
			return fmt.Errorf("smtp %s: auth: %w", s.Addr, err)
		}
	}
	if err := c.Mail(r.From, nil); err != nil {
		return fmt.Errorf("smtp %s: MAIL FROM:<%s>: %w", s.Addr, r.From, err)
	}
	for _, rc := range r.Rcpts {
		if err := c.Rcpt(rc, nil); err != nil {
			return fmt.Errorf("smtp %s: RCPT TO:<%s>: %w", s.Addr, rc, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp %s: DATA: %w", s.Addr, err)
	}
	if _, err := w.Write(r.Data); err != nil {
		w.Close()
		return fmt.Errorf("smtp %s: DATA: %w", s.Addr, err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp %s: end of DATA: %w", s.Addr, err)
	}
	if err := c.Quit(); err != nil {
		// The message was accepted at the final dot; a failed QUIT does
		// not undo that.
		return nil
	}
	return nil
}

// Delivered is false: an SMTP server cannot be asked. The bot first looks
// for the reply in the archive it reads (the list echoes it); if it is not
// there yet, the reply is sent again with the same Message-ID.
func (s *SMTP) Delivered(r *state.Reply) (bool, error) { return false, nil }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
