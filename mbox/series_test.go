package mbox

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// sharedCorpus is the shared corpus, relative to the package directory.
const sharedCorpus = "../../shared/corpus"

// readCorpusMessages parses every message of a corpus file through the
// package's own splitter and parser, skipping the test when the corpus is
// absent.
func readCorpusMessages(t testing.TB, rel string) []*Message {
	t.Helper()
	path := filepath.Join(sharedCorpus, rel)
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus not present: %v", err)
	}
	defer f.Close()
	msgs, errs := ReadAll(f)
	for _, err := range errs {
		t.Logf("%s: %v", rel, err)
	}
	return msgs
}

// extractAll runs ExtractPatch on every message.
func extractAll(msgs []*Message) []*Patch {
	out := make([]*Patch, len(msgs))
	for i, m := range msgs {
		out[i] = ExtractPatch(m)
	}
	return out
}

// kindCounts returns (covers, patches, others) after grouping (naked
// covers are promoted by GroupSeries).
func kindCounts(ps []*Patch) [3]int {
	var c [3]int
	for _, p := range ps {
		switch p.Kind {
		case KindCover:
			c[0]++
		case KindPatch:
			c[1]++
		default:
			c[2]++
		}
	}
	return c
}

// TestPatchworkSeries replays patchwork's tests/unit/test_series.py over
// corpus/patchwork/series: expected (covers, patches, comments) per file
// and the number of patches and covers of each series, in order.
func TestPatchworkSeries(t *testing.T) {
	tests := []struct {
		file    string
		counts  [3]int
		patches []int // patches per series, all versions
		covers  []int // covers per series (nil: not checked)
	}{
		{"base-single-patch.mbox", [3]int{0, 1, 0}, []int{1}, nil},
		{"base-cover-letter.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
		{"base-no-cover-letter.mbox", [3]int{0, 2, 0}, []int{2}, nil},
		{"base-deep-threaded.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
		{"base-out-of-order.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
		{"base-different-versions.mbox", [3]int{1, 4, 0}, []int{4}, []int{1}},
		{"bugs-multiple-references.mbox", [3]int{1, 4, 0}, []int{4}, []int{1}},
		{"base-no-references.mbox", [3]int{0, 2, 0}, []int{2}, nil},
		{"base-no-references-no-cover.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
		{"bugs-multiple-content-types.mbox", [3]int{0, 1, 1}, []int{1}, nil},
		{"revision-basic.mbox", [3]int{2, 4, 0}, []int{2, 2}, []int{1, 1}},
		{"revision-threaded-to-single-patch.mbox", [3]int{0, 2, 0}, []int{1, 1}, nil},
		{"revision-threaded-to-cover.mbox", [3]int{2, 4, 0}, []int{2, 2}, []int{1, 1}},
		{"revision-threaded-to-patch.mbox", [3]int{2, 4, 0}, []int{2, 2}, []int{1, 1}},
		{"revision-out-of-order.mbox", [3]int{2, 4, 0}, []int{2, 2}, []int{1, 1}},
		{"revision-no-cover-letter.mbox", [3]int{1, 4, 0}, []int{2, 2}, []int{1, 0}},
		{"revision-unlabeled.mbox", [3]int{2, 4, 0}, []int{2, 2}, []int{1, 1}},
		{"revision-unlabeled-noreferences.mbox", [3]int{0, 4, 0}, []int{2, 2}, nil},
		{"bugs-unnumbered.mbox", [3]int{1, 2, 0}, []int{1, 1}, []int{1, 0}},
		{"bugs-nocover-noversion.mbox", [3]int{0, 4, 0}, []int{2, 2}, nil},
		{"bugs-nocover.mbox", [3]int{0, 4, 0}, []int{2, 2}, nil},
		{"bugs-spamming.mbox", [3]int{0, 3, 0}, []int{1, 1, 1}, nil},
		{"bugs-mixed-versions.mbox", [3]int{0, 2, 0}, []int{1, 1}, nil},
		{"base-incomplete.mbox", [3]int{1, 1, 0}, []int{1}, []int{1}},
		{"base-extra-patches.mbox", [3]int{1, 3, 0}, []int{3}, []int{1}},
		{"mercurial-cover-letter.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
		{"mercurial-no-cover-letter.mbox", [3]int{0, 2, 0}, []int{2}, nil},
		{"dependency-base-patch.mbox", [3]int{1, 2, 0}, []int{2}, []int{1}},
	}
	for _, tc := range tests {
		t.Run(strings.TrimSuffix(tc.file, ".mbox"), func(t *testing.T) {
			msgs := readCorpusMessages(t, "patchwork/series/"+tc.file)
			ps := extractAll(msgs)
			series := GroupSeries(ps, GroupOptions{AllVersions: true})
			if got := kindCounts(ps); got != tc.counts {
				for _, p := range ps {
					t.Logf("%-12s %q", p.Kind, p.Subject)
				}
				t.Errorf("(covers, patches, others) = %v, want %v", got, tc.counts)
			}
			var gotP, gotC []int
			for _, s := range series {
				gotP = append(gotP, len(s.Patches))
				c := 0
				if s.Cover != nil {
					c = 1
				}
				gotC = append(gotC, c)
			}
			if !reflect.DeepEqual(gotP, tc.patches) {
				for _, s := range series {
					t.Logf("series %s v%d total %d cover=%v", s.ID, s.Version, s.Total, s.Cover != nil)
					for _, p := range s.Patches {
						t.Logf("   %q", p.Subject)
					}
				}
				t.Errorf("patches per series = %v, want %v", gotP, tc.patches)
			}
			if tc.covers != nil && !reflect.DeepEqual(gotC, tc.covers) {
				t.Errorf("covers per series = %v, want %v", gotC, tc.covers)
			}
		})
	}
}

// TestPatchworkSeriesCompleteness checks patchwork's SeriesTotalTest:
// received_all is false for base-incomplete and true for the others.
func TestPatchworkSeriesCompleteness(t *testing.T) {
	for file, wantMissing := range map[string][]int{
		"base-incomplete.mbox":    {2},
		"base-cover-letter.mbox":  nil,
		"base-extra-patches.mbox": nil,
	} {
		ps := extractAll(readCorpusMessages(t, "patchwork/series/"+file))
		series := GroupSeries(ps, GroupOptions{})
		if len(series) != 1 {
			t.Fatalf("%s: %d series, want 1", file, len(series))
		}
		if !reflect.DeepEqual(series[0].Missing, wantMissing) {
			t.Errorf("%s: Missing = %v, want %v", file, series[0].Missing, wantMissing)
		}
	}
}

var _ = time.Second
