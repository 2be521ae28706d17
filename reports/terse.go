package reports

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/finding"
)

// checkpatch.pl's report() writes "$prefix$level:$type: $msg", where
// $prefix is "FILE:LINE: " — with --showfile the patched file and its
// line, with --emacs (implied by --terse) the input file and its "#N"
// line — and --terse keeps only that first line. Editors, patman, b4 and
// CI scripts parse these shapes with regexes such as
// ^([^:]+):(\d+): (ERROR|WARNING|CHECK):, so the forms below follow them
// exactly; rcureview's rule ID takes the place of checkpatch's --show-types
// TYPE.

// checkpatchLevel names a severity as checkpatch does: a note is a CHECK,
// the level checkpatch only shows with --strict.
func checkpatchLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "ERROR"
	case finding.Warning:
		return "WARNING"
	}
	return "CHECK"
}

// stdinName is the input name of standard input in reports; checkpatch
// names it "-".
const stdinName = "<stdin>"

// inputPosition is the --emacs position: the input file and its line.
func inputPosition(p *Patch, f finding.Finding) string {
	name := p.Input
	if name == "" || name == stdinName {
		name = "-"
	}
	return fmt.Sprintf("%s:%d", name, f.InputLine)
}

// filePosition is the --showfile position: the patched file and its line,
// or the input position for a finding that is not in a file.
func filePosition(p *Patch, f finding.Finding) string {
	if f.File == "" {
		return inputPosition(p, f)
	}
	return fmt.Sprintf("%s:%d", f.File, f.Line)
}

// position returns the "FILE:LINE" prefix the options ask for ("" for
// none): --showfile wins over --emacs, as in checkpatch, and --terse
// implies --showfile unless --emacs alone is given.
func position(p *Patch, f finding.Finding, opt TextOptions) string {
	switch {
	case opt.ShowFile || (opt.Terse && !opt.Emacs):
		return filePosition(p, f)
	case opt.Emacs:
		return inputPosition(p, f)
	}
	return ""
}

// Shown reports whether a finding is printed in the terse form: notes
// only with Strict (checkpatch's CHECK level), and never findings a
// baseline already had.
func (opt TextOptions) shownTerse(f finding.Finding) bool {
	if f.Status == finding.StatusUnchanged {
		return false
	}
	return f.Severity >= finding.Warning || opt.Strict
}

// writeTerse writes one line per finding, then (unless NoSummary, or
// nothing was printed) one total line. A clean review prints nothing.
func writeTerse(w *bufio.Writer, r *Report, opt TextOptions) {
	var e, wn, n int
	for _, p := range r.Patches {
		for _, f := range p.Findings {
			if !opt.shownTerse(f) {
				continue
			}
			switch f.Severity {
			case finding.Error:
				e++
			case finding.Warning:
				wn++
			default:
				n++
			}
			level := paint(opt.Color, severityColor(f.Severity), checkpatchLevel(f.Severity))
			fmt.Fprintf(w, "%s: %s:%s: %s\n", position(p, f, opt), level, f.Rule, oneLine(f.Message))
		}
	}
	if opt.NoSummary || e+wn+n == 0 {
		return
	}
	checks := ""
	if opt.Strict {
		checks = fmt.Sprintf(", %d checks", n)
	}
	fmt.Fprintf(w, "total: %d errors, %d warnings%s in %d patches\n", e, wn, checks, len(r.Patches))
}

// firstLinePrefix is the --emacs/--showfile prefix of a finding's first
// line in the full text form, "" without those options.
func firstLinePrefix(p *Patch, f finding.Finding, opt TextOptions) string {
	if pos := position(p, f, opt); pos != "" {
		return pos + ": "
	}
	return ""
}

// hereLine is checkpatch's "#N: FILE: path:line:" line, with N counted in
// the input file when known.
func hereLine(f finding.Finding) string {
	n := f.InputLine
	if n == 0 {
		n = f.PatchLine
	}
	loc := ""
	if n > 0 {
		loc = fmt.Sprintf("#%d: ", n)
	}
	switch {
	case f.File != "" && f.Line > 0:
		return fmt.Sprintf("%sFILE: %s:%d:", loc, f.File, f.Line)
	case f.File != "":
		return fmt.Sprintf("%sFILE: %s:", loc, f.File)
	}
	return strings.TrimSuffix(loc, " ")
}
