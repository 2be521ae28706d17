package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ruledoc"
)

// emailBody writes the reply text the way a maintainer writes one: a
// greeting and a one-line verdict, the relevant lines of the patch quoted
// with "> " and "[ ... ]" for what is left out, each finding right under
// the line it concerns, then a short signature saying how to reproduce.
func emailBody(r *Report, p *Patch, opt EmailOptions, replyID string) string {
	var b strings.Builder
	b.WriteString(greeting(p.Mail) + "\n\n")
	writePatchSection(&b, r, p)
	writeClosing(&b, r, []*Patch{p}, opt, replyID)
	out := strings.TrimRight(b.String(), "\n") + "\n"
	b.Reset()
	b.WriteString(out)
	b.WriteString("\n-- \n")
	b.WriteString(footer(r, p, opt))
	return b.String()
}

// writePatchSection writes what the reply says about one patch: the
// verdict, then the patch's hunks quoted with each finding under the line it
// concerns, then findings not on a line of the patch.
func writePatchSection(b *strings.Builder, r *Report, p *Patch) {
	mc := p.Mail
	for _, l := range ruledoc.Wrap(verdict(r, p), emailWidth, "", "") {
		b.WriteString(l + "\n")
	}
	lines := splitDiff(mc.Diff, p.Hunks)
	placed, rest := placeFindings(p, lines)
	if len(placed) > 0 {
		b.WriteString("\n" + attribution(mc) + "\n")
		writeQuoted(b, lines, placed)
	}
	if len(rest) > 0 {
		b.WriteString("\n")
		if len(placed) > 0 {
			b.WriteString("Not on a line of this patch:\n")
		}
		for _, f := range rest {
			writeFindingMail(b, f, false)
		}
	}
}

func greeting(mc *MailContext) string {
	name := strings.TrimSpace(mc.From.Name)
	if mc.Author.Address != "" && !strings.EqualFold(mc.Author.Address, mc.From.Address) {
		name = strings.TrimSpace(mc.Author.Name)
	}
	if f := strings.Fields(name); len(f) > 0 {
		return "Hi " + f[0] + ","
	}
	return "Hello,"
}

// verdict is the one-line summary under the greeting.
func verdict(r *Report, p *Patch) string {
	parts := SeverityPhrases(p.Findings)
	what := "rcureview found nothing to report in this patch"
	if len(parts) > 0 {
		what = "rcureview found " + joinAnd(parts) + " in this patch"
	}
	base := kernelPhrase(r.Kernel.Source)
	switch {
	case p.AlreadyApplied && p.Applied:
		return what + ", reviewed against " + base + ", which already has it, with the patch reversed and applied again."
	case p.Applied:
		return what + ", reviewed against " + base + " with the patch applied."
	case p.Error != "":
		return what + "; it was reviewed against " + base + " but did not apply there."
	}
	return what + ", reviewed against " + base + "."
}

// SeverityPhrases counts findings as phrases: "1 error", "3 warnings",
// "2 notes"; severities with no finding are left out.
func SeverityPhrases(fs []finding.Finding) []string {
	e, w, n := finding.Count(fs)
	var parts []string
	for _, c := range []struct {
		n    int
		word string
	}{{e, "error"}, {w, "warning"}, {n, "note"}} {
		switch {
		case c.n == 1:
			parts = append(parts, "1 "+c.word)
		case c.n > 1:
			parts = append(parts, fmt.Sprintf("%d %ss", c.n, c.word))
		}
	}
	return parts
}

