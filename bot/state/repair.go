package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
)

// RepairResult says what Repair did.
type RepairResult struct {
	Healthy    bool           // the state was usable: nothing was changed
	Problem    Problem        // what was wrong
	Salvaged   map[string]int // records kept from the damaged file, by bucket
	Dropped    int            // records of the damaged file that failed their check
	BadPages   int            // pages (with what lies below them) that could not be read
	Backup     string         // the backup merged in ("" when none was usable)
	FromBackup map[string]int // records taken from it (missing from the salvage), by bucket
	Damaged    string         // where the damaged file was moved
}

// Repair rebuilds an unusable state at path from what can still be read
// in it and from its newest usable backup, and moves the damaged file
// aside (path.damaged-TIME). Every readable record that passes its check
// is kept; a record missing from the damaged file is taken from the
// backup. The union is safe for the bot: what was seen or answered stays
// so, and a reply that only the backup knows is resolved against the
// archive or the outbox before it would be sent again. A foreign file is
// refused, and a healthy one left alone (Healthy). The new state is
// written under a temporary name and renamed into place.
func Repair(path string, lockWait time.Duration) (*RepairResult, error) {
	res := &RepairResult{Salvaged: map[string]int{}, FromBackup: map[string]int{}}
	_, err := Check(path, lockWait)
	var ue *UnusableError
	switch {
	case err == nil:
		res.Healthy = true
		return res, nil
	case !errors.As(err, &ue):
		return nil, err
	case ue.Problem == ProblemForeign:
		return nil, fmt.Errorf("repair: %w; not touching a file that is not a bot state", err)
	}
	res.Problem = ue.Problem
	var backup string
	for _, b := range Backups(path) {
		if _, err := Check(b, lockWait); err == nil {
			backup = b
			break
		}
	}
	var src *os.File
	if ue.Problem != ProblemMissing {
		if src, err = os.OpenFile(path, os.O_RDWR, 0); err != nil {
			return nil, fmt.Errorf("repair %s: %w", path, err)
		}
		defer src.Close()
		if err := lockFile(src, path, true, lockWait); err != nil {
			return nil, err
		}
	}
	salvaged := false
	tmp, err := newStateFile(path, func(tx *Tx) error {
		if src != nil {
			ok, err := res.salvage(tx, src)
			if err != nil {
				return err
			}
			salvaged = ok
		}
		if backup == "" {
			return nil
		}
		res.Backup = backup
		return res.mergeBackup(tx, backup, lockWait)
	})
	if err != nil {
		return nil, fmt.Errorf("repair %s: %w", path, err)
	}
	if !salvaged && backup == "" {
		os.Remove(tmp)
		return nil, fmt.Errorf("repair %s: nothing to repair from: no page of the file can be read and no backup is usable; "+
			"rebuild the state from the archive instead", path)
	}
	if res.Damaged, err = Install(tmp, path, "damaged"); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("repair: %w", err)
	}
	return res, nil
}

// Install puts the state file built at tmp in place at path. A file
// already at path is not deleted: it is renamed to path.WHY-TIME, and
// that name is returned.
func Install(tmp, path, why string) (aside string, err error) {
	if _, err := os.Lstat(path); err == nil {
		aside = fmt.Sprintf("%s.%s-%s", path, why, time.Now().UTC().Format("20060102T150405Z"))
		if err := os.Rename(path, aside); err != nil {
			return "", fmt.Errorf("install state %s: %w", path, err)
		}
	}
	if err := os.Rename(tmp, path); err != nil {
		return aside, fmt.Errorf("install state %s: %w (the old file is %s)", path, err, aside)
	}
	return aside, syncDir(filepath.Dir(path))
}

// salvage copies every readable record of the damaged file f that passes
// its bucket's check into tx. It reports false when the file has no
// valid meta page (nothing can be read).
func (res *RepairResult) salvage(tx *Tx, f *os.File) (bool, error) {
	fi, err := f.Stat()
	if err != nil {
		return false, err
	}
	meta, _, err := readMeta(f, fi.Size())
	if err != nil {
		return false, nil
	}
	bf := &boltFile{r: f, size: fi.Size(), meta: meta}
	var werr error
	bf.walk(func(path []string, k, v []byte, isBucket bool) {
		if werr != nil || isBucket {
			return
		}
		if len(path) == 1 && checkRecord([]byte(path[0]), k, v) != nil {
			res.Dropped++
			return
		}
		b, err := tx.bucketAt(path)
		if err == nil {
			err = b.Put(append([]byte(nil), k...), append([]byte(nil), v...))
		}
		if err != nil {
			werr = fmt.Errorf("salvage %s/%q: %w", bucketPath(path), k, err)
			return
		}
		res.Salvaged[path[0]]++
	})
	res.BadPages = bf.badPages
	return true, werr
}

// mergeBackup adds the records of the backup at name that tx lacks.
func (res *RepairResult) mergeBackup(tx *Tx, name string, lockWait time.Duration) error {
	bk, err := OpenReadOnly(name, lockWait)
	if err != nil {
		return err
	}
	defer bk.Close()
	return bk.View(func(btx *Tx) error {
		var copyBucket func(path []string, from *bolt.Bucket) error
		copyBucket = func(path []string, from *bolt.Bucket) error {
			return from.ForEach(func(k, v []byte) error {
				if v == nil {
					return copyBucket(append(path[:len(path):len(path)], string(k)), from.Bucket(k))
				}
				to, err := tx.bucketAt(path)
				if err != nil {
					return err
				}
				if to.Get(k) != nil {
					return nil
				}
				res.FromBackup[path[0]]++
				return to.Put(append([]byte(nil), k...), append([]byte(nil), v...))
			})
		}
		return btx.tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			return copyBucket([]string{string(name)}, b)
		})
	})
}

// bucketAt returns the bucket at path, creating it and its parents.
func (t *Tx) bucketAt(path []string) (*bolt.Bucket, error) {
	b, err := t.tx.CreateBucketIfNotExists([]byte(path[0]))
	for _, name := range path[1:] {
		if err != nil {
			break
		}
		b, err = b.CreateBucketIfNotExists([]byte(name))
	}
	return b, err
}
