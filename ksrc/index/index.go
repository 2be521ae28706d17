package index

import (
	"path"
	"sort"
	"strings"
	"sync"
)

// FuncRef names one function definition in the index.
type FuncRef struct {
	File *FileFacts
	Func *Func
}

// MacroRef names one macro definition.
type MacroRef struct {
	File  *FileFacts
	Macro *Macro
}

// InvRef names one declaring-macro invocation (tracepoint or guard).
type InvRef struct {
	File *FileFacts
	Inv  *Invocation
}

// Index is the merged view of the facts of a tree: lookups by name of
// function definitions, macros, tracepoint declarations and guard
// definitions, and the Kbuild facts per directory. An index made by With
// layers changed files over a base index without copying it. An Index is
// immutable once built and safe for concurrent use.
type Index struct {
	Source string // the tree it describes ("tree:PATH", "embedded:6.12", …)
	// Arch is the architecture whose arch/ directory and Kconfig the
	// index reads ("" means x86).
	Arch string
	// Partial is set for indexes that cover only part of a tree (the
	// embedded facts); Covers lists the covered path prefixes.
	Partial bool
	Covers  []string

	base    *Index
	hidden  map[string]bool // files of base replaced or deleted here
	files   map[string]*FileFacts
	funcs   map[string][]FuncRef
	macros  map[string][]MacroRef
	events  map[string][]InvRef // by event name
	guards  map[string][]InvRef // by guard/class name
	invMacs map[string]bool     // invocation macro names seen
	makes   map[string]*FileFacts
	rcu     map[string][]*FileFacts // RCU table names (rcuTableNames) → files

	callerTab callerTable // callee→callers of this layer's files, on first use

	// build conditions (kbuild.go) and the Kconfig model (kconfig.go),
	// computed on first use; a layer that changes no makefile, include
	// or Kconfig file shares its base's.
	kbOnce  sync.Once
	kbState *kbuildState
	incOnce sync.Once
	incTab  map[string][]*FileFacts
	kcOnce  sync.Once
	kcState *kconfigState
	// resolved memoizes Resolve (resolve.go)
	resolveMu sync.Mutex
	resolved  map[resolveKey]resolvedAt
	// lazy, when set, serves this (base) layer from a cache pack instead
	// of the maps above.
	lazy *lazyFiles
}

// New builds an index from file facts.
func New(source string, files []*FileFacts) *Index {
	ix := &Index{Source: source}
	ix.add(files)
	return ix
}

func (ix *Index) add(files []*FileFacts) {
	ix.files = make(map[string]*FileFacts, len(files))
	ix.funcs = map[string][]FuncRef{}
	ix.macros = map[string][]MacroRef{}
	ix.events = map[string][]InvRef{}
	ix.guards = map[string][]InvRef{}
	ix.makes = map[string]*FileFacts{}
	ix.rcu = map[string][]*FileFacts{}
	for _, f := range files {
		if f == nil {
			continue
		}
		ix.files[f.Path] = f
		seen := map[string]bool{}
		for _, n := range rcuTableNames(f) {
			if !seen[n] {
				seen[n] = true
				ix.rcu[n] = append(ix.rcu[n], f)
			}
		}
		for i := range f.Funcs {
			fn := &f.Funcs[i]
			ix.funcs[fn.Name] = append(ix.funcs[fn.Name], FuncRef{f, fn})
		}
		for i := range f.Macros {
			m := &f.Macros[i]
			ix.macros[m.Name] = append(ix.macros[m.Name], MacroRef{f, m})
		}
		for i := range f.Invocations {
			inv := &f.Invocations[i]
			if isGuardMacro(inv.Macro) {
				if k := guardKey(inv); k != "" {
					ix.guards[k] = append(ix.guards[k], InvRef{f, inv})
				}
				continue
			}
			if ev := eventName(inv); ev != "" {
				ix.events[ev] = append(ix.events[ev], InvRef{f, inv})
			}
		}
		if f.Make != nil && isKbuildFile(f.Path) {
			// kbuild reads Kbuild when a directory has both
			if d := path.Dir(f.Path); ix.makes[d] == nil || path.Base(f.Path) == "Kbuild" {
				ix.makes[d] = f
			}
		}
	}
}

// eventName returns the event an invocation declares: the second argument
// of DEFINE_EVENT*, the first of the others.
func eventName(inv *Invocation) string {
	idx := 0
	if strings.HasPrefix(inv.Macro, "DEFINE_EVENT") {
		idx = 1
	}
	if strings.HasPrefix(inv.Macro, "DECLARE_EVENT_CLASS") || inv.Macro == "TRACE_EVENT_ENUM" ||
		inv.Macro == "TRACE_DEFINE_ENUM" || inv.Macro == "TRACE_DEFINE_SIZEOF" {
		return ""
	}
	if idx < len(inv.Args) {
		return inv.Args[idx]
	}
	return ""
}

