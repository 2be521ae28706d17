package reports

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/rcureview/rcureview/finding"
)

// sarifFingerprintKey names rcureview's fingerprint among a SARIF
// result's partialFingerprints.
const sarifFingerprintKey = "rcureviewFinding/v2"

// Baseline is the findings of an earlier report, by stable fingerprint
// (finding.Fingerprint): rule, root function, sink and call path, not
// line numbers, so that a finding survives unrelated edits around it.
type Baseline struct {
	Name   string         // the file it was read from
	counts map[string]int // fingerprint -> how many findings had it
	Total  int
}

// ReadBaseline reads a baseline file: a JSON report (schema 1, as
// --format json or --update-baseline write) or a SARIF log written by
// rcureview.
func ReadBaseline(path string) (*Baseline, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	b, err := ParseBaseline(data)
	if err != nil {
		return nil, fmt.Errorf("baseline %s: %w", path, err)
	}
	b.Name = path
	return b, nil
}

// ParseBaseline reads a JSON report or a SARIF log.
func ParseBaseline(data []byte) (*Baseline, error) {
	var probe struct {
		Schema  *int            `json:"schema"`
		Version string          `json:"version"`
		Runs    json.RawMessage `json:"runs"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return nil, fmt.Errorf("not a JSON report or SARIF log: %w", err)
	}
	b := &Baseline{counts: map[string]int{}}
	switch {
	case probe.Runs != nil:
		var log struct {
			Runs []struct {
				Results []struct {
					RuleID              string            `json:"ruleId"`
					PartialFingerprints map[string]string `json:"partialFingerprints"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(data, &log); err != nil {
			return nil, fmt.Errorf("SARIF: %w", err)
		}
		for _, run := range log.Runs {
			for _, res := range run.Results {
				fp := res.PartialFingerprints[sarifFingerprintKey]
				if fp == "" {
					return nil, fmt.Errorf("SARIF result %s has no %s fingerprint (not written by this rcureview)", res.RuleID, sarifFingerprintKey)
				}
				b.counts[fp]++
				b.Total++
			}
		}
	case probe.Schema != nil:
		if *probe.Schema != Schema {
			return nil, fmt.Errorf("JSON report schema %d, want %d", *probe.Schema, Schema)
		}
		var r Report
		dec := json.NewDecoder(bytes.NewReader(data))
		if err := dec.Decode(&r); err != nil {
			return nil, fmt.Errorf("JSON report: %w", err)
		}
		for _, p := range r.Patches {
			if p == nil {
				continue
			}
			for _, f := range p.Findings {
				b.counts[finding.Fingerprint(f)]++
				b.Total++
			}
		}
	default:
		return nil, errors.New("neither a JSON report (schema) nor a SARIF log (runs)")
	}
	return b, nil
}

// Apply marks the findings of r that the baseline has as
// finding.StatusUnchanged (each baseline finding matches at most one
// finding of r), records the baseline's name in the report, and returns
// how many findings it marked.
func (b *Baseline) Apply(r *Report) int {
	left := make(map[string]int, len(b.counts))
	for k, v := range b.counts {
		left[k] = v
	}
	n := 0
	for _, p := range r.Patches {
		for i := range p.Findings {
			fp := finding.Fingerprint(p.Findings[i])
			if left[fp] > 0 {
				left[fp]--
				p.Findings[i].Status = finding.StatusUnchanged
				n++
			}
		}
	}
	r.Baseline = b.Name
	if r.Baseline == "" {
		r.Baseline = "(baseline)"
	}
	return n
}
