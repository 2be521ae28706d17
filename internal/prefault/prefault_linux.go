package prefault

import "syscall"

// madvPopulateRead is MADV_POPULATE_READ (Linux 5.14): map the pages of a
// range as read faults would, in one call.
const madvPopulateRead = 22

func init() { populate() }

// populate maps the executable's read-only segments. Any error (no /proc,
// a kernel before 5.14, an unexpected maps line) leaves the start-up as
// it was: the pages are then mapped by faults, as without this package.
func populate() {
	fd, err := syscall.Open("/proc/self/maps", syscall.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return
	}
	// The executable's mappings come first; one read returns whole lines.
	var buf [4096]byte
	n, _ := syscall.Read(fd, buf[:])
	syscall.Close(fd)
	if n <= 0 {
		return
	}
	for _, m := range exeMappings(buf[:n]) {
		syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, madvPopulateRead)
	}
}
