package state

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"
)

// filled creates a state with enough records to span many pages: replies
// with bodies, pending mails, seen items and counters.
func filled(t *testing.T, n int) string {
	t.Helper()
	s, path := open(t)
	err := s.Update(func(tx *Tx) error {
		for i := 0; i < n; i++ {
			id := fmt.Sprintf("r%05d@bot", i)
			if err := tx.PutReply(Reply{MessageID: id, State: ReplySent, Data: bytes.Repeat([]byte("reply body "), 40)}); err != nil {
				return err
			}
			if err := tx.MarkSeen(fmt.Sprintf("item-%05d", i)); err != nil {
				return err
			}
			if err := tx.PutPending(Pending{MessageID: fmt.Sprintf("p%05d@x", i), Raw: bytes.Repeat([]byte("x"), 300)}); err != nil {
				return err
			}
		}
		return tx.Add("items", int64(n))
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return path
}

func problemOf(err error) Problem {
	var ue *UnusableError
	if errors.As(err, &ue) {
		return ue.Problem
	}
	return ""
}

func TestUnusableFilesAreRefusedAndLeftAlone(t *testing.T) {
	dir := t.TempDir()
	fullPath := filled(t, 300)
	full, err := os.ReadFile(fullPath)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Check(fullPath, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	inUse := int(rep.Pages) * rep.PageSize // bbolt grows files past the pages in use
	otherApp := filepath.Join(dir, "other.db")
	db, err := bolt.Open(otherApp, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, _ := tx.CreateBucket([]byte("users"))
		return b.Put([]byte("alice"), []byte("1"))
	})
	db.Close()
	foreignBolt, _ := os.ReadFile(otherApp)
	badMeta := bytes.Clone(full)
	copy(badMeta[16+24:16+64], bytes.Repeat([]byte{0xEE}, 40)) // keep the magic number
	copy(badMeta[4096+16+24:4096+16+64], bytes.Repeat([]byte{0xEE}, 40))
	for name, tc := range map[string]struct {
		data []byte
		want Problem
	}{
		"empty file":                  {nil, ProblemEmpty},
		"truncated to half":           {full[:len(full)/2], ProblemTruncated},
		"truncated inside the meta":   {full[:100], ProblemTruncated},
		"truncated in the magic":      {full[:18], ProblemForeign},
		"truncated after the metas":   {full[:3*4096], ProblemTruncated},
		"one byte short":              {full[:inUse-1], ProblemTruncated},
		"text file":                   {[]byte("this is not a database\n"), ProblemForeign},
		"another program's bbolt":     {foreignBolt, ProblemForeign},
		"both meta pages overwritten": {badMeta, ProblemDamaged},
	} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.db")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			for mode, openFn := range map[string]func(string, time.Duration) (*Store, error){"read-write": Open, "read-only": OpenReadOnly} {
				s, err := openFn(path, time.Second)
				if err == nil {
					s.Close()
					t.Fatalf("%s open accepted it", mode)
				}
				if got := problemOf(err); got != tc.want {
					t.Errorf("%s open: %v; problem %q, want %q", mode, err, got, tc.want)
				}
				if !errors.Is(err, ErrUnusable) {
					t.Errorf("%s open: %v is not ErrUnusable", mode, err)
				}
			}
			if _, err := Check(path, time.Second); problemOf(err) != tc.want {
				t.Errorf("check: %v, want %q", err, tc.want)
			}
			after, _ := os.ReadFile(path)
			if !bytes.Equal(after, tc.data) {
				t.Errorf("the file was changed (%d bytes, was %d)", len(after), len(tc.data))
			}
		})
	}
}

func TestMissingStateIsNotCreatedByOpen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	for _, openFn := range []func(string, time.Duration) (*Store, error){Open, OpenReadOnly} {
		if _, err := openFn(path, time.Second); problemOf(err) != ProblemMissing {
			t.Errorf("open of a missing file: %v, want %q", err, ProblemMissing)
		}
	}
	if _, err := os.Stat(path); err == nil {
		t.Fatal("open created the file")
	}
	s, err := Create(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Create(path, time.Second); err == nil {
		t.Error("create replaced an existing state")
	}
	os.Truncate(path, 0)
	if _, err := Create(path, time.Second); err == nil {
		t.Error("create replaced an existing empty file")
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("create left files behind: %v", ents)
	}
}

func TestLegacyStateGainsTheFormatMarker(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		for _, b := range buckets {
			tx.CreateBucket(b.name)
		}
		return tx.Bucket(bSeen).Put([]byte("k"), []byte{1})
	})
	db.Close()
	rep, err := Check(path, time.Second)
	if err != nil || rep.Format != "" {
		t.Fatalf("check of a legacy state: %+v %v", rep, err)
	}
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if rep, err := Check(path, time.Second); err != nil || rep.Format != formatMarker {
		t.Fatalf("after open: format %q, %v", rep.Format, err)
	}
}

