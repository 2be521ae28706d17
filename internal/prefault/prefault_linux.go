package prefault

import (
	"syscall"
	"unsafe"
)

// MADV_POPULATE_READ and _WRITE (Linux 5.14): map the pages of a range as
// read (write) faults would, in one call.
const (
	madvPopulateRead  = 22
	madvPopulateWrite = 23
)

func init() { populate() }

// heapProbe is an object of the heap, whose address tells which mapping
// the heap is.
var heapProbe *[16]byte

// populate maps the executable's read-only segments and the heap mapping
// the runtime has set up so far. The madvise calls are raw (the scheduler
// is not told): a ~2 ms syscall made through syscall.Syscall had the
// runtime hand the P to another thread it started for the purpose, ~2.6 ms
// more CPU for "rcureview version"; during the initialisation nothing else
// needs the P.
func populate() {
	fd, err := syscall.Open("/proc/self/maps", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	// Early in the start there are a few dozen mappings (~2 KB of text);
	// each read returns whole lines.
	var buf [16 << 10]byte
	n := 0
	for n < len(buf) {
		m, err := syscall.Read(fd, buf[n:])
		if m <= 0 || err != nil {
			break
		}
		n += m
	}
	syscall.Close(fd)
	ms := parseMaps(buf[:n])
	var exe [4096]byte
	n, err = syscall.Readlink("/proc/self/exe", exe[:])
	if err != nil || n <= 0 || n == len(exe) {
		n = 0
	}
	for _, m := range exeSegments(ms, string(exe[:n])) {
		syscall.RawSyscall(syscall.SYS_MADVISE, m.start, m.end-m.start, madvPopulateRead)
	}
	heapProbe = new([16]byte)
	if m, ok := anonMapping(ms, uintptr(unsafe.Pointer(heapProbe))); ok {
		syscall.RawSyscall(syscall.SYS_MADVISE, m.start, m.end-m.start, madvPopulateWrite)
	}
}
