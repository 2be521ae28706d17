package ksrc

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// writeFiles creates files (path → content) under dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for p, data := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// symlinks creates symlinks (path → target) under dir.
func symlinks(t *testing.T, dir string, links map[string]string) {
	t.Helper()
	for p, target := range links {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, full); err != nil {
			t.Fatal(err)
		}
	}
}

// walkAll returns the paths and keys tree.Walk(dir) reports, in order.
func walkAll(t *testing.T, tree Tree, dir string) (paths, keys []string) {
	t.Helper()
	err := tree.Walk(dir, func(p, k string) error {
		paths = append(paths, p)
		keys = append(keys, k)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk(%q): %v", dir, err)
	}
	return paths, keys
}

// gitFixtureFiles builds a one-commit repository of files and returns its dir.
func gitFixtureFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	return kerneltest.ScriptedGitRepo(t, files).Dir
}
