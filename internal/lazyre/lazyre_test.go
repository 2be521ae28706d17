package lazyre

import (
	"regexp"
	"slices"
	"sync"
	"testing"
)

// TestSameAsRegexp: each method answers as regexp.Regexp's does.
func TestSameAsRegexp(t *testing.T) {
	const expr = `(?m)^([a-z]+):[ \t]*(\S+)`
	const src = "Fixes: abc\nsigned: x y\n  no: z\nkey:val"
	l, re := New(expr), regexp.MustCompile(expr)
	if l.String() != expr {
		t.Errorf("String() = %q", l.String())
	}
	if got, want := l.MatchString(src), re.MatchString(src); got != want {
		t.Errorf("MatchString = %v, want %v", got, want)
	}
	if got, want := l.FindStringIndex(src), re.FindStringIndex(src); !slices.Equal(got, want) {
		t.Errorf("FindStringIndex = %v, want %v", got, want)
	}
	if got, want := l.FindStringSubmatch(src), re.FindStringSubmatch(src); !slices.Equal(got, want) {
		t.Errorf("FindStringSubmatch = %q, want %q", got, want)
	}
	if got, want := l.FindSubmatchIndex([]byte(src)), re.FindSubmatchIndex([]byte(src)); !slices.Equal(got, want) {
		t.Errorf("FindSubmatchIndex = %v, want %v", got, want)
	}
	if got, want := l.FindAllStringSubmatch(src, -1), re.FindAllStringSubmatch(src, -1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("FindAllStringSubmatch = %q, want %q", got, want)
	}
	if got, want := l.FindAllStringSubmatchIndex(src, 1), re.FindAllStringSubmatchIndex(src, 1); !slices.EqualFunc(got, want, slices.Equal) {
		t.Errorf("FindAllStringSubmatchIndex = %v, want %v", got, want)
	}
	if got, want := l.ReplaceAllString(src, "<$1>"), re.ReplaceAllString(src, "<$1>"); got != want {
		t.Errorf("ReplaceAllString = %q, want %q", got, want)
	}
	if got, want := l.ReplaceAll([]byte(src), []byte("$2")), re.ReplaceAll([]byte(src), []byte("$2")); string(got) != string(want) {
		t.Errorf("ReplaceAll = %q, want %q", got, want)
	}
}

// TestConcurrentFirstUse: goroutines racing to the first use all get the
// one compiled expression (run with -race).
func TestConcurrentFirstUse(t *testing.T) {
	l := New(`a+b`)
	var wg sync.WaitGroup
	res := make([]*regexp.Regexp, 8)
	for i := range res {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i] = l.Regexp()
		}()
	}
	wg.Wait()
	for _, r := range res {
		if r != res[0] || r == nil {
			t.Fatalf("first uses got different expressions: %p %p", r, res[0])
		}
	}
}

// TestBadExpressionPanicsOnUse: a bad expression costs nothing until used,
// then panics like regexp.MustCompile.
func TestBadExpressionPanicsOnUse(t *testing.T) {
	l := New(`(`)
	defer func() {
		if recover() == nil {
			t.Error("no panic on first use of a bad expression")
		}
	}()
	l.MatchString("x")
}
