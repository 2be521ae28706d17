package inbox

import (
	"fmt"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/bot/internal/archivetest"
)

func msg(id string) []byte {
	return []byte(fmt.Sprintf("From: A <a@example.org>\nSubject: %s\nMessage-ID: <%s>\n\nbody of %s\n", id, id, id))
}

// readAll reads src to the end in batches of max, keeping a seen set as
// the bot does; it returns the message ids (from the Subject) in order.
func readAll(t *testing.T, src Source, cur Cursor, seen map[string]bool, max int) ([]string, Cursor, []Rescan) {
	t.Helper()
	var ids []string
	var rescans []Rescan
	for round := 0; round < 1000; round++ {
		b, err := src.Read(cur, func(k string) bool { return seen[k] }, max)
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Items) > max {
			t.Fatalf("batch of %d items exceeds max %d", len(b.Items), max)
		}
		for _, it := range b.Items {
			seen[it.Key] = true
			id := subject(it.Data)
			if it.Deleted {
				id = "deleted:" + id
			}
			ids = append(ids, id)
		}
		rescans = append(rescans, b.Rescans...)
		cur = b.Cursor
		if !b.More {
			return ids, cur, rescans
		}
	}
	t.Fatal("source never ran dry")
	return nil, nil, nil
}

func subject(data []byte) string {
	for _, l := range strings.Split(string(data), "\n") {
		if s, ok := strings.CutPrefix(l, "Subject: "); ok {
			return s
		}
	}
	return "?"
}

func TestV2IncrementalEpochsDeletesAndPurge(t *testing.T) {
	a, err := archivetest.New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 5; i++ {
		if err := a.Add(0, msg(fmt.Sprintf("m%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	src, err := Open(a.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := src.(*V2); !ok {
		t.Fatalf("Open gave %T, want *V2", src)
	}
	seen := map[string]bool{}
	ids, cur, _ := readAll(t, src, Cursor{}, seen, 2)
	if got := strings.Join(ids, " "); got != "m1 m2 m3 m4 m5" {
		t.Fatalf("first read: %s", got)
	}
	if cur["v2:0"] != a.Head(0) {
		t.Errorf("cursor %v, want epoch 0 at %s", cur, a.Head(0))
	}
	ids, cur, _ = readAll(t, src, cur, seen, 2)
	if len(ids) != 0 {
		t.Fatalf("second read of an unchanged archive gave %v", ids)
	}

	// New messages, a deletion, an empty new epoch, then a filled one.
	a.Add(0, msg("m6"))
	a.Remove(0, msg("m2"))
	a.Init(1)
	ids, cur, _ = readAll(t, src, cur, seen, 10)
	if got := strings.Join(ids, " "); got != "m6 deleted:m2" {
		t.Fatalf("after additions: %s", got)
	}
	a.Add(1, msg("m7"))
	a.Add(1, msg("m8"))
	ids, cur, _ = readAll(t, src, cur, seen, 1)
	if got := strings.Join(ids, " "); got != "m7 m8" {
		t.Fatalf("new epoch: %s", got)
	}

	// A purge rewrites epoch 0: m3 disappears, every later commit changes.
	before := a.Head(0)
	if err := a.Purge(0, func(m []byte) bool { return subject(m) == "m3" }); err != nil {
		t.Fatal(err)
	}
	a.Add(0, msg("m9"))
	if a.Head(0) == before {
		t.Fatal("purge did not rewrite the history")
	}
	ids, cur, rescans := readAll(t, src, cur, seen, 3)
	if got := strings.Join(ids, " "); got != "m9" {
		t.Fatalf("after purge: %s (only the new message is unseen)", got)
	}
	if len(rescans) != 1 || rescans[0].Prefix != "v2/0/m/" {
		t.Fatalf("rescans %+v, want one of epoch 0", rescans)
	}
	present := 0
	for k := range rescans[0].Present {
		if !strings.HasPrefix(k, "v2/0/m/") {
			t.Errorf("present key %s outside the prefix", k)
		}
		present++
	}
	// m1 m2 m4 m5 m6 m9 remain as "m" blobs (m2's deletion is a "d").
	if present != 6 {
		t.Errorf("%d messages present after purge, want 6", present)
	}
	if cur["v2:0"] != a.Head(0) || cur["v2:1"] != a.Head(1) {
		t.Errorf("cursor %v not at the heads", cur)
	}
}

func TestV2FreshReaderSkipsSeenAfterRestart(t *testing.T) {
	a, _ := archivetest.New(t.TempDir())
	for i := 1; i <= 4; i++ {
		a.Add(0, msg(fmt.Sprintf("m%d", i)))
	}
	seen := map[string]bool{}
	b, err := NewV2(a.Dir).Read(Cursor{}, func(k string) bool { return seen[k] }, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Items) != 2 || !b.More {
		t.Fatalf("got %d items more=%v, want 2 and more", len(b.Items), b.More)
	}
	// A crash before the cursor was saved: the same batch comes again.
	again, err := NewV2(a.Dir).Read(Cursor{}, func(k string) bool { return seen[k] }, 2)
	if err != nil {
		t.Fatal(err)
	}
	if subject(again.Items[0].Data) != "m1" {
		t.Fatalf("unsaved cursor did not repeat the batch")
	}
}

func TestOpenRejectsUnknownDirectory(t *testing.T) {
	if _, err := Open(t.TempDir()); err == nil {
		t.Fatal("an empty directory opened as an inbox")
	}
	if _, err := Open("/nonexistent/inbox"); err == nil {
		t.Fatal("a missing path opened as an inbox")
	}
}
