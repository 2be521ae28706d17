package cscan

import (
	"fmt"
	"testing"
	"unsafe"
)

func TestInterner(t *testing.T) {
	in := NewInterner(4) // tiny: slots are shared and evicted
	if in.Slots() != 4 {
		t.Fatalf("slots %d", in.Slots())
	}
	a := in.Bytes([]byte("rcu_read_lock"))
	b := in.Bytes([]byte("rcu_read_lock"))
	if a != "rcu_read_lock" || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("a name met again is not shared: %q %q", a, b)
	}
	// many names through four slots: every answer equals its input
	for i := 0; i < 1000; i++ {
		name := fmt.Sprintf("name%d", i%37)
		if got := in.Bytes([]byte(name)); got != name {
			t.Fatalf("Bytes(%q) = %q", name, got)
		}
		if got := in.String(name); got != name {
			t.Fatalf("String(%q) = %q", name, got)
		}
	}
	// short names (8 bytes or fewer) are shared too, and told apart by
	// their length as well as their bytes
	x, y := in.Bytes([]byte("ret")), in.Bytes([]byte("ret"))
	if x != "ret" || unsafe.StringData(x) != unsafe.StringData(y) {
		t.Errorf("a short name met again is not shared: %q %q", x, y)
	}
	if a, b := in.Bytes([]byte("a")), in.Bytes([]byte("a\x00")); a != "a" || b != "a\x00" {
		t.Errorf("Bytes(a) = %q, Bytes(a NUL) = %q", a, b)
	}
	// a string not held is copied: keeping it does not keep its container
	long := "define X(a) f(a)"
	s := in.String(long[7:8])
	if s != "X" || unsafe.StringData(s) == unsafe.StringData(long[7:8]) {
		t.Errorf("String kept a part of its argument: %q", s)
	}
	if NewInterner(0).Slots() != DefaultInternerSlots || NewInterner(5).Slots() != 8 {
		t.Errorf("sizes: %d %d", NewInterner(0).Slots(), NewInterner(5).Slots())
	}
}
