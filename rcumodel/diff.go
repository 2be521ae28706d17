package rcumodel

import "fmt"

// Change is a property whose verdict differs between the pre-patch and
// the post-patch model (research/rcu-model.md S.6 step 4).
type Change struct {
	Property   string
	Rule       string
	Before     Verdict
	After      Verdict
	Regression bool       // holds before, violated after
	Violation  *Violation // the post-patch counterexample of a regression, the pre-patch one of a fix
	// Also are the other properties changed the same way whose
	// counterexample is this same run (Violation.Also).
	Also []string
}

// String describes the change for a review comment.
func (c Change) String() string {
	kind := "fixed"
	if c.Regression {
		kind = "regression"
	}
	return fmt.Sprintf("%s %s (%s): %s before, %s after", kind, c.Property, c.Rule, c.Before, c.After)
}

// Compare returns the properties that a patch breaks (Regression) or fixes,
// given the results of the same scenario template instantiated before and
// after the patch. Properties without a verdict on either side are skipped.
func Compare(before, after *Result) []Change {
	var out []Change
	for _, a := range after.Props {
		b, ok := before.Get(a.Property)
		if !ok || a.Verdict == b.Verdict || a.Verdict == NoVerdict || b.Verdict == NoVerdict {
			continue
		}
		c := Change{Property: a.Property, Rule: a.Rule, Before: b.Verdict, After: a.Verdict, Regression: a.Verdict == Violated}
		if c.Regression {
			c.Violation = a.Violation
		} else {
			c.Violation = b.Violation
		}
		if c.Violation != nil {
			c.Rule = c.Violation.Rule
		}
		out = append(out, c)
	}
	// One change per counterexample: a property whose trace is shared
	// with another changed the same way is folded into it.
	var merged []Change
	for _, c := range out {
		if c.Violation != nil && c.Violation.SameAs != "" {
			if i := changeOf(merged, c.Violation.SameAs); i >= 0 && merged[i].Regression == c.Regression {
				merged[i].Also = append(merged[i].Also, c.Property)
				continue
			}
		}
		merged = append(merged, c)
	}
	return merged
}

func changeOf(cs []Change, prop string) int {
	for i, c := range cs {
		if c.Property == prop {
			return i
		}
	}
	return -1
}
