package ksrc

import (
	"errors"
	"io/fs"
	"slices"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// overlayBases returns the same small tree as a directory and as a git
// commit, so that overlay semantics are checked over both kinds of base.
func overlayBases(t *testing.T) map[string]Tree {
	t.Helper()
	files := map[string]string{
		"kernel/rcu/tree.c":        "tree\n",
		"kernel/rcu/tree_plugin.h": "plugin\n",
		"kernel/sched/core.c":      "core\n",
		"README":                   "readme\n",
	}
	root := t.TempDir()
	writeFiles(t, root, files)
	dir, err := OpenDir(root)
	if err != nil {
		t.Fatal(err)
	}
	r := gitFixtureFiles(t, files)
	g, err := OpenGit(r, "")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]Tree{"dir base": dir, "git base": g}
}

func TestOverlay(t *testing.T) {
	for name, base := range overlayBases(t) {
		t.Run(name, func(t *testing.T) {
			o := NewOverlay(base)
			if got := o.Describe(); got != base.Describe()+"+overlay" {
				t.Errorf("Describe = %q", got)
			}
			must := func(err error) {
				t.Helper()
				if err != nil {
					t.Fatal(err)
				}
			}
			must(o.Set("kernel/rcu/tree.c", []byte("patched\n")))
			must(o.Set("kernel/rcu/new.c", []byte("new\n")))
			must(o.Set("kernel/rcu/sub/deep.c", []byte("deep\n")))
			must(o.Set("newdir/x.c", []byte("x\n")))
			must(o.Delete("kernel/sched/core.c"))
			// The caller's buffer is copied.
			buf := []byte("aliased\n")
			must(o.Set("README", buf))
			buf[0] = 'X'

			reads := []struct{ path, want string }{
				{"kernel/rcu/tree.c", "patched\n"},
				{"kernel/rcu/new.c", "new\n"},
				{"kernel/rcu/tree_plugin.h", "plugin\n"},
				{"README", "aliased\n"},
			}
			for _, r := range reads {
				got, err := o.ReadFile(r.path)
				if err != nil || string(got) != r.want {
					t.Errorf("ReadFile(%q) = %q, %v; want %q", r.path, got, err, r.want)
				}
			}
			// ReadFile returns a copy.
			got, _ := o.ReadFile("kernel/rcu/new.c")
			got[0] = 'X'
			if again, _ := o.ReadFile("kernel/rcu/new.c"); string(again) != "new\n" {
				t.Errorf("overlay content changed through a returned slice: %q", again)
			}
			if _, err := o.ReadFile("kernel/sched/core.c"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("deleted file: %v, want fs.ErrNotExist", err)
			}
			if b, err := base.ReadFile("kernel/rcu/tree.c"); err != nil || string(b) != "tree\n" {
				t.Errorf("base changed: %q, %v", b, err)
			}

			wantChanged := []string{"README", "kernel/rcu/new.c", "kernel/rcu/sub/deep.c", "kernel/rcu/tree.c", "kernel/sched/core.c", "newdir/x.c"}
			if got := o.Changed(); !slices.Equal(got, wantChanged) {
				t.Errorf("Changed = %q, want %q", got, wantChanged)
			}

			paths, keys := walkAll(t, o, "")
			wantPaths := []string{"README", "kernel/rcu/new.c", "kernel/rcu/sub/deep.c", "kernel/rcu/tree.c", "kernel/rcu/tree_plugin.h", "newdir/x.c"}
			if !slices.Equal(paths, wantPaths) {
				t.Errorf("Walk = %q\nwant %q", paths, wantPaths)
			}
			_, baseKeys := walkAll(t, base, "kernel/rcu")
			for i, p := range paths {
				data, _ := o.ReadFile(p)
				switch p {
				case "kernel/rcu/tree_plugin.h":
					if keys[i] != baseKeys[1] {
						t.Errorf("unchanged file key %s, base %s", keys[i], baseKeys[1])
					}
				default:
					if h := plumbing.ComputeHash(plumbing.BlobObject, data).String(); keys[i] != h {
						t.Errorf("key of %s = %s, want blob hash %s", p, keys[i], h)
					}
				}
			}
			sub, _ := walkAll(t, o, "kernel/rcu")
			if !slices.Equal(sub, wantPaths[1:5]) {
				t.Errorf("Walk(kernel/rcu) = %q", sub)
			}
			only, _ := walkAll(t, o, "newdir")
			if !slices.Equal(only, []string{"newdir/x.c"}) {
				t.Errorf("Walk of a dir only the overlay has = %q", only)
			}
			if err := o.Walk("nowhere", func(string, string) error { return nil }); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Walk of a missing dir = %v", err)
			}
			stop := errors.New("stop")
			n := 0
			if err := o.Walk("", func(string, string) error { n++; return stop }); err != stop || n != 1 {
				t.Errorf("Walk with fn error = %v after %d calls", err, n)
			}
		})
	}
}

func TestOverlaySetDeleteRules(t *testing.T) {
	for name, base := range overlayBases(t) {
		t.Run(name, func(t *testing.T) {
			o := NewOverlay(base)
			for _, p := range []string{"../x", "/etc/passwd", ".git/config", "a//b", "a\nb", ""} {
				if err := o.Set(p, []byte("x")); !errors.Is(err, ErrUnsafePath) {
					t.Errorf("Set(%q) = %v, want ErrUnsafePath", p, err)
				}
				if err := o.Delete(p); !errors.Is(err, ErrUnsafePath) {
					t.Errorf("Delete(%q) = %v, want ErrUnsafePath", p, err)
				}
				if _, err := o.ReadFile(p); !errors.Is(err, ErrUnsafePath) {
					t.Errorf("ReadFile(%q) = %v, want ErrUnsafePath", p, err)
				}
			}
			if err := o.Delete("kernel/missing.c"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Delete of a missing file = %v, want fs.ErrNotExist", err)
			}
			if err := o.Delete("README"); err != nil {
				t.Fatal(err)
			}
			if err := o.Delete("README"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("second Delete = %v, want fs.ErrNotExist", err)
			}
			// Re-creating a deleted file brings it back with new content.
			if err := o.Set("README", []byte("again\n")); err != nil {
				t.Fatal(err)
			}
			if got, err := o.ReadFile("README"); err != nil || string(got) != "again\n" {
				t.Errorf("re-created file = %q, %v", got, err)
			}
			// A file created and then deleted in the overlay leaves no trace.
			if err := o.Set("tmp.c", []byte("t")); err != nil {
				t.Fatal(err)
			}
			if err := o.Delete("tmp.c"); err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(o.Changed(), " "); got != "README" {
				t.Errorf("Changed = %q, want README", got)
			}
			if _, err := o.ReadFile("tmp.c"); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("created-then-deleted file: %v", err)
			}
		})
	}
}

func TestOverlayOfOverlay(t *testing.T) {
	base := overlayBases(t)["git base"]
	o1 := NewOverlay(base)
	if err := o1.Set("kernel/rcu/tree.c", []byte("one\n")); err != nil {
		t.Fatal(err)
	}
	o2 := NewOverlay(o1)
	if err := o2.Delete("kernel/rcu/tree.c"); err != nil {
		t.Fatal(err)
	}
	if _, err := o2.ReadFile("kernel/rcu/tree.c"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("o2: %v", err)
	}
	if got, _ := o1.ReadFile("kernel/rcu/tree.c"); string(got) != "one\n" {
		t.Errorf("o1 changed: %q", got)
	}
	if !strings.HasSuffix(o2.Describe(), "+overlay+overlay") {
		t.Errorf("Describe = %q", o2.Describe())
	}
}
