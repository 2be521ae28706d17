package prefault

import (
	"slices"
	"testing"
)

const sampleMaps = "00400000-00cbc000 r-xp 00000000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"00cbc000-01583000 r--p 008bc000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"01583000-01834000 rw-p 01183000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"01834000-03879000 rw-p 00000000 00:00 0 \n" +
	"3e300000-3e700000 rw-p 00000000 00:00 0 \n" +
	"3e700000-42000000 ---p 00000000 00:00 0 \n" +
	"b7f00000-b8300000 r--p 00000000 fe:00 10011078                   /tmp/other\n" +
	"bff00000-bff02000 r-xp 00000000 00:00 0                          [vdso]\n"

// TestExeSegments: the executable's read-only mappings, in order; not its
// writable one, nor another file's; wherever they are.
func TestExeSegments(t *testing.T) {
	got := exeSegments(parseMaps([]byte(sampleMaps)), "/tmp/boot/rc (deleted)")
	want := []mapping{{0x400000, 0xcbc000, false, "/tmp/boot/rc (deleted)"}, {0xcbc000, 0x1583000, false, "/tmp/boot/rc (deleted)"}}
	if !slices.Equal(got, want) {
		t.Errorf("exeSegments = %+v, want %+v", got, want)
	}
	if got := exeSegments(parseMaps([]byte(sampleMaps)), ""); len(got) != 0 {
		t.Errorf("exeSegments of no executable = %+v, want none", got)
	}
	pie := "3e300000-3e700000 rw-p 00000000 00:00 0 \n" +
		"56557000-56559000 r--p 00000000 fe:00 247026                     /usr/bin/rc\n" +
		"56559000-5655e000 r-xp 00002000 fe:00 247026                     /usr/bin/rc\n" +
		"56562000-56563000 rw-p 0000a000 fe:00 247026                     /usr/bin/rc\n"
	want = []mapping{{0x56557000, 0x56559000, false, "/usr/bin/rc"}, {0x56559000, 0x5655e000, false, "/usr/bin/rc"}}
	if got := exeSegments(parseMaps([]byte(pie)), "/usr/bin/rc"); !slices.Equal(got, want) {
		t.Errorf("exeSegments of a PIE = %+v, want %+v", got, want)
	}
	// a cut line is not read; a malformed address stops the parse
	if got := parseMaps([]byte(sampleMaps[:50])); len(got) != 0 {
		t.Errorf("parseMaps of a cut line = %+v, want none", got)
	}
	if got := parseMaps([]byte("0040000g-00cbc000 r-xp 00000000 fe:00 1 /x\n")); len(got) != 0 {
		t.Errorf("parseMaps of a bad address = %+v, want none", got)
	}
}

// TestAnonMapping: the writable anonymous mapping holding an address; not a
// reserved (---p) one nor a file's.
func TestAnonMapping(t *testing.T) {
	ms := parseMaps([]byte(sampleMaps))
	for _, c := range []struct {
		p    uintptr
		want bool
	}{{0x3e300010, true}, {0x3e700000, false}, {0x1600000, false}, {0xb7f00000, false}, {0x10, false}} {
		m, ok := anonMapping(ms, c.p)
		if ok != c.want || ok && (m.start != 0x3e300000 || m.end != 0x3e700000) {
			t.Errorf("anonMapping(%#x) = %+v, %v; want %v", c.p, m, ok, c.want)
		}
	}
}
