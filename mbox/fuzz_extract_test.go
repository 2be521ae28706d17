package mbox

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzSeeds are corpus files used as seeds (skipped when absent).
var fuzzSeeds = []string{
	"git/t5100/sample.mbox",
	"b4/samples/trailers-test-extinfo.txt",
	"b4/samples/shazam-git1-just-series.mbox",
	"b4/samples/trailers-followup-non-git-patch.mbox",
	"patchwork/mail/0001-git-pull-request.mbox",
	"patchwork/mail/0007-cvs-format-diff.mbox",
	"patchwork/mail/0019-multipart-patch.mbox",
	"patchwork/mail/0025-git-add-binary-file.mbox",
	"patchwork/series/base-cover-letter.mbox",
	"git/t4256/patch",
}

func addFileSeeds(f *testing.F) {
	for _, rel := range fuzzSeeds {
		if b, err := os.ReadFile(filepath.Join(sharedCorpus, rel)); err == nil {
			f.Add(b)
		}
	}
	if matches, _ := filepath.Glob("testdata/extract/*"); len(matches) > 0 {
		for _, m := range matches {
			if b, err := os.ReadFile(m); err == nil {
				f.Add(b)
			}
		}
	}
	f.Add([]byte("From: a@b\nSubject: [PATCH 1/2] x\n\nm\n---\n" + sampleDiff))
}

// FuzzExtractPatch parses fuzz bytes with the package's splitter and
// parser, then extracts and groups: nothing may panic, and a diff found
// must be a substring of the text it came from.
func FuzzExtractPatch(f *testing.F) {
	addFileSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		msgs, _ := ReadAll(bytes.NewReader(data))
		ps := make([]*Patch, 0, len(msgs))
		for _, m := range msgs {
			p := ExtractPatch(m)
			src := m.PatchBody
			if src == "" {
				src = m.Body
			}
			if p.Diff != "" && !strings.Contains(src, p.Diff) {
				t.Fatalf("diff is not a substring of its source")
			}
			ps = append(ps, p)
		}
		checkSeries(t, ps, GroupSeries(ps, GroupOptions{}))
		checkSeries(t, ps, GroupSeries(ps, GroupOptions{AllVersions: true}))
		// The raw bytes as a body too (no headers needed).
		m := &Message{Body: string(data), PatchBody: string(data), Subject: string(data[:min(len(data), 200)])}
		ExtractPatch(m)
		ParseTrailers(string(data))
	})
}

// FuzzParseSubject checks that ParseSubject never panics and that its
// counters are in range.
func FuzzParseSubject(f *testing.F) {
	for _, s := range []string{"[RFC PATCH v2 3/7] x", "[PATCH v6,19/24] y", "[PATCH 1 of 8] z", "Re: [dpdk-dev] [PATCH] w", "PATCH V2 3/4] q", "[[[", "[PATCH 0007/1024] (v3)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, tags := ParseSubject(s)
		if tags.Index < 0 || tags.Index > 9999 || tags.Total < 0 || tags.Total > 9999 || tags.Version < 1 {
			t.Fatalf("tags out of range: %+v", tags)
		}
	})
}

// checkSeries checks what GroupSeries promises of any input: each patch
// of the input in at most one series, a series' patches in index order,
// one per index, and its missing indexes within 1..Total and not among
// the patches it has.
func checkSeries(t *testing.T, in []*Patch, series []*Series) {
	t.Helper()
	given := map[*Patch]bool{}
	for _, p := range in {
		given[p] = true
	}
	owner := map[*Patch]*Series{}
	for _, s := range series {
		members := s.Patches
		if s.Cover != nil {
			members = append([]*Patch{s.Cover}, members...)
		}
		for _, p := range members {
			if !given[p] {
				t.Fatalf("series %q holds a patch that was not given", s.ID)
			}
			if o := owner[p]; o != nil {
				t.Fatalf("patch %q is in series %q and %q", p.Subject, o.ID, s.ID)
			}
			owner[p] = s
		}
		have := map[int]bool{}
		for i, p := range s.Patches {
			if i > 0 && p.Tags.Index <= s.Patches[i-1].Tags.Index {
				t.Fatalf("series %q: patch indexes %d then %d", s.ID, s.Patches[i-1].Tags.Index, p.Tags.Index)
			}
			have[p.Tags.Index] = true
		}
		for _, m := range s.Missing {
			if m < 1 || m > s.Total || have[m] {
				t.Fatalf("series %q of %d: missing %d (have %v)", s.ID, s.Total, m, have)
			}
		}
	}
}
