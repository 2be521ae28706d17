package check

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"unsafe"
)

// Decoder is implemented by systems whose Key is a complete encoding of
// the state: the checker then keeps only the keys and decodes a state when
// it needs it, which halves the memory of an exploration.
type Decoder[S any] interface {
	// Decode sets all of *s (which may hold another state) from key.
	Decode(key []byte, s *S)
}

// chunkSize is the size of the arena chunks and the element count of the
// chunked slices: memory grows in steps of this size, never by copying
// everything explored so far.
const chunkSize = 1 << 20

// chunked is an append-only slice stored in chunks: the first grows by
// doubling up to chunkSize elements (small explorations stay small), the
// others have chunkSize elements, so a large exploration never copies what
// it has stored. Pointers from at are valid until the next add.
type chunked[T any] struct {
	chunks [][]T
	n      int
	bytes  int64 // allocated
}

func (c *chunked[T]) add(v T) int {
	if len(c.chunks) == 0 {
		c.chunks = append(c.chunks, make([]T, 0, 256))
		c.bytes += 256 * int64(sizeOf[T]())
	}
	k := &c.chunks[len(c.chunks)-1]
	if len(*k) == cap(*k) {
		if cap(*k) < chunkSize {
			grown := make([]T, len(*k), min(2*cap(*k), chunkSize))
			copy(grown, *k)
			c.bytes += int64(cap(grown)-cap(*k)) * int64(sizeOf[T]())
			*k = grown
		} else {
			c.chunks = append(c.chunks, make([]T, 0, chunkSize))
			c.bytes += chunkSize * int64(sizeOf[T]())
			k = &c.chunks[len(c.chunks)-1]
		}
	}
	*k = append(*k, v)
	c.n++
	return c.n - 1
}

func (c *chunked[T]) at(i int) *T {
	if i < chunkSize {
		return &c.chunks[0][i]
	}
	i -= chunkSize
	return &c.chunks[1+i/chunkSize][i%chunkSize]
}

func (c *chunked[T]) len() int { return c.n }

// store is the set of explored states: their keys in a chunked byte arena
// (each prefixed by its length) and an open-addressing hash table of state
// ids. Without a Decoder the states themselves are kept as well.
type store[S any] struct {
	dec        Decoder[S]
	seed       maphash.Seed
	arena      [][]byte
	loc        chunked[uint64] // chunk<<32 | offset of each key
	table      []int32         // id+1; 0 is empty
	states     chunked[S]
	arenaBytes int64
}

// bytes is what the store has allocated.
func (st *store[S]) bytes() int64 {
	return st.arenaBytes + st.loc.bytes + st.states.bytes + 4*int64(len(st.table))
}

func (st *store[S]) hash(k []byte) uint64 { return maphash.Bytes(st.seed, k) }

func (st *store[S]) key(id int32) []byte {
	l := *st.loc.at(int(id))
	b := st.arena[l>>32][uint32(l):]
	n, w := binary.Uvarint(b)
	return b[w : w+int(n)]
}

// lookup returns the id of the state with key k, or -1 and the table slot
// where it would go.
func (st *store[S]) lookup(k []byte) (int32, int) {
	if len(st.table) == 0 {
		return -1, -1
	}
	mask := len(st.table) - 1
	i := int(st.hash(k)) & mask
	for {
		v := st.table[i]
		if v == 0 {
			return -1, i
		}
		if bytes.Equal(st.key(v-1), k) {
			return v - 1, i
		}
		i = (i + 1) & mask
	}
}

// insert adds state s with key k (not present) and returns its id.
func (st *store[S]) insert(s *S, k []byte) int32 {
	n := st.loc.len()
	if 2*(n+1) > len(st.table) {
		st.grow()
	}
	_, slot := st.lookup(k)
	need := binary.MaxVarintLen64 + len(k)
	if len(st.arena) == 0 || cap(st.arena[len(st.arena)-1])-len(st.arena[len(st.arena)-1]) < need {
		// Chunks double from 64 KiB up to 16 MiB.
		size := 64 << 10
		if len(st.arena) > 0 {
			size = min(2*cap(st.arena[len(st.arena)-1]), 16<<20)
		}
		size = max(size, need)
		st.arena = append(st.arena, make([]byte, 0, size))
		st.arenaBytes += int64(size)
	}
	c := len(st.arena) - 1
	off := len(st.arena[c])
	st.arena[c] = binary.AppendUvarint(st.arena[c], uint64(len(k)))
	st.arena[c] = append(st.arena[c], k...)
	st.loc.add(uint64(c)<<32 | uint64(off))
	if st.dec == nil {
		st.states.add(*s)
	}
	st.table[slot] = int32(n + 1)
	return int32(n)
}

func (st *store[S]) grow() {
	size := max(1024, 2*len(st.table))
	st.table = make([]int32, size)
	mask := size - 1
	for id := 0; id < st.loc.len(); id++ {
		i := int(st.hash(st.key(int32(id)))) & mask
		for st.table[i] != 0 {
			i = (i + 1) & mask
		}
		st.table[i] = int32(id + 1)
	}
}

// get returns state id.
func (st *store[S]) get(id int32) S {
	var s S
	st.load(id, &s)
	return s
}

// load sets *s to state id: the explorer decodes every state it expands
// into one variable instead of a new one each time (a state escapes to
// the heap when the System takes its address, and a fresh heap state per
// expansion is fresh memory).
func (st *store[S]) load(id int32, s *S) {
	if st.dec == nil {
		*s = *st.states.at(int(id))
		return
	}
	st.dec.Decode(st.key(id), s)
}

func (st *store[S]) len() int { return st.loc.len() }

func sizeOf[S any]() uintptr {
	var s S
	return unsafe.Sizeof(s)
}
