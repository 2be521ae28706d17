package litmus

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// CheckFile reads, parses and checks one litmus file. Read and parse errors
// are reported in the Result (Error, or Unsupported for constructs outside
// the subset), never as a panic.
func CheckFile(path string, opt Options) Result {
	src, err := os.ReadFile(path)
	if err != nil {
		return Result{Name: filepath.Base(path), File: path, Verdict: Invalid, Reason: fmt.Sprintf("read: %v", err)}
	}
	t, err := Parse(src)
	if err != nil {
		r := errResult(Result{Name: strings.TrimSuffix(filepath.Base(path), ".litmus")}, err)
		r.File = path
		return r
	}
	r := Check(t, opt)
	r.File = path
	return r
}

// Files expands the arguments into litmus files: a directory stands for
// every *.litmus file below it, in lexical order.
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

// Line formats a result as herd7's observation line ("Observation NAME
// VERDICT POS NEG" with counts, else the number of states explored), or
// "Unsupported NAME: reason" / "NoVerdict NAME: reason" / "Error NAME: reason".
func (r Result) Line() string {
	switch r.Verdict {
	case Never, Sometimes, Always:
		if r.HasCounts {
			return fmt.Sprintf("Observation %s %s %d %d", r.Name, r.Verdict, r.Pos, r.Neg)
		}
		return fmt.Sprintf("Observation %s %s (%d states)", r.Name, r.Verdict, r.States)
	}
	reason := strings.TrimPrefix(r.Reason, r.Name+": ")
	reason = strings.ReplaceAll(reason, ErrUnsupported.Error()+": ", "")
	return fmt.Sprintf("%s %s: %s", r.Verdict, r.Name, reason)
}
