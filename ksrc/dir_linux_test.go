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
	if data, ok := tree.readFast("kernel/rcu/tree.c"); !ok || string(data) != "void rcu(void) {}\n" {
		if tree.noFast.Load() {
			t.Skip("no openat2 on this system")
		}
		t.Fatalf("readFast(kernel/rcu/tree.c) = %q, %v", data, ok)
	}
	if data, ok := tree.readFast("MAINTAINERS"); !ok || string(data) != "M: x\n" {
		t.Errorf("readFast(MAINTAINERS) = %q, %v", data, ok)
	}
	for _, p := range []string{"inlink", "indir/rcu/tree.c", "out", "outdir/secret", "togit", "abs-inside/rcu.c",
		"kernel/up/MAINTAINERS", "scripts/dtc/include-prefixes/arm/foo.dts", "dangling-in", "dangling-out",
		"kernel/rcu", "fifo", "loop", "kernel/rcu/nope.c", "MAINTAINERS/x"} {
		if data, ok := tree.readFast(p); ok {
			t.Errorf("readFast(%q) = %q, true; want it left to the resolving path", p, data)
		}
	}
	tree.Close()
	if _, ok := tree.readFast("MAINTAINERS"); ok {
		t.Error("readFast after Close read a file")
	}
	if _, err := tree.ReadFile("MAINTAINERS"); err == nil {
		t.Error("ReadFile after Close read a file")
	}
}
