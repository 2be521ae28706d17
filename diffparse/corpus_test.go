package diffparse

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestCorpusMails(t *testing.T) {
	type wantFile struct {
		old, new          string
		isNew, isRename   bool
		isBinary          bool
		oldMode, newMode  uint32
		hunks             int
		lastNoEOL, hasBin bool
	}
	for _, tc := range []struct {
		name string
		file string
		want []wantFile
	}{
		{"pure renames, similarity 100%", "patchwork/mail/0008-git-rename.mbox", []wantFile{
			{old: "package/rpi-userland/rpi-userland-add-pkgconfig-files.patch", new: "package/rpi-userland/rpi-userland-000-add-pkgconfig-files.patch", isRename: true},
			{old: "package/rpi-userland/rpi-userland-makefiles-0001-cmake-vmcs.cmake-allow-to-override-VMCS_IN.patch", new: "package/rpi-userland/rpi-userland-001-makefiles-cmake-vmcs.cmake-allow-to-override-VMCS_IN.patch", isRename: true},
		}},
		{"no newline at end of file in new symlinks", "patchwork/mail/0011-no-newline-at-end-of-file.mbox", []wantFile{
			{old: "tools/testing/selftests/powerpc/Makefile", new: "tools/testing/selftests/powerpc/Makefile", oldMode: 0o100644, newMode: 0o100644, hunks: 1},
			{new: "tools/testing/selftests/powerpc/vphn/vphn.c", isNew: true, newMode: 0o120000, hunks: 1, lastNoEOL: true},
			{new: "tools/testing/selftests/powerpc/vphn/vphn.h", isNew: true, newMode: 0o120000, hunks: 1, lastNoEOL: true},
		}},
		{"empty new file", "patchwork/mail/0021-git-empty-new-file.mbox", []wantFile{
			{new: "banana", isNew: true, newMode: 0o100644},
		}},
		{"mode-only change", "patchwork/mail/0022-git-mode-change.mbox", []wantFile{
			{old: "scripts/kconfig/nconf-cfg.sh", new: "scripts/kconfig/nconf-cfg.sh", oldMode: 0o100644, newMode: 0o100755},
		}},
		{"binary literal with --no-prefix", "patchwork/mail/0025-git-add-binary-file.mbox", []wantFile{
			{new: "pixel.bmp", isNew: true, isBinary: true, newMode: 0o100644, hasBin: true},
		}},
		{"binary and text with --no-prefix", "patchwork/mail/0026-git-add-mixed-binary-text-files.mbox", []wantFile{
			{new: "pixel.bmp", isNew: true, isBinary: true, newMode: 0o100644, hasBin: true},
			{new: "quit.sh", isNew: true, newMode: 0o100644, hunks: 1},
		}},
		{"binary modification with --no-prefix", "patchwork/mail/0027-git-modify-binary-file.mbox", []wantFile{
			{old: "pixel.bmp", new: "pixel.bmp", isBinary: true, oldMode: 0o100644, newMode: 0o100644, hasBin: true},
		}},
		{"CVS Index: diff", "patchwork/mail/0007-cvs-format-diff.mbox", []wantFile{
			{old: "bfd/elf-bfd.h", new: "bfd/elf-bfd.h", hunks: 1},
			{old: "bfd/elflink.c", new: "bfd/elflink.c", hunks: 1},
			{old: "bfd/elfxx-mips.c", new: "bfd/elfxx-mips.c", hunks: 1},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := mustParse(t, diffPart(t, readCorpus(t, tc.file)))
			if len(files) != len(tc.want) {
				t.Fatalf("got %d files, want %d", len(files), len(tc.want))
			}
			for i, w := range tc.want {
				f := files[i]
				got := wantFile{old: f.OldName, new: f.NewName, isNew: f.IsNew, isRename: f.IsRename, isBinary: f.IsBinary,
					oldMode: f.OldMode, newMode: f.NewMode, hunks: len(f.Hunks), hasBin: f.bin != nil}
				if len(f.Hunks) > 0 {
					ls := f.Hunks[len(f.Hunks)-1].Lines
					got.lastNoEOL = ls[len(ls)-1].NoEOL
				}
				if got != w {
					t.Errorf("file %d:\n got %+v\nwant %+v", i, got, w)
				}
				if f.PatchLine == 0 {
					t.Errorf("file %d has no PatchLine", i)
				}
			}
		})
	}
}