// With returns an index in which the given files replace (or add to) the
// base's and the deleted paths are gone. The base is not modified.
func (ix *Index) With(changed []*FileFacts, deleted []string) *Index {
	nx := &Index{Source: ix.Source, Arch: ix.Arch, Partial: ix.Partial, Covers: ix.Covers, base: ix, hidden: map[string]bool{}}
	for _, f := range changed {
		nx.hidden[f.Path] = true
	}
	for _, d := range deleted {
		nx.hidden[d] = true
	}
	nx.add(changed)
	return nx
}

// File returns the facts of one file, nil when it is not indexed.
func (ix *Index) File(p string) *FileFacts {
	for x := ix; x != nil; x = x.base {
		if x.lazy != nil {
			return x.lazy.byPath(p)
		}
		if f, ok := x.files[p]; ok {
			return f
		}
		if x.hidden[p] {
			return nil
		}
	}
	return nil
}

// Files returns every indexed file's facts, sorted by path.
func (ix *Index) Files() []*FileFacts {
	seen := map[string]bool{}
	var out []*FileFacts
	for x := ix; x != nil; x = x.base {
		if x.lazy != nil {
			for _, f := range x.lazy.all() {
				if !seen[f.Path] {
					seen[f.Path] = true
					out = append(out, f)
				}
			}
		}
		for p, f := range x.files {
			if !seen[p] {
				seen[p] = true
				out = append(out, f)
			}
		}
		for p := range x.hidden {
			seen[p] = true
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Funcs returns the definitions of a function name.
func (ix *Index) Funcs(name string) []FuncRef {
	if ix.base == nil {
		if ix.lazy != nil {
			return ix.lazy.funcs(name)
		}
		return ix.funcs[name]
	}
	var out []FuncRef
	for _, r := range ix.base.Funcs(name) {
		if !ix.hidden[r.File.Path] {
			out = append(out, r)
		}
	}
	return append(out, ix.funcs[name]...)
}

// Macros returns the #defines of a name.
func (ix *Index) Macros(name string) []MacroRef { return ix.macrosWhere(name, nil) }

// macrosWhere returns the #defines of a name in the files whose path
// keep accepts (all with a nil keep), reading only those files.
func (ix *Index) macrosWhere(name string, keep func(string) bool) []MacroRef {
	if ix.base == nil {
		if ix.lazy != nil {
			return ix.lazy.macros(name, keep)
		}
		return keptMacros(ix.macros[name], keep)
	}
	var out []MacroRef
	for _, r := range ix.base.macrosWhere(name, keep) {
		if !ix.hidden[r.File.Path] {
			out = append(out, r)
		}
	}
	return append(out, keptMacros(ix.macros[name], keep)...)
}

func keptMacros(ms []MacroRef, keep func(string) bool) []MacroRef {
	if keep == nil {
		return ms
	}
	var out []MacroRef
	for _, m := range ms {
		if keep(m.File.Path) {
			out = append(out, m)
		}
	}
	return out
}

// Events returns the declarations of a tracepoint event.
func (ix *Index) Events(name string) []InvRef {
	if ix.base == nil {
		if ix.lazy != nil {
			return ix.lazy.invocations(name, false)
		}
		return ix.events[name]
	}
	var out []InvRef
	for _, r := range ix.base.Events(name) {
		if !ix.hidden[r.File.Path] {
			out = append(out, r)
		}
	}
	return append(out, ix.events[name]...)
}

// Guards returns the DEFINE_GUARD / DEFINE_LOCK_GUARD_n / DEFINE_CLASS
// definitions of a guard name.
func (ix *Index) Guards(name string) []InvRef {
	if ix.base == nil {
		if ix.lazy != nil {
			return ix.lazy.invocations(name, true)
		}
		return ix.guards[name]
	}
	var out []InvRef
	for _, r := range ix.base.Guards(name) {
		if !ix.hidden[r.File.Path] {
			out = append(out, r)
		}
	}
	return append(out, ix.guards[name]...)
}

// Makefile returns the Kbuild facts of a directory ("kernel/rcu"), nil
// when it has no indexed Makefile.
func (ix *Index) Makefile(dir string) *FileFacts {
	for x := ix; x != nil; x = x.base {
		if x.lazy != nil {
			return x.lazy.makefile(dir)
		}
		if f, ok := x.makes[dir]; ok && !x.hidden[f.Path] {
			return f
		}
		if x.hidden[dir+"/Makefile"] && x.hidden[dir+"/Kbuild"] {
			return nil
		}
	}
	return nil
}

// Stats counts what the index holds.
type Stats struct {
	Files, Funcs, Calls, Macros, Events, Guards, Makefiles int
}

// Stats counts files, definitions and call sites.
func (ix *Index) Stats() Stats {
	if ix.base == nil && ix.lazy != nil {
		return ix.lazy.dir.stats
	}
	return statsOf(ix.Files())
}
