package litmus

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// Summary counts the results of a sweep against expected verdicts.
type Summary struct {
	Total       int             `json:"total"`
	Supported   int             `json:"supported"` // got Never, Sometimes or Always
	Unsupported int             `json:"unsupported"`
	NoVerdict   int             `json:"no_verdict"`
	Errors      int             `json:"errors"`
	Verdicts    map[Verdict]int `json:"verdicts"`
	Reasons     map[string]int  `json:"unsupported_reasons,omitempty"`

	ExpectedNever      int      `json:"expected_never"`
	NeverSupported     int      `json:"expected_never_supported"`
	NeverAgree         int      `json:"never_agree"`
	ModelBugs          []string `json:"model_bugs,omitempty"` // expected Never, got Sometimes/Always
	ExpectedSometimes  int      `json:"expected_sometimes"`
	SometimesSupported int      `json:"expected_sometimes_supported"`
	SometimesAgree     int      `json:"sometimes_agree"`
}

// Add counts one result whose expected verdict is exp ("" when unknown).
func (s *Summary) Add(r Result, exp Verdict) {
	if s.Verdicts == nil {
		s.Verdicts = map[Verdict]int{}
		s.Reasons = map[string]int{}
	}
	s.Total++
	s.Verdicts[r.Verdict]++
	ok := r.Verdict == Never || r.Verdict == Sometimes || r.Verdict == Always
	switch {
	case ok:
		s.Supported++
	case r.Verdict == Unsupported:
		s.Unsupported++
		s.Reasons[reasonKey(r.Reason)]++
	case r.Verdict == NoVerdict:
		s.NoVerdict++
	default:
		s.Errors++
	}
	switch exp {
	case Never:
		s.ExpectedNever++
		if ok {
			s.NeverSupported++
			if r.Verdict == Never {
				s.NeverAgree++
			} else {
				s.ModelBugs = append(s.ModelBugs, r.File)
			}
		}
	case Sometimes:
		s.ExpectedSometimes++
		if ok {
			s.SometimesSupported++
			if r.Verdict == Sometimes {
				s.SometimesAgree++
			}
		}
	}
}

// reasonKey drops the process and line prefix so reasons group.
func reasonKey(r string) string {
	const marker = "unsupported: "
	if k := strings.LastIndex(r, marker); k >= 0 {
		return r[k+len(marker):]
	}
	return r
}

// Write prints the summary as text.
func (s *Summary) Write(w io.Writer) error {
	pct := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return 100 * float64(a) / float64(b)
	}
	_, err := fmt.Fprintf(w, "tests %d: supported %d, unsupported %d, no verdict %d, errors %d\n",
		s.Total, s.Supported, s.Unsupported, s.NoVerdict, s.Errors)
	if err != nil {
		return err
	}
	if s.ExpectedNever > 0 {
		fmt.Fprintf(w, "expected Never %d: supported %d (%.1f%%), Never %d, model bugs (Sometimes/Always) %d\n",
			s.ExpectedNever, s.NeverSupported, pct(s.NeverSupported, s.ExpectedNever), s.NeverAgree, len(s.ModelBugs))
		for _, b := range s.ModelBugs {
			fmt.Fprintf(w, "  model bug: %s\n", b)
		}
	}
	if s.ExpectedSometimes > 0 {
		fmt.Fprintf(w, "expected Sometimes %d: supported %d, Sometimes %d (SC may forbid weak-memory outcomes)\n",
			s.ExpectedSometimes, s.SometimesSupported, s.SometimesAgree)
	}
	var keys []string
	for k := range s.Reasons {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return s.Reasons[keys[i]] > s.Reasons[keys[j]] || s.Reasons[keys[i]] == s.Reasons[keys[j]] && keys[i] < keys[j]
	})
	for i, k := range keys {
		if i == 10 {
			break
		}
		fmt.Fprintf(w, "  unsupported %5d  %s\n", s.Reasons[k], k)
	}
	return nil
}
