package mbox

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestChecklist26_SeriesEdgeCases: naked covers (b4), partial re-roll,
// duplicate sends and unnumbered replies with the newest-only default.
func TestChecklist26_SeriesEdgeCases(t *testing.T) {
	t.Run("naked cover single", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "b4/samples/naked-cover-single.mbox"))
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 1 || s[0].Cover == nil || len(s[0].Patches) != 1 {
			t.Fatalf("series %+v", s)
		}
		if s[0].Cover.Kind != KindCover || s[0].ID != "20221025-widget-v1-0-author@example.org" {
			t.Errorf("cover kind %v id %q", s[0].Cover.Kind, s[0].ID)
		}
	})
	t.Run("naked cover bugreport", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "b4/samples/naked-cover-bugreport.mbox"))
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 1 || s[0].Cover != nil || len(s[0].Patches) != 1 {
			t.Fatalf("series %+v", s)
		}
		if ps[0].Kind == KindCover {
			t.Errorf("bug report taken as a cover")
		}
	})
	t.Run("partial reroll", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "b4/samples/trailers-followup-partial-reroll.mbox"))
		all := GroupSeries(ps, GroupOptions{AllVersions: true})
		if len(all) != 2 {
			t.Fatalf("%d series with all versions, want 2", len(all))
		}
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 1 || s[0].Version != 3 || len(s[0].Patches) != 2 || len(s[0].Missing) != 0 {
			t.Fatalf("newest: %+v", s)
		}
		if s[0].Patches[0].Tags.Version != 2 || s[0].Patches[1].Tags.Version != 3 {
			t.Errorf("re-roll not completed from v2: %q, %q", s[0].Patches[0].Subject, s[0].Patches[1].Subject)
		}
	})
	t.Run("spamming keeps one", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "patchwork/series/bugs-spamming.mbox"))
		if s := GroupSeries(ps, GroupOptions{}); len(s) != 1 {
			t.Errorf("%d series, want 1", len(s))
		}
	})
	t.Run("revision basic newest", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "patchwork/series/revision-basic.mbox"))
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 1 || s[0].Version != 2 {
			t.Errorf("series %+v", s)
		}
	})
	t.Run("followups", func(t *testing.T) {
		ps := extractAll(readCorpusMessages(t, "b4/samples/trailers-thread-with-followups.mbox"))
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 1 || len(s[0].Followups) == 0 {
			t.Fatalf("series %+v", s)
		}
		for _, f := range s[0].Followups {
			if f.Kind != KindReply {
				t.Errorf("followup kind %v %q", f.Kind, f.Subject)
			}
		}
	})
	t.Run("synthetic", func(t *testing.T) {
		base := time.Date(2025, 1, 1, 10, 0, 0, 0, time.UTC)
		mk := func(id, irt, subj, from string, minutes int, body string) *Patch {
			m := msgOf(subj, from, body)
			m.MessageID, m.InReplyTo, m.Date = id, irt, base.Add(time.Duration(minutes)*time.Minute)
			if irt != "" {
				m.References = []string{irt}
			}
			return ExtractPatch(m)
		}
		diff := "m\n---\n" + sampleDiff
		ps := []*Patch{
			mk("p2", "c", "[PATCH 2/3] b", "A <a@x>", 1, diff), // before its cover
			mk("c", "", "[PATCH 0/3] cover", "A <a@x>", 0, "cover text\n"),
			mk("p1", "c", "[PATCH 1/3] a", "A <a@x>", 1, diff),
			mk("p4", "c", "[PATCH 4/3] extra", "A <a@x>", 50, diff),
			mk("r1", "p1", "Re: [PATCH 1/3] a", "R <r@x>", 5, "> quoted\nReviewed-by: R <r@x>\n"),
			mk("r2", "r1", "Re: [PATCH 1/3] a", "A <a@x>", 6, "thanks\n"),
			mk("u", "p1", "fixup", "R <r@x>", 7, "try:\n"+sampleDiff), // unnumbered diff reply
			mk("rs", "", "[PATCH RESEND 1/1] other", "B <b@x>", 0, diff),
			mk("single", "", "[PATCH] lonely", "B <b@x>", 200, diff),
		}
		s := GroupSeries(ps, GroupOptions{})
		if len(s) != 4 {
			for _, x := range s {
				t.Logf("%s %d patches", x.ID, len(x.Patches))
			}
			t.Fatalf("%d series, want 4", len(s))
		}
		if s[0].ID != "c" || len(s[0].Patches) != 3 || !slices.Equal(s[0].Missing, []int{3}) || len(s[0].Followups) != 2 {
			t.Errorf("main series id %q patches %d missing %v followups %d", s[0].ID, len(s[0].Patches), s[0].Missing, len(s[0].Followups))
		}
		if s[1].ID != "u" || s[2].ID != "rs" || !s[2].Patches[0].Tags.Resend || s[3].ID != "single" || s[3].Total != 1 {
			t.Errorf("other series: %q %q %q", s[1].ID, s[2].ID, s[3].ID)
		}
		// Deterministic ID whatever the arrival order.
		rev := []*Patch{ps[2], ps[0], ps[1]}
		if r := GroupSeries(rev, GroupOptions{}); len(r) != 1 || r[0].ID != "c" {
			t.Errorf("reordered: %+v", r)
		}
	})
}

