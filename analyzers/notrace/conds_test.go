package notrace

import (
	"reflect"
	"testing"
)

// appendConds2 is the two appendConds the walk used to make per call
// edge, in one allocation.
func TestAppendConds2(t *testing.T) {
	sets := [][]string{nil, {}, {"A"}, {"A", "B"}, {"B", "A", "B"}, {"C"}, {"A", "C", "D"}}
	for _, base := range sets {
		for _, a := range sets {
			for _, b := range sets {
				want := appendConds(appendConds(base, a...), b...)
				if got := appendConds2(base, a, b); !reflect.DeepEqual(got, want) {
					t.Errorf("appendConds2(%q, %q, %q) = %#v, want %#v", base, a, b, got, want)
				}
			}
		}
	}
}
