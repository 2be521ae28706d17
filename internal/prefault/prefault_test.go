package prefault

import (
	"os"
	"runtime"
	"slices"
	"testing"
)

// TestExeMappings: the executable's read-only mappings, in order, up to the
// first mapping of anything else; a writable one is skipped.
func TestExeMappings(t *testing.T) {
	maps := "00400000-00cbc000 r-xp 00000000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
		"00cbc000-01583000 r--p 008bc000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
		"01583000-01834000 rw-p 01183000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
		"01900000-01a00000 r--p 00000000 fe:00 10011078                           /tmp/other\n" +
		"01834000-03879000 rw-p 00000000 00:00 0 \n" +
		"7f45daab8000-7f45daaba000 r-xp 00000000 00:00 0                          [vdso]\n"
	got := exeMappings([]byte(maps))
	want := []mapping{{0x400000, 0xcbc000}, {0xcbc000, 0x1583000}}
	if !slices.Equal(got, want) {
		t.Errorf("exeMappings = %#x, want %#x", got, want)
	}
	// a cut line is not read
	if got := exeMappings([]byte(maps[:50])); len(got) != 0 {
		t.Errorf("exeMappings of a cut line = %#x, want none", got)
	}
	// a malformed address stops it
	if got := exeMappings([]byte("0040000g-00cbc000 r-xp 00000000 fe:00 1 /x\n")); len(got) != 0 {
		t.Errorf("exeMappings of a bad address = %#x, want none", got)
	}
}

// TestOwnMappings: in this process (a Go test binary, linked like
// rcureview), the first 4 KiB of /proc/self/maps name the executable's
// text, which holds this function, and populate runs without harm.
func TestOwnMappings(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("linux only")
	}
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Skip(err)
	}
	defer f.Close()
	buf := make([]byte, 4096)
	n, _ := f.Read(buf)
	ms := exeMappings(buf[:n])
	pc, _, _, _ := runtime.Caller(0)
	found := false
	for _, m := range ms {
		found = found || (m.start <= pc && pc < m.end)
	}
	if !found {
		t.Errorf("no read-only mapping of the executable holds pc %#x: %#x", pc, ms)
	}
	populate()
}
