//go:build !unix

package index

import (
	"os"
	"path/filepath"
)

// lstatFile returns what the directory check compares of root/p.
func lstatFile(root treeRoot, p string) fileStat {
	fi, err := os.Lstat(filepath.Join(root.path, filepath.FromSlash(p)))
	if err != nil || !fi.Mode().IsRegular() {
		return fileStat{}
	}
	return fileStat{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ok: true}
}

// lstatDir returns the modification time of the directory root/p, -1
// when it is missing or not a directory.
func lstatDir(root treeRoot, p string) int64 {
	fi, err := os.Lstat(filepath.Join(root.path, filepath.FromSlash(p)))
	if err != nil || !fi.IsDir() {
		return -1
	}
	return fi.ModTime().UnixNano()
}

// lstatNames stats the files names of directory root/dir into out.
func lstatNames(root treeRoot, dir string, names []string, out []fileStat) {
	parallel(len(names), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			p := names[i]
			if dir != "" {
				p = dir + "/" + p
			}
			out[i] = lstatFile(root, p)
		}
	})
}
