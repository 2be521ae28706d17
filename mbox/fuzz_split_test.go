package mbox

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// addFuzzSeeds adds every testdata sample and (when present) every corpus
// mail file as a seed.
func addFuzzSeeds(f *testing.F) {
	for _, dir := range []string{"testdata/split", "testdata/msg"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil {
				f.Add(b)
			}
		}
	}
	_ = filepath.WalkDir(corpusDir, func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() || !isMailFile(p) {
			return nil
		}
		if b, err := os.ReadFile(p); err == nil && len(b) < 256<<10 {
			f.Add(b)
		}
		return nil
	})
}

func FuzzSplit(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range []SplitOptions{{}, {GitCompat: true, Flavour: FlavourMboxrd, MaxMessageBytes: 4096}} {
			s := NewSplitterOptions(bytes.NewReader(data), opts)
			total := 0
			for i := 0; ; i++ {
				if i > len(data)+2 {
					t.Fatalf("more messages than input bytes")
				}
				m, err := s.Next()
				if err == io.EOF {
					break
				}
				var ie *ItemError
				if errors.As(err, &ie) {
					continue
				}
				if err != nil {
					if _, err2 := s.Next(); err2 != io.EOF {
						t.Fatalf("after input error %v: Next = %v, want EOF", err, err2)
					}
					break
				}
				if m.Index != i {
					t.Fatalf("Index %d, want %d", m.Index, i)
				}
				if bytes.Contains(m.Data, []byte("\r\n")) && !bytes.Contains(data, []byte("\r\r")) && !bytes.Contains(data, []byte("\r\r\n")) {
					// toLF only turns one CR of "\r\r\n" into LF.
					t.Fatalf("CRLF left in message data %q", m.Data)
				}
				total += len(m.Data)
			}
			if opts.Flavour == FlavourAuto && total > len(data) && !bytes.HasPrefix(data, []byte{0x1f, 0x8b}) {
				t.Fatalf("messages hold %d bytes, input %d", total, len(data))
			}
		}
	})
}

func FuzzParseMessage(f *testing.F) {
	addFuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseMessage(&RawMessage{Data: data})
		if err != nil {
			if m != nil {
				t.Fatal("message and error")
			}
			return
		}
		if m.Header == nil {
			t.Fatal("nil Header")
		}
		for _, s := range []string{m.Subject, m.Body, m.From.Name} {
			if !utf8.ValidString(s) {
				t.Fatalf("invalid UTF-8 %q", s)
			}
		}
		for k, vs := range m.Header {
			for _, v := range vs {
				if !utf8.ValidString(v) || strings.ContainsRune(v, '\n') {
					t.Fatalf("header %s value %q", k, v)
				}
			}
		}
	})
}
