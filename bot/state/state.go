// Package state is the list bot's memory, kept in an embedded bbolt
// database: the archive cursor, which items were seen, the messages of
// series still waiting for their last patch, opted-out threads, which
// series were answered, and every reply from "intended" to "sent". A
// reply is recorded as intended (with its full bytes) in the same
// transaction that marks its series answered, before it is sent, and as
// sent after; so a crash at any instant leaves either nothing done or an
// intended reply that the next start resolves.
//
// Losing the state silently would make the bot answer everything again,
// so a state file is never created implicitly (Create, refusing any
// existing file) and is checked whole before bbolt maps it (Check): a
// missing, empty, truncated, foreign or damaged file is an
// *UnusableError, left untouched. Backup keeps rotating copies; Repair
// rebuilds a damaged state from its readable records and the newest
// backup; the bot package can rebuild one from the archive alone.
package state

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"
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
	bChecks   = []byte("checks")
	bSuppress = []byte("suppress")
)

// bucket is a top-level bucket of the state and, when its values have a
// fixed shape, the check of one record that Check and Repair apply (a
// value that fails it makes the file damaged, and Repair drops it).
type bucket struct {
	name  []byte
	check func(key, value []byte) error
}

// buckets are created by Open and Create. Validation, backup and repair
// treat every bucket alike; only the record checks differ.
var buckets = []bucket{
	{bMeta, metaRecord},
	{bCounters, counterRecord},
	{bSeen, nil},
	{bPending, jsonRecord[Pending]},
	{bOptOut, nil},
	{bAnswered, nil},
	{bSeries, jsonRecord[Series]},
	{bReplies, jsonRecord[Reply]},
	{bRate, jsonRecord[[]time.Time]},
	{bChecks, jsonRecord[PWCheck]},
	{bSuppress, jsonRecord[Suppression]},
}

// metaFormat is the meta key of the format marker.
const metaFormat = "format"

// ErrLocked is returned by Open when another process holds the database.
var ErrLocked = errors.New("state database is in use by another process")

// Store is an open state database.
type Store struct {
	db     *bolt.DB
	path   string
	broken error // set when bbolt panicked: the store is not used again
}

// Open opens an existing state read-write, after checking the whole file
// (see Check) under the lock the bot keeps while it runs: a missing,
// empty, truncated, foreign or damaged file is an *UnusableError and is
// left as it is. It waits up to lockWait for another process to release
// the file (ErrLocked). A new state is made by Create.
func Open(path string, lockWait time.Duration) (*Store, error) {
	return openChecked(path, lockWait, false)
}

// OpenReadOnly opens an existing state for reading, checked as by Open;
// the file is not written (other readers may open it at the same time,
// a bot running on it holds it: ErrLocked).
func OpenReadOnly(path string, lockWait time.Duration) (*Store, error) {
	return openChecked(path, lockWait, true)
}

func openChecked(path string, lockWait time.Duration, readOnly bool) (*Store, error) {
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &UnusableError{Path: path, Problem: ProblemMissing, Detail: "no such file (a new state is created on request only)"}
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	if err := lockFile(f, path, !readOnly, lockWait); err != nil {
		f.Close()
		return nil, err
	}
	if _, err := checkFile(path, f); err != nil {
		f.Close()
		return nil, err
	}
	// bbolt opens the file handed to it and takes the lock again on the
	// same descriptor (which holds it already), so no other process can
	// change the file between the check and the open.
	db, err := boltOpen(path, &bolt.Options{
		ReadOnly: readOnly,
		Timeout:  lockWait,
		OpenFile: func(string, int, os.FileMode) (*os.File, error) { return f, nil },
	})
	if err != nil {
		f.Close()
		return nil, err
	}
	s := &Store{db: db, path: path}
	if readOnly {
		return s, nil
	}
	complete := false
	if err := s.View(func(tx *Tx) error { complete = tx.initialised(); return nil }); err != nil {
		s.Close()
		return nil, err
	}
	if complete {
		return s, nil
	}
	if err := s.Update(func(tx *Tx) error { return tx.init() }); err != nil {
		s.Close()
		return nil, fmt.Errorf("init state %s: %w", path, err)
	}
	return s, nil
}

