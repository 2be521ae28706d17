package check

import (
	"encoding/binary"
	"hash/maphash"
	"testing"
)

// TestChunkedAcrossChunks: elements keep their values across the growth of
// the first chunk and the fixed-size chunks after it.
func TestChunkedAcrossChunks(t *testing.T) {
	var c chunked[int32]
	n := 2*chunkSize + 12345
	for i := 0; i < n; i++ {
		if got := c.add(int32(i)); got != i {
			t.Fatalf("add returned %d, want %d", got, i)
		}
	}
	for _, i := range []int{0, 255, 256, chunkSize - 1, chunkSize, chunkSize + 1, 2 * chunkSize, n - 1} {
		if *c.at(i) != int32(i) {
			t.Fatalf("at(%d) = %d", i, *c.at(i))
		}
	}
	if c.bytes < int64(n)*4 || c.bytes > int64(n+2*chunkSize)*4 {
		t.Fatalf("accounted %d bytes for %d elements", c.bytes, n)
	}
}

type u64dec struct{}

func (u64dec) Decode(k []byte, s *uint64) { *s = binary.LittleEndian.Uint64(k) }

// TestStoreFindsWhatItStored, with and without a Decoder.
func TestStoreFindsWhatItStored(t *testing.T) {
	for _, dec := range []Decoder[uint64]{nil, u64dec{}} {
		st := store[uint64]{dec: dec, seed: maphash.MakeSeed()}
		key := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
		for v := uint64(0); v < 5000; v++ {
			x := v * 7919
			if id, _ := st.lookup(key(x)); id >= 0 {
				t.Fatalf("%d found before insert", x)
			}
			if id := st.insert(&x, key(x)); id != int32(v) {
				t.Fatalf("id %d, want %d", id, v)
			}
		}
		for v := uint64(0); v < 5000; v++ {
			id, _ := st.lookup(key(v * 7919))
			if id != int32(v) || st.get(id) != v*7919 {
				t.Fatalf("lookup %d: id %d state %d", v*7919, id, st.get(id))
			}
		}
		if id, _ := st.lookup(key(1)); id >= 0 {
			t.Fatal("found a key never stored")
		}
	}
}
