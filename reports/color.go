package reports

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/finding"
)

// ANSI SGR sequences for the terminal. Written by hand: a handful of fixed
// escape codes, where a colour library would add global state (and its
// own TTY detection, which the CLI already does with NO_COLOR in mind).
const (
	sgrReset  = "\x1b[0m"
	sgrBold   = "\x1b[1m"
	sgrRed    = "\x1b[1;31m"
	sgrYellow = "\x1b[1;33m"
	sgrCyan   = "\x1b[36m"
	sgrGreen  = "\x1b[32m"
	sgrDimRed = "\x1b[31m"
	sgrDim    = "\x1b[2m"
)

// paint wraps s in an SGR sequence when colour is on.
func paint(on bool, sgr, s string) string {
	if !on || s == "" {
		return s
	}
	return sgr + s + sgrReset
}

func severityColor(s finding.Severity) string {
	switch s {
	case finding.Error:
		return sgrRed
	case finding.Warning:
		return sgrYellow
	}
	return sgrCyan
}

// sourceColor colours a patch line like git diff does: added green,
// removed red.
func sourceColor(on bool, line string) string {
	switch {
	case strings.HasPrefix(line, "+"):
		return paint(on, sgrGreen, line)
	case strings.HasPrefix(line, "-"):
		return paint(on, sgrDimRed, line)
	}
	return line
}

// PatchSummary is the one-line summary of a patch: its position and
// subject, what was found, and whether it applied, e.g.
//
//	[2/2] tracing: Use rcu_read_lock_notrace(): 1 error, 1 note (applied)
func PatchSummary(p *Patch) string {
	parts := SeverityPhrases(p.Findings)
	what := "clean"
	if len(parts) > 0 {
		what = strings.Join(parts, ", ")
	}
	state := "not applied"
	switch {
	case p.AlreadyApplied:
		state = "already applied"
	case p.Applied:
		state = "applied"
	case p.Error != "":
		state = "failed"
	}
	counter := ""
	if p.Total > 0 {
		counter = fmt.Sprintf("[%d/%d] ", p.Index, p.Total)
	}
	return fmt.Sprintf("%s%s: %s (%s)", counter, p.Subject, what, state)
}

func summaryColor(p *Patch) string {
	if m, ok := finding.Max(p.Findings); ok {
		return severityColor(m)
	}
	return sgrGreen
}
