package litmus

import (
	"os"
	"path/filepath"
)

// CorpusRoot finds the shared litmus corpus, "shared/litmus" next to the
// module root or one directory further up (for worktrees), or returns "".
func CorpusRoot() string {
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for ; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		if filepath.Dir(dir) == dir {
			return ""
		}
	}
	for up := 0; up < 3; up++ {
		dir = filepath.Dir(dir)
		c := filepath.Join(dir, "shared", "litmus")
		if _, err := os.Stat(filepath.Join(c, "INDEX.tsv")); err == nil {
			return c
		}
	}
	return ""
}
