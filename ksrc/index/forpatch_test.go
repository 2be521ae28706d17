package index

import (
	"testing"

	"github.com/rcureview/rcureview/diffparse"
)

// TestForPatchIsBuiltOncePerPatch: without a post-patch tree every
// analyzer asks for the same patched index; the hunks are skimmed once.
func TestForPatchIsBuiltOncePerPatch(t *testing.T) {
	files, err := diffparse.Parse("--- a/kernel/foo.c\n+++ b/kernel/foo.c\n@@ -1,1 +1,4 @@\n int x;\n+void added_fn(void)\n+{\n+}\n")
	if err != nil {
		t.Fatal(err)
	}
	p := NewProvider(Options{}, nil)
	pre := New("test", nil)
	a := p.ForPatch(pre, files)
	if len(a.Funcs("added_fn")) != 1 {
		t.Fatalf("the patched index lacks the added function")
	}
	if b := p.ForPatch(pre, files); b != a {
		t.Error("a second analyzer got a freshly built index")
	}
	if p.ForPatch(pre, nil) != pre {
		t.Error("an empty patch should give the pre-patch index")
	}
}
