package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"time"

	"github.com/rcureview/rcureview/ksrc/index"
)

// runIndex implements "rcureview index": build or refresh the index cache
// of a kernel tree, optionally writing the facts to a file (the embedded
// fact set is made this way).
func runIndex(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("index", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var tf treeFlags
	tf.register(fs, flagTree|flagGit|flagArch|flagCache, treeUse{tree: "to index"})
	out := fs.String("out", "", "also write the facts, compressed, to this `FILE`")
	embedded := fs.Bool("embedded", false, "index only the embedded fact set's paths (ksrc/index.EmbeddedPrefixes), without the cache")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: rcureview index (--tree DIR | --git DIR [--rev REV]) [--arch ARCH] [--cache DIR | --no-cache]\n"+
			"                       [--out FILE] [--embedded]\n\n"+
			"Indexes a kernel tree (functions, macros, call sites, tracepoints, guards, Kbuild facts)\n"+
			"into the cache so that reviews against it start fast. Unchanged files are reused.\n"+
			"review, check, bot and rcu-map read the index of the same --arch from the same --cache.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if (tf.tree == "") == (tf.git == "") || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	t, err := tf.open()
	if err != nil {
		fmt.Fprintf(stderr, "rcureview index: %v\n", err)
		return 2
	}
	if *embedded {
		tf.noCache = true
	}
	opt, err := tf.indexOptions()
	if err != nil {
		fmt.Fprintf(stderr, "rcureview index: %v\n", err)
		return 2
	}
	opt.Verify = true
	if *embedded {
		opt.Prefixes = index.EmbeddedPrefixes
	}
	if isTerminal(stderr) {
		opt.Progress = progressBar(stderr)
	}
	// A cold index keeps at most a few hundred MB live (the name tables
	// of the pack it streams): the heap may grow to a fixed budget rather
	// than double at every collection, so it collects less often and
	// peaks under 1 GiB.
	heapBudget(400, indexMemoryLimit)
	start := time.Now()
	ix, st, err := index.Build(t, opt)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview index: %v\n", err)
		return 2
	}
	elapsed := time.Since(start)
	if st.Pack != "" {
		// the Kconfig model, kept next to the pack (about 0.1 s), so
		// that the first review does not build it
		ix.Kconfig()
	}
	if *out != "" {
		if err := writeFacts(*out, ix, opt.Prefixes); err != nil {
			fmt.Fprintf(stderr, "rcureview index: %v\n", err)
			return 2
		}
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := ix.Stats()
	fmt.Fprintf(stdout, "indexed %s: %d files (%d skimmed, %.1f MB; %d from cache) in %.2fs\n",
		t.Describe(), st.Files, st.Skimmed, float64(st.Bytes)/1e6, st.Reused, elapsed.Seconds())
	fmt.Fprintf(stdout, "%d functions, %d call sites, %d macros, %d tracepoint declarations, %d guards, %d makefiles\n",
		s.Funcs, s.Calls, s.Macros, s.Events, s.Guards, s.Makefiles)
	if st.Pack != "" {
		fmt.Fprintf(stdout, "cache: %s\n", st.Pack)
	}
	if *out != "" {
		if fi, err := os.Stat(*out); err == nil {
			fmt.Fprintf(stdout, "facts: %s (%d bytes)\n", *out, fi.Size())
		}
	}
	return 0
}

func writeFacts(path string, ix *index.Index, prefixes []string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := index.WriteFacts(f, "linux 6.12", prefixes, ix.Files()); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	return f.Close()
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressBar draws "[#####.....] done/total" on one terminal line.
func progressBar(w io.Writer) func(done, total int) {
	return func(done, total int) {
		if total == 0 {
			return
		}
		const width = 40
		n := done * width / total
		bar := make([]byte, width)
		for i := range bar {
			bar[i] = '.'
			if i < n {
				bar[i] = '#'
			}
		}
		fmt.Fprintf(w, "\r[%s] %d/%d files", bar, done, total)
		if done >= total {
			fmt.Fprintln(w)
		}
	}
}

// indexMemoryLimit is the Go heap budget of "rcureview index" (soft:
// runtime/debug.SetMemoryLimit). A cold index of the whole tree keeps
// ~230 MB live at its end and allocates ~1.4 GB: 512 MiB collects about 8
// times, and every page the heap grows by is a page fault (~10 µs each in
// the virtual machines measured), so a larger budget costs more system
// time than the collections it saves.
const indexMemoryLimit = 512 << 20

// rcuMapMemoryLimit is the heap budget of "rcureview rcu-map --all", which
// keeps ~600 MB live at its end.
const rcuMapMemoryLimit = 768 << 20

// reviewGCPercent is the collector's percentage for a review of patches
// (review without --all, check): a warm one-patch review allocates ~15 MB
// and keeps ~6 MB live, so the default 100 collects five times on a heap
// of a few megabytes; 200 collects half as often for ~200 more fresh
// pages (one page fault each): ~20 ms less CPU, ~10 ms less wall of
// ~120 ms (perf stat -r 10, quiet 2-core VM, December 2026). The soft
// limit is the index's: a review that has to index a tree first keeps its
// budget.
const reviewGCPercent = 200

// heapBudget sets the collector's percentage and a soft memory limit,
// unless the environment sets GOGC or GOMEMLIMIT.
func heapBudget(percent int, limit int64) {
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
}
