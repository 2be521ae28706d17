package mapfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestOpenAndMap(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "f")
	if err := os.WriteFile(name, []byte("mapped content"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, release, err := Open(name)
	if err != nil || string(b) != "mapped content" {
		t.Fatalf("Open = %q, %v", b, err)
	}
	release()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if b, err := Map(f, 6); err != nil || string(b) != "mapped" {
		t.Errorf("Map of a prefix = %q, %v", b, err)
	}

	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if b, release, err := Open(empty); err != nil || len(b) != 0 {
		t.Errorf("empty file: %q, %v", b, err)
	} else {
		release()
	}
	if _, release, err := Open(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("missing file: %v", err)
	} else {
		release()
	}
}