// TestCorpusMIMESwallowedContext feeds the text part of a Gmail mail whose
// last (empty) context line belongs to the MIME boundary, as a MIME
// decoder hands it over: go-gitdiff alone rejects it, Parse recounts.
func TestCorpusMIMESwallowedContext(t *testing.T) {
	mail := readCorpus(t, "patchwork/mail/0019-multipart-patch.mbox")
	part := diffPart(t, mail)
	end := strings.Index(part, "\n--000000000000f93f23056f12c80c")
	if end < 0 {
		t.Fatal("boundary not found")
	}
	text := part[:end] // the newline before the boundary belongs to it
	if !strings.HasSuffix(text, "'\\n'\n") {
		t.Fatalf("unexpected end of part: %q", text[len(text)-20:])
	}
	files := mustParse(t, text)
	h := files[0].Hunks[0]
	if !h.Recounted || h.OldLines != 8 || h.NewLines != 10 || h.Header != "@@ -576,9 +576,11 @@ def find_comment_content(mail):" {
		t.Errorf("hunk %+v", h)
	}
	src := "def find_comment_content(mail):\n" + `    """Extract content from a mail."""` + "\n    commentbuf = ''\n\n    for payload, _ in _find_content(mail):\n        if not payload:\n            continue\n\n        commentbuf += payload.strip() + '\\n'\n\n    return commentbuf\n"
	pre := strings.Repeat("#\n", 574) + src
	res, err := Apply(MapReader{"patchwork/parser.py": []byte(pre)}, files)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(res.Files["patchwork/parser.py"], []byte("        if subtype != 'plain':\n            continue\n\n        commentbuf")) {
		t.Errorf("recounted hunk applied wrongly:\n%s", res.Files["patchwork/parser.py"][574*2:])
	}
	if h.AppliedOld != 576 || h.NewFunc != "find_comment_content" {
		t.Errorf("applied at %d, function %q", h.AppliedOld, h.NewFunc)
	}
}

func TestCorpusBarePatches(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"patchwork/patches/0001-add-line.patch", "meep\nmeep\n"},
		{"patchwork/patches/0002-utf-8.patch", "meep\nmeëp\n"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			files := mustParse(t, readCorpus(t, tc.file))
			res, err := Apply(MapReader{"meep.text": []byte("meep\n")}, files)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Files["meep.text"]); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCorpusCRLFMail decodes the base64 body of git's t4258 sample (CRLF
// line ends throughout) and applies it to LF and CRLF sources.
func TestCorpusCRLFMail(t *testing.T) {
	mail := readCorpus(t, "git/t4258/mbox")
	_, body, ok := strings.Cut(mail, "\n\n")
	if !ok {
		t.Fatal("no body")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.ReplaceAll(body, "\n", ""))
	if err != nil {
		t.Fatal(err)
	}
	files := mustParse(t, string(raw))
	if len(files) != 1 || files[0].NewName != "text" || !files[0].CRLF {
		t.Fatalf("files %+v", files[0])
	}
	for _, tc := range []struct{ name, src, want string }{
		{"LF source stays LF", "one\n", "two\n"},
		{"CRLF source stays CRLF", "one\r\n", "two\r\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Apply(MapReader{"text": []byte(tc.src)}, files)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(res.Files["text"]); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// TestCorpusBinarySeries applies the binary literal that adds pixel.bmp,
// then the one that empties it, through Chain.
func TestCorpusBinarySeries(t *testing.T) {
	add := mustParse(t, diffPart(t, readCorpus(t, "patchwork/mail/0025-git-add-binary-file.mbox")))
	mod := mustParse(t, diffPart(t, readCorpus(t, "patchwork/mail/0027-git-modify-binary-file.mbox")))
	tree := MapReader{}
	r1, err := Apply(tree, add)
	if err != nil {
		t.Fatal(err)
	}
	bmp := r1.Files["pixel.bmp"]
	if len(bmp) != 142 || !bytes.HasPrefix(bmp, []byte("BM")) {
		t.Fatalf("pixel.bmp: %d bytes %q", len(bmp), bmp[:min(4, len(bmp))])
	}
	r2, err := Apply(Chain(tree, r1), mod)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := r2.Files["pixel.bmp"]; !ok || d == nil || len(d) != 0 {
		t.Errorf("after 0027 pixel.bmp = %v (present %v), want empty", d, ok)
	}
	if _, err := Apply(Chain(tree, r1), add); !errors.Is(err, ErrFileExists) {
		t.Errorf("adding pixel.bmp twice: %v", err)
	}
}
