// Package kerneltest holds helpers for tests that need a kernel tree: the
// real linux 6.12 tree (integration tests, skipped when it is absent), a git
// repository of it, and small scripted git repositories built with go-git
// for unit tests.
//
// Environment:
//
//	RCUREVIEW_KERNEL_TREE  an unpacked linux 6.12 source tree (read only)
//	RCUREVIEW_KERNEL_GIT   a git repository of that tree (optional; CI
//	                       prepares /root/.cache/rcureview/linux-6.12.git)
//
// A test binary that calls GitRepo without RCUREVIEW_KERNEL_GIT needs a
// TestMain that calls Main, which removes the repository GitRepo creates.
package kerneltest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// EnvTree and EnvGit name the environment variables read by Tree and GitRepo.
const (
	EnvTree = "RCUREVIEW_KERNEL_TREE"
	EnvGit  = "RCUREVIEW_KERNEL_GIT"
)

// Tree returns the kernel tree from $RCUREVIEW_KERNEL_TREE, or skips the test.
func Tree(t testing.TB) string {
	t.Helper()
	dir := os.Getenv(EnvTree)
	if dir == "" {
		t.Skip(EnvTree + " not set: integration test needs a linux 6.12 tree")
	}
	if fi, err := os.Stat(filepath.Join(dir, "MAINTAINERS")); err != nil || fi.IsDir() {
		t.Fatalf("%s=%s does not look like a kernel tree (no MAINTAINERS file)", EnvTree, dir)
	}
	return dir
}

// binaryRepo is the repository GitRepo creates once per test binary. It is
// package state on purpose: building it costs about a minute and 600 MB,
// so every test in the binary shares one; Main removes it.
var binaryRepo struct {
	mu       sync.Mutex
	withMain bool   // Main is running the tests
	tmp      string // temp dir holding the repository, removed by Main
	dir      string // the repository (a git dir)
	err      error  // creation failed: every caller fails the same way
}

// Main runs the tests of a package and then removes the repository that
// GitRepo created, if any. Call it from TestMain:
//
//	func TestMain(m *testing.M) { kerneltest.Main(m) }
func Main(m *testing.M) {
	binaryRepo.mu.Lock()
	binaryRepo.withMain = true
	binaryRepo.mu.Unlock()
	code := m.Run()
	binaryRepo.mu.Lock()
	if binaryRepo.tmp != "" {
		if err := os.RemoveAll(binaryRepo.tmp); err != nil {
			fmt.Fprintf(os.Stderr, "kerneltest: remove %s: %v\n", binaryRepo.tmp, err)
		}
	}
	binaryRepo.mu.Unlock()
	os.Exit(code)
}

// GitRepo returns a git repository (a bare-style git dir) whose HEAD commit
// holds the kernel tree: $RCUREVIEW_KERNEL_GIT if set, else one created once
// per test binary in a temp dir from Tree(t) with the git CLI. The tree is
// never written to: the index and objects live in the temp git dir. Without
// a kernel tree the test is skipped.
func GitRepo(t testing.TB) string {
	t.Helper()
	if dir := os.Getenv(EnvGit); dir != "" {
		if _, err := os.Stat(dir); err != nil {
			t.Fatalf("%s: %v", EnvGit, err)
		}
		return dir
	}
	tree := Tree(t)
	binaryRepo.mu.Lock()
	defer binaryRepo.mu.Unlock()
	if !binaryRepo.withMain {
		t.Fatalf("kerneltest.GitRepo without %s builds a 600 MB repository; "+
			"add `func TestMain(m *testing.M) { kerneltest.Main(m) }` so it is removed, or set %s", EnvGit, EnvGit)
	}
	if binaryRepo.dir == "" && binaryRepo.err == nil {
		tmp, err := os.MkdirTemp("", "kerneltest-")
		if err != nil {
			binaryRepo.err = err
		} else {
			binaryRepo.tmp = tmp
			dir := filepath.Join(tmp, "linux.git")
			start := time.Now()
			if err := MakeGitRepo(tree, dir); err != nil {
				binaryRepo.err = err
			} else {
				binaryRepo.dir = dir
				t.Logf("kerneltest: made %s from %s in %s", dir, tree, time.Since(start).Round(time.Millisecond))
			}
		}
	}
	if binaryRepo.err != nil {
		t.Fatalf("kerneltest: git repository of %s: %v", tree, binaryRepo.err)
	}
	return binaryRepo.dir
}

// identityEnv is the fixed author and committer of repositories made by
// MakeGitRepo and ScriptedRepo, so that their hashes are reproducible.
var identityEnv = []string{
	"GIT_AUTHOR_NAME=rcureview", "GIT_AUTHOR_EMAIL=rcureview@localhost",
	"GIT_COMMITTER_NAME=rcureview", "GIT_COMMITTER_EMAIL=rcureview@localhost",
	"GIT_AUTHOR_DATE=2024-11-17T00:00:00Z", "GIT_COMMITTER_DATE=2024-11-17T00:00:00Z",
}

// MakeGitRepo creates the git dir gitDir with one commit ("base") holding
// every file of tree, using the git CLI with GIT_DIR and GIT_WORK_TREE so
// that nothing is written into tree. `git add -f` is needed because the
// kernel's .gitignore files ignore generated and dot files. The user's and
// system's git configuration is ignored and the identity is fixed, so the
// commit hash depends only on the tree's contents.
func MakeGitRepo(tree, gitDir string) error {
	abs, err := filepath.Abs(tree)
	if err != nil {
		return fmt.Errorf("make git repo of %s: %w", tree, err)
	}
	env := []string{
		"GIT_DIR=" + gitDir, "GIT_WORK_TREE=" + abs,
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull,
		"HOME=" + os.TempDir(), "LC_ALL=C",
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "HOME=") && !strings.HasPrefix(kv, "LC_ALL=") {
			env = append(env, kv)
		}
	}
	env = append(env, identityEnv...)
	for _, args := range [][]string{
		{"init", "-q"},
		{"-c", "core.autocrlf=false", "-c", "gc.auto=0", "add", "-f", "-A"},
		{"-c", "gc.auto=0", "-c", "commit.gpgSign=false", "commit", "-q", "--no-verify", "-m", "base"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = os.TempDir() // never the tree: no stray files there
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("make git repo of %s: git %s: %w: %s", tree, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
	}
	return nil
}