func TestBadRecordMakesTheStateDamaged(t *testing.T) {
	s, path := open(t)
	s.Update(func(tx *Tx) error { return tx.b(bReplies).Put([]byte("r@bot"), []byte("{not json")) })
	s.Close()
	_, err := Open(path, time.Second)
	if problemOf(err) != ProblemDamaged || !strings.Contains(err.Error(), `replies/"r@bot"`) {
		t.Fatalf("open: %v, want damaged naming the record", err)
	}
}

// TestRandomDamageNeverPanics damages a state in many random ways
// (truncations, overwritten bytes, zeroed and swapped pages) and opens it:
// every open is either refused as unusable or gives a store on which
// reading every record works or fails with an error, never a panic.
func TestRandomDamageNeverPanics(t *testing.T) {
	orig, err := os.ReadFile(filled(t, 200))
	if err != nil {
		t.Fatal(err)
	}
	const pageSize = 4096
	pages := len(orig) / pageSize
	rng := rand.New(rand.NewPCG(12, 34))
	dir := t.TempDir()
	refused, opened := map[Problem]int{}, 0
	for i := 0; i < 200; i++ {
		data := bytes.Clone(orig)
		var how string
		switch rng.IntN(4) {
		case 0:
			n := rng.IntN(len(data))
			data, how = data[:n], fmt.Sprintf("truncate to %d", n)
		case 1:
			for k := 1 + rng.IntN(8); k > 0; k-- {
				data[rng.IntN(len(data))] = byte(rng.Uint32())
			}
			how = "flip bytes"
		case 2:
			p := 2 + rng.IntN(pages-2)
			clear(data[p*pageSize : (p+1)*pageSize])
			how = fmt.Sprintf("zero page %d", p)
		case 3:
			p, q := 2+rng.IntN(pages-2), 2+rng.IntN(pages-2)
			copy(data[p*pageSize:(p+1)*pageSize], orig[q*pageSize:(q+1)*pageSize])
			how = fmt.Sprintf("page %d := page %d", p, q)
		}
		path := filepath.Join(dir, fmt.Sprintf("s%d.db", i))
		os.WriteFile(path, data, 0o600)
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("%s: panic %v", how, r)
				}
			}()
			s, err := Open(path, time.Second)
			if err != nil {
				if !errors.Is(err, ErrUnusable) {
					t.Fatalf("%s: open: %v, not ErrUnusable", how, err)
				}
				refused[problemOf(err)]++
				return
			}
			opened++
			defer s.Close()
			err = s.View(func(tx *Tx) error {
				if _, err := tx.Replies(""); err != nil {
					return err
				}
				if _, err := tx.PendingAll(); err != nil {
					return err
				}
				tx.Counters()
				return nil
			})
			if err != nil && !errors.Is(err, ErrUnusable) {
				t.Logf("%s: read: %v", how, err)
			}
			if err := s.Update(func(tx *Tx) error { return tx.MarkSeen("new") }); err != nil {
				t.Logf("%s: write: %v", how, err)
			}
		}()
	}
	t.Logf("refused %v, opened %d", refused, opened)
	if refused[ProblemTruncated] == 0 || refused[ProblemDamaged] == 0 {
		t.Errorf("the damage was not recognised: %v", refused)
	}
}

func TestDamageAfterOpenIsAnErrorNotAPanic(t *testing.T) {
	path := filled(t, 300)
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// Another program overwrites the pages under the open store; bbolt
	// sees them through its shared mapping.
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	junk := bytes.Repeat([]byte{0xFF}, int(fi.Size())-2*4096)
	f.WriteAt(junk, 2*4096)
	f.Close()
	err = s.View(func(tx *Tx) error {
		_, err := tx.Replies("")
		return err
	})
	if !errors.Is(err, ErrUnusable) {
		t.Fatalf("read of overwritten pages: %v, want ErrUnusable", err)
	}
	if err2 := s.Update(func(tx *Tx) error { return tx.MarkSeen("x") }); !errors.Is(err2, ErrUnusable) {
		t.Errorf("the store is used again after bbolt panicked: %v", err2)
	}
}

func TestPanicOutsideBboltIsNotSwallowed(t *testing.T) {
	s, _ := open(t)
	defer func() {
		if r := recover(); r != "mine" {
			t.Errorf("recovered %v, want the caller's own panic", r)
		}
	}()
	s.View(func(tx *Tx) error { panic("mine") })
}

