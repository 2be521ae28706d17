package kerneltest

import (
	"os/exec"
	"strings"
	"testing"
)

// gitOut runs the git CLI on the git dir and returns its trimmed output.
func gitOut(t *testing.T, gitDir string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git CLI not installed")
	}
	cmd := exec.Command("git", append([]string{"--git-dir", gitDir}, args...)...)
	cmd.Env = append(cmd.Environ(), "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestScriptedRepoIsValidForGit(t *testing.T) {
	tests := []struct {
		name   string
		bare   bool
		gitDir func(dir string) string
	}{
		{"work tree repository", false, func(d string) string { return d + "/.git" }},
		{"bare repository", true, func(d string) string { return d }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := ScriptedRepo(t, RepoOptions{Bare: tc.bare, Commits: []Commit{
				{Message: "base", Files: map[string]string{
					"kernel/rcu/tree.c": "int x;\n", "kernel/rcu/a.c": "a\n", "kernel/rcu.c": "r\n", "README": "hi\n",
				}, Tag: "v1"},
				{Files: map[string]string{"kernel/rcu/tree.c": "int y;\n"}, Symlinks: map[string]string{"link": "README"},
					Executable: map[string]string{"scripts/x.sh": "#!/bin/sh\n"}, Branch: "topic", LightTag: "light"},
				{Remove: []string{"kernel/rcu"}},
			}})
			gd := tc.gitDir(r.Dir)
			if len(r.Commits) != 3 {
				t.Fatalf("got %d commits, want 3", len(r.Commits))
			}
			gitOut(t, gd, "fsck", "--strict", "--no-dangling")
			if got := gitOut(t, gd, "rev-parse", "HEAD"); got != r.Commits[2] {
				t.Errorf("HEAD = %s, want %s", got, r.Commits[2])
			}
			checks := map[string]string{
				"v1:kernel/rcu/tree.c":    "int x;",
				"topic:kernel/rcu/tree.c": "int y;",
				"light:kernel/rcu.c":      "r",
				"HEAD~1:link":             "README",
				"HEAD:scripts/x.sh":       "#!/bin/sh",
			}
			for rev, want := range checks {
				if got := gitOut(t, gd, "cat-file", "-p", rev); got != want {
					t.Errorf("%s = %q, want %q", rev, got, want)
				}
			}
			if got := gitOut(t, gd, "ls-tree", "-r", "--name-only", "HEAD"); got != "README\nkernel/rcu.c\nlink\nscripts/x.sh" {
				t.Errorf("HEAD files:\n%s", got)
			}
			if got := gitOut(t, gd, "cat-file", "-t", "v1"); got != "tag" {
				t.Errorf("v1 is a %s, want an annotated tag", got)
			}
		})
	}
}

func TestScriptedRepoIsReproducible(t *testing.T) {
	files := map[string]string{"a/b/c": "1\n", "a/b.c": "2\n", "a.b": "3\n"}
	r1 := ScriptedGitRepo(t, files, Commit{Files: map[string]string{"a/b/d": "4\n"}})
	r2 := ScriptedGitRepo(t, files, Commit{Files: map[string]string{"a/b/d": "4\n"}})
	if strings.Join(r1.Commits, " ") != strings.Join(r2.Commits, " ") {
		t.Errorf("same script, different hashes: %v vs %v", r1.Commits, r2.Commits)
	}
}

func TestScriptedRepoRejectsBadPath(t *testing.T) {
	for _, p := range []string{"", "/abs", "a//b", "dir/"} {
		if _, err := BuildRepo(t.TempDir(), RepoOptions{Commits: []Commit{{Files: map[string]string{p: "x"}}}}); err == nil {
			t.Errorf("path %q accepted", p)
		}
	}
}
