//go:build linux && !amd64

package prefault

import "syscall"

// System call numbers of this architecture.
const (
	sysRead       = syscall.SYS_READ
	sysClose      = syscall.SYS_CLOSE
	sysMadvise    = syscall.SYS_MADVISE
	sysOpenat     = syscall.SYS_OPENAT
	sysReadlinkat = syscall.SYS_READLINKAT
)

// syscall4 is syscall.RawSyscall6 (elsewhere than on linux/amd64 the
// package imports syscall and is initialised after it).
func syscall4(trap, a1, a2, a3, a4 uintptr) (r1, errno uintptr) {
	r1, _, e := syscall.RawSyscall6(trap, a1, a2, a3, a4, 0, 0)
	return r1, uintptr(e)
}
