package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"syscall"
	"time"
)

// ErrUnusable is matched (errors.Is) by every *UnusableError.
var ErrUnusable = errors.New("state unusable")

// Problem names what is wrong with an unusable state file.
type Problem string

// Problems of a state file.
const (
	ProblemMissing   Problem = "missing"   // no file (a new state needs Create)
	ProblemEmpty     Problem = "empty"     // 0 bytes: truncated, or created by something else
	ProblemTruncated Problem = "truncated" // shorter than the pages its meta page counts
	ProblemForeign   Problem = "foreign"   // not a bbolt file, or not a bot state
	ProblemDamaged   Problem = "damaged"   // bad pages or records
)

// UnusableError says why the bot must not run on a state file. Running
// on it could lose the record of replies sent and send them again, so
// the bot refuses; package doc and "rcureview bot state" say how to
// recover.
type UnusableError struct {
	Path    string
	Problem Problem
	Detail  string
}

func (e *UnusableError) Error() string {
	return fmt.Sprintf("state %s is unusable (%s): %s", e.Path, e.Problem, e.Detail)
}

// Is makes errors.Is(err, ErrUnusable) hold.
func (e *UnusableError) Is(target error) bool { return target == ErrUnusable }

// formatMarker is stored under meta/format by Create: a file without it
// is not a bot state (or one written before the marker existed, see
// isLegacy).
const formatMarker = "rcureview bot state 1"

// Report is what Check found in a state file.
type Report struct {
	Path     string
	Size     int64
	PageSize int
	Pages    uint64 // the high-water mark: pages in use or free
	TxID     uint64 // the last committed transaction
	Format   string // the format marker ("" for a legacy state)
	Buckets  []BucketStat
	Leaked   int      // pages neither reachable nor free (harmless)
	Problems []string // what makes the file damaged
}

// BucketStat counts the records of one top-level bucket.
type BucketStat struct {
	Name       string
	Keys       int
	BadRecords int // values that do not decode as the bucket's records
}

// Check reads the state file at path without changing it (under a shared
// lock, so not while a bot runs on it: ErrLocked) and returns what it
// found; the error is an *UnusableError when the bot must not use it.
func Check(path string, lockWait time.Duration) (*Report, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, &UnusableError{Path: path, Problem: ProblemMissing, Detail: "no such file"}
	}
	if err != nil {
		return nil, fmt.Errorf("check state %s: %w", path, err)
	}
	defer f.Close()
	if err := lockFile(f, path, false, lockWait); err != nil {
		return nil, err
	}
	return checkFile(path, f)
}

