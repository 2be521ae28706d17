//go:build linux && (amd64 || arm64)

package index

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// lstatAt is fstatat(dirfd, dir/name, st, AT_SYMLINK_NOFOLLOW) (see
// appendJoined). unix.Fstatat copies its path into a new NUL-terminated
// slice, and a joined path is a new string: two allocations per stat,
// ~800 KB of heap per review. This joins into a buffer on the stack and
// makes the system call itself, as a raw one: a review makes some 9,000
// of these, each a few microseconds in the dentry cache, and the
// scheduler's bookkeeping around an ordinary system call (entersyscall,
// exitsyscall, sysmon handing the P to another thread) cost more than the
// call and left goroutines runnable with an idle P (runtime/trace). A stat
// that must read an inode from disk holds its P meanwhile; the other P
// runs on.
func lstatAt(dirfd int, dir, name string, st *unix.Stat_t) error {
	var buf [1024]byte
	if joinedLen(dir, name) >= len(buf) {
		return unix.Fstatat(dirfd, string(appendJoined(nil, dir, name)), st, unix.AT_SYMLINK_NOFOLLOW)
	}
	p := append(appendJoined(buf[:0], dir, name), 0)
	_, _, errno := unix.RawSyscall6(unix.SYS_NEWFSTATAT, uintptr(dirfd), uintptr(unsafe.Pointer(&p[0])),
		uintptr(unsafe.Pointer(st)), unix.AT_SYMLINK_NOFOLLOW, 0, 0)
	if errno != 0 {
		return errno
	}
	return nil
}
