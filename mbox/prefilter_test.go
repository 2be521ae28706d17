package mbox

import (
	"regexp"
	"slices"
	"strings"
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

// TestMorePrefilters: suffixVersion, commentSuffix, meta and depends answer
// as their expressions do, on matching and nearly matching text, and on
// every (?i) case variant of "Depends-on".
func TestMorePrefilters(t *testing.T) {
	eq := func(a, b []string) bool { return slices.Equal(a, b) }
	for _, s := range []string{"", "rcu: fix (v2)", "x (V12) y", "(v)", "(v1234567)", "v2)", "(x2)", "a(v3"} {
		if got, want := suffixVersion(s), suffixVersionRE.FindStringSubmatch(s); !eq(got, want) {
			t.Errorf("suffixVersion(%q) = %q, want %q", s, got, want)
		}
	}
	for _, s := range []string{"", "a <b@c> # 5.10", "a#b", "x \t# y", "#", " #", "no comment"} {
		if got, want := commentSuffix(s), commentSuffixRE.FindStringIndex(s); !slices.Equal(got, want) {
			t.Errorf("commentSuffix(%q) = %v, want %v", s, got, want)
		}
	}
	lines := []string{"", "base-commit: abc", "base-commit:abc", "change-id: 20240101-x", "prerequisite-patch-id: 1",
		"prerequisite-message-id: <a@b>", "prerequisite-x: 1", " base-commit: abc", "Base-commit: abc", "change-id:",
		"Depends-on: <a@b>", "depends-on:x", "DEPENDS-ON:  y", " Depends-on: z", "Depends: x"}
	for _, r := range "Depends-on" {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			lines = append(lines, strings.Replace("Depends-on: x", string(r), string(f), 1))
		}
	}
	for _, l := range lines {
		if got, want := meta(l), metaRE.FindStringSubmatch(l); !eq(got, want) {
			t.Errorf("meta(%q) = %q, want %q", l, got, want)
		}
		if got, want := depends(l), dependsRE.FindStringSubmatch(l); !eq(got, want) {
			t.Errorf("depends(%q) = %q, want %q", l, got, want)
		}
	}
}

// TestSourceFrom: sourceFrom answers as the expression it replaces, on
// format-patch From_ lines and their near misses.
func TestSourceFrom(t *testing.T) {
	re := regexp.MustCompile(`^>?From ([0-9a-f]{40}) Mon Sep 17 00:00:00 2001\s*$`)
	const h = "0123456789abcdef0123456789abcdef01234567"
	lines := []string{"", "From ", "From " + h + " Mon Sep 17 00:00:00 2001", ">From " + h + " Mon Sep 17 00:00:00 2001",
		">>From " + h + " Mon Sep 17 00:00:00 2001", "From " + h + " Mon Sep 17 00:00:00 2001 \t\r\n\f",
		"From " + h + " Mon Sep 17 00:00:00 2001\v", "From " + h + " Mon Sep 17 00:00:00 2001x",
		"From " + strings.ToUpper(h) + " Mon Sep 17 00:00:00 2001", "From " + h[:39] + " Mon Sep 17 00:00:00 2001",
		"From " + h + "0 Mon Sep 17 00:00:00 2001", " From " + h + " Mon Sep 17 00:00:00 2001",
		"From " + h + " Mon Sep 17 00:00:00 2002", "From " + h + "  Mon Sep 17 00:00:00 2001",
		"From x@y Mon Sep 17 00:00:00 2001", "From " + h + " Mon Sep 17 00:00:00 2001\u00a0"}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		hash, ok := sourceFrom(l)
		if ok != (m != nil) || ok && hash != m[1] || isSourceFrom(l) != ok {
			t.Errorf("sourceFrom(%q) = %q, %v; the expression: %q", l, hash, ok, m)
		}
	}
}
