package prefault

// System call numbers of linux/amd64.
const (
	sysRead       = 0
	sysClose      = 3
	sysMadvise    = 28
	sysOpenat     = 257
	sysReadlinkat = 267
)

// syscall4 makes a system call with the SYSCALL instruction
// (sys_linux_amd64.s), as syscall.RawSyscall6 would: on linux/amd64 the
// package then imports nothing that has to be initialised first, and is
// initialised among the very first packages.
func syscall4(trap, a1, a2, a3, a4 uintptr) (r1, errno uintptr)
