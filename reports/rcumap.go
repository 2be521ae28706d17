package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/rcureview/rcureview/finding"
)

// WriteRCUMap writes the protection map of an RCU location as plain-text
// tables (what "rcureview explain --location" prints): the reader paths
// with one column per protection flavour, then the retire paths with
// their grace periods and chains. Rows a finding is about are marked ">".
func WriteRCUMap(w io.Writer, m *finding.RCUMap) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", m.Location)
	fmt.Fprintf(&b, "readers (%d paths):\n", len(m.Readers))
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	head := []string{" ", "READ AT", "FUNCTION", "PRIMITIVE"}
	for _, f := range m.Flavours {
		head = append(head, strings.ToUpper(f))
	}
	head = append(head, "COVERED", "VIA / NOTE")
	fmt.Fprintln(tw, strings.Join(head, "\t"))
	for _, r := range m.Readers {
		row := []string{mark(r.Finding), r.Site, r.Function + "()", r.Primitive + "()"}
		for _, p := range r.Protection {
			row = append(row, dash(p))
		}
		row = append(row, dash(r.Covered), readerNote(r))
		fmt.Fprintln(tw, strings.Join(row, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("rcu map table: %w", err)
	}
	if m.MoreReaders > 0 {
		fmt.Fprintf(&b, "  (%d more readers not shown)\n", m.MoreReaders)
	}
	fmt.Fprintf(&b, "\nretire paths (%d):\n", len(m.Retires))
	if len(m.Retires) > 0 {
		tw = tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, " \tUPDATE AT\tFUNCTION\tPRIMITIVE\tGRACE PERIODS (AND THE CHAIN TO THEM)")
		for _, rt := range m.Retires {
			for i, wt := range rt.Waits {
				gp := wt.Wait
				if wt.Chain != "" {
					gp += " via " + wt.Chain
				}
				if i == 0 {
					fmt.Fprintf(tw, "%s\t%s\t%s()\t%s()\t%s\n", mark(rt.Finding), rt.Site, rt.Function, rt.Primitive, gp)
				} else {
					fmt.Fprintf(tw, " \t\t\t\tthen %s\n", gp)
				}
			}
		}
		if err := tw.Flush(); err != nil {
			return fmt.Errorf("rcu map table: %w", err)
		}
	}
	if len(m.Unretired) > 0 {
		fmt.Fprintf(&b, "\nupdates without a retire path found (%d, not judged):\n", len(m.Unretired))
		for _, u := range m.Unretired {
			fmt.Fprintf(&b, "  %s\n", u)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// readerNote is the last column of a reader row: the callers of the path,
// the lockdep condition of the read, what a path without a section is.
func readerNote(r finding.RCUMapReader) string {
	var parts []string
	if r.Via != "" {
		parts = append(parts, "via "+r.Via)
	}
	if r.Lockdep != "" {
		parts = append(parts, "lockdep: "+r.Lockdep)
	}
	if r.Other != "" {
		parts = append(parts, r.Other)
	}
	return strings.Join(parts, "; ")
}

func mark(focus bool) string {
	if focus {
		return ">"
	}
	return " "
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
