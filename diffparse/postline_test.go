package diffparse

import "testing"

// TestPostLineFollowsTheAppliedOffset: a hunk stated at line 2 that really
// applied at line 5 shows post-image line 6, not line 3.
func TestPostLineFollowsTheAppliedOffset(t *testing.T) {
	files, err := Parse("--- a/f.c\n+++ b/f.c\n@@ -2,2 +2,3 @@\n a;\n+b;\n c;\n")
	if err != nil {
		t.Fatal(err)
	}
	src := MapReader{"f.c": []byte("x;\ny;\nz;\nw;\na;\nc;\n")}
	if _, err := Apply(src, files); err != nil {
		t.Fatal(err)
	}
	if h := files[0].Hunks[0]; h.Offset != 3 {
		t.Fatalf("offset %d, want 3", h.Offset)
	}
	l, ok := PostLine(files, "f.c", 6)
	if !ok || l.Text != "b;" {
		t.Fatalf("PostLine(6) = %+v %v, want the added line", l, ok)
	}
	if l, ok := PostLine(files, "f.c", 3); ok {
		t.Errorf("PostLine(3) = %+v: the hunk's stated position, not where it applied", l)
	}
}
