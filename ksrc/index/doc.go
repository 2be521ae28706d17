// Package index extracts facts from kernel C sources and Kbuild makefiles
// and answers the questions the notrace and noinstr analyzers ask: where a
// function is defined and with which attributes (notrace, noinstr, inline,
// __always_inline, static, __init, __kprobes, …), what a function or macro
// body calls and under which #if / #ifdef / IS_ENABLED() conditions, which
// tracepoints exist and for which configuration they are NOPs (e.g. the
// RCU events exist only with CONFIG_RCU_TRACE), what guard(x)() and
// scoped_guard(x) lock and unlock (DEFINE_LOCK_GUARD_n, DEFINE_GUARD,
// DEFINE_CLASS), and which objects Kbuild builds without
// $(CC_FLAGS_FTRACE) (CFLAGS_REMOVE_x.o, ccflags-remove-…,
// subdir-ccflags-remove-…) or without sanitizers (KCOV_INSTRUMENT,
// KASAN_SANITIZE, …), under which configuration Kbuild compiles each file
// (kbuild.go: object lists, composite objects, the arch/$(SRCARCH)
// descent, #included .c files and local headers) and what the
// architecture's Kconfig allows (kconfig.go, with package kconfig): every
// definition a call resolves to carries its file's build condition next
// to its own #if, and Possible decides whether conditions can hold
// together. It also keeps the raw facts of the RCU protection map (rcu.go:
// each call of an RCU primitive with the location it names, the fields
// and globals declared __rcu), from which package rcumap builds the map.
//
// # Parsing approach, chosen by measurement
//
// Kernel C is read unpreprocessed: a real C parser sees macro-generated
// code, attributes and #if branches it cannot resolve. Two approaches were
// measured on the 533 .c/.h files of kernel/ in linux-source-6.12
// (6.12.117, 13.5 MB), files preloaded in memory, one core:
//
//	tree-sitter (github.com/smacker/go-tree-sitter, C grammar): 3.9 s CPU;
//	  424 of 533 files contain ERROR nodes (macros such as
//	  DEFINE_PER_CPU(...), SYSCALL_DEFINE, __acquires(x) confuse it)
//	this package's skimmer:                                      0.37 s CPU
//
// so the whole tree is skimmed by a tokenizer-level pass over the shared C
// scanner's tokens (package cscan; skim.go, skim_pp.go, skim_decl.go,
// skim_body.go): comments and literals removed, preprocessor directives
// tracked as a condition stack (skim_pp.go), top-level declarations split at ';' or at a
// column-0 line after a macro invocation, function bodies recognised by a
// declarator followed by '{', and calls recognised as identifier + '('.
// Brace mismatches from #if branches recover at the next column-0 '}'.
// Tree-sitter brings no fact the skimmer lacks for these analyzers and is
// an order of magnitude slower, so it is not used.
//
// # Whole-tree numbers (linux-source-6.12, x86, 2 shared cores)
//
// 51,109 files (1.26 GB of .c/.h plus 2,191 Makefiles and the Kconfig
// files; tools/, Documentation/, scripts/, samples/ and the other
// architectures skipped): 631,221 function definitions, 3,790,601 call
// sites, 296,766 macros with calls, 6,363 tracepoint declarations. Cold
// index ("rcureview index", records streamed into the pack, heap budget
// of 512 MiB): ~17 s CPU (13-14 s user + 3-4 s system; 48 s before the
// skimming work of issue 14), peak RSS ~0.62 GB, 9.5 s wall with the
// machine nearly idle (ctags -R: 188 s in the same minutes). The CPU goes
// to the skimmer (~2/3: tokenizing ~30 %, of which interning identifiers
// ~9 %), reading files (openat2 below the tree's directory, one read into
// a reused buffer: ~8 %), the pack's name tables (~6 %) and the
// collector; system time is mostly page faults of the heap's growth.
// bench/index.sh on the quiet machine (2 CPUs): cold 7.9 s wall vs ctags
// -R 108 s (0.073), peak RSS 594 MiB. A warm one-patch review: pack open
// 5-8 ms (the file table is read in place), directory stamps 20 ms, the C
// files of the ~31 directories it reads 12 ms (in parallel, while the mail
// is read), ~360 records decoded, the Kconfig model from its sidecar
// (PACK.kconfig) and each directory's Kbuild objects from PACK.kbuild;
// ~0.21 s CPU and 0.15-0.17 s wall in all (checkpatch.pl: 0.43-0.55 s),
// most of it the notrace walk (Resolve, Kconfig queries).
// Reproduce with
//
//	go build -o /tmp/rcureview ./cmd/rcureview
//	/usr/bin/time -v /tmp/rcureview index --tree $RCUREVIEW_KERNEL_TREE
//
// # Cache
//
// Facts are cached per file in os.UserCacheDir()/rcureview/index, one
// pack per tree, each file keyed by its content key from ksrc.Tree.Walk
// (the git blob hash, or size+mtime for directories). A pack (pack.go)
// holds one compact record per file and a directory of sorted name
// tables (functions, macros, events, guards, callees, Makefiles → file
// ids); a warm Build reads only the directory and decodes a file's
// record when a lookup first needs it. Records and the directory carry
// CRC-32C checksums: an unusable pack is re-indexed, a damaged record
// re-skimmed, each with a log line. Provider.For indexes an overlay (a
// patched tree) by skimming only the files the overlay changes and
// layering them over the base index.
//
// # Validation by content identity
//
// A warm start never lists the tree. Why that is correct:
//
// A git tree's pack is named by the commit's root tree object id
// (CacheID): git names a tree by the hash of its entries, which name
// each blob by the hash of its content, so the same root tree id means
// the same files byte for byte, whichever commit, worktree, clone or
// path it is reached from. The pack is used as it is, with no walk at
// all; a second worktree (or "check --staged" in it) of an indexed
// commit costs nothing. A tree not indexed yet is walked (tree objects
// only) and takes the records of unchanged blobs (same path, same blob
// id) from the most recently used pack of another git tree; the
// keptGitPacks packs used last are kept.
//
// A directory tree has no content id, so its pack is checked by its
// directories (dircheck.go): every directory's mtime at open, which
// shows every file added, deleted or renamed (and so every save through
// a new file, patch(1), quilt, git checkout), and, lazily, the mtime and
// size of every C file in a directory before the first of its records is
// read, and of a Makefile or Kconfig file before its record is read. A
// changed file is skimmed again and served in place of its record, to
// name lookups too; times within racyWindow of the listing are never
// trusted. A file that the review reads facts from, or that sits in a
// directory it reads from, is therefore always current; one edited in
// place (no new directory entry) in a directory the review reads nothing
// from is not looked at: "rcureview index" (Options.Verify) lists and
// stats the whole tree.
//
// What a review derives from many files is kept next to the pack and
// checked the same way: the Kconfig model (PACK.kconfig, kconfig.go) and
// each directory's Kbuild objects (PACK.kbuild, kbuildcache.go) name
// every file they were read from with its content key, and are used only
// when each still has that key (stat'ed for a directory tree), so a
// change to any of them is seen although no record is read.
package index
