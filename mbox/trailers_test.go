package mbox

import (
	"reflect"
	"strings"
	"testing"
)

// TestParseTrailers covers checklist item 23 with hand-written cases.
func TestParseTrailers(t *testing.T) {
	tests := []struct {
		name, in string
		want     []Trailer
	}{
		{"kernel block", "rcu: fix\n\nBody text.\n\nFixes: 0123456789ab (\"rcu: Add thing\")\nReported-by: Bot <lkp@intel.com>\nCloses: https://lore.kernel.org/oe-kbuild-all/x@y/\nCo-developed-by: A B <a@b.c>\nSigned-off-by: A B <a@b.c>\nSigned-off-by: C D <c@d.e>\nCc: stable@vger.kernel.org # 6.1+\n",
			[]Trailer{
				{Key: "Fixes", Value: `0123456789ab ("rcu: Add thing")`},
				{Key: "Reported-by", Value: "Bot <lkp@intel.com>"},
				{Key: "Closes", Value: "https://lore.kernel.org/oe-kbuild-all/x@y/"},
				{Key: "Co-developed-by", Value: "A B <a@b.c>"},
				{Key: "Signed-off-by", Value: "A B <a@b.c>"},
				{Key: "Signed-off-by", Value: "C D <c@d.e>"},
				{Key: "Cc", Value: "stable@vger.kernel.org", Extinfo: " # 6.1+"},
			}},
		{"case canonicalised", "reviewed-BY: X <x@y>\nSIGNED-OFF-BY: Y <y@z>\n",
			[]Trailer{{Key: "Reviewed-by", Value: "X <x@y>"}, {Key: "Signed-off-by", Value: "Y <y@z>"}}},
		{"wrapped fixes", "Fixes: 0123456789ab (\"rcu: a very long subject that\nwas wrapped\")\nAcked-by: Q <q@r>\n",
			[]Trailer{{Key: "Fixes", Value: `0123456789ab ("rcu: a very long subject that was wrapped")`}, {Key: "Acked-by", Value: "Q <q@r>"}}},
		{"wrapped address", "Signed-off-by: Wrapped Person\n<w@p.q>\n",
			[]Trailer{{Key: "Signed-off-by", Value: "Wrapped Person <w@p.q>"}}},
		{"chain of custody", "Signed-off-by: A <a@a>\n[ paulmck: Fix typo. ]\nSigned-off-by: Paul <p@k>\n",
			[]Trailer{{Key: "Signed-off-by", Value: "A <a@a>", Extinfo: "[ paulmck: Fix typo. ]"}, {Key: "Signed-off-by", Value: "Paul <p@k>"}}},
		{"name with org", "Tested-by: Jane Roe (ACME) <jane@acme.example> (on arm64)\n",
			[]Trailer{{Key: "Tested-by", Value: "Jane Roe (ACME) <jane@acme.example> (on arm64)"}}},
		{"quoted comma name", "Reported-by: \"Doe, Jane\" <jane@example.com>\n",
			[]Trailer{{Key: "Reported-by", Value: `"Doe, Jane" <jane@example.com>`}}},
		{"assisted-by", "Assisted-by: Claude:claude-opus-4 coccinelle sparse\n",
			[]Trailer{{Key: "Assisted-by", Value: "Claude:claude-opus-4 coccinelle sparse"}}},
		{"suggested link depends", "Suggested-by: S <s@s>\nLink: https://x.example/a#frag\nDepends-on: <abc@def>\n",
			[]Trailer{{Key: "Suggested-by", Value: "S <s@s>"}, {Key: "Link", Value: "https://x.example/a#frag"}, {Key: "Depends-on", Value: "<abc@def>"}}},
		{"prose and quotes ignored", "Note: this is prose.\nWARNING: CPU: 0 PID: 1\n> Reviewed-by: Quoted <q@q>\n  Reviewed-by: Indented <i@i>\n",
			nil},
		{"signature stops", "Acked-by: A <a@a>\n-- \nSigned-off-by: Sig <s@s>\n",
			[]Trailer{{Key: "Acked-by", Value: "A <a@a>"}}},
		{"crlf", "Acked-by: A <a@a>\r\nTested-by: T <t@t>\r\n",
			[]Trailer{{Key: "Acked-by", Value: "A <a@a>"}, {Key: "Tested-by", Value: "T <t@t>"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseTrailers(tc.in)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %#v\nwant %#v", got, tc.want)
			}
		})
	}
}

// TestB4TrailerSamples compares with b4's test_parse_trailers expectations
// for samples/trailers-test-simple.txt and trailers-test-extinfo.txt.
func TestB4TrailerSamples(t *testing.T) {
	tests := []struct {
		file string
		want []Trailer
	}{
		{"trailers-test-simple.txt", []Trailer{
			{Key: "Reported-by", Value: `"Doe, Jane" <jane@example.com>`},
			{Key: "Reviewed-by", Value: "Bogus Bupkes <bogus@example.com>"},
			{Key: "Fixes", Value: "abcdef01234567890"},
			{Key: "Link", Value: "https://msgid.link/some@msgid.here"},
		}},
		{"trailers-test-extinfo.txt", []Trailer{
			{Key: "Reported-by", Value: "Some, One <somewhere@example.com>"},
			{Key: "Reviewed-by", Value: "Bogus Bupkes <bogus@example.com>", Extinfo: "[for the parts that are bogus]"},
			{Key: "Fixes", Value: "abcdef01234567890"},
			{Key: "Tested-by", Value: "Some Person <bogus2@example.com>", Extinfo: "           [this person visually indented theirs]"},
			{Key: "Link", Value: "https://msgid.link/some@msgid.here", Extinfo: "  # initial submission"},
			{Key: "Signed-off-by", Value: "Wrapped Persontrailer <broken@example.com>"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			msgs := readCorpusMessages(t, "b4/samples/"+tc.file)
			if len(msgs) != 1 {
				t.Fatalf("%d messages", len(msgs))
			}
			p := ExtractPatch(msgs[0])
			if !reflect.DeepEqual(p.Trailers, tc.want) {
				t.Errorf("got  %#v\nwant %#v", p.Trailers, tc.want)
			}
			if p.Kind != KindPatch || !strings.HasPrefix(p.Diff, "diff --git a/b4/junk.py") {
				t.Errorf("kind %v diff %q", p.Kind, p.Diff)
			}
		})
	}
}

// TestChecklist23_Trailers: trailers from a real b4 follow-up thread
// (name-parens) and a Fixes validity check.
func TestChecklist23_Trailers(t *testing.T) {
	ps := extractAll(readCorpusMessages(t, "b4/samples/trailers-followup-name-parens.mbox"))
	var got []Trailer
	for _, p := range ps {
		if p.Kind == KindReply {
			got = append(got, p.Trailers...)
		}
	}
	found := false
	for _, tr := range got {
		if strings.Contains(tr.Value, "(") && strings.Contains(tr.Value, "<") {
			found = true
		}
	}
	if !found {
		t.Errorf("no Name (Org) <addr> trailer among replies: %#v", got)
	}
	if !FixesLooksValid("abcdef012345 (\"x\")") || FixesLooksValid("see commit above") {
		t.Error("FixesLooksValid")
	}
}
