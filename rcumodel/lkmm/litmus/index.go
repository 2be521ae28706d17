package litmus

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Entry is one row of a corpus INDEX.tsv: path, dialect, expected result,
// number of processes and RCU features, completed with the verdict of
// HERD7-RESULTS.tsv.
type Entry struct {
	Path     string // as written in the index, relative to the root
	File     string // the file, inside the root; "" when Err is set
	Dialect  string
	Expected string // the "Result:" claim or herd7's observation; "" when none
	// HerdExpected says that Expected comes from herd7 (a "herd:" entry of
	// the index, or HERD7-RESULTS.tsv when the index has none).
	HerdExpected bool
	// Herd is herd7's observation from HERD7-RESULTS.tsv ("" when absent;
	// TIMEOUT when herd7 gave up).
	Herd     string
	NProcs   int
	Features []string
	// Err is set for a row whose path leaves the corpus root.
	Err error
}

// LoadIndex reads root/INDEX.tsv and, if present, root/HERD7-RESULTS.tsv.
// Paths are confined to the root: absolute paths, ".." components and
// symbolic links that lead outside it give the entry an Err instead of a
// File.
func LoadIndex(root string) ([]Entry, error) {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return nil, fmt.Errorf("litmus: corpus root: %w", err)
	}
	herd := map[string]string{}
	if f, err := os.Open(filepath.Join(root, "HERD7-RESULTS.tsv")); err == nil {
		err = eachRow(f, func(cols []string) {
			if len(cols) >= 3 && cols[0] != "path" {
				herd[cols[0]] = cols[2]
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
		e := Entry{Path: cols[0], Dialect: cols[1], Herd: herd[cols[0]]}
		switch exp := cols[2]; {
		case strings.HasPrefix(exp, "herd:"):
			e.Expected, e.HerdExpected = strings.TrimPrefix(exp, "herd:"), true
		case exp != "-" && exp != "":
			e.Expected = exp
		case e.Herd == "Never" || e.Herd == "Sometimes" || e.Herd == "Always":
			e.Expected, e.HerdExpected = e.Herd, true
		}
		e.NProcs, _ = strconv.Atoi(cols[3])
		if cols[4] != "-" && cols[4] != "" {
			e.Features = strings.Split(cols[4], ",")
		}
		e.File, e.Err = confine(root, realRoot, e.Path)
		out = append(out, e)
	})
	if err != nil {
		return nil, fmt.Errorf("litmus: INDEX.tsv: %w", err)
	}
	return out, nil
}

// confine resolves rel inside root, refusing paths that leave it.
func confine(root, realRoot, rel string) (string, error) {
	if rel == "" || filepath.IsAbs(rel) || strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("index path %q is not relative to the corpus root", rel)
	}
	for _, part := range strings.Split(filepath.ToSlash(rel), "/") {
		if part == ".." {
			return "", fmt.Errorf("index path %q leaves the corpus root", rel)
		}
	}
	p := filepath.Join(root, rel)
	real, err := filepath.EvalSymlinks(p)
	if err != nil {
		return p, nil // a missing file is reported when it is read
	}
	if r, err := filepath.Rel(realRoot, real); err != nil || r == ".." || strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return "", fmt.Errorf("index path %q leads outside the corpus root through a symbolic link", rel)
	}
	return p, nil
}

func eachRow(f *os.File, fn func([]string)) error {
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		fn(strings.Split(sc.Text(), "\t"))
	}
	return sc.Err()
}

// Files expands arguments into litmus files: a directory stands for every
// *.litmus file below it, in lexical order.
func Files(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			return nil, fmt.Errorf("litmus: %w", err)
		}
		if !st.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".litmus") {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("litmus: walk %s: %w", a, err)
		}
	}
	return out, nil
}
