//go:build linux

package ksrc

import "testing"

// TestDirTreeReadFast: the fast read takes regular files whose path has no
// symlink and leaves everything else to the resolving path of ReadFile
// (whose answers TestDirTreeReadFile checks).
func TestDirTreeReadFast(t *testing.T) {
	root, _ := dirFixture(t)
	tree, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	if data, ok := tree.readFast("kernel/rcu/tree.c", nil); !ok || string(data) != "void rcu(void) {}\n" {
		if tree.noFast.Load() {
			t.Skip("no openat2 on this system")
		}
		t.Fatalf("readFast(kernel/rcu/tree.c) = %q, %v", data, ok)
	}
	if data, ok := tree.readFast("MAINTAINERS", make([]byte, 3, 100)); !ok || string(data) != "M: x\n" {
		t.Errorf("readFast(MAINTAINERS) = %q, %v", data, ok)
	}
	buf := make([]byte, 0, 100)
	if data, err := tree.ReadFileBuf("kernel/rcu.c", buf); err != nil || string(data) != "rcu.c\n" || &data[0] != &buf[:1][0] {
		t.Errorf("ReadFileBuf(kernel/rcu.c) = %q, %v, not in the buffer given", data, err)
	}
	if data, err := tree.ReadFileBuf("inlink", buf); err != nil || string(data) != "void rcu(void) {}\n" {
		t.Errorf("ReadFileBuf(inlink) = %q, %v", data, err)
	}
	for _, p := range []string{"inlink", "indir/rcu/tree.c", "out", "outdir/secret", "togit", "abs-inside/rcu.c",
		"kernel/up/MAINTAINERS", "scripts/dtc/include-prefixes/arm/foo.dts", "dangling-in", "dangling-out",
		"kernel/rcu", "fifo", "loop", "kernel/rcu/nope.c", "MAINTAINERS/x"} {
		if data, ok := tree.readFast(p, nil); ok {
			t.Errorf("readFast(%q) = %q, true; want it left to the resolving path", p, data)
		}
	}
	tree.Close()
	if _, ok := tree.readFast("MAINTAINERS", nil); ok {
		t.Error("readFast after Close read a file")
	}
	if _, err := tree.ReadFile("MAINTAINERS"); err == nil {
		t.Error("ReadFile after Close read a file")
	}
}
