package hook

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstallChainIdempotentUninstall(t *testing.T) {
	tests := []struct {
		name     string
		hooksCfg string // core.hooksPath, "" for none
		wantDir  func(r *gitRepo) string
	}{
		{"default hooks dir", "", func(r *gitRepo) string { return filepath.Join(r.dir, ".git", "hooks") }},
		{"relative core.hooksPath", "tools/hooks", func(r *gitRepo) string { return filepath.Join(r.dir, "tools", "hooks") }},
		{"absolute core.hooksPath", "ABS", func(r *gitRepo) string { return filepath.Join(r.dir, "abs-hooks") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newGitRepo(t)
			switch tc.hooksCfg {
			case "":
			case "ABS":
				r.git("config", "core.hooksPath", filepath.Join(r.dir, "abs-hooks"))
			default:
				r.git("config", "core.hooksPath", tc.hooksCfg)
			}
			dir := tc.wantDir(r)
			os.MkdirAll(dir, 0o755)
			existing := "#!/bin/sh\necho existing hook\n"
			os.WriteFile(filepath.Join(dir, "pre-commit"), []byte(existing), 0o755)
			repo, err := Open(filepath.Join(r.dir))
			if err != nil {
				t.Fatal(err)
			}
			got, err := HooksDir(repo)
			if err != nil || got != dir {
				t.Fatalf("HooksDir = %q, %v; want %q", got, err, dir)
			}
			res, err := Install(repo, "/usr/local/bin/rcure view")
			if err != nil {
				t.Fatal(err)
			}
			if res.Action != "installed" || res.Chained != filepath.Join(dir, ChainedName) {
				t.Fatalf("install: %+v", res)
			}
			first, _ := os.ReadFile(res.Hook)
			if !strings.Contains(string(first), "exec '/usr/local/bin/rcure view' check --staged") {
				t.Fatalf("hook script:\n%s", first)
			}
			if fi, _ := os.Stat(res.Hook); fi.Mode()&0o111 == 0 {
				t.Error("hook is not executable")
			}
			// Again: refreshed, the chained hook untouched, nothing chained twice.
			res, err = Install(repo, "/usr/local/bin/rcure view")
			if err != nil || res.Action != "updated" {
				t.Fatalf("second install: %+v %v", res, err)
			}
			second, _ := os.ReadFile(res.Hook)
			chained, _ := os.ReadFile(filepath.Join(dir, ChainedName))
			if string(first) != string(second) || string(chained) != existing {
				t.Fatal("second install changed the hook or the chained hook")
			}
			ents, _ := os.ReadDir(dir)
			var names []string
			for _, e := range ents {
				if !strings.HasSuffix(e.Name(), ".sample") {
					names = append(names, e.Name())
				}
			}
			if len(names) != 2 {
				t.Errorf("hooks dir holds %v after two installs", names)
			}
			res, err = Uninstall(repo)
			if err != nil || res.Action != "removed" {
				t.Fatalf("uninstall: %+v %v", res, err)
			}
			back, _ := os.ReadFile(filepath.Join(dir, "pre-commit"))
			if string(back) != existing {
				t.Fatalf("uninstall did not restore the chained hook:\n%s", back)
			}
			if _, err := Uninstall(repo); err == nil {
				t.Error("uninstall removed a foreign hook")
			}
		})
	}
}

func TestInstallIntoBareRepositoryAndNoExistingHook(t *testing.T) {
	r := newGitRepo(t)
	r.write("a", "a\n")
	r.commit("base")
	bare := filepath.Join(t.TempDir(), "bare.git")
	r.git("clone", "-q", "--bare", r.dir, bare)
	repo, err := Open(bare)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Install(repo, "/bin/rcureview")
	if err != nil || res.Hook != filepath.Join(bare, "hooks", "pre-commit") || res.Chained != "" {
		t.Fatalf("install into bare: %+v %v", res, err)
	}
	res, err = Uninstall(repo)
	if err != nil || res.Action != "removed" {
		t.Fatalf("uninstall: %+v %v", res, err)
	}
	if _, err := os.Stat(filepath.Join(bare, "hooks", "pre-commit")); !os.IsNotExist(err) {
		t.Error("hook still there")
	}
	res, err = Uninstall(repo)
	if err != nil || res.Action != "not installed" {
		t.Fatalf("second uninstall: %+v %v", res, err)
	}
}

// TestScriptRunsTheChainedHook: the hook finds the chained hook next to it
// however git names it ($0 absolute, relative, or bare with the hooks
// directory as the working directory), and passes its arguments on.
func TestScriptRunsTheChainedHook(t *testing.T) {
	dir := t.TempDir()
	hooks := filepath.Join(dir, "hooks")
	if err := os.Mkdir(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(hooks, "pre-commit"), []byte(script("/bin/true")), 0o755); err != nil {
		t.Fatal(err)
	}
	ran := filepath.Join(dir, "ran")
	chained := "#!/bin/sh\necho \"$@\" >> '" + ran + "'\n"
	if err := os.WriteFile(filepath.Join(hooks, ChainedName), []byte(chained), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ wd, arg0 string }{
		{dir, filepath.Join(hooks, "pre-commit")},
		{dir, "hooks/pre-commit"},
		{hooks, "pre-commit"},
	} {
		os.Remove(ran)
		cmd := exec.Command("sh", c.arg0, "a b", "c")
		cmd.Dir = c.wd
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("$0=%s: %v\n%s", c.arg0, err, out)
		}
		if got, _ := os.ReadFile(ran); string(got) != "a b c\n" {
			t.Errorf("$0=%s: chained hook got %q, want \"a b c\\n\"", c.arg0, got)
		}
	}
}
