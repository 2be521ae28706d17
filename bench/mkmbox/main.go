// Command mkmbox builds a large mboxrd file for the ingest benchmark by
// repeating the corpus mails, each behind its own From_ line with "From "
// lines in bodies escaped as mboxrd, until the file reaches the asked size.
// Message-IDs are made unique per copy so that a reader cannot de-duplicate.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/rcureview/rcureview/mbox"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus", "corpus `DIR`")
	size := flag.Int("size", 200, "target size in `MB`")
	out := flag.String("out", "big.mbox", "output `FILE`")
	flag.Parse()
	if err := build(*corpus, int64(*size)<<20, *out); err != nil {
		fmt.Fprintln(os.Stderr, "mkmbox:", err)
		os.Exit(1)
	}
}

var msgID = regexp.MustCompile(`(?mi)^(Message-Id:\s*<)`)

// seeds returns one message per element, without From_ lines: the corpus
// mails as rcureview's own splitter (git's From_ rule) reads them. Bare
// mails count when they have a Subject header; binary and broken inputs are
// skipped.
func seeds(dir string) ([][]byte, error) {
	var msgs [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".mbox") && !strings.HasSuffix(path, ".eml") && !strings.HasSuffix(path, ".patch") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		defer f.Close()
		sp := mbox.NewSplitter(f)
		for {
			raw, err := sp.Next()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				var ie *mbox.ItemError
				if errors.As(err, &ie) {
					continue
				}
				return nil // not mail: leave the file out
			}
			if raw.FromLine != "" || bytes.Contains(raw.Data[:min(len(raw.Data), 2000)], []byte("Subject:")) {
				msgs = append(msgs, raw.Data)
			}
		}
	})
	return msgs, err
}

func build(dir string, target int64, out string) error {
	msgs, err := seeds(dir)
	if err != nil {
		return err
	}
	if len(msgs) == 0 {
		return fmt.Errorf("no mails under %s", dir)
	}
	f, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("create %s: %w", out, err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var written int64
	for copyN := 0; written < target; copyN++ {
		for _, m := range msgs {
			m = msgID.ReplaceAll(m, []byte(fmt.Sprintf("${1}c%d.", copyN)))
			n, _ := fmt.Fprintf(w, "From mboxrd@z Thu Jan  1 00:00:00 1970\n")
			written += int64(n)
			sc := bufio.NewScanner(bytes.NewReader(m))
			sc.Buffer(make([]byte, 1<<20), 64<<20)
			for sc.Scan() {
				line := sc.Bytes()
				if bytes.HasPrefix(bytes.TrimLeft(line, ">"), []byte("From ")) {
					w.WriteByte('>')
					written++
				}
				w.Write(line)
				w.WriteByte('\n')
				written += int64(len(line)) + 1
			}
			w.WriteByte('\n')
			written++
		}
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("write %s: %w", out, err)
	}
	return f.Close()
}
