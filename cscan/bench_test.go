package cscan

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// BenchmarkScan scans kernel/ of the real tree (RCUREVIEW_KERNEL_TREE),
// identifiers interned as the index skimmer does.
func BenchmarkScan(b *testing.B) {
	dir := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if dir == "" {
		b.Skip("RCUREVIEW_KERNEL_TREE not set")
	}
	var files [][]byte
	var n int64
	filepath.WalkDir(filepath.Join(dir, "kernel"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
			if data, err := os.ReadFile(p); err == nil {
				files = append(files, data)
				n += int64(len(data))
			}
		}
		return nil
	})
	b.SetBytes(n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		intern := NewInterner(0)
		var s Scanner
		for _, f := range files {
			s.Init(f, 1, 0, intern)
			for s.Scan().Kind != EOF {
			}
		}
	}
}
