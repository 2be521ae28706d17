package hook

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// Marker is the line that identifies rcureview's hook script.
const Marker = "# rcureview-hook: pre-commit hook installed by \"rcureview hook install\""

// ChainedName is the name an existing pre-commit hook is moved to; the
// installed hook runs it first and stops the commit if it fails.
const ChainedName = "pre-commit.rcureview-chained"

// HooksDir returns the directory git runs hooks from: core.hooksPath
// (repository, global or system configuration; relative to the work
// tree's top, or to the git dir of a bare repository; "~/" expanded), else
// $GIT_DIR/hooks.
func HooksDir(r *git.Repository) (string, error) {
	gitDir, err := GitDir(r)
	if err != nil {
		return "", err
	}
	cfg, err := r.ConfigScoped(config.SystemScope)
	if err != nil {
		return "", fmt.Errorf("read git config: %w", err)
	}
	hp := cfg.Raw.Section("core").Option("hooksPath")
	if hp == "" {
		return filepath.Join(gitDir, "hooks"), nil
	}
	if rest, ok := strings.CutPrefix(hp, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", fmt.Errorf("core.hooksPath %s: %w", hp, err)
		}
		hp = filepath.Join(home, rest)
	}
	if !filepath.IsAbs(hp) {
		base := gitDir
		if wt, err := r.Worktree(); err == nil {
			base = wt.Filesystem.Root()
		}
		hp = filepath.Join(base, hp)
	}
	return hp, nil
}

// script is the hook: run the chained hook, then the check. The hook's
// directory is cut from $0 by the shell, not by $(dirname "$0"): that
// subshell and process cost ~4 ms of every commit (perf stat, 2-core VM).
func script(binary string) string {
	return "#!/bin/sh\n" + Marker + ";\n" +
		"# \"rcureview hook uninstall\" removes it and restores a chained hook.\n" +
		"case $0 in */*) hookdir=${0%/*} ;; *) hookdir=. ;; esac\n" +
		"if [ -x \"$hookdir/" + ChainedName + "\" ]; then\n" +
		"\t\"$hookdir/" + ChainedName + "\" \"$@\" || exit $?\n" +
		"fi\n" +
		"exec " + shellQuote(binary) + " check --staged\n"
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// isOurs reports whether the file at path is rcureview's hook.
func isOurs(path string) (bool, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return false, err
	}
	return bytes.Contains(data, []byte(Marker)), nil
}

// InstallResult says what Install or Uninstall did.
type InstallResult struct {
	Hook    string // the pre-commit path
	Chained string // the chained hook's path, "" when none
	Action  string // "installed", "updated", "removed", "not installed"
}

// Install writes the pre-commit hook running "BINARY check --staged" into
// the repository's hooks directory. An existing foreign hook is kept as
// ChainedName and run first; running Install again only refreshes the
// script.
func Install(r *git.Repository, binary string) (*InstallResult, error) {
	dir, err := HooksDir(r)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("hook install: %w", err)
	}
	res := &InstallResult{Hook: filepath.Join(dir, "pre-commit"), Action: "installed"}
	chained := filepath.Join(dir, ChainedName)
	ours, err := isOurs(res.Hook)
	switch {
	case errors.Is(err, os.ErrNotExist):
	case err != nil:
		return nil, fmt.Errorf("hook install: %w", err)
	case ours:
		res.Action = "updated"
	default:
		if _, err := os.Stat(chained); err == nil {
			return nil, fmt.Errorf("hook install: both %s and %s exist; move one away", res.Hook, chained)
		}
		if err := os.Rename(res.Hook, chained); err != nil {
			return nil, fmt.Errorf("hook install: keep existing hook: %w", err)
		}
	}
	if _, err := os.Stat(chained); err == nil {
		res.Chained = chained
	}
	tmp := res.Hook + ".rcureview-tmp"
	if err := os.WriteFile(tmp, []byte(script(binary)), 0o755); err != nil {
		return nil, fmt.Errorf("hook install: %w", err)
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return nil, fmt.Errorf("hook install: %w", err)
	}
	if err := os.Rename(tmp, res.Hook); err != nil {
		return nil, fmt.Errorf("hook install: %w", err)
	}
	return res, nil
}

// Uninstall removes rcureview's pre-commit hook and puts a chained hook
// back. A pre-commit hook that is not rcureview's is left alone (error).
func Uninstall(r *git.Repository) (*InstallResult, error) {
	dir, err := HooksDir(r)
	if err != nil {
		return nil, err
	}
	res := &InstallResult{Hook: filepath.Join(dir, "pre-commit"), Action: "removed"}
	chained := filepath.Join(dir, ChainedName)
	ours, err := isOurs(res.Hook)
	switch {
	case errors.Is(err, os.ErrNotExist):
		res.Action = "not installed"
	case err != nil:
		return nil, fmt.Errorf("hook uninstall: %w", err)
	case !ours:
		return nil, fmt.Errorf("hook uninstall: %s is not rcureview's hook; left alone", res.Hook)
	default:
		if err := os.Remove(res.Hook); err != nil {
			return nil, fmt.Errorf("hook uninstall: %w", err)
		}
	}
	if _, err := os.Stat(chained); err == nil {
		if _, err := os.Stat(res.Hook); err == nil {
			return nil, fmt.Errorf("hook uninstall: %s exists; %s not restored", res.Hook, chained)
		}
		if err := os.Rename(chained, res.Hook); err != nil {
			return nil, fmt.Errorf("hook uninstall: restore %s: %w", chained, err)
		}
		res.Chained = res.Hook
	}
	return res, nil
}
