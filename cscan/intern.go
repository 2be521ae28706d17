package cscan

import (
	"hash/maphash"
	"strings"
)

// Interner shares the strings of identifiers between the tokens of many
// files, so that a name met again does not allocate again. It is a
// direct-mapped cache of a fixed size, not a set: a string is found again
// unless another one hashing to the same slot came in between, when it is
// allocated anew (equal by value, so nothing but memory sharing depends
// on it). Kernel identifiers are few and very repetitive, and a bounded
// table stays in the processor's cache where a map of every identifier
// of a tree (millions) misses it on nearly every lookup.
//
// An Interner is not safe for concurrent use: give each goroutine its own.
type Interner struct {
	seed maphash.Seed
	tab  []string
	mask uint64
	// short holds identifiers of at most 8 bytes, found by their bytes
	// read as a number (most identifiers: keywords, types, locals): no
	// hash call and no byte comparison
	short []shortEntry
}

// shortEntry is a slot of Interner.short: s and its bytes as a number.
type shortEntry struct {
	w uint64
	s string
}

// shortSlots is the size of an interner's table of short identifiers
// (bounded by the size of its main table).
const shortSlots = 1 << 12

// DefaultInternerSlots is the table size NewInterner uses for size 0.
const DefaultInternerSlots = 1 << 15

// NewInterner returns an interner of at least slots slots (a power of
// two; 0 for DefaultInternerSlots).
func NewInterner(slots int) *Interner {
	if slots <= 0 {
		slots = DefaultInternerSlots
	}
	n := 1
	for n < slots {
		n <<= 1
	}
	return &Interner{seed: maphash.MakeSeed(), tab: make([]string, n), mask: uint64(n - 1),
		short: make([]shortEntry, min(n, shortSlots))}
}

// Slots returns the size of the table.
func (in *Interner) Slots() int { return len(in.tab) }

// Bytes returns b as a string, the one already held when there is one.
func (in *Interner) Bytes(b []byte) string {
	if n := len(b); n > 0 && n <= 8 {
		var w uint64
		for i, c := range b {
			w |= uint64(c) << (8 * i)
		}
		// the multiplier spreads the bytes over the high bits
		e := &in.short[(w*0x9E3779B97F4A7C15)>>32&uint64(len(in.short)-1)]
		if e.w == w && len(e.s) == n {
			return e.s
		}
		s := string(b)
		*e = shortEntry{w, s}
		return s
	}
	e := &in.tab[maphash.Bytes(in.seed, b)&in.mask]
	if *e == string(b) {
		return *e
	}
	s := string(b)
	*e = s
	return s
}

// String returns s, or the equal string already held. A string not held
// is copied, so that keeping it does not keep a larger string s is part of.
func (in *Interner) String(s string) string {
	e := &in.tab[maphash.String(in.seed, s)&in.mask]
	if *e == s {
		return *e
	}
	s = strings.Clone(s)
	*e = s
	return s
}
