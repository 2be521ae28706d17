package index

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/rcureview/rcureview/ksrc"
)

// fileEntry is one wanted file of a tree and its content key.
type fileEntry struct{ path, key string }

// wantedFiles lists the files of t that keep accepts, with their keys, in
// the tree's Walk order. A warm start is mostly this listing, so a
// directory tree is listed here rather than with DirTree.Walk: the
// directories that cannot hold wanted files (tools/, Documentation/, …,
// other architectures: two files in five of a kernel tree) are skipped,
// only accepted files are stat'ed, and the subdirectories two levels
// down are listed in parallel.
func wantedFiles(t ksrc.Tree, arch string, keep func(p string) bool) ([]fileEntry, error) {
	out, _, err := wantedFilesStamped(t, arch, keep)
	return out, err
}

// wantedFilesStamped is wantedFiles that also returns, for a directory
// tree, the modification time of every directory it listed (taken
// before the directory is read), sorted by path.
func wantedFilesStamped(t ksrc.Tree, arch string, keep func(p string) bool) ([]fileEntry, []dirStamp, error) {
	d, ok := t.(*ksrc.DirTree)
	if !ok {
		out, err := walkAll(t, "", keep)
		return out, nil, err
	}
	prune := func(dir string) bool { return pruned(dir, arch) }
	var parts []walkPart
	var stamps []dirStamp
	if err := listLevels(d, "", 2, prune, keep, &parts); err != nil {
		out, err := walkAll(t, "", keep)
		return out, nil, err
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				parts[i].err = listLevels(d, parts[i].dir, -1, prune, keep, &parts[i].sub)
			}
		}()
	}
	for i := range parts {
		if parts[i].dir != "" {
			next <- i
		}
	}
	close(next)
	wg.Wait()
	var out []fileEntry
	for i := range parts {
		if parts[i].err != nil {
			return nil, nil, parts[i].err
		}
		out = append(out, parts[i].files...)
		stamps = append(stamps, parts[i].stamps...)
		for _, sp := range parts[i].sub {
			out = append(out, sp.files...)
			stamps = append(stamps, sp.stamps...)
		}
	}
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].path < stamps[j].path })
	return out, stamps, nil
}

// pruned reports whether a directory of a tree cannot hold wanted files
// of arch (tools/, Documentation/ below its first level, other
// architectures).
func pruned(dir, arch string) bool {
	top, rest, nested := strings.Cut(dir, "/")
	if top == "tools" {
		return true
	}
	if skippedTops[top] {
		return strings.Contains(rest, "/") // only their Kconfig files, one level deep
	}
	return nested && top == "arch" && !strings.Contains(rest, "/") && rest != arch
}

// walkPart is a piece of a tree listing: files listed directly, or a
// directory (dir set) to list completely into sub.
type walkPart struct {
	dir    string
	files  []fileEntry
	stamps []dirStamp // directories listed (their modification times)
	sub    []walkPart
	err    error
}

// listLevels appends the listing of dir to parts in Walk order: its
// regular files, and its subdirectories as directories to list later, or,
// while levels remain (all the way down for levels < 0), listed the same
// way. It lists as DirTree.Walk does (regular files and real directories
// only, no .git, key "SIZE-MTIMENANOS") but stats only the files keep
// accepts and resolves no path through os.Root: listing stays inside the
// tree because symlinks are never followed.
func listLevels(d *ksrc.DirTree, dir string, levels int, prune, keep func(p string) bool, parts *[]walkPart) error {
	abs := filepath.Join(d.Root(), filepath.FromSlash(dir))
	// the directory's time before its entries are read: a change after
	// this gives a later time
	di, err := os.Lstat(abs)
	if err != nil {
		return err
	}
	*parts = append(*parts, walkPart{stamps: []dirStamp{{dir, di.ModTime().UnixNano()}}})
	df, err := os.Open(abs)
	if err != nil {
		return err
	}
	defer df.Close()
	ents, err := df.ReadDir(-1)
	if err != nil {
		return err
	}
	// Walk order: a directory sorts as "name/".
	sortName := func(e fs.DirEntry) string {
		if e.IsDir() {
			return e.Name() + "/"
		}
		return e.Name()
	}
	sort.Slice(ents, func(i, j int) bool { return sortName(ents[i]) < sortName(ents[j]) })
	for _, e := range ents {
		p := e.Name()
		if dir != "" {
			p = dir + "/" + p
		}
		switch {
		case strings.EqualFold(e.Name(), ".git"):
		case e.IsDir():
			if prune(p) {
				continue
			}
			if levels > 1 || levels < 0 {
				if err := listLevels(d, p, levels-1, prune, keep, parts); err != nil {
					return err
				}
				continue
			}
			*parts = append(*parts, walkPart{dir: p})
		case e.Type().IsRegular():
			if !keep(p) {
				continue
			}
			// DirTree's key: "SIZE-MTIMENANOS" (a different key would only
			// cost a re-skim of the file)
			// relative to the open directory: no path walk per file
			size, mtime, err := lstatIn(df, abs, e.Name())
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return fmt.Errorf("list %s: %w", p, err)
			}
			key := strconv.FormatInt(size, 10) + "-" + strconv.FormatInt(mtime, 10)
			*parts = append(*parts, walkPart{files: []fileEntry{{p, key}}})
		}
	}
	return nil
}

// walkAll lists the files under dir that keep accepts, in Walk order.
func walkAll(t ksrc.Tree, dir string, keep func(p string) bool) ([]fileEntry, error) {
	var out []fileEntry
	err := t.Walk(dir, func(p, key string) error {
		if keep(p) {
			out = append(out, fileEntry{p, key})
		}
		return nil
	})
	return out, err
}
