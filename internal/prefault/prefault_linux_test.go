package prefault

import (
	"os"
	"runtime"
	"testing"
	"unsafe"
)

// TestOwnMappings: in this process (a Go test binary, linked like
// rcureview) the maps name the executable's text, which holds this
// function, and an anonymous writable mapping holding a heap object; and
// populate runs without harm.
func TestOwnMappings(t *testing.T) {
	b, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		t.Skip(err)
	}
	ms := parseMaps(b)
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		t.Skip(err)
	}
	pc, _, _, _ := runtime.Caller(0)
	found := false
	for _, m := range exeSegments(ms, exe) {
		found = found || (m.start <= pc && pc < m.end)
	}
	if !found {
		t.Errorf("no read-only mapping of the executable holds pc %#x: %+v", pc, exeSegments(ms, exe))
	}
	p := new([16]byte)
	if _, ok := anonMapping(ms, uintptr(unsafe.Pointer(p))); !ok {
		t.Errorf("no writable anonymous mapping holds the heap object %p", p)
	}
	populate()
}
