package diffparse

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// kernelTree is a Reader over a kernel source directory.
type kernelTree string

func (k kernelTree) ReadFile(p string) ([]byte, error) {
	if err := CheckPath(p); err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(string(k), filepath.FromSlash(p)))
}

// TestKernelTreeRCUReadUnlock applies a patch of our own inside
// __rcu_read_unlock() to the real 6.12 tree, placed 5 lines off its
// real position, and checks position and enclosing function.
func TestKernelTreeRCUReadUnlock(t *testing.T) {
	root := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if root == "" {
		t.Skip("RCUREVIEW_KERNEL_TREE not set: no kernel tree to apply to")
	}
	tree := kernelTree(root)
	src, err := tree.ReadFile("kernel/rcu/tree_plugin.h")
	if err != nil {
		t.Skipf("kernel tree not usable: %v", err)
	}
	lines := strings.Split(string(src), "\n")
	at := -1
	for i, l := range lines {
		if l == "void __rcu_read_unlock(void)" {
			at = i + 1 // 1-based line of the signature
			break
		}
	}
	if at < 0 || at+4 > len(lines) || lines[at+2] != "" {
		t.Skip("kernel/rcu/tree_plugin.h has no __rcu_read_unlock() of the expected shape")
	}
	// Context: signature, "{", "struct task_struct *t = current;", "".
	stated := at - 5
	diff := "diff --git a/kernel/rcu/tree_plugin.h b/kernel/rcu/tree_plugin.h\n" +
		"--- a/kernel/rcu/tree_plugin.h\n+++ b/kernel/rcu/tree_plugin.h\n" +
		"@@ -" + strconv.Itoa(stated) + ",4 +" + strconv.Itoa(stated) + ",5 @@\n" +
		" " + lines[at-1] + "\n " + lines[at] + "\n " + lines[at+1] + "\n+\tbarrier(); /* rcureview test */\n \n"
	files := mustParse(t, diff)
	res, err := Apply(tree, files)
	if err != nil {
		t.Fatal(err)
	}
	h := files[0].Hunks[0]
	if h.AppliedOld != at || h.Offset != 5 {
		t.Errorf("applied at %d offset %d, want %d offset 5", h.AppliedOld, h.Offset, at)
	}
	if h.NewFunc != "__rcu_read_unlock" || h.OldFunc != "__rcu_read_unlock" {
		t.Errorf("functions %q -> %q, want __rcu_read_unlock", h.OldFunc, h.NewFunc)
	}
	post := strings.Split(string(res.Files["kernel/rcu/tree_plugin.h"]), "\n")
	if post[at+2] != "\tbarrier(); /* rcureview test */" {
		t.Errorf("line %d after the patch: %q", at+3, post[at+2])
	}
	if name, start, end := EnclosingFunction(src, at+5); name != "__rcu_read_unlock" || start != at || end <= at+5 {
		t.Errorf("EnclosingFunction = %q %d-%d", name, start, end)
	}
}
