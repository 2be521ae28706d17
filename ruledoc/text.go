package ruledoc

import (
	"strings"
)

// Width is the column limit of the plain-text rendering.
const Width = 78

// Text renders the documentation as plain text for "rcureview explain" and
// the SARIF help text: sections wrapped at Width columns, the example
// indented with tabs expanded.
func (d Doc) Text() string {
	var b strings.Builder
	for _, l := range Wrap(d.Title(), Width, "", "    ") {
		b.WriteString(l + "\n")
	}
	section := func(title, body string) {
		if body == "" {
			return
		}
		b.WriteString("\n" + title + "\n")
		for _, l := range Wrap(body, Width, "  ", "  ") {
			b.WriteString(l + "\n")
		}
	}
	section("What it means", d.Meaning)
	section("Why it matters in the kernel", d.Why)
	if len(d.Refs) > 0 {
		b.WriteString("\nIn the kernel\n")
		for _, r := range d.Refs {
			for _, l := range Wrap(r.RefText(), Width, "  - ", "    ") {
				b.WriteString(l + "\n")
			}
		}
	}
	section("How to fix", d.Fix)
	if d.Example != "" {
		b.WriteString("\nExample\n")
		for _, l := range strings.Split(d.Example, "\n") {
			b.WriteString(strings.TrimRight("    "+ExpandTabs(l), " ") + "\n")
		}
	}
	return b.String()
}

// Markdown renders the documentation as GitHub-flavoured Markdown, for the
// SARIF rule help shown by code-scanning UIs.
func (d Doc) Markdown() string {
	var b strings.Builder
	b.WriteString("**" + d.ID + "** (" + d.Severity.String() + "): " + d.Summary + "\n")
	sec := func(title, body string) {
		if body != "" {
			b.WriteString("\n### " + title + "\n\n" + body + "\n")
		}
	}
	sec("What it means", d.Meaning)
	sec("Why it matters in the kernel", d.Why)
	if len(d.Refs) > 0 {
		b.WriteString("\n### In the kernel\n\n")
		for _, r := range d.Refs {
			b.WriteString("- " + r.RefText() + "\n")
		}
	}
	sec("How to fix", d.Fix)
	if d.Example != "" {
		b.WriteString("\n### Example\n\n```c\n" + d.Example + "\n```\n")
	}
	return b.String()
}

// Wrap breaks text into lines of at most width columns: the first line
// starts with first, the others with rest. Words longer than a line are
// kept whole on a line of their own rather than cut.
func Wrap(text string, width int, first, rest string) []string {
	words := strings.Fields(text)
	var out []string
	line := first
	empty := true
	for _, w := range words {
		if !empty && len(line)+1+len(w) > width {
			out = append(out, line)
			line, empty = rest, true
		}
		if empty {
			line += w
			empty = false
		} else {
			line += " " + w
		}
	}
	if !empty {
		out = append(out, line)
	}
	return out
}

// ExpandTabs replaces tabs with spaces up to the next multiple of 8.
func ExpandTabs(s string) string {
	if !strings.Contains(s, "\t") {
		return s
	}
	var b strings.Builder
	col := 0
	for _, r := range s {
		if r == '\t' {
			n := 8 - col%8
			b.WriteString(strings.Repeat(" ", n))
			col += n
			continue
		}
		b.WriteRune(r)
		col++
	}
	return b.String()
}
