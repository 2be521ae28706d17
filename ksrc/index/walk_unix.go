//go:build unix

package index

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lstatIn returns the size and modification time (nanoseconds) of name
// in the open directory dir (at dirPath): a stat relative to it, no path
// walk from the root.
func lstatIn(dir *os.File, dirPath, name string) (size, mtime int64, err error) {
	var st unix.Stat_t
	fd := int(dir.Fd())
	for {
		err = unix.Fstatat(fd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
		if !errors.Is(err, unix.EINTR) {
			break
		}
	}
	if err != nil {
		return 0, 0, &os.PathError{Op: "lstat", Path: dirPath + "/" + name, Err: err}
	}
	return st.Size, st.Mtim.Sec*1e9 + st.Mtim.Nsec, nil
}
