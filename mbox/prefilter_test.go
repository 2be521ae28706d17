package mbox

import (
	"testing"
	"unicode"
)

// TestPrefiltersNeverHideAMatch: where replyPrefix and parsePullRequest skip
// their expressions, the expressions do not match: over every case variant
// (unicode.SimpleFold orbits, which (?i) uses) of each letter of the words
// they look for, placed in matching and non-matching text.
func TestPrefiltersNeverHideAMatch(t *testing.T) {
	variants := func(word string) []string {
		out := []string{word}
		for i, r := range word {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				out = append(out, word[:i]+string(f)+word[i+1:])
			}
		}
		return out
	}
	var subjects []string
	for _, w := range []string{"re", "aw", "fwd", "fw", "sv", "antw"} {
		for _, v := range variants(w) {
			for _, tail := range []string{":", " :", "\t: x", "x:", ""} {
				subjects = append(subjects, v+tail, " "+v+tail, "["+v+tail)
			}
		}
	}
	subjects = append(subjects, "", "[PATCH] rcu: x", "Re: [PATCH]", "\xc5\xbfv: x", "\xc5", "RE:")
	for _, s := range subjects {
		if got, want := replyPrefix(s), replyPrefixRE.FindStringIndex(s); (got == nil) != (want == nil) || got != nil && (got[0] != want[0] || got[1] != want[1]) {
			t.Errorf("replyPrefix(%q) = %v, replyPrefixRE: %v", s, got, want)
		}
	}
	for _, v := range variants("following") {
		for _, text := range []string{
			"The " + v + " changes since commit abc",
			"hello\nthe " + v + " changes since commit\n",
			"x" + v,
		} {
			if pullSinceRE.MatchString(text) && !containsFoldASCII(text, "following") {
				t.Errorf("containsFoldASCII(%q) false, but pullSinceRE matches", text)
			}
		}
	}
	if !containsFoldASCII("The FOLLOWING changes", "following") || containsFoldASCII("The followin", "following") {
		t.Error("containsFoldASCII: wrong on plain ASCII")
	}
}
