//go:build unix

package index

import (
	"path/filepath"

	"golang.org/x/sys/unix"
)

// lstatFile returns what the directory check compares of root/p.
func lstatFile(root, p string) fileStat {
	var st unix.Stat_t
	if unix.Lstat(filepath.Join(root, filepath.FromSlash(p)), &st) != nil {
		return fileStat{}
	}
	return statOf(&st)
}

// lstatDir returns the modification time of the directory root/p, -1
// when it is missing or not a directory.
func lstatDir(root, p string) int64 {
	var st unix.Stat_t
	if unix.Lstat(filepath.Join(root, filepath.FromSlash(p)), &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return -1
	}
	return st.Mtim.Sec*1e9 + st.Mtim.Nsec
}

// lstatNames stats the files names of directory root/dir into out (one
// open of the directory, then a stat relative to it per name: no path
// walk from the root, no allocation per file).
func lstatNames(root, dir string, names []string, out []fileStat) {
	fd, err := unix.Open(filepath.Join(root, filepath.FromSlash(dir)), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		clear(out) // the directory is gone: so are its files
		return
	}
	defer unix.Close(fd)
	parallel(len(names), func(lo, hi int) {
		var st unix.Stat_t
		for i := lo; i < hi; i++ {
			if unix.Fstatat(fd, names[i], &st, unix.AT_SYMLINK_NOFOLLOW) != nil {
				out[i] = fileStat{}
				continue
			}
			out[i] = statOf(&st)
		}
	})
}

func statOf(st *unix.Stat_t) fileStat {
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fileStat{}
	}
	return fileStat{size: st.Size, mtime: st.Mtim.Sec*1e9 + st.Mtim.Nsec, ok: true}
}
