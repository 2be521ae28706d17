package finding

import (
	"fmt"
	"sort"
	"strings"
)

// Path is one chain of a grouped finding: one sink that the finding's root
// reaches through the finding's first instrumented callee. JSON keeps every
// path of a finding in its "paths" array (an addition to schema 1); the
// finding's own chain, config and sink are those of its lead path.
type Path struct {
	Sink     string   `json:"sink"`
	Target   string   `json:"target"` // the event, function or hook reached
	Severity Severity `json:"severity"`
	Status   Status   `json:"status"`
	Message  string   `json:"message"`
	Chain    []Hop    `json:"chain"`
	Config   []string `json:"config"`
	// Holds is the path's Finding.Holds.
	Holds []ConfigHold `json:"holds,omitempty"`
}

// Group merges the findings that are one problem seen through several
// sinks: findings with the same rule, location, function and non-empty
// Group key (for the notrace rule: one root × its first instrumented
// callee). The merged finding has the worst severity of its paths and the
// best status (new, then changed, then pre-existing); its chain, config and
// sink are those of the lead path — among the paths of that severity, the
// one a maintainer would quote first: fewest configuration conditions, then
// shortest chain — and Paths lists every path, lead first. When a group has
// more than one path its message is the group's Lead followed by what the
// other paths reach ("…, which reaches 8 tracepoints (softirq_raise,
// ipi_send_cpu, …) and 10 debug hooks (lock_acquire, …)"). Findings without a Group key
// pass through unchanged. Group is idempotent and keeps the order of first
// appearance.
func Group(fs []Finding) []Finding {
	type groupKey struct {
		rule, file, function, group string
		line                        int
	}
	at := map[groupKey]int{}
	var out []Finding
	var members [][]Finding
	for _, f := range fs {
		if f.Group == "" {
			out = append(out, f)
			members = append(members, nil)
			continue
		}
		k := groupKey{f.Rule, f.File, f.Function, f.Group, f.Line}
		if i, ok := at[k]; ok {
			members[i] = append(members[i], f)
			continue
		}
		at[k] = len(out)
		out = append(out, f)
		members = append(members, []Finding{f})
	}
	for i, ms := range members {
		if ms != nil {
			out[i] = merge(ms)
		}
	}
	return out
}

// merge folds the members of one group into one finding.
func merge(ms []Finding) Finding {
	var paths []Path
	var from []int // member of each path
	for i, m := range ms {
		if len(m.Paths) > 0 {
			for _, p := range m.Paths {
				paths = append(paths, p)
				from = append(from, i)
			}
			continue
		}
		paths = append(paths, Path{Sink: m.Sink, Target: m.Target, Severity: m.Severity, Status: m.Status,
			Message: m.Message, Chain: m.Chain, Config: m.Config, Holds: m.Holds})
		from = append(from, i)
	}
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return pathBefore(paths[order[a]], paths[order[b]]) })
	sorted := make([]Path, len(paths))
	seen := map[string]bool{}
	n := 0
	for _, i := range order {
		k := paths[i].Sink + "\x00" + paths[i].Target
		if seen[k] {
			continue // the same sink twice: a finding merged again
		}
		seen[k] = true
		sorted[n] = paths[i]
		n++
	}
	sorted = sorted[:n]
	lead := ms[from[order[0]]]
	f := lead
	f.Paths = sorted
	f.Severity = sorted[0].Severity
	f.Sink, f.Target, f.Chain, f.Config = sorted[0].Sink, sorted[0].Target, sorted[0].Chain, sorted[0].Config
	f.Status = sorted[0].Status
	for _, p := range sorted {
		if statusRank(p.Status) < statusRank(f.Status) {
			f.Status = p.Status
		}
	}
	f.Holds = anyHolds(sorted)
	if len(sorted) == 1 {
		f.Message = sorted[0].Message
	} else {
		f.Message = groupMessage(lead.Lead, f.Group, sorted)
	}
	return f
}

// anyHolds is whether some path holds, per named configuration.
func anyHolds(ps []Path) []ConfigHold {
	var out []ConfigHold
	for _, p := range ps {
		for _, h := range p.Holds {
			i := 0
			for i < len(out) && out[i].Config != h.Config {
				i++
			}
			if i == len(out) {
				out = append(out, ConfigHold{Config: h.Config})
			}
			out[i].Holds = out[i].Holds || h.Holds
		}
	}
	return out
}

// pathBefore orders paths as a maintainer reads them: worst severity first,
// then fewest configuration conditions, then shortest chain, then name.
func pathBefore(a, b Path) bool {
	if a.Severity != b.Severity {
		return a.Severity > b.Severity
	}
	if len(a.Config) != len(b.Config) {
		return len(a.Config) < len(b.Config)
	}
	if len(a.Chain) != len(b.Chain) {
		return len(a.Chain) < len(b.Chain)
	}
	if a.Target != b.Target {
		return a.Target < b.Target
	}
	return a.Sink < b.Sink
}

func statusRank(s Status) int {
	switch s {
	case StatusNew, "":
		return 0
	case StatusChanged:
		return 1
	}
	return 2
}

// sinkNouns names sink kinds in the plural, in the order a merged message
// lists them (the JSON "sink" values of the notrace and noinstr rules).
var sinkNouns = []struct{ sink, one, many string }{
	{"tracepoint", "tracepoint", "tracepoints"},
	{"ring-buffer", "ring-buffer write", "ring-buffer writes"},
	{"hook", "debug hook", "debug hooks"},
	{"ftrace", "ftrace-able function", "ftrace-able functions"},
	{"ftrace-maybe", "function ftrace-able unless inlined", "functions ftrace-able unless inlined"},
	{"noinstr", "instrumentable function", "instrumentable functions"},
	{"indirect", "indirect call", "indirect calls"},
	{"unknown", "unknown function", "unknown functions"},
}

// maxNamed bounds how many targets of one kind a merged message names.
const maxNamed = 3

// groupMessage is lead + ", which reaches N <kinds> (a, b, c, …) and M
// <kinds> (…)", leaving out the path that is the group's own callee.
func groupMessage(lead, group string, paths []Path) string {
	if lead == "" {
		lead = paths[0].Message
	}
	byKind := map[string][]string{}
	for _, p := range paths {
		if p.Target == group && len(p.Chain) > 0 && p.Chain[len(p.Chain)-1].Function == group {
			continue // the callee itself: the lead says it
		}
		byKind[p.Sink] = append(byKind[p.Sink], p.Target)
	}
	var parts []string
	add := func(one, many string, names []string) {
		noun := many
		if len(names) == 1 {
			noun = one
		}
		shown := names
		more := ""
		if len(shown) > maxNamed {
			shown, more = shown[:maxNamed], ", …"
		}
		parts = append(parts, fmt.Sprintf("%d %s (%s%s)", len(names), noun, strings.Join(shown, ", "), more))
	}
	known := map[string]bool{}
	for _, k := range sinkNouns {
		known[k.sink] = true
		if names := byKind[k.sink]; len(names) > 0 {
			add(k.one, k.many, names)
		}
	}
	var other []string
	for k := range byKind {
		if !known[k] {
			other = append(other, k)
		}
	}
	sort.Strings(other)
	for _, k := range other {
		add(k, k+"s", byKind[k])
	}
	if len(parts) == 0 {
		return lead
	}
	list := parts[0]
	if len(parts) > 1 {
		list = strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
	}
	return lead + ", which reaches " + list
}
