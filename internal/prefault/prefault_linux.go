package prefault

import "unsafe"

// MADV_POPULATE_READ and _WRITE (Linux 5.14): map the pages of a range as
// read (write) faults would, in one call.
const (
	madvPopulateRead  = 22
	madvPopulateWrite = 23
)

const (
	atFDCWD  = ^uintptr(99) // AT_FDCWD, -100
	oCloexec = 0x80000      // O_CLOEXEC (O_RDONLY is 0)
	procMaps = "/proc/self/maps\x00"
	procExe  = "/proc/self/exe\x00"
)

func init() { populate() }

// heapProbe is an object of the heap, whose address tells which mapping
// the heap is.
var heapProbe *[16]byte

// cstr returns the address of s, which ends with a NUL byte.
func cstr(s string) uintptr { return uintptr(unsafe.Pointer(unsafe.StringData(s))) }

// populate maps the executable's read-only segments and the heap mapping
// the runtime has set up so far. Its system calls are raw (the scheduler
// is not told): a ~2 ms madvise made through syscall.Syscall had the
// runtime hand the P to another thread it started for the purpose, ~2.6 ms
// more CPU for "rcureview version"; during the initialisation nothing else
// needs the P.
func populate() {
	fd, errno := syscall4(sysOpenat, atFDCWD, cstr(procMaps), oCloexec, 0)
	if errno != 0 {
		return
	}
	// Early in the start there are a few dozen mappings (~2 KB of text);
	// each read returns whole lines.
	var buf [16 << 10]byte
	n := 0
	for n < len(buf) {
		m, errno := syscall4(sysRead, fd, uintptr(unsafe.Pointer(&buf[n])), uintptr(len(buf)-n), 0)
		if errno != 0 || m == 0 {
			break
		}
		n += int(m)
	}
	syscall4(sysClose, fd, 0, 0, 0)
	ms := parseMaps(buf[:n])
	var exe [4096]byte
	l, errno := syscall4(sysReadlinkat, atFDCWD, cstr(procExe), uintptr(unsafe.Pointer(&exe[0])), uintptr(len(exe)))
	if errno != 0 || l >= uintptr(len(exe)) {
		l = 0
	}
	for _, m := range exeSegments(ms, string(exe[:l])) {
		syscall4(sysMadvise, m.start, m.end-m.start, madvPopulateRead, 0)
	}
	heapProbe = new([16]byte)
	if m, ok := anonMapping(ms, uintptr(unsafe.Pointer(heapProbe))); ok {
		syscall4(sysMadvise, m.start, m.end-m.start, madvPopulateWrite, 0)
	}
}
