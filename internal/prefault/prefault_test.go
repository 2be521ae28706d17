package prefault

import (
	"slices"
	"testing"
)

const sampleMaps = "00400000-00cbc000 r-xp 00000000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"00cbc000-01583000 r--p 008bc000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"01583000-01834000 rw-p 01183000 fe:00 10011077                           /tmp/boot/rc (deleted)\n" +
	"01834000-03879000 rw-p 00000000 00:00 0 \n" +
	"0e63e3000000-0e63e3400000 rw-p 00000000 00:00 0 \n" +
	"0e63e3400000-0e63e7000000 ---p 00000000 00:00 0 \n" +
	"7f0c94600000-7f0c94a00000 r--p 00000000 fe:00 10011078                   /tmp/other\n" +
	"7f45daab8000-7f45daaba000 r-xp 00000000 00:00 0                          [vdso]\n"

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
	pie := "0e63e3000000-0e63e3400000 rw-p 00000000 00:00 0 \n" +
		"5575ff057000-5575ff059000 r--p 00000000 fe:00 247026                     /usr/bin/rc\n" +
		"5575ff059000-5575ff05e000 r-xp 00002000 fe:00 247026                     /usr/bin/rc\n" +
		"5575ff062000-5575ff063000 rw-p 0000a000 fe:00 247026                     /usr/bin/rc\n"
	want = []mapping{{0x5575ff057000, 0x5575ff059000, false, "/usr/bin/rc"}, {0x5575ff059000, 0x5575ff05e000, false, "/usr/bin/rc"}}
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
	}{{0xe63e3000010, true}, {0xe63e3400000, false}, {0x1600000, false}, {0x7f0c94600000, false}, {0x10, false}} {
		m, ok := anonMapping(ms, c.p)
		if ok != c.want || ok && (m.start != 0xe63e3000000 || m.end != 0xe63e3400000) {
			t.Errorf("anonMapping(%#x) = %+v, %v; want %v", c.p, m, ok, c.want)
		}
	}
}