// Create makes a new, empty state at path and opens it. It never
// replaces a file: an existing path (even an empty file) is an error. The
// state is built under a temporary name and linked into place, so a
// crash leaves either no file or a whole state.
func Create(path string, lockWait time.Duration) (*Store, error) {
	if _, err := os.Lstat(path); err == nil {
		return nil, fmt.Errorf("create state %s: the file exists; a new state never replaces one (see \"rcureview bot state\")", path)
	}
	tmp, err := newStateFile(path, nil)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return nil, fmt.Errorf("create state %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	return Open(path, lockWait)
}

// newStateFile writes a new state file next to path (a temporary name)
// holding the format marker, every bucket, and what fill adds; the file
// is synced. It returns the temporary name.
func newStateFile(path string, fill func(*Tx) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".new-*")
	if err != nil {
		return "", fmt.Errorf("create state %s: %w", path, err)
	}
	tmp := f.Name()
	f.Close()
	fail := func(err error) (string, error) {
		os.Remove(tmp)
		return "", fmt.Errorf("create state %s: %w", path, err)
	}
	db, err := boltOpen(tmp, &bolt.Options{Timeout: time.Second})
	if err != nil {
		return fail(err)
	}
	s := &Store{db: db, path: tmp}
	err = s.Update(func(tx *Tx) error {
		if err := tx.init(); err != nil {
			return err
		}
		if fill != nil {
			return fill(tx)
		}
		return nil
	})
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fail(err)
	}
	if err := syncFile(tmp); err != nil {
		return fail(err)
	}
	return tmp, nil
}

// init creates the buckets and the format marker where missing (a state
// written before either existed gains them).
func (t *Tx) init() error {
	for _, b := range buckets {
		if _, err := t.tx.CreateBucketIfNotExists(b.name); err != nil {
			return err
		}
	}
	if t.b(bMeta).Get([]byte(metaFormat)) == nil {
		return t.b(bMeta).Put([]byte(metaFormat), []byte(formatMarker))
	}
	return nil
}

// initialised reports whether init has nothing to add.
func (t *Tx) initialised() bool {
	for _, b := range buckets {
		if t.b(b.name) == nil {
			return false
		}
	}
	return t.b(bMeta).Get([]byte(metaFormat)) != nil
}

// boltOpen is bolt.Open with its panics turned into errors.
func boltOpen(path string, opt *bolt.Options) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, &UnusableError{Path: path, Problem: ProblemDamaged, Detail: fmt.Sprintf("bbolt: %v", r)}
		}
	}()
	db, err = bolt.Open(path, 0o600, opt)
	if errors.Is(err, bolt.ErrTimeout) {
		return nil, fmt.Errorf("open state %s: %w", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open state %s: %w", path, err)
	}
	return db, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Update runs fn in a read-write transaction, committed (and synced to
// disk) when fn returns nil.
func (s *Store) Update(fn func(*Tx) error) error {
	return s.guard(func() error {
		return s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
	})
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) error {
	return s.guard(func() error {
		return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
	})
}

// guard runs a transaction so that a panic or memory fault inside bbolt
// (a file damaged after Open checked it) becomes an *UnusableError, and
// the store refuses every later transaction. A panic raised outside
// bbolt (in fn's own code) goes on.
func (s *Store) guard(run func() error) (err error) {
	if s.broken != nil {
		return s.broken
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if !panickedInBolt() {
			panic(r)
		}
		s.broken = &UnusableError{Path: s.path, Problem: ProblemDamaged, Detail: fmt.Sprintf("bbolt: %v", r)}
		err = s.broken
	}()
	return run()
}

// panickedInBolt reports whether the panic being recovered was raised in
// bbolt's code: the first frame below the runtime's panic machinery.
func panickedInBolt() bool {
	pcs := make([]uintptr, 64)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	inPanic := false
	for {
		fr, more := frames.Next()
		switch {
		case strings.HasPrefix(fr.Function, "runtime."):
			inPanic = true
		case inPanic:
			return strings.HasPrefix(fr.Function, "go.etcd.io/bbolt")
		}
		if !more {
			return false
		}
	}
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

// Snapshot copies the state at src into a new file dst (for a dry run
// that must not change the real state), after checking src as
// OpenReadOnly does.
func Snapshot(src, dst string, lockWait time.Duration) error {
	s, err := OpenReadOnly(src, lockWait)
	if err != nil {
		return err
	}
	defer s.Close()
	return s.CopyTo(dst)
}

// CopyTo writes a consistent copy of the state (one read transaction) to
// a new file dst, synced to disk.
func (s *Store) CopyTo(dst string) error {
	return s.View(func(tx *Tx) error {
		f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("copy state: %w", err)
		}
		_, err = tx.tx.WriteTo(f)
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(dst)
			return fmt.Errorf("copy state to %s: %w", dst, err)
		}
		return nil
	})
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", path, err)
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
