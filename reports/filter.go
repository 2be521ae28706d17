package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/finding"
)

// RuleFilter drops findings by rule, as checkpatch's --ignore TYPE,… and
// --types TYPE,… do: Ignore removes the rules it names, Only (when not
// empty) keeps only the rules it names.
type RuleFilter struct {
	Ignore map[string]bool
	Only   map[string]bool
}

// ParseRuleList reads comma- or space-separated rule IDs (any case, as
// checkpatch's upper-case TYPEs are typed) and checks each against the
// rule catalogue.
func ParseRuleList(values []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, v := range values {
		for _, id := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			id = strings.ToLower(strings.ReplaceAll(id, "_", "-"))
			if _, ok := finding.LookupRule(id); !ok {
				return nil, fmt.Errorf("unknown rule %q (see \"rcureview rules\")", id)
			}
			out[id] = true
		}
	}
	return out, nil
}

// Keep reports whether findings of rule stay in the report.
func (rf RuleFilter) Keep(rule string) bool {
	if rf.Ignore[rule] {
		return false
	}
	return len(rf.Only) == 0 || rf.Only[rule]
}

// Empty reports whether the filter keeps everything.
func (rf RuleFilter) Empty() bool { return len(rf.Ignore) == 0 && len(rf.Only) == 0 }

// Apply removes the findings the filter drops from every patch and
// returns how many it removed.
func (rf RuleFilter) Apply(r *Report) int {
	if rf.Empty() {
		return 0
	}
	dropped := 0
	for _, p := range r.Patches {
		kept := p.Findings[:0]
		for _, f := range p.Findings {
			if rf.Keep(f.Rule) {
				kept = append(kept, f)
			} else {
				dropped++
			}
		}
		p.Findings = kept
	}
	return dropped
}

// String lists the filter for a report note.
func (rf RuleFilter) String() string {
	var parts []string
	if len(rf.Ignore) > 0 {
		parts = append(parts, "ignoring "+strings.Join(ruleNames(rf.Ignore), ","))
	}
	if len(rf.Only) > 0 {
		parts = append(parts, "only "+strings.Join(ruleNames(rf.Only), ","))
	}
	return strings.Join(parts, "; ")
}

func ruleNames(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Curate applies what the user asked to leave out or to set aside: it
// drops findings of the rules the filter removes and marks the findings
// a baseline (may be nil) already had as unchanged, noting both in the
// report.
func Curate(r *Report, rules RuleFilter, b *Baseline) {
	if n := rules.Apply(r); n > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("dropped %d finding(s): %s", n, rules))
	}
	if b == nil {
		return
	}
	total := 0
	for _, p := range r.Patches {
		total += len(p.Findings)
	}
	n := b.Apply(r)
	r.Notes = append(r.Notes, fmt.Sprintf("baseline %s: %d of %d finding(s) unchanged", r.Baseline, n, total))
}