func TestBackupsRotate(t *testing.T) {
	s, path := open(t)
	for i := 1; i <= 5; i++ {
		s.Update(func(tx *Tx) error { return tx.Add("n", 1) })
		if _, err := s.Backup(3); err != nil {
			t.Fatal(err)
		}
	}
	s.Close()
	got := Backups(path)
	if len(got) != 3 {
		t.Fatalf("backups %v, want 3", got)
	}
	for i, name := range got {
		b, err := OpenReadOnly(name, time.Second)
		if err != nil {
			t.Fatalf("backup %s: %v", name, err)
		}
		b.View(func(tx *Tx) error {
			if n := tx.Counters()["n"]; n != int64(5-i) {
				t.Errorf("%s holds n=%d, want %d", name, n, 5-i)
			}
			return nil
		})
		b.Close()
	}
}

func TestRepairSalvagesAndMergesTheBackup(t *testing.T) {
	path := filled(t, 300)
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *Tx) error { return tx.MarkSeen("only-in-backup") })
	if _, err := s.Backup(2); err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *Tx) error {
		tx.b(bSeen).Delete([]byte("only-in-backup"))
		return tx.MarkSeen("after-backup")
	})
	s.Close()
	// A leaf page of the replies is overwritten: its records are lost
	// from the file, the backup has them.
	zeroLeafOf(t, path, "replies")

	res, err := Repair(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if res.Problem != ProblemDamaged || res.Backup == "" || res.Salvaged["replies"] == 0 || res.BadPages == 0 || res.FromBackup["replies"] == 0 {
		t.Errorf("repair result %+v", res)
	}
	if _, err := os.Stat(res.Damaged); err != nil {
		t.Errorf("the damaged file was not kept: %v", err)
	}
	r, err := Open(path, time.Second)
	if err != nil {
		t.Fatalf("repaired state: %v", err)
	}
	r.View(func(tx *Tx) error {
		if !tx.Seen("only-in-backup") || !tx.Seen("after-backup") {
			t.Error("the records of the file and of the backup were not merged")
		}
		reps, _ := tx.Replies("")
		if len(reps) != 300 {
			t.Errorf("%d replies after repair, want 300 (salvage plus backup)", len(reps))
		}
		return nil
	})
	r.Close()
	if res, err := Repair(path, time.Second); err != nil || !res.Healthy {
		t.Errorf("second repair: %+v %v", res, err)
	}
}

func TestRepairOfAnEmptyFileUsesTheBackup(t *testing.T) {
	s, path := open(t)
	s.Update(func(tx *Tx) error { return tx.MarkSeen("k") })
	s.Backup(1)
	s.Close()
	os.Truncate(path, 0)
	res, err := Repair(path, time.Second)
	if err != nil || res.Backup == "" || res.Problem != ProblemEmpty {
		t.Fatalf("repair: %+v %v", res, err)
	}
	r, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	r.View(func(tx *Tx) error {
		if !tx.Seen("k") {
			t.Error("backup not restored")
		}
		return nil
	})
}

func TestRepairWithNothingToRepairFrom(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	os.WriteFile(path, nil, 0o600)
	if _, err := Repair(path, time.Second); err == nil || !strings.Contains(err.Error(), "rebuild") {
		t.Fatalf("repair of an empty file without backup: %v", err)
	}
	os.WriteFile(path, []byte("some other program's file"), 0o600)
	if _, err := Repair(path, time.Second); err == nil {
		t.Fatal("repair took over a foreign file")
	}
	if data, _ := os.ReadFile(path); string(data) != "some other program's file" {
		t.Error("repair changed a foreign file")
	}
}

// zeroLeafOf overwrites the first leaf page of a top-level bucket (found
// with the format reader) with zeros.
func zeroLeafOf(t *testing.T, path, name string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fi, _ := f.Stat()
	meta, _, err := readMeta(f, fi.Size())
	if err != nil {
		t.Fatal(err)
	}
	var hdr []byte
	// The root bucket's page holds the bucket headers.
	page := make([]byte, meta.pageSize)
	f.ReadAt(page, int64(meta.root*meta.pageSize))
	count := int(native.Uint16(page[10:]))
	for i := 0; i < count; i++ {
		e := pageHeaderSize + i*elementSize
		pos, ksize, vsize := int(native.Uint32(page[e+4:])), int(native.Uint32(page[e+8:])), int(native.Uint32(page[e+12:]))
		if string(page[e+pos:e+pos+ksize]) == name {
			hdr = page[e+pos+ksize : e+pos+ksize+vsize]
		}
	}
	if hdr == nil {
		t.Fatalf("no bucket %q in the root page", name)
	}
	id := native.Uint64(hdr)
	for {
		p := make([]byte, meta.pageSize)
		f.ReadAt(p, int64(id*meta.pageSize))
		if native.Uint16(p[8:]) == flagLeaf {
			break
		}
		id = native.Uint64(p[pageHeaderSize+8:]) // first child of a branch
	}
	f.WriteAt(make([]byte, meta.pageSize), int64(id*meta.pageSize))
}
