package diffparse

import (
	"errors"
	"testing"
)

const reverseBase = `#include <linux/tracepoint.h>

static void probe(void)
{
	preempt_disable_notrace();
	do_it();
	preempt_enable_notrace();
}

static int other(void)
{
	return 0;
}
`

// reverseDiff changes probe(), deletes other()'s body line, and creates a
// new file.
const reverseDiff = `diff --git a/kernel/x.c b/kernel/x.c
--- a/kernel/x.c
+++ b/kernel/x.c
@@ -3,7 +3,6 @@
 static void probe(void)
 {
-	preempt_disable_notrace();
+	guard(preempt_notrace)();
 	do_it();
-	preempt_enable_notrace();
 }
 
@@ -11,3 +10,4 @@
 {
+	barrier();
 	return 0;
 }
diff --git a/kernel/new.c b/kernel/new.c
new file mode 100644
--- /dev/null
+++ b/kernel/new.c
@@ -0,0 +1,2 @@
+int x;
+int y;
`

func TestReverseUndoesAnAppliedPatch(t *testing.T) {
	files := mustParse(t, reverseDiff)
	pre := MapReader{"kernel/x.c": []byte(reverseBase)}
	res, err := Apply(pre, files)
	if err != nil {
		t.Fatalf("forward apply: %v", err)
	}
	post := Chain(pre, res)
	if ok, err := AppliesInReverse(post, mustParse(t, reverseDiff)); !ok {
		t.Fatalf("the applied patch is not detected as applied: %v", err)
	}
	if ok, _ := AppliesInReverse(pre, mustParse(t, reverseDiff)); ok {
		t.Fatal("a patch not yet applied is detected as applied")
	}
	back, err := Apply(post, Reverse(mustParse(t, reverseDiff)))
	if err != nil {
		t.Fatalf("reverse apply: %v", err)
	}
	if got := string(back.Files["kernel/x.c"]); got != reverseBase {
		t.Errorf("reverse did not restore the file:\n%s", got)
	}
	if d, ok := back.Files["kernel/new.c"]; !ok || d != nil {
		t.Errorf("the created file is not deleted by the reverse: %q %v", d, ok)
	}
}

func TestReverseLeavesTheInputAlone(t *testing.T) {
	files := mustParse(t, reverseDiff)
	r := Reverse(files)
	if files[0].Hunks[0].Lines[2].Op != Delete || files[0].NewName != "kernel/x.c" || !files[1].IsNew {
		t.Fatal("Reverse modified its input")
	}
	if r[0].NewName != "" || !r[0].IsDelete || r[0].OldName != "kernel/new.c" {
		t.Errorf("file creation not reversed into a deletion: %+v", r[0])
	}
	h := r[1].Hunks[0]
	if h.Header != "@@ -3,6 +3,7 @@" || h.Lines[2].Op != Delete || h.Lines[2].Text != "\tguard(preempt_notrace)();" ||
		h.Lines[3].Op != Add {
		t.Errorf("hunk not reversed: %s %+v", h.Header, h.Lines)
	}
}

func TestAppliesInReverseNeedsAChange(t *testing.T) {
	ok, err := AppliesInReverse(MapReader{}, nil)
	if ok || err == nil {
		t.Errorf("an empty patch counts as applied: %v %v", ok, err)
	}
	files := mustParse(t, reverseDiff)
	_, err = AppliesInReverse(MapReader{"kernel/x.c": []byte("other\n")}, files)
	var he *HunkError
	var fe *FileError
	if !errors.As(err, &he) && !errors.As(err, &fe) {
		t.Errorf("the reason is not an apply error: %v", err)
	}
}
