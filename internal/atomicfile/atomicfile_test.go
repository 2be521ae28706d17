package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteReplacesAndLeavesNoTemporary(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	for _, s := range []string{"first", "second"} {
		if err := Write(name, ".f-*", []byte(s)); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(name); err != nil || string(b) != s {
			t.Errorf("content %q, %v; want %q", b, err, s)
		}
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("%d entries in the directory, want only the file", len(es))
	}
	if err := Write(filepath.Join(dir, "missing", "f"), ".f-*", nil); err == nil {
		t.Error("write into a missing directory succeeded")
	}
}
