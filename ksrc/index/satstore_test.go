package index

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rcureview/rcureview/ksrc"
)

// contradiction can never hold, whatever Kconfig says.
var contradiction = []string{"CONFIG_TREE_RCU", "!CONFIG_TREE_RCU"}

// forgeAnswers rewrites the answers file at path with every answer set
// to sat (checksum resealed), so that a test sees whether a model
// consults the file: a solver never answers a contradiction true.
func forgeAnswers(t *testing.T, path string, sat bool) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no answers file: %v", err)
	}
	b = bytes.Clone(b[:len(b)-4])
	v := byte(0)
	if sat {
		v = 1
	}
	for i := learnedHead + learnedCount(b)*learnedEntry; i < len(b); i++ {
		b[i] = v // each answer is one byte
	}
	b = binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// learnedCount is the number of entries of a learned file.
func learnedCount(b []byte) int { return int(binary.LittleEndian.Uint32(b[learnedHead-4:])) }

// satEntries checks an answers file as the model's store reads it.
func satEntries(b []byte, s *satAnswers) error {
	_, _, err := s.f.parse(b)
	return err
}

// The answers a provider's reviews solved are written by SaveCaches and read
// by the next process's model; they are not used once the Kconfig
// sidecar is rebuilt (a Kconfig file changed), nor once the directory
// check finds a changed file (it may #define a CONFIG_ macro), and a
// damaged file is ignored with a log line and rewritten.
func TestKconfigAnswersKept(t *testing.T) {
	dir := writeTree(t, kconfigTree())
	c := &Cache{Dir: t.TempDir()}
	tr, err := ksrc.OpenDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	p := NewProvider(Options{Cache: c, Workers: 2}, nil)
	ix, err := p.For(tr)
	if err != nil {
		t.Fatal(err)
	}
	if ix.Possible(contradiction, nil) || ix.Possible(tinySMP, nil) || !ix.Possible([]string{"CONFIG_SMP"}, nil) {
		t.Fatal("wrong answers from the solver")
	}
	path := satSidecar(ix.lazy.name)
	if _, err := os.Stat(path); err == nil {
		t.Fatal("answers written before SaveCaches")
	}
	p.SaveCaches()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("SaveCaches wrote no answers: %v", err)
	}
	if n := learnedCount(b); n != 3 {
		t.Fatalf("%d answers kept, want 3", n)
	}
	p.SaveCaches() // nothing new: not rewritten
	if b2, _ := os.ReadFile(path); !bytes.Equal(b, b2) {
		t.Error("a SaveCaches with nothing learned changed the file")
	}

	// the next process answers from the file
	forgeAnswers(t, path, true)
	ix, _ = build(t, dir, c, nil)
	if !ix.Possible(contradiction, nil) {
		t.Fatal("the kept answers were not consulted")
	}
	// queries it did not keep are solved and added by the next save
	ix, _ = build(t, dir, c, nil)
	if ix.Possible([]string{"CONFIG_TINY_RCU", "!CONFIG_SMP", "CONFIG_TREE_RCU"}, nil) {
		t.Fatal("TINY_RCU && TREE_RCU satisfiable")
	}
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); learnedCount(b) != 4 {
		t.Error("the new answer was not merged with the kept ones")
	}

	// damaged: ignored with a log line, rewritten by the next save
	b, _ = os.ReadFile(path)
	b[learnedHead+3] ^= 0x40
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	log := &logSink{}
	ix, _ = build(t, dir, c, log)
	if ix.Possible(contradiction, nil) {
		t.Error("damaged answers file used")
	}
	if !strings.Contains(log.text(), "learned answers: checksum mismatch") {
		t.Errorf("no log line for the damaged file: %q", log.text())
	}
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil {
		t.Fatal(err)
	} else if err := satEntries(b, ix.kc().answers); err != nil {
		t.Errorf("damaged file not rewritten: %v", err)
	}

	// a file found changed in place may #define a CONFIG_ macro: the
	// kept answers are not used from then on, and nothing is learned
	ix, _ = build(t, dir, c, nil)
	ix.Possible(tinySMP, nil)
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	forgeAnswers(t, path, true)
	writeInPlace(t, dir, "kernel/rcu/tree.c", kconfigTree()["kernel/rcu/tree.c"]+"\n#define CONFIG_FRESH 1\n")
	ix, _ = build(t, dir, c, nil)
	if !ix.Possible(tinySMP, nil) {
		t.Fatal("the kept answers were not consulted before the change was found")
	}
	ix.Funcs("__rcu_read_unlock") // reads kernel/rcu/: tree.c found changed
	if ix.freshFiles() == 0 {
		t.Fatal("the directory check did not find kernel/rcu/tree.c changed")
	}
	if ix.Possible(contradiction, nil) {
		t.Error("kept answers used after a changed file was found")
	}
	before, _ := os.ReadFile(path)
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("answers learned after a changed file was found were kept")
	}
}