func joinAnd(parts []string) string {
	if len(parts) <= 1 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// kernelPhrase describes the kernel source without local paths, which mean
// nothing to the reader of a mail.
func kernelPhrase(src string) string {
	switch {
	case strings.HasPrefix(src, "git:"):
		rev := src[strings.LastIndexByte(src, '@')+1:]
		return "the kernel git tree at " + rev
	case strings.HasPrefix(src, "tree:"):
		return "a kernel source tree"
	case strings.HasPrefix(src, "embedded:"):
		return "the linux " + strings.TrimPrefix(src, "embedded:") + " facts built into rcureview (no tree given)"
	}
	return src
}

func attribution(mc *MailContext) string {
	who := mc.From.Name
	if who == "" {
		who = mc.From.Address
	}
	if mc.Date.IsZero() {
		return who + " wrote:"
	}
	return "On " + mc.Date.Format("Mon, 2 Jan 2006 15:04:05 -0700") + ", " + who + " wrote:"
}

// placeFindings maps each finding to the diff line it concerns: by its
// PatchLine (a line of the mail body) when set, else by file and post-patch
// line. Findings that match no line of the diff are returned in rest.
func placeFindings(p *Patch, lines []diffLine) (placed map[int][]finding.Finding, rest []finding.Finding) {
	placed = map[int][]finding.Finding{}
	byNew := map[string]int{}
	for i, l := range lines {
		if l.newLine > 0 && l.kind == '+' {
			byNew[fmt.Sprintf("%s:%d", l.file, l.newLine)] = i
		}
	}
	for i, l := range lines {
		if l.newLine > 0 && l.kind == ' ' {
			k := fmt.Sprintf("%s:%d", l.file, l.newLine)
			if _, ok := byNew[k]; !ok {
				byNew[k] = i
			}
		}
	}
	for _, f := range p.Findings {
		idx := patchLineIndex(f, p.Mail.DiffLine, lines)
		if idx < 0 && f.File != "" && f.Line > 0 {
			if i, ok := byNew[fmt.Sprintf("%s:%d", f.File, f.Line)]; ok {
				idx = i
			}
		}
		if idx < 0 {
			rest = append(rest, f)
			continue
		}
		placed[idx] = append(placed[idx], f)
	}
	return placed, rest
}

// patchLineIndex returns the diff line a finding's PatchLine designates,
// or -1. PatchLine is documented as a line of the mail body; analyzers
// that count lines of the diff text instead are recognised by the finding's
// Source, which must be the line it points at.
func patchLineIndex(f finding.Finding, diffStart int, lines []diffLine) int {
	if f.PatchLine <= 0 {
		return -1
	}
	var cands []int
	if diffStart > 0 {
		cands = append(cands, f.PatchLine-diffStart) // a line of the mail body
	}
	cands = append(cands, f.PatchLine-1) // a line of the diff text
	for _, i := range cands {
		if i >= 0 && i < len(lines) && (f.Source == "" || lines[i].text == f.Source) {
			return i
		}
	}
	return -1
}

// writeQuoted quotes, for each placed finding, its file's header, its
// hunk's header and the few lines above it, and writes "[ ... ]" where
// lines are left out.
func writeQuoted(b *strings.Builder, lines []diffLine, placed map[int][]finding.Finding) {
	quote := map[int]bool{}
	var targets []int
	for i := range placed {
		targets = append(targets, i)
	}
	sort.Ints(targets)
	for _, t := range targets {
		quote[t] = true
		h := lines[t].hunk
		for i := t - 1; i >= 0 && i >= t-quoteBefore; i-- {
			if lines[i].hunk != h || lines[i].kind == 'h' {
				break
			}
			quote[i] = true
		}
		// the hunk header and the file header above it
		for i := t - 1; i >= 0; i-- {
			if lines[i].kind == 'h' && h >= 0 && lines[i].hunk == h {
				quote[i] = true
				continue
			}
			if lines[i].kind == 'f' {
				for j := i; j >= 0 && lines[j].kind == 'f'; j-- {
					quote[j] = true
					if strings.HasPrefix(lines[j].text, "diff ") {
						break
					}
				}
				break
			}
		}
	}
	gap := false
	started := false
	afterFinding := false // the last thing written was a finding and its blank line
	for i, l := range lines {
		if !quote[i] {
			if started && l.kind != '\\' {
				gap = true
			}
			continue
		}
		if gap {
			if afterFinding {
				b.WriteString("[ ... ]\n\n")
			} else {
				b.WriteString("\n[ ... ]\n\n")
			}
			gap = false
		}
		afterFinding = false
		started = true
		b.WriteString(quoteLine(l))
		if fs := placed[i]; len(fs) > 0 {
			b.WriteString("\n")
			writeFindingsAt(b, fs)
			afterFinding = true
			if i < len(lines)-1 {
				gap = true
			}
		}
	}
	if gap {
		b.WriteString("[ ... ]\n")
	}
}

// quoteLine quotes one diff line as sent; the section heading after a hunk
// header is shortened to keep the line within 80 columns (git shortens it
// too), and a whitespace-only line becomes a bare ">".
func quoteLine(l diffLine) string {
	t := l.text
	if strings.TrimSpace(t) == "" {
		return ">\n"
	}
	if l.kind == 'h' && len(t)+2 > 80 {
		if m := hunkHeaderRE.FindStringIndex(t); m != nil && m[1] <= 78 {
			t = strings.TrimRight(t[:78], " ")
		}
	}
	return "> " + t + "\n"
}

// writeFindingsAt writes the findings placed under one line. Findings of
// one rule from one function (an analyzer reporting every path to every
// sink) are condensed: the one that needs the fewest configuration
// conditions (it bites the most kernels), then has the shortest chain, in
// full; the others as one chain each.
func writeFindingsAt(b *strings.Builder, fs []finding.Finding) {
	type key struct {
		rule, function string
		sev            finding.Severity
	}
	groups := map[key][]finding.Finding{}
	var order []key
	for _, f := range fs {
		k := key{f.Rule, f.Function, f.Severity}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], f)
	}
	sort.SliceStable(order, func(i, j int) bool { return order[i].sev > order[j].sev })
	for _, k := range order {
		g := groups[k]
		sort.SliceStable(g, func(i, j int) bool {
			if len(g[i].Config) != len(g[j].Config) {
				return len(g[i].Config) < len(g[j].Config)
			}
			return len(g[i].Chain) < len(g[j].Chain)
		})
		writeFindingMail(b, g[0], true)
		if len(g) == 1 {
			continue
		}
		name := k.function
		if name == "" {
			name = "here"
		} else {
			name += "()"
		}
		for _, l := range ruledoc.Wrap(fmt.Sprintf("%d more %s [%s] from %s, by other paths:",
			len(g)-1, plural(len(g)-1, strings.ToLower(k.sev.String())), k.rule, name), emailWidth, "", "") {
			b.WriteString(l + "\n")
		}
		for _, f := range g[1:] {
			var hops []string
			for _, h := range f.Chain {
				hops = append(hops, h.Function)
			}
			text := strings.Join(hops, " -> ")
			if text == "" {
				text = oneLine(f.Message)
			}
			for _, l := range ruledoc.Wrap(text, emailWidth, "  - ", "    ") {
				b.WriteString(l + "\n")
			}
		}
		b.WriteString("\n")
	}
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// writeFindingMail writes one finding as review prose: severity and rule,
// the message wrapped, then the chain, conditions and counterexample
// indented, and a pointer to the rule's explanation. It ends with a blank
// line.
func writeFindingMail(b *strings.Builder, f finding.Finding, placed bool) {
	head := strings.ToUpper(f.Severity.String()) + ": " + oneLine(f.Message) + " [" + f.Rule + "]"
	for _, l := range ruledoc.Wrap(head, emailWidth, "", "") {
		b.WriteString(l + "\n")
	}
	if f.File != "" && !placed {
		loc := f.File
		if f.Line > 0 {
			loc = fmt.Sprintf("%s:%d", f.File, f.Line)
		}
		if f.Function != "" {
			loc += " (" + f.Function + ")"
		}
		b.WriteString("at " + loc + "\n")
	}
	if len(f.Chain) > 0 {
		b.WriteString("\n  call chain:\n")
		indent := "    "
		if f.Function != "" && !f.ChainShowsRoot() {
			b.WriteString(indent + f.Function + "()\n")
			indent = "      -> "
		}
		for i, h := range f.Chain {
			if i > 0 || indent != "    " {
				indent = "      -> "
			}
			line := h.Function + "()"
			if h.Why != "" {
				line += " [" + h.Why + "]"
			}
			for _, l := range ruledoc.Wrap(line, emailWidth, indent, "         ") {
				b.WriteString(l + "\n")
			}
			if h.File != "" {
				loc := h.File
				if h.Line > 0 {
					loc = fmt.Sprintf("%s:%d", h.File, h.Line)
				}
				b.WriteString("         " + loc + "\n")
			}
		}
	}
	if len(f.Config) > 0 {
		for _, l := range ruledoc.Wrap(configPhrase(f.Config), emailWidth, "\n  ", "    ") {
			b.WriteString(l + "\n")
		}
	}
	if h := finding.HoldsText(f.Holds); h != "" {
		for _, l := range ruledoc.Wrap("holds "+h, emailWidth, "  ", "    ") {
			b.WriteString(l + "\n")
		}
	}
	if n := pathsNote(f); n != "" {
		for _, l := range ruledoc.Wrap("("+n+")", emailWidth, "\n  ", "   ") {
			b.WriteString(l + "\n")
		}
	}
	if f.HunksOnly {
		for _, l := range ruledoc.Wrap("(reviewed from "+hunksOnlyNote+")", emailWidth, "\n  ", "   ") {
			b.WriteString(l + "\n")
		}
	}
	if f.Trace != nil && len(f.Trace.Steps) > 0 {
		b.WriteString("\n")
		for _, l := range TraceTableWidth(f.Trace, emailWidth-2) {
			b.WriteString("  " + l + "\n")
		}
	}
	if _, ok := ruledoc.Lookup(f.Rule); ok {
		b.WriteString("\n  (rcureview explain " + f.Rule + ")\n")
	}
	b.WriteString("\n")
}

