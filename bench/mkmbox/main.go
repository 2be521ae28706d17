// Command mkmbox builds a large mboxrd file for the ingest benchmark by
// repeating the corpus mails, each behind its own From_ line with "From "
// lines in bodies escaped as mboxrd, until the file reaches the asked size.
// Message-IDs are made unique per copy so that a reader cannot de-duplicate.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
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

var fromLine = regexp.MustCompile(`(?m)^From \S+ .*\d\d:\d\d:\d\d.*\d{4}\s*$`)
var msgID = regexp.MustCompile(`(?mi)^(Message-Id:\s*<)`)

// seeds returns one message per element: the corpus mails split on From_
// lines (git's rule, roughly), without their From_ lines.
func seeds(dir string) ([][]byte, error) {
	var msgs [][]byte
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if !strings.HasSuffix(path, ".mbox") && !strings.HasSuffix(path, ".eml") && !strings.HasSuffix(path, ".patch") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		data = bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		locs := fromLine.FindAllIndex(data, -1)
		if len(locs) == 0 {
			if bytes.Contains(data[:min(len(data), 2000)], []byte("Subject:")) {
				msgs = append(msgs, data)
			}
			return nil
		}
		for i, l := range locs {
			end := len(data)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			body := data[l[1]:end]
			body = bytes.TrimLeft(body, "\n")
			if len(body) > 0 {
				msgs = append(msgs, body)
			}
		}
		return nil
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
