// Package ruledoc holds the documentation of every rule ID that rcureview
// reports: what the rule means, why it matters in the kernel (with the
// kernel files and commits that motivate it), how to fix a finding and an
// example. "rcureview explain", the SARIF rule help and the HTML report
// all print this same text; finding/rules.go stays the catalogue of IDs,
// severities and one-line summaries.
package ruledoc

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/finding"
)

// Ref is one piece of kernel evidence behind a rule: a file of the linux
// 6.12 tree (optionally a symbol defined or used there), and the commit or
// mail thread that shows the problem in the real kernel.
type Ref struct {
	File   string // path in the kernel tree, "" when the evidence is a commit only
	Symbol string // a name that occurs in File (tests check it in the real tree)
	Commit string // "abbrev-sha (\"subject\")" of the kernel commit, or a lore thread
	Note   string // what the file or commit shows
}

// Doc documents one rule.
type Doc struct {
	ID       string
	Severity finding.Severity // the catalogue's default
	Summary  string           // the catalogue's one-line summary
	Meaning  string           // what a finding of this rule says
	Why      string           // why it matters in the kernel
	Refs     []Ref            // the kernel files and commits behind Why
	Fix      string           // how to fix a finding
	Example  string           // code showing the problem (and the fix), kernel C
}

// Lookup returns the documentation of a rule ID.
func Lookup(id string) (Doc, bool) {
	r, ok := finding.LookupRule(id)
	if !ok {
		return Doc{}, false
	}
	d, ok := docs()[id]
	if !ok {
		return Doc{}, false
	}
	d.ID, d.Severity, d.Summary = r.ID, r.Severity, r.Summary
	return d, true
}

// All returns the documentation of every catalogued rule, sorted by ID.
// A rule without documentation is returned with only its summary filled.
func All() []Doc {
	var out []Doc
	for _, r := range finding.Rules() {
		d, ok := Lookup(r.ID)
		if !ok {
			d = Doc{ID: r.ID, Severity: r.Severity, Summary: r.Summary}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Suggest returns the rule IDs that contain s, for "did you mean" messages.
func Suggest(s string) []string {
	var out []string
	s = strings.ToLower(strings.TrimSpace(s))
	for _, r := range finding.Rules() {
		if s != "" && strings.Contains(r.ID, s) {
			out = append(out, r.ID)
		}
	}
	return out
}

// RefText formats a reference on one line: "file (symbol): note; commit".
func (r Ref) RefText() string {
	var parts []string
	loc := r.File
	if r.Symbol != "" && loc != "" {
		loc += " (" + r.Symbol + ")"
	}
	if loc != "" {
		parts = append(parts, loc)
	}
	if r.Commit != "" {
		parts = append(parts, "commit "+r.Commit)
	}
	s := strings.Join(parts, ", ")
	if r.Note != "" {
		if s != "" {
			s += ": "
		}
		s += r.Note
	}
	return s
}

// Title is the heading used by every format: "rule-id (severity): summary".
func (d Doc) Title() string {
	return fmt.Sprintf("%s (%s): %s", d.ID, d.Severity, d.Summary)
}

// docs returns the text of every rule, keyed by ID: built on first use
// (not at every start of the binary), read-only after; the entries live in
// docs_*.go by rule family.
var docs = sync.OnceValue(func() map[string]Doc {
	return merge(notraceDocs(), readerDocs(), modelDocs(), lkmmDocs(), inputDocs())
})

func merge(ms ...map[string]Doc) map[string]Doc {
	out := map[string]Doc{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}
