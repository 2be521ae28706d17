package ksrc

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/go-git/go-billy/v5/osfs"
)

// OpenRepository opens the git repository at dir as git would find it: a
// directory that is itself a git dir (bare repository, .git, a linked
// worktree's git dir) as is, anything else by looking for .git in dir
// and its parents; a linked worktree shares its main repository's
// objects and refs (commondir).
//
// Repositories that borrow objects from another one through
// objects/info/alternates (`git clone --shared`, `--reference`, common
// for kernel trees) are read too. go-git follows alternates, but by
// default resolves their paths inside the git dir's own file system,
// where an absolute path such as /home/me/linux.git/objects cannot be
// reached; the storage is therefore reopened with the root file system
// for alternates. go-git cannot follow a relative alternates path
// (relative to objects/, which it treats as rooted at the file system
// root): that is reported as an error naming the file rather than as a
// baffling "reference not found".
func OpenRepository(dir string) (*git.Repository, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	// With DetectDotGit go-git looks for a ".git" in abs and its parents,
	// which would skip a bare repository (or pick an enclosing one), so a
	// directory that is itself a git dir is opened as is.
	opts := &git.PlainOpenOptions{DetectDotGit: !isGitDir(abs), EnableDotGitCommonDir: true}
	repo, err := git.PlainOpenWithOptions(abs, opts)
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	st, ok := repo.Storer.(*filesystem.Storage)
	if !ok {
		return repo, nil
	}
	alts, err := alternatesOf(st)
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	if len(alts) == 0 {
		return repo, nil
	}
	repo.Storer = filesystem.NewStorageWithOptions(st.Filesystem(), cache.NewObjectLRUDefault(),
		filesystem.Options{AlternatesFS: osfs.New("/")})
	return repo, nil
}

// alternatesOf returns the object directories listed in the storage's
// objects/info/alternates (none when there is no such file); a relative
// one is an error (see OpenRepository).
func alternatesOf(st *filesystem.Storage) ([]string, error) {
	fs := st.Filesystem()
	name := fs.Join("objects", "info", "alternates")
	f, err := fs.Open(name)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !filepath.IsAbs(line) {
			return nil, fmt.Errorf("%s: relative alternate object directory %q is not supported (go-git cannot follow it); make it absolute", filepath.Join(fs.Root(), name), line)
		}
		out = append(out, line)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return out, nil
}
