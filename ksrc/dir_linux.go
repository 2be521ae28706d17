//go:build linux

package ksrc

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// openDirFD opens real (a directory, no symlinks in it) for the fast
// reads of readFast: an O_PATH handle, only ever used as the directory
// that openat2 resolves below.
func openDirFD(real string) (*os.File, error) {
	fd, err := unix.Open(real, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: real, Err: err}
	}
	return os.NewFile(uintptr(fd), real), nil
}

// fastHow is how readFast opens: below the tree's directory (RESOLVE_BENEATH)
// and through no symlink at all (RESOLVE_NO_SYMLINKS, the last component
// included), so the file opened is the one the path names in the tree,
// never one a symlink leads to. O_NONBLOCK: a FIFO swapped in after the
// stat does not block the open.
var fastHow = unix.OpenHow{
	Flags:   unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK,
	Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
}

// readFast reads the regular file at path (already validated) relative to
// the tree's directory handle in four system calls (fstatat, openat2,
// read, close) instead of resolving every component
// of the path. It takes the file only when no component of its path is a
// symlink and the file is regular: ok is false for anything else (a
// symlink on the way, a missing file, a special file, a kernel without
// openat2), which ReadFile then resolves and reports as before.
//
// The data goes into buf's storage when its capacity is enough.
func (d *DirTree) readFast(path string, buf []byte) (data []byte, ok bool) {
	if d.dir == nil || d.noFast.Load() {
		return nil, false
	}
	rc, err := d.dir.SyscallConn()
	if err != nil {
		return nil, false
	}
	// Control holds the directory handle open while it runs.
	cerr := rc.Control(func(dirfd uintptr) {
		var st unix.Stat_t
		// Lstat first (as ReadFile does): a FIFO or device is not opened.
		if err := unix.Fstatat(int(dirfd), path, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil || st.Mode&unix.S_IFMT != unix.S_IFREG {
			return
		}
		how := fastHow
		fd, err := unix.Openat2(int(dirfd), path, &how)
		if err != nil {
			if errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM) {
				d.noFast.Store(true) // no openat2 here (old kernel, seccomp)
			}
			return
		}
		defer unix.Close(fd)
		// One byte more than the size: a read that returns less than it
		// asked for has met the end of a regular file, so a file that did
		// not change since the stat takes one read. A FIFO swapped in
		// after the stat fails the read (O_NONBLOCK) and is left alone.
		if int64(cap(buf)) < st.Size+1 {
			buf = make([]byte, 0, st.Size+1+st.Size/8)
		}
		buf = buf[:0]
		for {
			if len(buf) == cap(buf) {
				buf = append(buf, 0)[:len(buf)]
			}
			want := cap(buf) - len(buf)
			n, err := unix.Read(fd, buf[len(buf):cap(buf)])
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if err != nil {
				return
			}
			buf = buf[:len(buf)+n]
			if n < want {
				break
			}
		}
		data, ok = buf, true
	})
	if cerr != nil {
		return nil, false
	}
	return data, ok
}
