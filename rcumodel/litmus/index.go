package litmus

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Entry is one row of a corpus INDEX.tsv (path, dialect, expected result,
// number of processes, RCU features), with the expectation completed from
// HERD7-RESULTS.tsv when the index has none.
type Entry struct {
	Path     string // relative to the corpus root
	Dialect  string
	Expected Verdict // Never, Sometimes, Always, or "" when unknown
	NProcs   int
	Features []string // RCU features; empty for tests that use no RCU
}

// LoadIndex reads root/INDEX.tsv and, if present, root/HERD7-RESULTS.tsv.
func LoadIndex(root string) ([]Entry, error) {
	herd := map[string]Verdict{}
	if f, err := os.Open(filepath.Join(root, "HERD7-RESULTS.tsv")); err == nil {
		err = eachRow(f, func(cols []string) {
			if len(cols) >= 3 {
				herd[cols[0]] = verdictOf(cols[2])
			}
		})
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("litmus: HERD7-RESULTS.tsv: %w", err)
		}
	}
	f, err := os.Open(filepath.Join(root, "INDEX.tsv"))
	if err != nil {
		return nil, fmt.Errorf("litmus: index: %w", err)
	}
	defer f.Close()
	var out []Entry
	err = eachRow(f, func(cols []string) {
		if len(cols) < 5 || cols[0] == "path" {
			return
		}
		e := Entry{Path: cols[0], Dialect: cols[1], Expected: verdictOf(strings.TrimPrefix(cols[2], "herd:"))}
		e.NProcs, _ = strconv.Atoi(cols[3])
		if e.Expected == "" {
			e.Expected = herd[e.Path]
		}
		if cols[4] != "-" && cols[4] != "" {
			e.Features = strings.Split(cols[4], ",")
		}
		out = append(out, e)
	})
	if err != nil {
		return nil, fmt.Errorf("litmus: INDEX.tsv: %w", err)
	}
	return out, nil
}

func verdictOf(s string) Verdict {
	switch v := Verdict(strings.TrimSpace(s)); v {
	case Never, Sometimes, Always:
		return v
	}
	return ""
}

func eachRow(f *os.File, fn func([]string)) error {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		fn(strings.Split(sc.Text(), "\t"))
	}
	return sc.Err()
}
