package state

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// FuzzOpen feeds arbitrary files to Open. Invariants: no panic; Check and
// Open agree; a refused file is an *UnusableError and is not changed; a
// file that opens can be read whole (or fails with an error).
func FuzzOpen(f *testing.F) {
	// A small seed (1 KiB pages) keeps mutation and minimisation fast.
	dir := f.TempDir()
	seedPath := filepath.Join(dir, "seed.db")
	db, err := bolt.Open(seedPath, 0o600, &bolt.Options{PageSize: 1024})
	if err != nil {
		f.Fatal(err)
	}
	err = db.Update(func(btx *bolt.Tx) error {
		tx := &Tx{tx: btx}
		if err := tx.init(); err != nil {
			return err
		}
		tx.MarkSeen("item")
		tx.PutReply(Reply{MessageID: "r@bot", State: ReplySent, Data: []byte("reply")})
		return tx.Add("items", 1)
	})
	db.Close()
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := os.ReadFile(seedPath)
	rep, err := Check(seedPath, time.Second)
	if err != nil {
		f.Fatal(err)
	}
	inUse := int(rep.Pages) * rep.PageSize
	f.Add(seed[:inUse])
	f.Add(seed[:inUse/2])
	f.Add(seed[:2048])
	f.Add([]byte{})
	f.Add([]byte("not a database"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "state.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, cerr := Check(path, time.Second)
		s, err := Open(path, time.Second)
		if (cerr == nil) != (err == nil) {
			t.Fatalf("check says %v, open says %v", cerr, err)
		}
		if err != nil {
			if !errors.Is(err, ErrUnusable) {
				t.Fatalf("open: %v is not ErrUnusable", err)
			}
			if after, _ := os.ReadFile(path); string(after) != string(data) {
				t.Fatal("a refused file was changed")
			}
			return
		}
		defer s.Close()
		s.View(func(tx *Tx) error {
			if _, err := tx.Replies(""); err != nil {
				return err
			}
			_, err := tx.PendingAll()
			return err
		})
	})
}
