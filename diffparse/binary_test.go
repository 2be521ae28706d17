package diffparse

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
)

// TestApplyBinaryDelta applies a "GIT binary patch" delta made by
// git diff --binary (testdata/binary_delta.patch) to its pre-image.
func TestApplyBinaryDelta(t *testing.T) {
	patch, err := os.ReadFile("testdata/binary_delta.patch")
	if err != nil {
		t.Fatal(err)
	}
	pre, err := os.ReadFile("testdata/binary_delta_pre.bin")
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile("testdata/binary_delta_post.bin")
	if err != nil {
		t.Fatal(err)
	}
	files := mustParse(t, string(patch))
	if len(files) != 1 || !files[0].IsBinary || files[0].Path() != "fw.bin" {
		t.Fatalf("files %+v", files)
	}
	for _, tc := range []struct {
		name     string
		pre      []byte
		sentinel error
	}{
		{"delta applies to its pre-image", pre, nil},
		{"delta against another file is refused", pre[:2999], ErrBinary},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Apply(MapReader{"fw.bin": tc.pre}, files)
			if tc.sentinel != nil {
				if !errors.Is(err, tc.sentinel) {
					t.Fatalf("error %v, want %v", err, tc.sentinel)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(res.Files["fw.bin"], want) {
				t.Errorf("post-image differs (%d bytes, want %d)", len(res.Files["fw.bin"]), len(want))
			}
		})
	}
}

// TestParseBinaryWithoutBlankLines parses the corpus binary literal with
// the blank lines that end its fragments removed (item 24 of the mail
// checklist), which go-gitdiff alone rejects.
func TestParseBinaryWithoutBlankLines(t *testing.T) {
	diff := diffPart(t, readCorpus(t, "patchwork/mail/0025-git-add-binary-file.mbox"))
	for _, tc := range []struct{ name, from, to string }{
		{"blank line before the signature lost", "HcmV?d00001\n\n-- ", "HcmV?d00001\n-- "},
		{"blank line between the fragments lost", "Ceh3`^\n\nliteral 0", "Ceh3`^\nliteral 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := strings.Replace(diff, tc.from, tc.to, 1)
			if d == diff {
				t.Fatal("sample not found")
			}
			res, err := Apply(MapReader{}, mustParse(t, d))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Files["pixel.bmp"]) != 142 {
				t.Errorf("pixel.bmp has %d bytes", len(res.Files["pixel.bmp"]))
			}
		})
	}
	// A parse error after an added blank line still names the input line.
	bad := "diff --git a/x b/x\nGIT binary patch\nliteral 0\nHcmV?d00001\nliteral 0\nzzzzzz\n"
	_, err := Parse(bad)
	var fe *FileError
	if !errors.As(err, &fe) || fe.PatchLine != 6 {
		t.Errorf("error %#v, want a FileError at line 6", err)
	}
}
