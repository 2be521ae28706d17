package index

import (
	"os"
	"strings"
	"testing"
)

// checkedChunks counts the table chunks a lazy index has checked (read).
func checkedChunks(ix *Index) int {
	n := 0
	for i := range ix.lazy.dir.tabs.funcs.d.ok {
		w := ix.lazy.dir.tabs.funcs.d.ok[i].Load()
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}

// The answers a process read from a pack's name tables are saved next to
// the pack; the next process answers the same from them without reading
// the tables, a pack with other content ignores them, and a damaged file
// is ignored with a log line and rewritten.
func TestLearnedNames(t *testing.T) {
	dir := writeTree(t, sampleTree)
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil) // cold: writes the pack
	ix, _ := build(t, dir, c, nil)
	want := dump(ix)
	if checkedChunks(ix) == 0 {
		t.Fatal("the lookups read no table chunk")
	}
	path := namesSidecar(ix.lazy.name)
	ix.SaveCaches()
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no learned names: %v", err)
	}
	if learnedCount(good) < 10 {
		t.Fatalf("%d answers learned", learnedCount(good))
	}

	ix, _ = build(t, dir, c, nil)
	if got := dump(ix); got != want {
		t.Errorf("answers from the learned file differ:\n%s\nwant\n%s", got, want)
	}
	if n := checkedChunks(ix); n != 0 {
		t.Errorf("%d table chunks read although every lookup was learned", n)
	}
	ix.SaveCaches()
	if b, _ := os.ReadFile(path); string(b) != string(good) {
		t.Error("a process that learned nothing rewrote the file")
	}

	// damaged: the tables answer, a log line says so, the file is rewritten
	bad := []byte(string(good))
	bad[len(bad)/2] ^= 0x01
	if err := os.WriteFile(path, bad, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &logSink{}
	ix, _ = build(t, dir, c, log)
	if got := dump(ix); got != want {
		t.Error("answers with a damaged learned file differ")
	}
	if !strings.Contains(log.text(), "learned answers: checksum mismatch") {
		t.Errorf("no log line for the damaged file: %q", log.text())
	}
	ix.SaveCaches()
	if b, _ := os.ReadFile(path); string(b) != string(good) {
		t.Error("damaged learned file not rewritten")
	}

	// another pack (a file added: the tree is indexed again) ignores them
	files := map[string]string{}
	for p, s := range sampleTree {
		files[p] = s
	}
	files["kernel/rcu/extra.c"] = "void rcu_read_unlock_special(void) { }\n"
	dir2 := writeTree(t, files)
	build(t, dir2, c, nil)
	ix2, _ := build(t, dir2, c, nil)
	want2 := dump(ix2)
	if err := os.WriteFile(namesSidecar(ix2.lazy.name), good, 0o600); err != nil {
		t.Fatal(err)
	}
	ix2, _ = build(t, dir2, c, nil)
	if got := dump(ix2); got != want2 {
		t.Error("another pack's learned names were used")
	}
}
