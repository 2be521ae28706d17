package litmus

import (
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

func corpusFiles(t testing.TB) []string {
	t.Helper()
	corpusRoot := CorpusRoot()
	if corpusRoot == "" {
		t.Skip("litmus corpus ../shared/litmus not found next to the module")
	}
	var out []string
	filepath.WalkDir(corpusRoot, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".litmus") {
			out = append(out, p)
		}
		return nil
	})
	return out
}

func TestParseCorpus(t *testing.T) {
	files := corpusFiles(t)
	reasons := map[string]int{}
	ok := 0
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(src, Options{})
		switch {
		case err == nil:
			ok++
		case errors.Is(err, ErrDialect):
			reasons["dialect"]++
		default:
			msg := err.Error()
			if i := strings.Index(msg, "line "); i >= 0 {
				msg = msg[i:]
			}
			reasons[msg]++
			if testing.Verbose() {
				t.Logf("%s: %v", f, err)
			}
		}
	}
	var keys []string
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%5d %s", reasons[k], k)
	}
	t.Logf("parsed %d of %d", ok, len(files))
}
