package ksrc

import (
	"errors"
	"strings"
	"testing"
)

func TestValidatePath(t *testing.T) {
	tests := []struct {
		name string
		path string
		ok   bool
	}{
		{"plain kernel file", "kernel/rcu/tree.c", true},
		{"top-level file", "MAINTAINERS", true},
		{"dot file is fine", "kernel/rcu/.gitignore", true},
		{"name starting with two dots", "..foo/bar", true},
		{"name containing .git", "x.git/y.gitx", true},
		{"non-ASCII name", "Documentation/translations/zh_CN/índex.rst", true},
		{"empty", "", false},
		{"absolute", "/etc/passwd", false},
		{"dot-dot first", "../etc/passwd", false},
		{"dot-dot in the middle", "kernel/../../etc/passwd", false},
		{"dot-dot last", "kernel/..", false},
		{"dot component", "./kernel/rcu/tree.c", false},
		{"empty component", "kernel//rcu/tree.c", false},
		{"trailing slash", "kernel/rcu/", false},
		{"newline", "kernel/rcu/tree.c\nfoo", false},
		{"NUL", "kernel/rcu/tree.c\x00.h", false},
		{"tab", "kernel/\trcu", false},
		{"DEL", "kernel/\x7frcu", false},
		{"escape sequence", "kernel/\x1b[31mrcu", false},
		{".git itself", ".git", false},
		{"under .git", ".git/config", false},
		{"nested .git", "tools/foo/.git/hooks/pre-commit", false},
		{".GIT in caps", ".GIT/config", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := ValidatePath(tc.path)
			if tc.ok && err != nil {
				t.Errorf("ValidatePath(%q) = %v, want ok", tc.path, err)
			}
			if !tc.ok && !errors.Is(err, ErrUnsafePath) {
				t.Errorf("ValidatePath(%q) = %v, want ErrUnsafePath", tc.path, err)
			}
		})
	}
}

// FuzzValidatePath checks that every accepted path is relative, clean and
// free of control characters and .git components, and that the validator
// never panics.
func FuzzValidatePath(f *testing.F) {
	for _, s := range []string{
		"kernel/rcu/tree.c", "../x", "/abs", "a//b", "a/", ".git/config", "a/.Git/b",
		"a\x00b", "a\nb", "./a", "a/./b", "..", ".", "ok/..ok/ok..", "\xff\xfe",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		err := ValidatePath(p)
		if err != nil {
			if !errors.Is(err, ErrUnsafePath) {
				t.Fatalf("ValidatePath(%q) = %v, not ErrUnsafePath", p, err)
			}
			return
		}
		if p == "" || strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
			t.Fatalf("accepted %q", p)
		}
		for _, c := range []byte(p) {
			if c < 0x20 || c == 0x7f {
				t.Fatalf("accepted control character in %q", p)
			}
		}
		for _, comp := range strings.Split(p, "/") {
			if comp == "" || comp == "." || comp == ".." || strings.EqualFold(comp, ".git") {
				t.Fatalf("accepted component %q in %q", comp, p)
			}
		}
	})
}
