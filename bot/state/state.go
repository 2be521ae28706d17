// Package state is the list bot's memory, kept in an embedded bbolt
// database: the archive cursor, which items were seen, the messages of
// series still waiting for their last patch, opted-out threads, which
// series were answered, and every reply from "intended" to "sent". A
// reply is recorded as intended (with its full bytes) in the same
// transaction that marks its series answered, before it is sent, and as
// sent after; so a crash at any instant leaves either nothing done or an
// intended reply that the next start resolves.
package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	bMeta     = []byte("meta")
	bCounters = []byte("counters")
	bSeen     = []byte("seen")
	bPending  = []byte("pending")
	bOptOut   = []byte("optout")
	bAnswered = []byte("answered")
	bSeries   = []byte("series")
	bReplies  = []byte("replies")
	bRate     = []byte("rate")
	buckets   = [][]byte{bMeta, bCounters, bSeen, bPending, bOptOut, bAnswered, bSeries, bReplies, bRate}
)

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("state database is in use by another process")

// Store is an open state database.
type Store struct {
	db *bolt.DB
}

// Open opens (creating if needed) the database at path. It waits up to
// lockWait for another process to release it.
func Open(path string, lockWait time.Duration) (*Store, error) {
	if lockWait <= 0 {
		lockWait = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockWait})
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("init state %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.db.Path() }

// Update runs fn in a read-write transaction, committed (and synced to
// disk) when fn returns nil.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
}

// Tx is a transaction on the state.
type Tx struct {
	tx *bolt.Tx
}

func (t *Tx) b(name []byte) *bolt.Bucket { return t.tx.Bucket(name) }

func (t *Tx) getJSON(bucket []byte, key string, v any) (bool, error) {
	data := t.b(bucket).Get([]byte(key))
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("state %s/%s: %w", bucket, key, err)
	}
	return true, nil
}

func (t *Tx) putJSON(bucket []byte, key string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("state %s/%s: %w", bucket, key, err)
	}
	if err := t.b(bucket).Put([]byte(key), data); err != nil {
		return fmt.Errorf("state %s/%s: %w", bucket, key, err)
	}
	return nil
}

// Cursor returns the saved source cursor (empty when none).
func (t *Tx) Cursor() (map[string]string, error) {
	c := map[string]string{}
	if _, err := t.getJSON(bMeta, "cursor", &c); err != nil {
		return nil, err
	}
	return c, nil
}

// SetCursor saves the source cursor.
func (t *Tx) SetCursor(c map[string]string) error { return t.putJSON(bMeta, "cursor", c) }

// Seen reports whether the source item key was handled.
func (t *Tx) Seen(key string) bool { return t.b(bSeen).Get([]byte(key)) != nil }

// MarkSeen records the source item key as handled.
func (t *Tx) MarkSeen(key string) error { return t.b(bSeen).Put([]byte(key), []byte{1}) }

// Add adds n to the named counter.
func (t *Tx) Add(name string, n int64) error {
	b := t.b(bCounters)
	var v int64
	if old := b.Get([]byte(name)); len(old) == 8 {
		v = int64(binary.BigEndian.Uint64(old))
	}
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], uint64(v+n))
	return b.Put([]byte(name), buf[:])
}

// Counters returns every counter.
func (t *Tx) Counters() map[string]int64 {
	out := map[string]int64{}
	t.b(bCounters).ForEach(func(k, v []byte) error {
		if len(v) == 8 {
			out[string(k)] = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	return out
}

// LastError is the most recent error of a pass.
type LastError struct {
	Time  time.Time `json:"time"`
	Error string    `json:"error"`
}

// SetLastError records err as the last error.
func (t *Tx) SetLastError(when time.Time, err string) error {
	return t.putJSON(bMeta, "last_error", LastError{Time: when, Error: err})
}

// LastError returns the last recorded error (zero when none).
func (t *Tx) LastError() (LastError, error) {
	var le LastError
	_, err := t.getJSON(bMeta, "last_error", &le)
	return le, err
}

// SetMeta stores a small named value (last pass time, source name).
func (t *Tx) SetMeta(key, value string) error {
	return t.b(bMeta).Put([]byte("m:"+key), []byte(value))
}

// Meta returns a value stored by SetMeta.
func (t *Tx) Meta(key string) string { return string(t.b(bMeta).Get([]byte("m:" + key))) }

// sortedKeys returns the keys of a bucket in byte order.
func (t *Tx) sortedKeys(bucket []byte) []string {
	var out []string
	t.b(bucket).ForEach(func(k, _ []byte) error {
		out = append(out, string(k))
		return nil
	})
	sort.Strings(out)
	return out
}

// Snapshot copies the database at src into a new file dst with a
// consistent read transaction (for a dry run that must not change the
// real state). A missing src gives an empty dst.
func Snapshot(src, dst string, lockWait time.Duration) error {
	if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if lockWait <= 0 {
		lockWait = time.Second
	}
	db, err := bolt.Open(src, 0o600, &bolt.Options{ReadOnly: true, Timeout: lockWait})
	if err != nil {
		return fmt.Errorf("snapshot state %s: %w", src, err)
	}
	defer db.Close()
	return db.View(func(tx *bolt.Tx) error {
		if err := tx.CopyFile(dst, 0o600); err != nil {
			return fmt.Errorf("snapshot state %s: %w", src, err)
		}
		return nil
	})
}
