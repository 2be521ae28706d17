// Package reports turns a review — findings per patch — into the formats
// people and tools read: checkpatch-shaped text and JSON schema 1 (see the
// design), with a registry so that further formats plug in by name.
package reports

import (
	"fmt"
	"io"
	"sort"

	"github.com/rcureview/rcureview/finding"
)

// Schema is the JSON schema version written by WriteJSON.
const Schema = 1

// Report is one review run.
type Report struct {
	Schema  int      `json:"schema"`
	Tool    string   `json:"tool"`
	Version string   `json:"version"`
	Kernel  Kernel   `json:"kernel"`
	Patches []*Patch `json:"patches"`
	Notes   []string `json:"notes,omitempty"` // run-wide remarks: what a missing tree limits, skipped mails
	// Baseline names the earlier report given with --baseline; findings
	// it had are marked "unchanged" (an addition to schema 1).
	Baseline string `json:"baseline,omitempty"`
	// Category is the command that made the report ("review", "check"),
	// for SARIF's automationDetails. Not part of the JSON schema.
	Category string `json:"-"`
}

// Kernel says which kernel source the review ran against.
type Kernel struct {
	Source string `json:"source"` // "embedded:6.12", "tree:PATH", "git:PATH@REV"
	Config string `json:"config"` // the --config file, "" if none
}

// Patch is the review of one patch (or of one input item that failed).
type Patch struct {
	Subject   string `json:"subject"`
	MessageID string `json:"message_id"`
	Series    string `json:"series"`
	Index     int    `json:"index"`
	Total     int    `json:"total"`
	Applied   bool   `json:"applied"`
	// AlreadyApplied: the tree given already has the patch (its reverse
	// applies cleanly). With Applied, the patch was reviewed against the
	// tree with it reversed (Base says so); an addition to schema 1.
	AlreadyApplied bool `json:"already_applied,omitempty"`
	// Base names the tree the series was applied to when it is not simply
	// the one given (a series' base-commit:); an addition to schema 1.
	Base     string            `json:"base,omitempty"`
	Error    string            `json:"error"`
	Findings []finding.Finding `json:"findings"`
	// Hunks records where each hunk applied (an addition to schema 1 that
	// consumers may ignore).
	Hunks []Hunk `json:"hunks,omitempty"`
	// Lines is the number of diff lines checked, for the text summary.
	Lines int `json:"-"`
	// Input names the input file the patch was read from, as given on
	// the command line ("<stdin>" for standard input), for checkpatch's
	// --emacs positions. Not part of the JSON schema.
	Input string `json:"-"`
	// Mail is the mail that carried the patch, for email replies; nil for
	// inputs that were not mail. Not part of the JSON schema.
	Mail *MailContext `json:"-"`
}

// Hunk says where one hunk of the patch applied in the tree.
type Hunk struct {
	File           string `json:"file"`
	Header         string `json:"header"`
	OldLine        int    `json:"old_line"`
	NewLine        int    `json:"new_line"`
	Offset         int    `json:"offset"`
	FunctionBefore string `json:"function_before"`
	FunctionAfter  string `json:"function_after"`
}

// Normalize sorts findings stably and replaces nil slices with empty ones,
// so every format prints the same order and JSON has [] rather than null.
func (r *Report) Normalize() {
	r.Schema = Schema
	if r.Patches == nil {
		r.Patches = []*Patch{}
	}
	for _, p := range r.Patches {
		if p.Findings == nil {
			p.Findings = []finding.Finding{}
		}
		finding.Sort(p.Findings)
		for i := range p.Findings {
			f := &p.Findings[i]
			if f.Chain == nil {
				f.Chain = []finding.Hop{}
			}
			if f.Config == nil {
				f.Config = []string{}
			}
			if f.Status == "" {
				f.Status = finding.StatusNew
			}
		}
	}
}

// Counts tallies findings by severity over the whole report.
func (r *Report) Counts() (errors, warnings, notes int) {
	for _, p := range r.Patches {
		e, w, n := finding.Count(p.Findings)
		errors, warnings, notes = errors+e, warnings+w, notes+n
	}
	return
}

// HasWarnings reports whether any of the patches has a finding of
// severity warning or above (what makes the CLI exit 1 and the bot speak).
func HasWarnings(ps []*Patch) bool {
	for _, p := range ps {
		if m, ok := finding.Max(p.Findings); ok && m >= finding.Warning {
			return true
		}
	}
	return false
}

// Writer writes a report in one format.
type Writer func(w io.Writer, r *Report) error

// Formats maps format names to writers; NewFormats fills the built-in ones.
type Formats map[string]Writer

// NewFormats returns the built-in formats: "text", "json", "email" (an
// mbox of replies), "sarif" (SARIF 2.1.0), "html" (one page) and "b4"
// (b4's review CI protocol).
func NewFormats() Formats {
	return Formats{
		"text":  func(w io.Writer, r *Report) error { return WriteText(w, r, TextOptions{}) },
		"json":  WriteJSON,
		"email": func(w io.Writer, r *Report) error { return WriteEmail(w, r, EmailOptions{}) },
		"sarif": WriteSARIF,
		"html":  WriteHTML,
		"b4":    WriteB4,
	}
}

// Names lists the registered format names, sorted.
func (f Formats) Names() []string {
	var out []string
	for n := range f {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Write writes r in the named format.
func (f Formats) Write(w io.Writer, format string, r *Report) error {
	wr, ok := f[format]
	if !ok {
		return fmt.Errorf("unknown format %q (have %v)", format, f.Names())
	}
	r.Normalize()
	if err := wr(w, r); err != nil {
		return fmt.Errorf("write %s report: %w", format, err)
	}
	return nil
}