// A rebuilt Kconfig sidecar (a Kconfig file edited) makes the kept
// answers stale: they are not used, and the next save replaces them.
func TestKconfigAnswersStaleWithTheModel(t *testing.T) {
	dir := writeTree(t, kconfigTree())
	c := &Cache{Dir: t.TempDir()}
	ix, _ := build(t, dir, c, nil)
	if ix.Possible(contradiction, nil) {
		t.Fatal("contradiction satisfiable")
	}
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	path := satSidecar(ix.lazy.name)
	forgeAnswers(t, path, true)
	writeInPlace(t, dir, "kernel/rcu/Kconfig", kconfigTree()["kernel/rcu/Kconfig"]+"config EXTRA\n\tbool \"extra\"\n")
	old := time.Now().Add(-time.Minute) // not racy: the new model's sidecar is written
	if err := os.Chtimes(filepath.Join(dir, "kernel", "rcu", "Kconfig"), old, old); err != nil {
		t.Fatal(err)
	}
	log := &logSink{}
	ix, st := build(t, dir, c, log)
	if st.Listed || ix.lazy == nil || satSidecar(ix.lazy.name) != path {
		t.Fatalf("warm start listed the tree or made another pack: %+v", st)
	}
	if ix.Possible(contradiction, nil) {
		t.Fatal("answers of the old model used")
	}
	if ix.kc().answers == nil {
		t.Fatal("the rebuilt model has no answers store")
	}
	if log.text() != "" {
		t.Errorf("stale answers logged as damage: %q", log.text())
	}
	if err := ix.kc().answers.f.save(); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	if err := satEntries(b, ix.kc().answers); err != nil {
		t.Errorf("answers not rewritten for the new model: %v", err)
	}
}

// A review whose questions all have kept answers (satisfiability and
// the findings' simplified conditions) does not decode the model; one
// with a new question does, and gets the same answers as a fresh model.
func TestKconfigAnswersSpareTheModel(t *testing.T) {
	dir := writeTree(t, kconfigTree())
	c := &Cache{Dir: t.TempDir()}
	build(t, dir, c, nil)
	ix, _ := build(t, dir, c, nil)
	simple := []string{"CONFIG_TREE_RCU", "CONFIG_SMP", "defined(CONFIG_SMP)"}
	want := ix.SimplifyConds(simple)
	if ix.Possible(tinySMP, nil) || len(want) == 0 {
		t.Fatalf("wrong answers: %v", want)
	}
	ix.SaveCaches()
	ix, _ = build(t, dir, c, nil)
	if ix.Possible(tinySMP, nil) {
		t.Fatal("kept answer wrong")
	}
	if got := ix.SimplifyConds(simple); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("kept simplification %q, want %q", got, want)
	}
	if ix.kc().model != nil {
		t.Error("the model was decoded although every answer was kept")
	}
	if !ix.Possible([]string{"CONFIG_SMP"}, nil) || ix.kc().model == nil {
		t.Error("a new question did not decode the model")
	}
}
