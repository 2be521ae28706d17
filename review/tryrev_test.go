package review

import (
	"strings"
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
	"github.com/rcureview/rcureview/ksrc"
)

// TestTryRevPicksNewestWhereTheSeriesApplies: with --try-rev, a series
// goes to its base-commit when it applies there, else to the newest of the
// configured revisions where it applies (whatever their order on the
// command line), else to the one where most of it applies; each entry
// says which and why.
func TestTryRevPicksNewestWhereTheSeriesApplies(t *testing.T) {
	repo := kerneltest.ScriptedGitRepo(t, aFile("1"),
		kerneltest.Commit{Files: aFile("2"), Branch: "old"},
		kerneltest.Commit{Files: aFile("3"), Branch: "mid"},
		kerneltest.Commit{Files: map[string]string{"b.c": "int b;\n"}, Branch: "new"},
	)
	head, err := ksrc.OpenGit(repo.Dir, "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, old, new, base string
		revs                 []string
		applied              bool
		want                 []string
	}{
		{"only old", "2", "20", "", []string{"new", "mid", "old"}, true,
			[]string{"old (", "the newest of --try-rev new,mid,old where the series applies"}},
		{"mid and new, given oldest first", "3", "30", "", []string{"old", "mid", "new"}, true,
			[]string{"new (", "the newest of --try-rev old,mid,new"}},
		{"base-commit first", "1", "10", repo.Commits[0], []string{"new", "old"}, true,
			[]string{repo.Commits[0][:12], "the series' base-commit"}},
		{"base-commit before a newer rev that takes it too", "3", "30", repo.Commits[2], []string{"new"}, true,
			[]string{repo.Commits[2][:12], "the series' base-commit"}},
		{"nowhere", "7", "70", "", []string{"new", "nosuch"}, false,
			[]string{"0 of 1 patches apply here", "--try-rev nosuch is not in the repository"}},
	} {
		p := runOn(t, head, patchMail(tc.old, tc.new, tc.base), Options{TryRevs: tc.revs})
		if p.Applied != tc.applied {
			t.Errorf("%s: applied=%v error=%q base=%q", tc.name, p.Applied, p.Error, p.Base)
		}
		for _, w := range tc.want {
			if !strings.Contains(p.Base, w) {
				t.Errorf("%s: base %q lacks %q", tc.name, p.Base, w)
			}
		}
	}
}