// checkFile validates an open (and locked) state file: its meta pages,
// its length, every page of every bucket, and every record of the
// buckets the state package knows.
func checkFile(path string, f *os.File) (*Report, error) {
	unusable := func(p Problem, format string, args ...any) error {
		return &UnusableError{Path: path, Problem: p, Detail: fmt.Sprintf(format, args...)}
	}
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("check state %s: %w", path, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, unusable(ProblemForeign, "not a regular file (%s)", fi.Mode().Type())
	}
	rep := &Report{Path: path, Size: fi.Size()}
	if rep.Size == 0 {
		return rep, unusable(ProblemEmpty, "the file is empty (0 bytes); a state is never empty, so it was truncated or created by something else")
	}
	meta, looksBolt, err := readMeta(f, rep.Size)
	if err != nil {
		if looksBolt {
			return rep, unusable(ProblemDamaged, "both bbolt meta pages are invalid")
		}
		return rep, unusable(ProblemForeign, "not a bbolt database (%d bytes, no bbolt meta page)", rep.Size)
	}
	rep.PageSize, rep.Pages, rep.TxID = int(meta.pageSize), meta.hwm, meta.txid
	if meta.hwm > uint64(rep.Size)/meta.pageSize {
		return rep, unusable(ProblemTruncated, "the file has %d bytes, its meta page counts %d pages of %d bytes (%d bytes)",
			rep.Size, meta.hwm, meta.pageSize, meta.hwm*meta.pageSize)
	}
	bf := &boltFile{r: f, size: rep.Size, meta: meta}
	stats := map[string]*BucketStat{}
	bad := 0
	rep.Leaked = bf.walk(func(path []string, k, v []byte, isBucket bool) {
		if len(path) == 0 {
			stats[string(k)] = &BucketStat{Name: string(k)}
			return
		}
		st := stats[path[0]]
		if len(path) > 1 || st == nil {
			return
		}
		st.Keys++
		if isBucket {
			return
		}
		if path[0] == string(bMeta) && string(k) == metaFormat {
			rep.Format = string(v)
		}
		if err := checkRecord([]byte(path[0]), k, v); err != nil {
			st.BadRecords++
			if bad++; bad <= maxProblems {
				rep.Problems = append(rep.Problems, fmt.Sprintf("record %s/%q: %v", path[0], k, err))
			}
		}
	})
	for _, st := range stats {
		rep.Buckets = append(rep.Buckets, *st)
	}
	sort.Slice(rep.Buckets, func(i, j int) bool { return rep.Buckets[i].Name < rep.Buckets[j].Name })
	rep.Problems = append(bf.problems, rep.Problems...)
	if bf.dropped > 0 || bad > maxProblems {
		rep.Problems = append(rep.Problems, fmt.Sprintf("… and %d more", bf.dropped+max(0, bad-maxProblems)))
	}
	if len(rep.Problems) > 0 {
		return rep, unusable(ProblemDamaged, "%s", strings.Join(rep.Problems, "; "))
	}
	switch {
	case rep.Format == formatMarker:
	case rep.Format != "":
		return rep, unusable(ProblemForeign, "state format %q; this rcureview reads %q", rep.Format, formatMarker)
	case !isLegacy(rep):
		var names []string
		for _, b := range rep.Buckets {
			names = append(names, b.Name)
		}
		return rep, unusable(ProblemForeign, "a bbolt database, but not a bot state (buckets: %s)", strings.Join(names, ", "))
	}
	return rep, nil
}

// isLegacy recognises a bot state written before the format marker: it
// has the buckets every state had from the start.
func isLegacy(rep *Report) bool {
	has := map[string]bool{}
	for _, b := range rep.Buckets {
		has[b.Name] = true
	}
	return has[string(bMeta)] && has[string(bSeen)] && has[string(bReplies)] && has[string(bAnswered)]
}

// checkRecord checks one value of a top-level bucket against the shape
// its bucket declares (no check for buckets without one or unknown).
func checkRecord(bucket, key, value []byte) error {
	for _, b := range buckets {
		if string(b.name) == string(bucket) && b.check != nil {
			return b.check(key, value)
		}
	}
	return nil
}

// jsonRecord checks that a value decodes as a T.
func jsonRecord[T any](_, v []byte) error {
	var x T
	return json.Unmarshal(v, &x)
}

// counterRecord checks a counter: 8 bytes, big-endian.
func counterRecord(_, v []byte) error {
	if len(v) != 8 {
		return fmt.Errorf("counter of %d bytes, want 8", len(v))
	}
	return nil
}

// metaRecord checks the meta values that are JSON.
func metaRecord(k, v []byte) error {
	switch string(k) {
	case "cursor":
		return jsonRecord[map[string]string](k, v)
	case "last_error":
		return jsonRecord[LastError](k, v)
	}
	return nil
}

// lockFile takes bbolt's lock on f (flock, exclusive for a writer,
// shared for readers), retrying until wait has passed.
func lockFile(f *os.File, path string, exclusive bool, wait time.Duration) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if wait <= 0 {
		wait = time.Second
	}
	end := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		if err == nil {
			return nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			return fmt.Errorf("lock state %s: %w", path, err)
		}
		if time.Now().After(end) {
			return fmt.Errorf("state %s: %w", path, ErrLocked)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