// TestChecklist27_CoversHaveNoDiff: b4's shazam sample: a cover with
// base-commit and 4 patches; the cover carries no diff.
func TestChecklist27_CoversHaveNoDiff(t *testing.T) {
	ps := extractAll(readCorpusMessages(t, "b4/samples/shazam-git1-just-series.mbox"))
	s := GroupSeries(ps, GroupOptions{})
	if len(s) != 1 || s[0].Cover == nil || len(s[0].Patches) != 4 || len(s[0].Missing) != 0 {
		t.Fatalf("series %+v", s)
	}
	c := s[0].Cover
	if c.Diff != "" || c.Kind != KindCover {
		t.Errorf("cover kind %v diff %q", c.Kind, c.Diff)
	}
	if !strings.HasPrefix(c.BaseCommit, "f435c12df7c0") {
		t.Errorf("cover base-commit %q", c.BaseCommit)
	}
	for i, p := range s[0].Patches {
		if p.Tags.Index != i+1 || p.Diff == "" || p.Kind != KindPatch {
			t.Errorf("patch %d: %q kind %v", i+1, p.Subject, p.Kind)
		}
	}
}

// TestChecklist28_Dependencies: prerequisite-patch-id, change-id and
// Depends-on are read from cover or patch.
func TestChecklist28_Dependencies(t *testing.T) {
	body := "rcu: x\n\nDepends-on: <20250101.abc@example.org>\nSigned-off-by: A <a@x>\n---\n" + sampleDiff +
		"\nbase-commit: 0123456789abcdef0123456789abcdef01234567\nchange-id: 20250101-rcu-x-1234\nprerequisite-patch-id: 1111111111111111111111111111111111111111\nprerequisite-patch-id: 2222222222222222222222222222222222222222\n-- \n2.47\n"
	p := ExtractPatch(msgOf("[PATCH] rcu: x", "A <a@x>", body))
	if len(p.DependsOn) != 1 || p.DependsOn[0] != "20250101.abc@example.org" {
		t.Errorf("DependsOn %q", p.DependsOn)
	}
	if p.ChangeID != "20250101-rcu-x-1234" || len(p.Prerequisites) != 2 || p.BaseCommit == "" {
		t.Errorf("change-id %q prerequisites %q base %q", p.ChangeID, p.Prerequisites, p.BaseCommit)
	}
	if strings.Contains(p.Diff, "base-commit") {
		t.Errorf("base-commit inside the diff")
	}
}