// writeClosing writes what a reply ends with, as kernel bots do: the base
// it was reviewed on (repository, revision, how it was chosen), the
// remarks, and, when there is something to fix, the Reported-by: and
// Closes: tags a fix should carry.
func writeClosing(b *strings.Builder, r *Report, patches []*Patch, opt EmailOptions, replyID string) {
	var paras []string
	if l := baseLine(r, patches, opt); l != "" {
		paras = append(paras, l)
	}
	paras = append(paras, opt.Remarks...)
	for _, p := range paras {
		b.WriteString("\n")
		for _, l := range ruledoc.Wrap(p, emailWidth, "", "") {
			b.WriteString(l + "\n")
		}
	}
	if opt.ReportedBy == "" || !HasWarnings(patches) {
		return
	}
	b.WriteString("\nIf you fix the issue in a separate patch (not just a new version of this\none), kindly add these tags:\n")
	b.WriteString("| Reported-by: " + opt.ReportedBy + "\n")
	if opt.ArchiveURL != "" && replyID != "" {
		b.WriteString("| Closes: " + strings.ReplaceAll(opt.ArchiveURL, "{reply}", replyID) + "\n")
	}
}

// baseLine names the tree a review ran on when it is a git repository:
// "Base: REPOSITORY at REVISION (how it was chosen)". The how is the
// patches' Base when the series chose it (base-commit:, --try-rev, a
// tree that already had it), else the configured revision.
func baseLine(r *Report, patches []*Patch, opt EmailOptions) string {
	src := r.Kernel.Source
	if !strings.HasPrefix(src, "git:") {
		return ""
	}
	repo := opt.Repository
	if repo == "" {
		repo = "the kernel git tree"
	}
	how := ""
	for _, p := range patches {
		if p.Base != "" {
			how = p.Base
			break
		}
	}
	if how != "" {
		return "Base: " + repo + ", " + how + "."
	}
	return "Base: " + repo + " at " + src[strings.LastIndexByte(src, '@')+1:] + " (the configured revision)."
}

