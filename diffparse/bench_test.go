package diffparse

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// benchInput builds a 20,000-line C file of 1,000 functions and a patch
// with one hunk in every tenth function, stated 3 lines off so every hunk
// goes through the offset search.
func benchInput() (src []byte, diff string) {
	var s, d strings.Builder
	d.WriteString("diff --git a/kernel/bench.c b/kernel/bench.c\n--- a/kernel/bench.c\n+++ b/kernel/bench.c\n")
	line, added := 1, 0
	for i := 0; i < 1000; i++ {
		start := line
		fmt.Fprintf(&s, "static notrace int bench_fn_%d(int x)\n{\n", i)
		for k := 0; k < 16; k++ {
			fmt.Fprintf(&s, "\tx += %d * %d; /* { */\n", i, k)
		}
		s.WriteString("\treturn x;\n}\n")
		line += 20
		if i%10 == 5 {
			old := start + 2
			fmt.Fprintf(&d, "@@ -%d,3 +%d,4 @@ static notrace int bench_fn_%d(int x)\n", old-3, old-3+added, i)
			fmt.Fprintf(&d, " \tx += %d * 0; /* { */\n \tx += %d * 1; /* { */\n+\tx++;\n \tx += %d * 2; /* { */\n", i, i, i)
			added++
		}
	}
	return []byte(s.String()), d.String()
}

func BenchmarkParseApply(b *testing.B) {
	src, diff := benchInput()
	tree := MapReader{"kernel/bench.c": src}
	b.SetBytes(int64(len(diff) + len(src)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		files, err := Parse(diff)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Apply(tree, files); err != nil {
			b.Fatal(err)
		}
		if h := files[0].Hunks[5]; h.Offset != 3 || h.NewFunc != "bench_fn_55" {
			b.Fatalf("hunk 6: offset %d func %q", h.Offset, h.NewFunc)
		}
	}
}

func BenchmarkParseSamplePatch(b *testing.B) {
	patch, err := os.ReadFile("testdata/sample.patch")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		if _, err := Parse(string(patch)); err != nil {
			b.Fatal(err)
		}
	}
}
