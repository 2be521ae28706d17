package bot

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
	"github.com/rcureview/rcureview/bot/state"
	"github.com/rcureview/rcureview/reports"
)

// received is one message accepted by the test server.
type received struct {
	from   string
	rcpts  []string
	data   []byte
	authed string
	tls    bool
}

// smtpBackend is a real go-smtp server backend that keeps what it gets.
type smtpBackend struct {
	mu   sync.Mutex
	msgs []received
	user string
	pass string
}

func (b *smtpBackend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &smtpSession{b: b, conn: c}, nil
}

func (b *smtpBackend) all() []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]received(nil), b.msgs...)
}

type smtpSession struct {
	b      *smtpBackend
	cur    received
	conn   *smtp.Conn
	authed string
}

func (s *smtpSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *smtpSession) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, user, pass string) error {
		if user != s.b.user || pass != s.b.pass {
			return errors.New("invalid credentials")
		}
		s.authed = user
		return nil
	}), nil
}

func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.b.user != "" && s.authed == "" {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	s.cur = received{from: from}
	return nil
}

func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.rcpts = append(s.cur.rcpts, to)
	return nil
}

func (s *smtpSession) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := s.conn.TLSConnectionState()
	s.cur.data, s.cur.authed, s.cur.tls = data, s.authed, isTLS
	s.b.mu.Lock()
	s.b.msgs = append(s.b.msgs, s.cur)
	s.b.mu.Unlock()
	return nil
}

func (s *smtpSession) Reset()        {}
func (s *smtpSession) Logout() error { return nil }

// selfSigned makes a certificate for 127.0.0.1 and a pool trusting it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, pool
}

// startSMTP runs a go-smtp server with STARTTLS and AUTH PLAIN on
// 127.0.0.1.
func startSMTP(t *testing.T) (*smtpBackend, string, *x509.CertPool) {
	cert, pool := selfSigned(t)
	be := &smtpBackend{user: "bot", pass: "s3cret"}
	srv := smtp.NewServer(be)
	srv.Domain = "127.0.0.1"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return be, l.Addr().String(), pool
}

func TestSMTPRepliesOverStartTLSWithAuth(t *testing.T) {
	be, addr, pool := startSMTP(t)
	sender := &SMTP{Addr: addr, TLS: TLSStartTLS, TLSConfig: &tls.Config{RootCAs: pool},
		Username: "bot", Password: "s3cret", Timeout: 5 * time.Second}
	// Per-patch replies, so that several messages cross one connection.
	e := newEnv(t, func(o *Options) { o.Sender, o.PerPatch = sender, true })
	s := series("smtp", 1, 2, true, 1, 2)
	s[0].refs = []string{"root@example.org"}
	single := series("smtpsingle", 1, 1, false, 1)
	e.deliver(s...)
	e.deliver(single...)
	e.pass()

	got := be.all()
	if len(got) != 3 {
		t.Fatalf("server received %d messages, want 3 (one per patch)", len(got))
	}
	byReply := map[string]received{}
	for _, r := range got {
		m, err := parseRaw(r.data)
		if err != nil {
			t.Fatal(err)
		}
		byReply[m.InReplyTo] = r
		if !r.tls || r.authed != "bot" {
			t.Errorf("message to <%s> sent with tls=%v auth=%q", m.InReplyTo, r.tls, r.authed)
		}
		if r.from != "bot@rcureview.example" {
			t.Errorf("MAIL FROM %q", r.from)
		}
		wantRcpt := m.To[0].Email + ",rcu@vger.kernel.org,paulmck@kernel.org"
		if strings.Join(r.rcpts, ",") != wantRcpt {
			t.Errorf("RCPT TO %v, want %s", r.rcpts, wantRcpt)
		}
		if !strings.HasPrefix(m.Subject, "Re: [PATCH") || m.MessageID != reports.ReplyMessageID(m.InReplyTo, "test", "bot@rcureview.example") {
			t.Errorf("subject %q, id %q", m.Subject, m.MessageID)
		}
		if firstHeader(m, "Auto-Submitted") != "auto-generated" || firstHeader(m, "X-Rcureview") != "test" {
			t.Errorf("missing bot headers: %v", m.Header)
		}
		switch m.InReplyTo {
		case s[1].id, s[2].id:
			if strings.Join(m.References, " ") != s[0].id+" "+m.InReplyTo {
				t.Errorf("References %v", m.References)
			}
		case single[0].id:
			if strings.Join(m.References, " ") != single[0].id {
				t.Errorf("References %v", m.References)
			}
		}
	}
	for _, p := range s[1:] {
		if _, ok := byReply[p.id]; !ok {
			t.Errorf("no reply threaded on patch %s", p.id)
		}
	}
	if _, ok := byReply[s[0].id]; ok {
		t.Errorf("the cover %s got a reply", s[0].id)
	}
	if _, ok := byReply[single[0].id]; !ok {
		t.Errorf("no reply threaded on the single patch %s", single[0].id)
	}
	st, _ := ReadStatus(e.store)
	if st.Replies[state.ReplySent] != 3 {
		t.Errorf("state: %v", st.Replies)
	}
}

