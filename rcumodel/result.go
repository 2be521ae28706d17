package rcumodel

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel/check"
)

// Verdict is the outcome for one property.
type Verdict = check.Verdict

// Verdicts.
const (
	Holds     = check.Holds
	Violated  = check.Violated
	NoVerdict = check.NoVerdict
)

// Violation is a counterexample for one property.
type Violation struct {
	Property string // P1..P5, L1..L3
	Rule     string // rule ID
	Msg      string
	Steps    []Event // from the initial state; for safety the last one violates
	Cycle    []Event // liveness: repeats forever after Steps
	Stutter  bool    // liveness: after Steps nothing can happen at all
	Taken    []string
	Absent   []string // fairness classes never enabled on the cycle (what the counterexample relies on not happening)
	// Also are the other properties this same counterexample violates
	// (one trace, several verdicts); SameAs names the property whose
	// Violation carries the trace when this one is one of them.
	Also     []*Violation
	SameAs   string
	scenario string
	config   []string
	headers  []string
}

// PropertyResult is the verdict for one property.
type PropertyResult struct {
	Property  string
	Rule      string
	Verdict   Verdict
	Expected  string // "holds"/"violated" from the scenario, "" if none
	Violation *Violation
	Note      string // bound message for NoVerdict
}

// Result is the outcome of checking a scenario.
type Result struct {
	Scenario string
	Doc      string
	Profile  string
	States   int
	Edges    int
	Bytes    int64 // memory of the explored graph as the checker accounts it
	Complete bool
	BoundMsg string
	Elapsed  time.Duration
	Props    []PropertyResult
}

// Get returns the result for property id.
func (r *Result) Get(id string) (PropertyResult, bool) {
	for _, p := range r.Props {
		if p.Property == id {
			return p, true
		}
	}
	return PropertyResult{}, false
}

// Mismatches lists properties whose verdict differs from the scenario's
// expectation ("P1: expected holds, got violated").
func (r *Result) Mismatches() []string {
	var out []string
	for _, p := range r.Props {
		if p.Expected != "" && p.Expected != p.Verdict.String() {
			out = append(out, fmt.Sprintf("%s: expected %s, got %s", p.Property, p.Expected, p.Verdict))
		}
	}
	return out
}

// Rows is the number of table rows of the counterexample (transitions).
func (v *Violation) Rows() int { return len(v.Steps) + len(v.Cycle) }

// Finding converts the counterexample to the project's finding type; the
// properties it also violates are named in the message and the trace.
func (v *Violation) Finding() finding.Finding {
	msg := v.Msg
	prop := v.Property + " " + v.Rule
	for _, a := range v.Also {
		msg += "; also " + a.Property + ": " + a.Msg
		prop += ", " + a.Property + " " + a.Rule
	}
	f := finding.Finding{
		Rule:     v.Rule,
		Severity: finding.Error,
		Function: v.scenario,
		Message:  fmt.Sprintf("model: %s (scenario %s)", msg, v.scenario),
		Config:   append([]string(nil), v.config...),
		Trace:    &finding.Trace{Property: prop},
	}
	if r, ok := finding.LookupRule(v.Rule); ok {
		f.Severity = r.Severity
	}
	add := func(e Event, prefix string) {
		text := prefix + taskPrefix(e) + e.Text
		if len(e.Notes) > 0 {
			text += ": " + strings.Join(e.Notes, "; ")
		}
		f.Trace.Steps = append(f.Trace.Steps, finding.Step{CPU: e.CPU, Context: e.Ctx, Event: text})
	}
	for _, e := range v.Steps {
		add(e, "")
	}
	for _, e := range v.Cycle {
		add(e, "(cycle) ")
	}
	return f
}

// sameTrace reports whether two counterexamples are the same run.
func sameTrace(a, b *Violation) bool {
	if a.Stutter != b.Stutter || len(a.Steps) != len(b.Steps) || len(a.Cycle) != len(b.Cycle) {
		return false
	}
	eq := func(x, y []Event) bool {
		for i := range x {
			if x[i].CPU != y[i].CPU || x[i].Ctx != y[i].Ctx || x[i].Text != y[i].Text || strings.Join(x[i].Notes, "\n") != strings.Join(y[i].Notes, "\n") {
				return false
			}
		}
		return true
	}
	return eq(a.Steps, b.Steps) && eq(a.Cycle, b.Cycle)
}

// shareTraces links the violations of r that are the same counterexample:
// the first (in report order) keeps the trace, the others point at it.
func (r *Result) shareTraces() {
	for i := range r.Props {
		v := r.Props[i].Violation
		if v == nil || v.SameAs != "" {
			continue
		}
		for j := i + 1; j < len(r.Props); j++ {
			w := r.Props[j].Violation
			if w != nil && w.SameAs == "" && len(w.Also) == 0 && sameTrace(v, w) {
				w.SameAs = v.Property
				v.Also = append(v.Also, w)
			}
		}
	}
}