// footer signs the reply and says how to reproduce the review.
func footer(r *Report, p *Patch, opt EmailOptions) string {
	cmd := opt.Reproduce
	if cmd == "" {
		cmd = reproduceCommand(r, p)
	}
	var b strings.Builder
	b.WriteString(r.Tool + " " + r.Version + ", an RCU and tracing review robot.\n")
	b.WriteString("Reproduce:\n")
	// A pipeline too long for a line is broken before its "|" with a
	// shell continuation, so that it still pastes into a shell.
	parts := strings.Split(cmd, " | ")
	for i, part := range parts {
		lead := "  "
		if i > 0 {
			lead = "    | "
		}
		tail := ""
		if i < len(parts)-1 {
			tail = " \\"
		}
		b.WriteString(lead + part + tail + "\n")
	}
	return b.String()
}

func reproduceCommand(r *Report, p *Patch) string {
	tree := ""
	src := r.Kernel.Source
	switch {
	case strings.HasPrefix(src, "git:"):
		rev := src[strings.LastIndexByte(src, '@')+1:]
		if i := strings.IndexByte(rev, '('); i >= 0 {
			rev = strings.Trim(rev[i:], "()")
		}
		tree = " --git linux.git --rev " + strings.TrimSpace(rev)
	case strings.HasPrefix(src, "tree:"):
		tree = " --tree linux"
	}
	return "b4 am -o - " + p.Mail.MessageID + " | rcureview review" + tree + " -"
}

// configPhrase is the mail's line about a finding's conditions: "only
// with CONFIG_X && CONFIG_Y", or what ConfigText says of code that no
// configuration builds.
func configPhrase(conds []string) string {
	if finding.NeverBuilt(conds) {
		return "in " + finding.ConfigText(conds)
	}
	return "only with " + finding.ConfigText(conds)
}
