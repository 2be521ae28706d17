package mbox

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusFiles lists every regular file of the shared corpus.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(corpusDir); err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	var files []string
	err := filepath.WalkDir(corpusDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// isMailFile says whether a corpus file is mail (an mbox or a message),
// as opposed to golden outputs, bundles and notes.
func isMailFile(p string) bool {
	base := filepath.Base(p)
	switch {
	case strings.HasSuffix(base, ".mbox"), strings.HasSuffix(base, ".eml"),
		strings.HasSuffix(base, ".mboxrd"), strings.HasSuffix(base, ".patch") && !strings.Contains(p, "patchwork/patches"),
		base == "mbox", base == "patch", base == "nul-plain":
		return true
	case strings.HasSuffix(base, ".in") && strings.Contains(p, "t5100"):
		return true
	}
	return false
}

func TestCorpusEveryFileNoPanic(t *testing.T) {
	files := corpusFiles(t)
	mail := 0
	for _, p := range files {
		rel, _ := filepath.Rel(corpusDir, p)
		t.Run(rel, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			msgs, errs := ReadAll(bytes.NewReader(data))
			for _, e := range errs {
				var ie *ItemError
				if isMailFile(p) && !errors.As(e, &ie) {
					t.Errorf("input error: %v", e)
				}
			}
			if !isMailFile(p) {
				return
			}
			mail++
			if len(msgs) == 0 {
				t.Fatalf("no message (errors %v)", errs)
			}
			for _, m := range msgs {
				if m.Header == nil {
					t.Errorf("message %d: nil Header", m.Raw.Index)
				}
				if !utf8Valid(m.Subject) || !utf8Valid(m.Body) || !utf8Valid(m.From.Name) {
					t.Errorf("message %d: invalid UTF-8 in decoded fields", m.Raw.Index)
				}
			}
		})
	}
	if mail < 100 {
		t.Errorf("only %d mail files found; corpus layout changed?", mail)
	}
}

func BenchmarkSplitAndParse(b *testing.B) {
	var all bytes.Buffer
	for _, p := range corpusFiles(b) {
		if !isMailFile(p) {
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		raws := splitAll(b, data, SplitOptions{})
		for _, r := range raws {
			from := r.FromLine
			if from == "" {
				from = "From bench@z Thu Jan  1 00:00:00 1970"
			}
			all.WriteString(from + "\n")
			// mboxrd-escape the body as lore does.
			for _, line := range bytes.SplitAfter(r.Data, []byte("\n")) {
				i := 0
				for i < len(line) && line[i] == '>' {
					i++
				}
				if bytes.HasPrefix(line[i:], []byte("From ")) {
					all.WriteByte('>')
				}
				all.Write(line)
			}
			if !bytes.HasSuffix(r.Data, []byte("\n")) {
				all.WriteByte('\n')
			}
			all.WriteByte('\n')
		}
	}
	data := all.Bytes()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		msgs, errs := ReadAll(bytes.NewReader(data))
		if len(msgs) == 0 {
			b.Fatalf("no messages, %v", errs)
		}
	}
}
