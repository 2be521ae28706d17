package rcumodel

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/rcureview/rcureview/rcumodel/check"
	"github.com/rcureview/rcureview/rcumodel/scenario"
)

// Scenario is a parsed or built scenario (see package scenario for the
// text format and the builder functions).
type Scenario = scenario.Scenario

//go:embed scenarios/*.rcu
var embedded embed.FS

// ScenarioInfo describes an embedded scenario.
type ScenarioInfo struct {
	Name    string
	Doc     string
	Profile string
	Expect  map[string]string
}

// List returns the embedded scenarios, sorted by name.
func List() ([]ScenarioInfo, error) {
	names, err := fs.Glob(embedded, "scenarios/*.rcu")
	if err != nil {
		return nil, fmt.Errorf("list embedded scenarios: %w", err)
	}
	var out []ScenarioInfo
	for _, n := range names {
		s, err := loadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, ScenarioInfo{Name: s.Name, Doc: s.Doc, Profile: s.Profile, Expect: s.Expected()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func loadFile(n string) (*Scenario, error) {
	src, err := embedded.ReadFile(n)
	if err != nil {
		return nil, fmt.Errorf("read embedded scenario %s: %w", n, err)
	}
	s, err := scenario.Parse(path.Base(n), src)
	if err != nil {
		return nil, fmt.Errorf("embedded scenario: %w", err)
	}
	return s, nil
}

// Load returns the embedded scenario called name.
func Load(name string) (*Scenario, error) {
	names, err := fs.Glob(embedded, "scenarios/*.rcu")
	if err != nil {
		return nil, fmt.Errorf("list embedded scenarios: %w", err)
	}
	for _, n := range names {
		s, err := loadFile(n)
		if err != nil {
			return nil, err
		}
		if s.Name == name {
			return s, nil
		}
	}
	return nil, fmt.Errorf("no embedded scenario %q (see rcureview model list)", name)
}

// ParseScenario parses scenario text; name is used in error messages
// ("name:line:col: ...").
func ParseScenario(name string, src []byte) (*Scenario, error) {
	return scenario.Parse(name, src)
}

// Options overrides a scenario's bounds and profile.
type Options struct {
	Profile string // "" keeps the scenario's profile
	// MaxStates is the ceiling on explored states (0: DefaultMaxStates). A
	// scenario's "bounds states=N" may lower it, never raise it.
	MaxStates int
	// MaxBytes bounds the memory of the explored graph as the checker
	// accounts it (0: DefaultMaxBytes, scaled up with an explicit
	// MaxStates above DefaultMaxStates).
	MaxBytes int64
	MaxDepth int  // 0: scenario bound, else unlimited
	DFS      bool // depth-first search (traces are the DFS stack, not shortest)
	// Custom, when set, is the implementation checked instead of the named
	// profile: a profile derived from (patched) kernel code by an analyzer.
	// Its Name is what results and traces report.
	Custom *Profile
	// Tracepoint, when set, is the tracepoint implementation probes run
	// under instead of the scenario's do_trace knob: the guard derived
	// from a (patched) __DO_TRACE() by an analyzer.
	Tracepoint *Tracepoint
}

// Default bounds of an exploration. A state takes about 500 bytes of
// graph (its 416-byte encoding, hash slot, parent/depth/edge records);
// with the collector's headroom a million states stay within 1 GiB of
// resident memory (bench/model.sh and the memory test measure it).
const (
	DefaultMaxStates       = 1_000_000
	DefaultMaxBytes  int64 = 448 << 20
)

// Check compiles and explores a scenario and returns the verdict of every
// checked property (the scenario's "check" list, default all).
func Check(s *Scenario, opts Options) (*Result, error) {
	if opts.Profile != "" {
		c := *s
		c.Profile = opts.Profile
		s = &c
	}
	m, err := compile(s, opts.Tracepoint)
	if err != nil {
		return nil, err
	}
	if opts.Custom != nil {
		m.Profile = *opts.Custom
	}
	want := map[string]bool{}
	for _, id := range s.Check {
		if _, ok := LookupProperty(id); !ok {
			return nil, fmt.Errorf("%s:%s: check: unknown property %q (P1..P5, L1..L3)", s.Name, s.Pos, id)
		}
		want[id] = true
	}
	if len(want) == 0 {
		for _, p := range Properties {
			want[p.ID] = true
		}
	}
	for _, kv := range s.Expect {
		if _, ok := LookupProperty(kv.Key); !ok && kv.Key != "EXISTS" {
			return nil, fmt.Errorf("%s:%s: expect: unknown property %q (P1..P5, L1..L3)", s.Name, kv.Pos, kv.Key)
		}
		want[kv.Key] = true
	}
	props := Properties
	if len(m.exists) > 0 {
		props = append(append([]Property(nil), Properties...), ExistsProperty)
		want["EXISTS"] = true
	}
	copt, capped, err := bounds(s, opts)
	if err != nil {
		return nil, err
	}
	var safety []string
	for _, id := range append(safetyIDs, "EXISTS") {
		if want[id] {
			safety = append(safety, id)
		}
	}
	start := time.Now()
	res, err := check.Explore[State, Event](m, safety, m.liveness(want), copt)
	if err != nil {
		return nil, fmt.Errorf("check %s: %w", s.Name, err)
	}
	out := &Result{Scenario: s.Name, Doc: s.Doc, Profile: m.Profile.Name, States: res.States, Edges: res.Edges, Bytes: res.Bytes,
		Complete: res.Complete, BoundMsg: res.BoundMsg, Elapsed: time.Since(start)}
	if capped != "" && !res.Complete {
		out.BoundMsg += " (" + capped + ")"
	}
	exp := s.Expected()
	for _, p := range props {
		if !want[p.ID] {
			continue
		}
		pr := PropertyResult{Property: p.ID, Rule: p.Rule, Verdict: Holds, Expected: exp[p.ID]}
		for k, v := range res.Verdicts {
			if k != p.ID && !strings.HasPrefix(k, p.ID+"/") {
				continue
			}
			if v == NoVerdict && pr.Verdict == Holds {
				pr.Verdict = v
			}
			if cv := res.Violations[k]; cv != nil && pr.Violation == nil {
				pr.Violation = m.convert(cv)
				pr.Verdict = Violated
			}
		}
		if pr.Verdict == NoVerdict {
			pr.Note = res.BoundMsg
		}
		out.Props = append(out.Props, pr)
	}
	out.shareTraces()
	return out, nil
}

// bounds combines the scenario's bounds with the caller's: the caller's
// MaxStates is a ceiling the scenario cannot raise. capped says when the
// scenario asked for more than the ceiling.
func bounds(s *Scenario, opts Options) (check.Options, string, error) {
	ceiling := opts.MaxStates
	if ceiling <= 0 {
		ceiling = DefaultMaxStates
	}
	copt := check.Options{MaxStates: ceiling, DFS: opts.DFS, MaxBytes: opts.MaxBytes}
	if copt.MaxBytes <= 0 {
		copt.MaxBytes = DefaultMaxBytes
		if ceiling > DefaultMaxStates {
			copt.MaxBytes = int64(float64(DefaultMaxBytes) * float64(ceiling) / DefaultMaxStates)
		}
	}
	capped := ""
	for _, kv := range s.Bounds {
		n, err := strconv.ParseInt(kv.Value, 10, 64)
		if err != nil || n <= 0 {
			return copt, "", fmt.Errorf("%s:%s: bounds %s=%q: want a positive number", s.Name, kv.Pos, kv.Key, kv.Value)
		}
		switch kv.Key {
		case "states":
			if n > int64(ceiling) {
				capped = fmt.Sprintf("the scenario asks for states=%d; the ceiling is %d (--max-states)", n, ceiling)
				n = int64(ceiling)
			}
			copt.MaxStates = int(n)
		case "depth":
			copt.MaxDepth = int(min(n, 1<<20))
		default:
			return copt, "", fmt.Errorf("%s:%s: bounds: unknown bound %q (states, depth)", s.Name, kv.Pos, kv.Key)
		}
	}
	if opts.MaxDepth > 0 {
		copt.MaxDepth = opts.MaxDepth
	}
	return copt, capped, nil
}
