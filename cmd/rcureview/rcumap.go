package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumap"
)

// runRCUMap implements "rcureview rcu-map": print the protection map of
// the locations a query names (readers with their protection, retire
// paths with their grace periods, coverage).
func runRCUMap(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rcu-map", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f treeFlags
	f.register(fs, kernelTree, treeUse{tree: "to map", config: "its conditions decide which definitions exist"})
	all := fs.Bool("all", false, "check every location of the tree and print those a retire path does not cover")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: rcureview rcu-map [--tree DIR | --git DIR [--rev REV]] [--arch ARCH] [--cache DIR | --no-cache]\n"+
			"                        [--config FILE|NAME] FIELD|SYMBOL...\n"+
			"       rcureview rcu-map [--tree DIR | --git DIR [--rev REV]] [--arch ARCH] [--cache DIR | --no-cache]\n"+
			"                        [--config FILE|NAME] --all\n\n"+
			"Print the RCU protection map of a location: a struct field (\"struct tracepoint.funcs\",\n"+
			"or just \"funcs\"), a global or per-CPU pointer, or the entries of an RCU list (\"struct\n"+
			"packet_type.list\"): its readers with the read-side protection of each path that reaches\n"+
			"them, its publications with the grace periods that retire the old object, and whether\n"+
			"every retire path waits for every reader. Without a tree the embedded 6.12 facts are used\n"+
			"(readers and retire paths in the subsystems they cover only).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return flagExit(err)
	}
	if fs.NArg() == 0 && !*all || fs.NArg() > 0 && *all {
		fs.Usage()
		return 2
	}
	if *all {
		// the whole tree's summaries and source texts stay live (~600 MB
		// at the end): collect under a budget instead of letting the heap
		// double past 1 GiB
		heapBudget(100, rcuMapMemoryLimit)
	}
	m, err := openMap(&f)
	if err != nil {
		fmt.Fprintf(stderr, "rcureview rcu-map: %v\n", err)
		return 2
	}
	status := 0
	if *all {
		n, keys, retired, judged, notes, unprot := 0, 0, 0, 0, 0, 0
		for _, k := range m.Keys() {
			keys++
			e := m.Entry(k, true)
			if len(e.Retires) > 0 {
				retired++
			}
			for _, r := range e.Readers {
				for _, p := range r.Paths {
					if p.Protected() {
						judged += len(e.Retires)
					}
				}
			}
			for _, r := range e.Readers {
				if !rcueffects.ReadNeedsReader(r.Prim) {
					continue
				}
				for _, p := range m.Unprotected(r.Def(m), r.Prim, r.Line, r.Loc) {
					{
						unprot++
						fmt.Fprintf(stdout, "UNPROTECTED: %s() in %s() %s:%d reads %s: %s\n", r.Prim, r.Func, r.File, r.Line, k, rcumap.PathText(p))
					}
				}
			}
			bad, acc := e.Mismatches()
			notes += len(acc)
			if len(bad) > 0 || len(acc) > 0 {
				e.WriteText(stdout)
				fmt.Fprintln(stdout)
			}
			if len(bad) > 0 {
				n++
			}
		}
		fmt.Fprintf(stdout, "%d locations, %d with a retire path, %d reader path x retire path pairs judged, %d covered only by accident\n",
			keys, retired, judged, notes)
		fmt.Fprintf(stdout, "%d locations with a reader a retire path does not cover, %d reads reachable unprotected\n", n, unprot)
		if n > 0 {
			status = 1
		}
		return status
	}
	for _, q := range fs.Args() {
		keys := m.Lookup(q)
		if len(keys) == 0 {
			fmt.Fprintf(stderr, "rcureview rcu-map: no RCU location matches %q\n", q)
			status = 1
			continue
		}
		for _, k := range keys {
			m.Entry(k, true).WriteText(stdout)
			fmt.Fprintln(stdout)
		}
	}
	return status
}

// openMap opens the protection map of the tree the flags name (--tree,
// --git, or the embedded facts) under --config and --arch.
func openMap(f *treeFlags) (*rcumap.Map, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	t, err := f.open()
	if err != nil {
		return nil, err
	}
	cfg, err := f.loadConfig()
	if err != nil {
		return nil, err
	}
	ix, err := f.indexes().For(t)
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	return rcumap.New(ix, rcueffects.NewSummarizer(ix, rcueffects.NewSource(t, nil), cfg), cfg), nil
}
