// Package finding defines what every analyzer reports and every report
// format prints: a Finding with its rule, severity, location, call chain and
// model trace, plus the catalogue of stable rule IDs from the design.
//
// It sits below analyzers/ and reports/ so that both can share the type
// without depending on each other.
package finding

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// Severity orders findings; the CLI exits 1 when any finding is Warning or above.
type Severity int

// Severities, lowest first.
const (
	Note Severity = iota
	Warning
	Error
)

// String returns the lower-case name used in JSON ("note", "warning", "error").
func (s Severity) String() string {
	switch s {
	case Note:
		return "note"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity is the inverse of String.
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "note":
		return Note, nil
	case "warning":
		return Warning, nil
	case "error":
		return Error, nil
	}
	return Note, fmt.Errorf("unknown severity %q", s)
}

// MarshalText makes Severity print as its name in JSON.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText parses the JSON name.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Status says how a finding relates to the patch under review.
type Status string

// Statuses, as in the JSON schema.
const (
	StatusNew         Status = "new"
	StatusChanged     Status = "changed"
	StatusPreExisting Status = "pre-existing"
	// StatusUnchanged marks a finding that a baseline (an earlier report
	// given with --baseline) already had: it is still reported, but does
	// not count for the exit status.
	StatusUnchanged Status = "unchanged"
)

// Hop is one call in a chain: the function called, where it is, and why it
// matters (for the last hop: the kind of instrumentation).
type Hop struct {
	Function string `json:"function"`
	File     string `json:"file"`
	Line     int    `json:"line"`
	Why      string `json:"why"`
}

// Step is one event of a model counterexample.
type Step struct {
	CPU     int    `json:"cpu"`
	Context string `json:"context"`
	Event   string `json:"event"`
}

// Trace is a model counterexample for the property it violates.
type Trace struct {
	Property string `json:"property"`
	Steps    []Step `json:"steps"`
}

// ConfigHold says whether a finding holds in one named configuration.
type ConfigHold struct {
	Config string `json:"config"`
	Holds  bool   `json:"holds"`
}

// HoldsText renders Holds for the text formats: "debian-amd64,
// debian-rt; not in debian-cloud", "" when there is nothing to say.
func HoldsText(hs []ConfigHold) string {
	var in, out []string
	for _, h := range hs {
		if h.Holds {
			in = append(in, h.Config)
		} else {
			out = append(out, h.Config)
		}
	}
	switch {
	case len(hs) == 0:
		return ""
	case len(in) == 0:
		return "in none of " + strings.Join(out, ", ")
	case len(out) == 0:
		return "in " + strings.Join(in, ", ")
	}
	return "in " + strings.Join(in, ", ") + "; not in " + strings.Join(out, ", ")
}

// ConfigText renders Config for the text formats: the conditions joined
// with " && ", or, when NeverBuilt, a sentence saying so instead of a
// bare "0".
func ConfigText(conds []string) string {
	if NeverBuilt(conds) {
		return "no configuration: no Makefile builds this file"
	}
	return strings.Join(conds, " && ")
}

// NeverBuilt reports whether the conditions include the build condition
// "0": no Makefile compiles the file (as with a file a patch adds
// without hooking it into Kbuild).
func NeverBuilt(conds []string) bool {
	for _, c := range conds {
		if strings.TrimSpace(c) == "0" {
			return true
		}
	}
	return false
}

