package index

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"testing"
)

// learnedBytes saves answers q0..q(n-1) (values of i bytes) with id and
// returns the file.
func learnedBytes(tb testing.TB, n int, id byte) []byte {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "f")
	f := openLearned(path, "RCUTEST\x01", [16]byte{id}, 64, nil, tb.Logf)
	for i := 0; i < n; i++ {
		f.put(fmt.Sprintf("q%d", i), bytes.Repeat([]byte{byte(i)}, i%5))
	}
	if err := f.save(); err != nil {
		tb.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Answers saved are read back as saved, merged with those of the next
// save (a new answer replacing a kept one), and not served when the file
// is of another ID.
func TestLearnedFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	f := openLearned(path, "RCUTEST\x01", [16]byte{1}, 64, nil, t.Logf)
	f.put("a", []byte("1"))
	f.put("b", nil)
	if err := f.save(); err != nil {
		t.Fatal(err)
	}
	g := openLearned(path, "RCUTEST\x01", [16]byte{1}, 64, nil, t.Logf)
	if v, ok := g.get("a"); !ok || string(v) != "1" {
		t.Errorf("a: %q %v", v, ok)
	}
	if v, ok := g.get("b"); !ok || len(v) != 0 {
		t.Errorf("b: %q %v", v, ok)
	}
	if _, ok := g.get("c"); ok {
		t.Error("c answered")
	}
	g.put("c", []byte("3"))
	g.put("a", []byte("one"))
	if err := g.save(); err != nil {
		t.Fatal(err)
	}
	h := openLearned(path, "RCUTEST\x01", [16]byte{1}, 64, nil, t.Logf)
	for q, want := range map[string]string{"a": "one", "b": "", "c": "3"} {
		if v, ok := h.get(q); !ok || string(v) != want {
			t.Errorf("after the merge %s: %q %v, want %q", q, v, ok, want)
		}
	}
	if _, ok := openLearned(path, "RCUTEST\x01", [16]byte{2}, 64, nil, t.Logf).get("a"); ok {
		t.Error("answers of another ID served")
	}
	if _, ok := openLearned(path, "RCUTEST\x02", [16]byte{1}, 64, nil, t.Logf).get("a"); ok {
		t.Error("answers of another version served")
	}
	// full: a save past max drops kept answers (evenly) for those learned
	k := openLearned(path, "RCUTEST\x01", [16]byte{1}, 3, nil, t.Logf)
	k.put("d", []byte("4"))
	if err := k.save(); err != nil {
		t.Fatal(err)
	}
	k = openLearned(path, "RCUTEST\x01", [16]byte{1}, 3, nil, t.Logf)
	if v, ok := k.get("d"); !ok || string(v) != "4" {
		t.Errorf("d: %q %v", v, ok)
	}
	left := 0
	for _, q := range []string{"a", "b", "c"} {
		if _, ok := k.get(q); ok {
			left++
		}
	}
	if left != 2 {
		t.Errorf("%d of 3 kept answers left, want 2 (max 3, one learned)", left)
	}
	b, _ := os.ReadFile(path)
	if n := int(binary.LittleEndian.Uint32(b[learnedHead-4:])); n != 3 {
		t.Errorf("%d entries, want max 3", n)
	}
}

// FuzzLearnedFile: whatever the bytes (as given, and with the checksum
// made to agree so that damage reaches the entries), parse either fails
// or gives sorted entries whose values lie within the file, and every
// kept key is answered.
func FuzzLearnedFile(f *testing.F) {
	f.Add(learnedBytes(f, 1, 1))
	f.Add(learnedBytes(f, 7, 1))
	f.Add(learnedBytes(f, 7, 2))
	f.Fuzz(func(t *testing.T, b []byte) {
		lf := &learnedFile{magic: "RCUTEST\x01", id: [16]byte{1}, max: 64}
		for _, in := range [][]byte{b, resealLearned(b)} {
			ents, vals, err := lf.parse(in)
			if err != nil {
				continue
			}
			if len(ents)%learnedEntry != 0 {
				t.Fatalf("entries of %d bytes", len(ents))
			}
			lf.ents, lf.vals = ents, vals
			for i := 0; i < len(ents); i += learnedEntry {
				if i > 0 && bytes.Compare(ents[i-learnedEntry:i-learnedEntry+learnedKeyLen], ents[i:i+learnedKeyLen]) >= 0 {
					t.Fatal("entries out of order")
				}
				off, ln := binary.LittleEndian.Uint32(ents[i+learnedKeyLen:]), binary.LittleEndian.Uint32(ents[i+learnedKeyLen+4:])
				if uint64(off)+uint64(ln) > uint64(len(vals)) {
					t.Fatal("value out of bounds")
				}
			}
			for q := 0; q < 8; q++ {
				lf.get(fmt.Sprintf("q%d", q)) // must not panic
			}
		}
	})
}

// resealLearned returns b with its checksum recomputed.
func resealLearned(b []byte) []byte {
	if len(b) < 4 {
		return b
	}
	b = bytes.Clone(b)
	binary.LittleEndian.PutUint32(b[len(b)-4:], crc32.Checksum(b[:len(b)-4], castagnoli))
	return b
}
