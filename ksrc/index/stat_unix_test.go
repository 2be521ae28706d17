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
// missing one.
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
