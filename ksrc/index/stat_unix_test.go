//go:build unix

package index

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestLstatAt: lstatAt stats dir/name as os.Lstat does filepath.Join(dir,
// name): the directory itself for an empty name (a symbolic link not
// followed), a file under it, a path longer than its stack buffer, a
// missing one; and so do lstatDir, lstatFile and lstatNames relative to
// an opened tree root.
func TestLstatAt(t *testing.T) {
	root := t.TempDir()
	long := filepath.Join(root, strings.Repeat("d", 200), strings.Repeat("e", 200), strings.Repeat("f", 200), strings.Repeat("g", 200), strings.Repeat("h", 200))
	if err := os.MkdirAll(long, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(long, "x.c"), []byte("int x;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "a.c"), []byte("int a;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(root, link); err != nil {
		t.Fatal(err)
	}
	rel, _ := filepath.Rel(root, filepath.Join(long, "x.c"))
	for _, tc := range []struct{ dir, name string }{
		{root, ""}, {root, "a.c"}, {root, rel}, {link, ""}, {link, "a.c"}, {root, "missing.c"},
	} {
		var st unix.Stat_t
		err := lstatAt(unix.AT_FDCWD, tc.dir, tc.name, &st)
		fi, want := os.Lstat(filepath.Join(tc.dir, tc.name))
		if (err == nil) != (want == nil) {
			t.Fatalf("lstatAt(%q, %q): %v, os.Lstat: %v", tc.dir, tc.name, err, want)
		}
		if err == nil && (st.Size != fi.Size() || uint32(st.Mode)&unix.S_IFMT != fileType(fi)) {
			t.Errorf("lstatAt(%q, %q): size %d mode %o, os.Lstat: %d %v", tc.dir, tc.name, st.Size, st.Mode, fi.Size(), fi.Mode())
		}
	}
	// through an opened treeRoot: the same answers (the root itself by
	// its path, a symbolic link to the tree not followed)
	for _, dir := range []string{root, link} {
		tr := openTreeRoot(dir)
		if tr.dir == nil {
			t.Fatalf("%s not opened", dir)
		}
		for _, p := range []string{"", "a.c", filepath.ToSlash(rel), filepath.ToSlash(filepath.Dir(rel)), "missing.c"} {
			fi, err := os.Lstat(filepath.Join(dir, p))
			wantDir, wantFile := int64(-1), fileStat{}
			if err == nil && fi.IsDir() {
				wantDir = fi.ModTime().UnixNano()
			}
			if err == nil && fi.Mode().IsRegular() {
				wantFile = fileStat{size: fi.Size(), mtime: fi.ModTime().UnixNano(), ok: true}
			}
			if got := lstatDir(tr, p); got != wantDir {
				t.Errorf("lstatDir(%s, %q) = %d, want %d", dir, p, got, wantDir)
			}
			if got := lstatFile(tr, p); got != wantFile {
				t.Errorf("lstatFile(%s, %q) = %+v, want %+v", dir, p, got, wantFile)
			}
		}
		out := make([]fileStat, 2)
		lstatNames(tr, filepath.ToSlash(filepath.Dir(rel)), []string{"x.c", "y.c"}, out)
		if !out[0].ok || out[0].size != 7 || out[1].ok {
			t.Errorf("lstatNames under %s: %+v", dir, out)
		}
		tr.close()
	}

	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := lstatAt(fd, "", "a.c", &st); err != nil || st.Size != 7 {
		t.Errorf("relative to a directory: size %d, %v", st.Size, err)
	}
}

// fileType is the S_IFMT bits of fi's type.
func fileType(fi os.FileInfo) uint32 {
	switch {
	case fi.Mode()&os.ModeSymlink != 0:
		return unix.S_IFLNK
	case fi.IsDir():
		return unix.S_IFDIR
	}
	return unix.S_IFREG
}
