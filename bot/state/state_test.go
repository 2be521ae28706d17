package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func open(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Create(path, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestSecondOpenIsLockedOut(t *testing.T) {
	_, path := open(t)
	start := time.Now()
	_, err := Open(path, 200*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("waited %v for the lock", d)
	}
}

func TestNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "junk.db")
	os.WriteFile(path, []byte("this is not a bbolt file, just some text long enough to be read"), 0o600)
	if _, err := Open(path, time.Second); err == nil {
		t.Fatal("opened a text file as state")
	}
}

func TestRecordsRoundTripAndPersist(t *testing.T) {
	s, path := open(t)
	now := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	err := s.Update(func(tx *Tx) error {
		if err := tx.SetCursor(map[string]string{"v2:0": "abc"}); err != nil {
			return err
		}
		if err := tx.MarkSeen("k1"); err != nil {
			return err
		}
		if err := tx.PutPending(Pending{MessageID: "p1@x", Key: "k1", FirstSeen: now, Raw: []byte("raw")}); err != nil {
			return err
		}
		if err := tx.Add("items", 3); err != nil {
			return err
		}
		if err := tx.Add("items", 2); err != nil {
			return err
		}
		if err := tx.OptOut("o@x"); err != nil {
			return err
		}
		if err := tx.PutSeries(Series{Key: "s@x", Members: []string{"s@x", "s2@x"}, Status: SeriesReplied, Version: 2}); err != nil {
			return err
		}
		for _, r := range []Reply{{MessageID: "r1@bot", State: ReplyIntended, Data: []byte("d")}, {MessageID: "r2@bot", State: ReplySent}} {
			if err := tx.PutReply(r); err != nil {
				return err
			}
		}
		if err := tx.AddStamp("list:l", now.Add(-2*time.Hour), now.Add(-3*time.Hour)); err != nil {
			return err
		}
		if err := tx.AddStamp("list:l", now, now.Add(-time.Hour)); err != nil {
			return err
		}
		return tx.SetLastError(now, "boom")
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(func(tx *Tx) error {
		cur, err := tx.Cursor()
		if err != nil || cur["v2:0"] != "abc" {
			t.Errorf("cursor %v %v", cur, err)
		}
		if !tx.Seen("k1") || tx.Seen("k2") {
			t.Error("seen set wrong")
		}
		pend, err := tx.PendingAll()
		if err != nil || len(pend) != 1 || string(pend[0].Raw) != "raw" || !pend[0].FirstSeen.Equal(now) {
			t.Errorf("pending %+v %v", pend, err)
		}
		if c := tx.Counters()["items"]; c != 5 {
			t.Errorf("counter items = %d", c)
		}
		if !tx.OptedOut("o@x") || tx.OptedOut("p1@x") {
			t.Error("opt-out set wrong")
		}
		if key, ok := tx.Answered("s2@x"); !ok || key != "s@x" {
			t.Errorf("Answered(s2@x) = %q %v", key, ok)
		}
		rec, ok, err := tx.GetSeries("s@x")
		if err != nil || !ok || rec.Version != 2 {
			t.Errorf("series %+v %v %v", rec, ok, err)
		}
		intended, err := tx.Replies(ReplyIntended)
		if err != nil || len(intended) != 1 || intended[0].MessageID != "r1@bot" {
			t.Errorf("intended replies %+v %v", intended, err)
		}
		stamps, err := tx.Stamps("list:l", now.Add(-time.Hour))
		if err != nil || len(stamps) != 1 {
			t.Errorf("stamps in the last hour: %v %v", stamps, err)
		}
		le, err := tx.LastError()
		if err != nil || le.Error != "boom" {
			t.Errorf("last error %+v %v", le, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSnapshotCopiesWithoutChangingTheOriginal(t *testing.T) {
	s, path := open(t)
	s.Update(func(tx *Tx) error { return tx.MarkSeen("a") })
	s.Close()
	dst := filepath.Join(t.TempDir(), "copy.db")
	if err := Snapshot(path, dst, time.Second); err != nil {
		t.Fatal(err)
	}
	c, err := Open(dst, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Update(func(tx *Tx) error { return tx.MarkSeen("b") })
	o, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	o.View(func(tx *Tx) error {
		if !tx.Seen("a") || tx.Seen("b") {
			t.Error("snapshot is not independent of the original")
		}
		return nil
	})
	err = Snapshot(filepath.Join(t.TempDir(), "missing.db"), filepath.Join(t.TempDir(), "x.db"), time.Second)
	if !errors.Is(err, ErrUnusable) {
		t.Errorf("snapshot of a missing state: %v, want ErrUnusable", err)
	}
}
