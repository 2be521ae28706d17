package scenario

import (
	"runtime"
	"strings"
	"testing"
)

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// parseBudget is the allocation Parse may make for an input of n bytes:
// linear in the input (tokens, operations and attributes cost a few dozen
// bytes per input byte at worst), plus a constant.
func parseBudget(n int) uint64 { return 96*uint64(n) + 256<<10 }

// FuzzParseMemory: whatever the input, Parse allocates at most
// parseBudget(len(src)) bytes and the scenario it returns holds no more
// operations, blocks or attributes than the input has words.
func FuzzParseMemory(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("scenario a\n" + strings.Repeat("doc a b c d e f g h\n", 200)))
	f.Add([]byte("scenario a\ntask T\n    op " + strings.Repeat("k=v ", 500) + "\n"))
	f.Add([]byte("scenario a\n" + strings.Repeat("task T\n    x\n", 300)))
	f.Fuzz(func(t *testing.T, src []byte) {
		var s *Scenario
		var err error
		got := allocated(func() { s, err = Parse("fuzz", src) })
		if got > parseBudget(len(src)) {
			t.Fatalf("Parse of %d bytes allocated %d bytes (budget %d)", len(src), got, parseBudget(len(src)))
		}
		if err != nil {
			return
		}
		words := len(strings.Fields(string(src))) + 1
		items := len(s.Blocks) + len(s.Config) + len(s.Expect) + len(s.Bounds) + len(s.Init) + len(s.Exists) + len(s.Objects) + len(s.Check)
		for _, b := range s.Blocks {
			items += len(b.Attrs) + len(b.Ops)
			for _, o := range b.Ops {
				items += len(o.Args) + len(o.Attrs)
			}
		}
		if items > 2*words {
			t.Fatalf("%d parsed items from %d words", items, words)
		}
	})
}

// TestParseMemoryLargeInputs: inputs at the size limit, shaped to make a
// careless parser quadratic (one long doc, one long operation, many
// blocks), stay within the linear budget.
func TestParseMemoryLargeInputs(t *testing.T) {
	fill := func(head, unit string) []byte {
		var b strings.Builder
		b.WriteString(head)
		for b.Len()+len(unit) <= MaxSize {
			b.WriteString(unit)
		}
		return []byte(b.String())
	}
	for _, tc := range []struct {
		name string
		src  []byte
	}{
		{"doc words", fill("scenario a\n", "doc a b c d e f g h i j k l m n o p q r s t u v w x y z\n")},
		{"one operation with many attributes", append(fill("scenario a\ntask T\n    op", " k=v"), '\n')},
		{"many tasks", fill("scenario a\n", "task T\n    x\n")},
		{"many quoted strings", fill("scenario a\n", "doc \"a\\\"b\" \"c\"\n")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			got := allocated(func() { _, err = Parse("big", tc.src) })
			if got > parseBudget(len(tc.src)) {
				t.Fatalf("Parse of %d bytes allocated %d bytes (budget %d)", len(tc.src), got, parseBudget(len(tc.src)))
			}
			_ = err
		})
	}
	over := make([]byte, MaxSize+1)
	if _, err := Parse("huge", over); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Fatalf("oversized input: %v", err)
	}
}