func TestSMTPFailuresAreBounded(t *testing.T) {
	be, addr, pool := startSMTP(t)
	r := &state.Reply{MessageID: "x@y", From: "bot@rcureview.example", Rcpts: []string{"a@example.org"},
		Data: []byte("Subject: x\r\n\r\nbody\r\n"), Intended: time.Now()}
	tests := []struct {
		name   string
		sender *SMTP
		want   string
	}{
		{"wrong password", &SMTP{Addr: addr, TLSConfig: &tls.Config{RootCAs: pool}, Username: "bot", Password: "no", Timeout: 5 * time.Second}, "auth"},
		{"untrusted certificate", &SMTP{Addr: addr, Username: "bot", Password: "s3cret", Timeout: 5 * time.Second}, "certificate"},
		{"unknown TLS mode", &SMTP{Addr: addr, TLS: "ssl3", Timeout: 5 * time.Second}, "unknown TLS mode"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.sender.Send(context.Background(), r)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if n := len(be.all()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}

	// A server that accepts the connection and never greets: the timeout
	// ends the attempt.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	err = (&SMTP{Addr: l.Addr().String(), TLS: TLSNone, Timeout: 500 * time.Millisecond}).Send(context.Background(), r)
	if err == nil {
		t.Fatal("a silent server accepted the message")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("silent server held the sender for %v", d)
	}
}

func TestPlainAuthOnlyToLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "::1": true, "localhost": true,
		"192.0.2.1": false, "mail.example.org": false, "": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestSMTPIntendedRepliesAfterRestart covers the two ways an intended
// SMTP reply is resolved: the list already echoed it into the archive (so
// it was delivered: nothing is sent), or it was not seen (it is sent again
// with the same Message-ID, which receivers deduplicate on).
func TestSMTPIntendedRepliesAfterRestart(t *testing.T) {
	be, addr, pool := startSMTP(t)
	sender := &SMTP{Addr: addr, TLSConfig: &tls.Config{RootCAs: pool}, Username: "bot", Password: "s3cret", Timeout: 5 * time.Second}
	e := newEnv(t, func(o *Options) { o.Sender = sender })
	e.deliver(series("echoed", 1, 1, false, 1)...)
	e.deliver(series("unseen", 1, 1, false, 1)...)
	e.pass()
	if n := len(be.all()); n != 2 {
		t.Fatalf("%d messages sent, want 2", n)
	}
	// As if the bot had crashed after sending both, before recording them.
	var echoed []byte
	err := e.store.Update(func(tx *state.Tx) error {
		rs, err := tx.Replies("")
		if err != nil {
			return err
		}
		for _, r := range rs {
			r.State = state.ReplyIntended
			if err := tx.PutReply(r); err != nil {
				return err
			}
			if r.InReplyTo == "echoed-v1-1@example.org" {
				echoed = r.Data
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	e.deliver() // nothing new from people
	if err := os.WriteFile(filepath.Join(e.inbox, "new", "1950000000.echo.test"), echoed, 0o644); err != nil {
		t.Fatal(err)
	}
	// The pass reads the echo before it resolves.
	e.pass()
	got := be.all()
	if len(got) != 3 {
		t.Fatalf("%d messages sent in all, want 3 (one resend)", len(got))
	}
	first, _ := parseRaw(got[0].data)
	resent, _ := parseRaw(got[2].data)
	if resent.InReplyTo != "unseen-v1-1@example.org" {
		t.Fatalf("resent the reply to %s, want the one never echoed", resent.InReplyTo)
	}
	if first.InReplyTo == resent.InReplyTo && first.MessageID != resent.MessageID {
		t.Errorf("resend has a new Message-ID %s (first %s)", resent.MessageID, first.MessageID)
	}
	for _, r := range got[:2] {
		m, _ := parseRaw(r.data)
		if m.InReplyTo == resent.InReplyTo && m.MessageID != resent.MessageID {
			t.Errorf("resend has a new Message-ID %s (first %s)", resent.MessageID, m.MessageID)
		}
	}
	st, _ := ReadStatus(e.store)
	if st.Counters["replies:resolved-delivered"] != 1 || st.Counters["replies:sent-after-restart"] != 1 || st.Replies[state.ReplyIntended] != 0 {
		t.Errorf("status %v %v", st.Replies, st.Counters)
	}
}
