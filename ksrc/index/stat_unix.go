//go:build unix

package index

import (
	"path/filepath"
	"runtime"

	"golang.org/x/sys/unix"
)

// The directory check stats thousands of paths per review (~9,000 on
// the real tree). They are stat'ed without allocating (see lstatAt) and
// relative to the tree's root directory (treeRoot).

// lstat stats root/p, the root itself for "" (a symbolic link not
// followed).
func (r treeRoot) lstat(p string, st *unix.Stat_t) error {
	if r.dir == nil || p == "" {
		return lstatAt(unix.AT_FDCWD, r.path, p, st)
	}
	err := lstatAt(r.fd, "", p, st)
	runtime.KeepAlive(r.dir)
	return err
}

// lstatFile returns what the directory check compares of root/p.
func lstatFile(root treeRoot, p string) fileStat {
	var st unix.Stat_t
	if root.lstat(p, &st) != nil {
		return fileStat{}
	}
	return statOf(&st)
}

// lstatDir returns the modification time of the directory root/p, -1
// when it is missing or not a directory.
func lstatDir(root treeRoot, p string) int64 {
	var st unix.Stat_t
	if root.lstat(p, &st) != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return -1
	}
	return st.Mtim.Sec*1e9 + st.Mtim.Nsec
}

// lstatNames stats the files names of directory root/dir into out (one
// open of the directory, then a stat relative to it per name: no path
// walk from the root, no allocation per file).
func lstatNames(root treeRoot, dir string, names []string, out []fileStat) {
	at, rel := root.fd, filepath.FromSlash(dir)
	if root.dir == nil || dir == "" {
		at, rel = unix.AT_FDCWD, filepath.Join(root.path, rel)
	}
	fd, err := unix.Openat(at, rel, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	runtime.KeepAlive(root.dir)
	if err != nil {
		clear(out) // the directory is gone: so are its files
		return
	}
	defer unix.Close(fd)
	parallel(len(names), func(lo, hi int) {
		var st unix.Stat_t
		for i := lo; i < hi; i++ {
			if lstatAt(fd, "", names[i], &st) != nil {
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

// joinedLen is the length of dir/name as lstatAt names it.
func joinedLen(dir, name string) int {
	if dir == "" || name == "" {
		return len(dir) + len(name)
	}
	return len(dir) + 1 + len(name)
}

// appendJoined appends dir/name (dir alone when name is "", name alone
// when dir is "") to b. name is a slash-separated path within dir, clean
// as the pack's paths are, so this is what filepath.Join would make of
// them (a trailing slash on dir only doubles a separator).
func appendJoined(b []byte, dir, name string) []byte {
	b = append(b, dir...)
	if dir != "" && name != "" {
		b = append(b, '/')
	}
	return append(b, filepath.FromSlash(name)...)
}
