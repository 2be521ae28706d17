package mbox

import (
	"reflect"
	"testing"
)

// TestParseSubject mirrors patchwork's SubjectTest (clean_subject,
// parse_series_marker, parse_version), b4's LoreSubject rules and the
// real-world cases of research §1.5/§1.6 item 14.
func TestParseSubject(t *testing.T) {
	tests := []struct {
		name, in, title string
		tags            SubjectTags
	}{
		{"plain", "meep", "meep", SubjectTags{Version: 1}},
		{"re", "Re: meep", "meep", SubjectTags{Version: 1, IsReply: true}},
		{"RE upper", "RE: meep", "meep", SubjectTags{Version: 1, IsReply: true}},
		{"aw and fwd repeated", "Aw: fwd: Re:  [PATCH] meep", "meep", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1, IsReply: true}},
		{"patch", "[PATCH] meep", "meep", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1}},
		{"folded", "[PATCH] meep \n meep", "meep meep", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1}},
		{"folded comma", "[PATCH] meep,\n meep", "meep, meep", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1}},
		{"patch rfc", "[PATCH RFC] meep", "meep", SubjectTags{Prefixes: []string{"PATCH", "RFC"}, Patch: true, RFC: true, Version: 1}},
		{"comma rfc", "[PATCH,RFC] meep", "meep", SubjectTags{Prefixes: []string{"PATCH", "RFC"}, Patch: true, RFC: true, Version: 1}},
		{"comma counter", "[PATCH,1/2] meep", "meep", SubjectTags{Prefixes: []string{"PATCH", "1/2"}, Patch: true, Version: 1, Index: 1, Total: 2, HasCounter: true}},
		{"separate groups", "[PATCH] [RFC] [1/2] meep", "meep", SubjectTags{Prefixes: []string{"PATCH", "RFC", "1/2"}, Patch: true, RFC: true, Version: 1, Index: 1, Total: 2, HasCounter: true}},
		{"brackets in title", "[PATCH] rewrite [a-z] regexes", "rewrite [a-z] regexes", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1}},
		{"rfc then brackets in title", "[PATCH] [RFC] rewrite [a-z] regexes", "rewrite [a-z] regexes", SubjectTags{Prefixes: []string{"PATCH", "RFC"}, Patch: true, RFC: true, Version: 1}},
		{"rfc patch v2 3/7", "[RFC PATCH v2 3/7] rcu: Do a thing", "rcu: Do a thing", SubjectTags{Prefixes: []string{"RFC", "PATCH", "v2", "3/7"}, Patch: true, RFC: true, Version: 2, Index: 3, Total: 7, HasCounter: true}},
		{"patchwork commas b4 #31", "[PATCH v6,19/24] x86: thing", "x86: thing", SubjectTags{Prefixes: []string{"PATCH", "v6", "19/24"}, Patch: true, Version: 6, Index: 19, Total: 24, HasCounter: true}},
		{"hg n of N", "[PATCH 1 of 8] hg: thing", "hg: thing", SubjectTags{Prefixes: []string{"PATCH", "1", "of", "8"}, Patch: true, Version: 1, Index: 1, Total: 8, HasCounter: true}},
		{"hg cover", "[PATCH 0 of 12] cover", "cover", SubjectTags{Prefixes: []string{"PATCH", "0", "of", "12"}, Patch: true, Version: 1, Index: 0, Total: 12, HasCounter: true}},
		{"PATCH1/8 no space", "[PATCH1/8] foo", "foo", SubjectTags{Prefixes: []string{"PATCH1/8"}, Patch: true, Version: 1, Index: 1, Total: 8, HasCounter: true}},
		{"PATCH1 of 8", "[PATCH1 of 8] foo", "foo", SubjectTags{Prefixes: []string{"PATCH1", "of", "8"}, Patch: true, Version: 1, Index: 1, Total: 8, HasCounter: true}},
		{"PATCH100/123", "[PATCH100/123] foo", "foo", SubjectTags{Prefixes: []string{"PATCH100/123"}, Patch: true, Version: 1, Index: 100, Total: 123, HasCounter: true}},
		{"v2PATCH1/4", "[v2PATCH1/4] foo", "foo", SubjectTags{Prefixes: []string{"v2PATCH1/4"}, Patch: true, Version: 2, Index: 1, Total: 4, HasCounter: true}},
		{"v2 PATCH1/4", "[v2 PATCH1/4] foo", "foo", SubjectTags{Prefixes: []string{"v2", "PATCH1/4"}, Patch: true, Version: 2, Index: 1, Total: 4, HasCounter: true}},
		{"v2.3PATCH1/4", "[v2.3PATCH1/4] foo", "foo", SubjectTags{Prefixes: []string{"v2.3PATCH1/4"}, Patch: true, Version: 2, Index: 1, Total: 4, HasCounter: true}},
		{"PATCHv3", "[PATCHv3 2/5] foo", "foo", SubjectTags{Prefixes: []string{"PATCHv3", "2/5"}, Patch: true, Version: 3, Index: 2, Total: 5, HasCounter: true}},
		{"V6 upper", "[PATCH V6] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "V6"}, Patch: true, Version: 6}},
		{"v10", "[PATCH v10 01/10] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "v10", "01/10"}, Patch: true, Version: 10, Index: 1, Total: 10, HasCounter: true}},
		{"zero padded 4 digits", "[PATCH 0007/1024] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "0007/1024"}, Patch: true, Version: 1, Index: 7, Total: 1024, HasCounter: true}},
		{"n greater than N", "[PATCH 3/2] extra", "extra", SubjectTags{Prefixes: []string{"PATCH", "3/2"}, Patch: true, Version: 1, Index: 3, Total: 2, HasCounter: true}},
		{"suffix version", "Hello, world (v2)", "Hello, world (v2)", SubjectTags{Version: 2}},
		{"suffix version upper", "[PATCH] Hello (V6)", "Hello (V6)", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 6}},
		{"prefix version wins over suffix", "[PATCH net-next v3 0/4] net: dsa: Multi-CPU ground work (v3)", "net: dsa: Multi-CPU ground work (v3)", SubjectTags{Prefixes: []string{"PATCH", "net-next", "v3", "0/4"}, Patch: true, Version: 3, Total: 4, HasCounter: true}},
		{"version word", "[PATCH version] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "version"}, Patch: true, Version: 1}},
		{"resend", "[RESEND PATCH v2 1/3] foo", "foo", SubjectTags{Prefixes: []string{"RESEND", "PATCH", "v2", "1/3"}, Patch: true, Resend: true, Version: 2, Index: 1, Total: 3, HasCounter: true}},
		{"rcu tree tags", "[PATCH -rcu -next 2/3] rcu: foo", "rcu: foo", SubjectTags{Prefixes: []string{"PATCH", "-rcu", "-next", "2/3"}, Patch: true, Version: 1, Index: 2, Total: 3, HasCounter: true}},
		{"bpf-next", "[PATCH bpf-next v4 5/9] bpf: foo", "bpf: foo", SubjectTags{Prefixes: []string{"PATCH", "bpf-next", "v4", "5/9"}, Patch: true, Version: 4, Index: 5, Total: 9, HasCounter: true}},
		{"stable version tag", "[PATCH 6.15 012/123] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "6.15", "012/123"}, Patch: true, Version: 1, Index: 12, Total: 123, HasCounter: true}},
		{"mailman list tag", "[dpdk-dev] [PATCH v2 3/4] net: foo", "net: foo", SubjectTags{Prefixes: []string{"dpdk-dev", "PATCH", "v2", "3/4"}, Patch: true, Version: 2, Index: 3, Total: 4, HasCounter: true}},
		{"intel-gfx reply", "Re: [Intel-gfx] [PATCH] drm/i915: foo", "drm/i915: foo", SubjectTags{Prefixes: []string{"Intel-gfx", "PATCH"}, Patch: true, Version: 1, IsReply: true}},
		{"nested brackets b4", "[PATCH [net] v2] foo", "foo", SubjectTags{Prefixes: []string{"PATCH", "net", "v2"}, Patch: true, Version: 2}},
		{"colon after bracket", "[Patch 2/2]: powerpc/hotplug/mm: Fix", "powerpc/hotplug/mm: Fix", SubjectTags{Prefixes: []string{"Patch", "2/2"}, Patch: true, Version: 1, Index: 2, Total: 2, HasCounter: true}},
		{"missing open bracket", "PATCH V2 3/4] PM / OPP: opp-microvolt", "PM / OPP: opp-microvolt", SubjectTags{Prefixes: []string{"PATCH", "V2", "3/4"}, Patch: true, Version: 2, Index: 3, Total: 4, HasCounter: true}},
		{"unclosed bracket", "[PATCH foo", "[PATCH foo", SubjectTags{Version: 1}},
		{"empty", "", "", SubjectTags{Version: 1}},
		{"only brackets", "[PATCH keyword]", "", SubjectTags{Prefixes: []string{"PATCH", "keyword"}, Patch: true, Version: 1}},
		{"RFCv2", "[RFCv2 1/2] foo", "foo", SubjectTags{Prefixes: []string{"RFCv2", "1/2"}, RFC: true, Version: 2, Index: 1, Total: 2, HasCounter: true}},
		{"re after brackets", "[PATCH] Re: foo", "foo", SubjectTags{Prefixes: []string{"PATCH"}, Patch: true, Version: 1, IsReply: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			title, tags := ParseSubject(tc.in)
			if title != tc.title {
				t.Errorf("title = %q, want %q", title, tc.title)
			}
			if !reflect.DeepEqual(tags, tc.tags) {
				t.Errorf("tags = %+v\nwant   %+v", tags, tc.tags)
			}
		})
	}
}

// TestChecklist14_SubjectPrefixes covers checklist item 14 on real corpus
// subjects: hg "n of N", a list tag, upper-case V2.
func TestChecklist14_SubjectPrefixes(t *testing.T) {
	want := map[string]SubjectTags{}
	for _, f := range []string{"patchwork/series/mercurial-cover-letter.mbox", "patchwork/mail/0012-invalid-header-char.mbox", "patchwork/series/bugs-multiple-references.mbox"} {
		for _, m := range readCorpusMessages(t, f) {
			_, tags := ParseSubject(m.Subject)
			want[m.Subject] = tags
		}
	}
	checks := 0
	for subj, tags := range want {
		switch {
		case subj == "[PATCH 0 of 2] Sample Mercurial patches":
			checks++
			if !tags.HasCounter || tags.Index != 0 || tags.Total != 2 {
				t.Errorf("%q: %+v", subj, tags)
			}
		case len(subj) > 10 && subj[:10] == "[dpdk-dev]":
			checks++
			if tags.Prefixes[0] != "dpdk-dev" || !tags.Patch {
				t.Errorf("%q: %+v", subj, tags)
			}
		case len(subj) > 14 && subj[:14] == "[PATCH V2 3/4]":
			checks++
			if tags.Version != 2 || tags.Index != 3 || tags.Total != 4 {
				t.Errorf("%q: %+v", subj, tags)
			}
		}
	}
	if checks < 3 {
		t.Errorf("only %d of 3 corpus subjects found: %v", checks, want)
	}
}