func taskPrefix(e Event) string {
	if e.Ctx == "task" && e.Task != "" {
		return e.Task + ": "
	}
	return ""
}

// Findings returns a finding per violated property.
func (r *Result) Findings() []finding.Finding {
	var out []finding.Finding
	for _, p := range r.Props {
		if p.Violation != nil && p.Violation.SameAs == "" {
			out = append(out, p.Violation.Finding())
		}
	}
	return out
}

const colWidth = 44

// Table prints the verdicts and, per violation, the per-CPU column trace
// of research/rcu-model.md S.5.
func (r *Result) Table(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s (profile %s): %d states, %d transitions, %s\n", r.Scenario, r.Profile, r.States, r.Edges, r.Elapsed.Round(time.Millisecond))
	if r.BoundMsg != "" {
		fmt.Fprintf(&b, "  %s\n", r.BoundMsg)
	}
	for _, p := range r.Props {
		exp := ""
		if p.Expected != "" {
			mark := "as expected"
			if p.Expected != p.Verdict.String() {
				mark = "EXPECTED " + p.Expected
			}
			exp = " (" + mark + ")"
		}
		fmt.Fprintf(&b, "  %-3s %-26s %s%s\n", p.Property, p.Rule, p.Verdict, exp)
	}
	for _, p := range r.Props {
		if p.Violation != nil && p.Violation.SameAs == "" {
			b.WriteString("\n")
			p.Violation.table(&b)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (v *Violation) table(b *strings.Builder) {
	ncol := len(v.headers)
	line := func(col int, text string) {
		cells := make([]string, ncol)
		cells[col] = text
		var l strings.Builder
		for i, c := range cells {
			if i < ncol-1 {
				if len(c) >= colWidth {
					l.WriteString(c + " ")
				} else {
					l.WriteString(c + strings.Repeat(" ", colWidth-len(c)))
				}
			} else {
				l.WriteString(c)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " ") + "\n")
	}
	var hdr, rule strings.Builder
	for i, h := range v.headers {
		pad := colWidth - len(h)
		if i == ncol-1 || pad < 1 {
			pad = 1
		}
		hdr.WriteString(h + strings.Repeat(" ", pad))
		rule.WriteString(strings.Repeat("-", len(h)) + strings.Repeat(" ", pad))
	}
	b.WriteString(strings.TrimRight(hdr.String(), " ") + "\n")
	b.WriteString(strings.TrimRight(rule.String(), " ") + "\n")
	row := func(e Event) {
		col := e.CPU
		if col < 0 || col >= ncol-1 {
			col = ncol - 1
		}
		text := e.Text
		switch {
		case e.Ctx == "task":
			text = taskPrefix(e) + text
		case e.Ctx == "sched" || e.Ctx == "kthread":
		default:
			text = "[" + e.Ctx + "] " + text
		}
		line(col, text)
		for _, n := range e.Notes {
			line(col, "    "+n)
		}
	}
	for _, e := range v.Steps {
		row(e)
	}
	switch {
	case v.Stutter:
		line(0, "... then no transition is enabled: stuck forever")
	case len(v.Cycle) > 0:
		line(0, "... cycle, repeats forever:")
		for _, e := range v.Cycle {
			row(e)
		}
	}
	fmt.Fprintf(b, "VIOLATION %s (%s): %s\n", v.Property, v.Rule, v.Msg)
	for _, a := range v.Also {
		fmt.Fprintf(b, "VIOLATION %s (%s), same run: %s\n", a.Property, a.Rule, a.Msg)
	}
	if len(v.Cycle) > 0 || v.Stutter {
		fmt.Fprintf(b, "Fairness: taken on the cycle: %s; never enabled: %s\n", orNone(v.Taken), orNone(v.Absent))
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}

type jsonStep struct {
	Scenario string   `json:"scenario"`
	Property string   `json:"property"`
	Rule     string   `json:"rule"`
	Step     int      `json:"step"`
	Cycle    bool     `json:"cycle,omitempty"`
	CPU      int      `json:"cpu"`
	Ctx      string   `json:"ctx"`
	Task     string   `json:"task,omitempty"`
	Event    string   `json:"event"`
	Notes    []string `json:"notes,omitempty"`
}

type jsonVerdict struct {
	Scenario string `json:"scenario"`
	Profile  string `json:"profile"`
	Property string `json:"property"`
	Rule     string `json:"rule"`
	Verdict  string `json:"verdict"`
	Expected string `json:"expected,omitempty"`
	Message  string `json:"message,omitempty"`
	States   int    `json:"states"`
	Note     string `json:"note,omitempty"`
	SameAs   string `json:"same_trace_as,omitempty"`
}

// JSONLines writes one JSON object per property verdict, each followed by
// its counterexample steps (one object per step).
func (r *Result) JSONLines(w io.Writer) error {
	enc := json.NewEncoder(w)
	for _, p := range r.Props {
		v := jsonVerdict{Scenario: r.Scenario, Profile: r.Profile, Property: p.Property, Rule: p.Rule,
			Verdict: p.Verdict.String(), Expected: p.Expected, States: r.States, Note: p.Note}
		if p.Violation != nil {
			v.Message, v.Rule, v.SameAs = p.Violation.Msg, p.Violation.Rule, p.Violation.SameAs
		}
		if err := enc.Encode(v); err != nil {
			return fmt.Errorf("write verdict %s: %w", p.Property, err)
		}
		if p.Violation == nil || p.Violation.SameAs != "" {
			continue // a shared trace is written under the first property
		}
		n := 0
		emit := func(e Event, cyc bool) error {
			n++
			return enc.Encode(jsonStep{Scenario: r.Scenario, Property: p.Property, Rule: p.Violation.Rule, Step: n, Cycle: cyc,
				CPU: e.CPU, Ctx: e.Ctx, Task: e.Task, Event: e.Text, Notes: e.Notes})
		}
		for _, e := range p.Violation.Steps {
			if err := emit(e, false); err != nil {
				return fmt.Errorf("write step: %w", err)
			}
		}
		for _, e := range p.Violation.Cycle {
			if err := emit(e, true); err != nil {
				return fmt.Errorf("write step: %w", err)
			}
		}
	}
	return nil
}

// convert builds a Violation from the checker's counterexample.
func (m *Model) convert(v *check.Violation[State, Event]) *Violation {
	prop, ok := LookupProperty(strings.SplitN(v.Property, "/", 2)[0])
	if !ok && v.Property == ExistsProperty.ID {
		prop = ExistsProperty
	}
	out := &Violation{Property: prop.ID, Rule: prop.Rule, Msg: v.Msg, Stutter: v.Stutter, scenario: m.Scenario.Name}
	if v.Tag != "" {
		out.Rule = v.Tag // a context rule more specific than P3's default
	}
	flat := func(e Event) []Event {
		then := e.Then
		e.Then = nil
		return append([]Event{e}, then...)
	}
	for _, s := range v.Prefix {
		out.Steps = append(out.Steps, flat(s.Label)...)
	}
	for _, s := range v.Cycle {
		out.Cycle = append(out.Cycle, flat(s.Label)...)
	}
	for _, c := range check.Classes(v.Taken) {
		out.Taken = append(out.Taken, m.ClassName(c))
	}
	entry := v.Init
	if len(v.Prefix) > 0 {
		entry = v.Prefix[len(v.Prefix)-1].State
	}
	for _, c := range check.Classes(v.NeverEnabled) {
		if c < len(m.classes) && m.relevantClass(&entry, m.ClassName(c)) {
			out.Absent = append(out.Absent, m.ClassName(c))
		}
	}
	out.config = append(out.config, "profile="+m.Profile.Name)
	for _, kv := range m.Scenario.Config {
		out.config = append(out.config, kv.Key+"="+kv.Value)
	}
	sort.Strings(out.config[1:])
	out.headers = m.headers()
	return out
}

// relevantClass keeps absent-fairness reports to the events a reviewer
// would ask about: the tick of a CPU that is running a task, the FQS scan
// while a normal GP runs, the boost kthread when CONFIG_RCU_BOOST is on.
func (m *Model) relevantClass(s *State, name string) bool {
	for c := 0; c < m.ncpu; c++ {
		if name == m.classes[m.cpuClass[c][1]] {
			return int(s.C[c].Curr) != idleTask(c)
		}
	}
	switch name {
	case "fqs":
		return running(s.Seq[FlavourRCU])
	case "boost kthread", "boost delay":
		return m.Config.RCUBoost
	}
	return false
}

// headers are the column titles: one per CPU plus GP/kthreads.
func (m *Model) headers() []string {
	var h []string
	for c := 0; c < m.ncpu; c++ {
		title := fmt.Sprintf("CPU %d", c)
		var attrs []string
		if m.Config.NohzFull&(1<<c) != 0 {
			attrs = append(attrs, "nohz_full")
		}
		if m.Config.TickStopped&(1<<c) != 0 {
			attrs = append(attrs, "tick stopped")
		}
		if len(attrs) > 0 {
			title += " (" + strings.Join(attrs, ", ") + ")"
		}
		h = append(h, title)
	}
	return append(h, "GP/kthreads")
}
