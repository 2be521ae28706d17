package inbox

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func mboxMsg(id string) string {
	return fmt.Sprintf("From a@example.org Mon Jan  1 00:00:00 2024\n%s\n", msg(id))
}

func TestMboxAppendPartialAndRotation(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.mbox")
	os.WriteFile(path, []byte(mboxMsg("m1")+mboxMsg("m2")+mboxMsg("m3")), 0o644)
	src, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ids, cur, _ := readAll(t, src, Cursor{}, seen, 2)
	if got := strings.Join(ids, " "); got != "m1 m2 m3" {
		t.Fatalf("first read: %q", got)
	}

	// An MDA is appending m4: the file does not end with a newline yet.
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	whole := mboxMsg("m4")
	f.WriteString(whole[:len(whole)-10])
	ids, cur, _ = readAll(t, src, cur, seen, 2)
	if len(ids) != 0 {
		t.Fatalf("half-written message was read: %v", ids)
	}
	f.WriteString(whole[len(whole)-10:] + mboxMsg("m5"))
	f.Close()
	ids, cur, _ = readAll(t, src, cur, seen, 2)
	if got := strings.Join(ids, " "); got != "m4 m5" {
		t.Fatalf("after append: %q", got)
	}

	// Rotation: the file is replaced by a shorter one.
	os.WriteFile(path, []byte(mboxMsg("m6")), 0o644)
	ids, _, _ = readAll(t, src, cur, seen, 2)
	if got := strings.Join(ids, " "); got != "m6" {
		t.Fatalf("after rotation: %q", got)
	}
}

func TestMboxDuplicateContentSharesAKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.mbox")
	os.WriteFile(path, []byte(mboxMsg("m1")+mboxMsg("m1")+mboxMsg("m2")), 0o644)
	b, err := NewMbox(path).Read(Cursor{}, nil, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 3 || b.Items[0].Key != b.Items[1].Key || b.Items[0].Key == b.Items[2].Key {
		t.Fatalf("keys of m1, m1, m2: %+v", b.Items)
	}
}

func TestMaildirNewAndCurWithoutMoving(t *testing.T) {
	dir := t.TempDir()
	for _, sub := range []string{"new", "cur", "tmp"} {
		os.MkdirAll(filepath.Join(dir, sub), 0o755)
	}
	os.WriteFile(filepath.Join(dir, "new", "1700000001.1.host"), msg("m1"), 0o644)
	os.WriteFile(filepath.Join(dir, "cur", "1700000002.1.host:2,S"), msg("m2"), 0o644)
	os.WriteFile(filepath.Join(dir, "tmp", "1700000003.1.host"), msg("being-delivered"), 0o644)
	src, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	ids, cur, _ := readAll(t, src, Cursor{}, seen, 1)
	if got := strings.Join(ids, " "); got != "m1 m2" {
		t.Fatalf("first read: %q", got)
	}
	// A mail client moves m1 to cur/ and flags it: same key, not new.
	os.Rename(filepath.Join(dir, "new", "1700000001.1.host"), filepath.Join(dir, "cur", "1700000001.1.host:2,S"))
	os.WriteFile(filepath.Join(dir, "new", "1700000004.1.host"), msg("m4"), 0o644)
	ids, _, _ = readAll(t, src, cur, seen, 5)
	if got := strings.Join(ids, " "); got != "m4" {
		t.Fatalf("after move and delivery: %q", got)
	}
	if _, err := os.Stat(filepath.Join(dir, "new", "1700000004.1.host")); err != nil {
		t.Errorf("reader moved a message: %v", err)
	}
}

// FuzzMboxBatches checks that reading an mbox in small batches gives the
// same items as one read, whatever the bytes, and never fails on them.
func FuzzMboxBatches(f *testing.F) {
	f.Add([]byte(mboxMsg("a") + mboxMsg("b")))
	f.Add([]byte("From x\nno header\n\nFrom y\n"))
	f.Add([]byte(msg("bare")))
	f.Add([]byte("\x00\x01binary"))
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "f.mbox")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		src := NewMbox(path)
		one, err := src.Read(Cursor{}, nil, 1<<20)
		if err != nil {
			return // an input error (binary data) is reported, not a panic
		}
		var keys []string
		cur := Cursor{}
		for round := 0; ; round++ {
			if round > len(data)+2 {
				t.Fatal("batches never ended")
			}
			b, err := src.Read(cur, nil, 1)
			if err != nil {
				t.Fatalf("batched read failed where one read did not: %v", err)
			}
			for _, it := range b.Items {
				keys = append(keys, it.Key)
			}
			cur = b.Cursor
			if !b.More {
				break
			}
		}
		if len(keys) != len(one.Items) {
			t.Fatalf("batched read gave %d items, one read %d", len(keys), len(one.Items))
		}
		for i := range keys {
			if keys[i] != one.Items[i].Key {
				t.Fatalf("item %d differs", i)
			}
		}
	})
}
