// Package prefault maps the executable's text and read-only data, and the
// first chunk of the Go heap, into the process's page tables when the
// program starts (Linux), with one madvise(MADV_POPULATE_READ or _WRITE)
// each, instead of letting the program take a page fault for each 64 KiB
// of code or tables and each 4 KiB of heap it first touches.
//
// Why: rcureview is a 29 MB static binary whose start runs the
// initialisation of ~190 packages, each touching its own code and tables,
// and a review then runs code spread over the whole text and fills the
// first heap chunk the runtime maps (4 MiB) and more. In the guests it runs
// in, a page fault costs ~20 us (kernel entry and exit are paravirtualised)
// while populating costs ~0.15 us a page of the executable (in the page
// cache, as an executable that just ran is) and ~1.3 us a page of heap.
// Measured on the 2-core Firecracker guest, executable only: "rcureview
// version" 596 -> 472 page faults, 25.6 -> 20.8 ms CPU; a warm one-patch
// review 3194 -> 3002 faults, 126.7 -> 120.3 ms CPU (medians of 150 and 60
// alternating runs). The heap chunk as well: review 2912 -> 2425 faults,
// 128.8 -> 126.6 ms CPU (80 runs); version unchanged in CPU (it uses a
// quarter of the chunk). The executable's pages are shared with the page
// cache; the heap chunk is 4 MiB of memory every run holds anyway after a
// few milliseconds of review.
//
// The package imports only syscall and unsafe, so that it is initialised
// among the first (16th of ~190 in rcureview): the pages that the
// packages initialised before it touch are faulted in as usual. The main
// package imports it for its effect; nothing else should. Any error (no
// /proc, a kernel before 5.14, an unexpected maps line) leaves the start
// as it was.
package prefault

// mapping is one line of /proc/self/maps: the address range [start, end),
// whether it is writable, and the file it maps ("" for anonymous memory).
type mapping struct {
	start, end uintptr
	writable   bool
	path       string
}

// parseMaps reads the lines of /proc/self/maps in b up to the first that
// is incomplete or not understood.
func parseMaps(b []byte) []mapping {
	var out []mapping
	for len(b) > 0 {
		nl := indexByte(b, '\n')
		if nl < 0 {
			break
		}
		line := b[:nl]
		b = b[nl+1:]
		// start-end perms offset dev inode [path]
		var f [6][]byte
		n := 0
		for i := 0; i < len(line) && n < 6; {
			for i < len(line) && line[i] == ' ' {
				i++
			}
			j := i
			for j < len(line) && (line[j] != ' ' || n == 5) {
				j++
			}
			if j > i {
				f[n] = line[i:j]
				n++
			}
			i = j
		}
		if n < 5 || len(f[1]) < 2 {
			break
		}
		dash := indexByte(f[0], '-')
		if dash < 0 {
			break
		}
		s, e := hex(f[0][:dash]), hex(f[0][dash+1:])
		if s == 0 || e <= s {
			break
		}
		out = append(out, mapping{start: s, end: e, writable: f[1][1] == 'w', path: string(f[5])})
	}
	return out
}

// exeSegments returns the read-only mappings of the file exe (the
// executable: its text and read-only data), wherever they are among the
// mappings (a position-independent executable is mapped above the heap).
func exeSegments(ms []mapping, exe string) []mapping {
	var out []mapping
	for _, m := range ms {
		if exe != "" && m.path == exe && !m.writable {
			out = append(out, m)
		}
	}
	return out
}

// anonMapping returns the writable anonymous mapping that holds address p.
func anonMapping(ms []mapping, p uintptr) (mapping, bool) {
	for _, m := range ms {
		if m.start <= p && p < m.end {
			return m, m.writable && m.path == ""
		}
	}
	return mapping{}, false
}

// indexByte is bytes.IndexByte (the package imports nothing but syscall
// and unsafe).
func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// hex parses a lower-case hexadecimal address; 0 if it is not one.
func hex(s []byte) uintptr {
	var v uintptr
	for _, c := range s {
		switch {
		case '0' <= c && c <= '9':
			v = v<<4 | uintptr(c-'0')
		case 'a' <= c && c <= 'f':
			v = v<<4 | uintptr(c-'a'+10)
		default:
			return 0
		}
	}
	return v
}
