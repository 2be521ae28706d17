package noinstr

import (
	"fmt"
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"sort"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/analyzers"
	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

const tc10 = `static inline void helper_inline(void) { }
void helper_plain(void) { }

noinstr void my_nmi_enter(void)
{
	WRITE_ONCE(x, 1);
	instrumentation_begin();
	trace_rcu_watching(TPS("Startirq"), 0, 1, 0);
	instrumentation_end();
	trace_rcu_watching(TPS("oops"), 0, 1, 0);
	if (c) {
		instrumentation_begin();
		return;
	}
	helper_inline();
	helper_plain();
}
`

func TestSpecCase10(t *testing.T) {
	tree, err := ksrc.OpenDir("../notrace/testdata/mini")
	if err != nil {
		t.Fatal(err)
	}
	path := "kernel/tc10.c"
	lines := strings.Split(strings.TrimSuffix(tc10, "\n"), "\n")
	var b strings.Builder
	fmt.Fprintf(&b, "diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n@@ -0,0 +1,%d @@\n", path, path, path, len(lines))
	for _, l := range lines {
		b.WriteString("+" + l + "\n")
	}
	files, err := diffparse.Parse(b.String())
	if err != nil {
		t.Fatal(err)
	}
	res, err := diffparse.Apply(tree, files)
	if err != nil {
		t.Fatal(err)
	}
	post := ksrc.NewOverlay(tree)
	for p, data := range res.Files {
		if err := post.Set(p, data); err != nil {
			t.Fatal(err)
		}
	}
	pass := analyzers.Pass{Files: files, Pre: tree, Post: post}
	fs, err := realtest.Run(Analyzer, index.NewProvider(index.Options{}, nil), &pass)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		last := ""
		if len(f.Chain) > 0 {
			last = f.Chain[len(f.Chain)-1].Function
		}
		got = append(got, fmt.Sprintf("%s/%s/%d/%s", f.Rule, f.Severity, f.Line, last))
		if f.Status != finding.StatusNew || f.PatchLine == 0 {
			t.Errorf("finding not new or not located at the patch: %+v", f)
		}
	}
	sort.Strings(got)
	want := []string{
		"noinstr-instrumented-call/error/10/trace_rcu_watching",
		"noinstr-instrumented-call/error/16/helper_plain",
		"noinstr-instrumented-call/warning/15/helper_inline",
		"noinstr-unbalanced/error/13/",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