// Finding is one reported problem. File and Line point into the patched tree.
type Finding struct {
	Rule     string   `json:"rule"`
	Severity Severity `json:"severity"`
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Function string   `json:"function"`
	Message  string   `json:"message"`
	Sink     string   `json:"sink"`
	Status   Status   `json:"status"`
	Chain    []Hop    `json:"chain"`
	Config   []string `json:"config"`
	Trace    *Trace   `json:"trace"`
	// HunksOnly marks a finding of a patch reviewed from its hunks alone
	// (no tree given, or the patch did not apply): the facts around the
	// changed lines are those of the tree as it is, not as the patch's
	// author had it. An addition to schema 1.
	HunksOnly bool `json:"hunks_only,omitempty"`
	// Root is the kind of root a notrace/noinstr finding starts from:
	// "tracer" (tracer context: the tracepoint implementation, the
	// *_notrace API, the tracer's own notrace code, registered probes and
	// callbacks), "notrace" (a plain notrace function) or "noinstr"; empty
	// for the other rules. An addition to schema 1.
	Root string `json:"root,omitempty"`
	// Paths lists every chain of a grouped finding, lead first (see
	// Group); empty for findings that were not grouped.
	Paths []Path `json:"paths,omitempty"`

	// Group, when set, is the key under which Group merges findings of the
	// same rule, location and function (for the notrace rule, the root's
	// first instrumented callee). Not part of the JSON schema.
	Group string `json:"-"`
	// Lead is the message of a merged group before the list of what its
	// paths reach ("f() reaches traceable g()"). Not part of the JSON schema.
	Lead string `json:"-"`
	// Target is what the finding's chain reaches: the event, function or
	// hook name (paths[].target in JSON).
	Target string `json:"-"`
	// Holds says, for a review without a .config, whether the finding
	// holds in each named configuration (Debian's, when installed).
	Holds []ConfigHold `json:"holds,omitempty"`

	// PatchLine is the 1-based line of the patch text the finding concerns
	// (checkpatch's "#42:"), 0 when unknown. Not part of the JSON schema.
	PatchLine int `json:"-"`
	// InputLine is the 1-based line of the input file (the mbox or patch
	// as given) holding that patch line, counted as checkpatch counts its
	// "#N" and --emacs positions; 0 when unknown. Not part of the JSON
	// schema.
	InputLine int `json:"-"`
	// Source is the patch line itself, with its leading +/-/space, if known.
	Source string `json:"-"`
	// MailLine is set by analyzers for a finding on the text of the mail
	// rather than on a file (a litmus test pasted in the commit message):
	// the 1-based line of the patch mail's body it concerns, or -1 for a
	// line of another mail of the series (the cover letter) or one not
	// found in the body. The driver turns a positive one into PatchLine
	// and InputLine. Not part of the JSON schema.
	MailLine int `json:"-"`
	// RCUMap is the protection map of the RCU location the finding
	// concerns (rcu-gp-flavor-mismatch, rcu-illegal-context): its readers
	// and retire paths, for the HTML report. Not part of the JSON schema.
	RCUMap *RCUMap `json:"-"`
}

// ChainShowsRoot reports whether the chain names the finding's function
// itself (a chain that starts at a tracepoint call site runs through the
// tracepoint implementation root), so report formats do not print the
// root again in front of it.
func (f Finding) ChainShowsRoot() bool {
	for _, h := range f.Chain {
		if h.Function == f.Function {
			return true
		}
	}
	return false
}

// Sort orders findings stably: by file, line, rule, then message.
func Sort(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Rule != b.Rule {
			return a.Rule < b.Rule
		}
		return a.Message < b.Message
	})
}

// Max returns the highest severity among fs, and false when fs has no
// finding that counts (findings a baseline already had, StatusUnchanged,
// do not count).
func Max(fs []Finding) (Severity, bool) {
	m, ok := Note, false
	for _, f := range fs {
		if f.Status == StatusUnchanged {
			continue
		}
		if !ok || f.Severity > m {
			m, ok = f.Severity, true
		}
	}
	return m, ok
}

// Count tallies findings by severity, leaving out those a baseline
// already had (StatusUnchanged).
func Count(fs []Finding) (errors, warnings, notes int) {
	for _, f := range fs {
		if f.Status == StatusUnchanged {
			continue
		}
		switch f.Severity {
		case Error:
			errors++
		case Warning:
			warnings++
		default:
			notes++
		}
	}
	return
}

// Fingerprint identifies a finding across runs, trees and line shifts:
// its rule, root function, sink and call path (the functions of its
// chain), and the property of a model trace — never line numbers. A
// finding without a root function (an input problem) is identified by
// its file and its message with digits removed. Baselines (--baseline)
// and SARIF partialFingerprints use it.
func Fingerprint(f Finding) string {
	h := sha256.New()
	fmt.Fprintf(h, "v2\x00%s\x00%s\x00%s", f.Rule, f.Function, f.Sink)
	for _, c := range f.Chain {
		fmt.Fprintf(h, "\x00>%s", c.Function)
	}
	if f.Trace != nil {
		fmt.Fprintf(h, "\x00trace:%s", f.Trace.Property)
	}
	if f.Function == "" {
		msg := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' {
				return -1
			}
			return r
		}, strings.Join(strings.Fields(f.Message), " "))
		fmt.Fprintf(h, "\x00%s\x00%s", f.File, msg)
	}
	return hex.EncodeToString(h.Sum(nil))[:32]
}
