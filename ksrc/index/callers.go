package index

import (
	"sort"
	"sync"
)

// CallerRef names one definition (a function or a macro) whose body calls
// a name. Exactly one of Func and Macro is set.
type CallerRef struct {
	File  *FileFacts
	Func  *Func
	Macro *Macro
}

// Name returns the caller's name.
func (r CallerRef) Name() string {
	if r.Func != nil {
		return r.Func.Name
	}
	return r.Macro.Name
}

// callerTable is the callee→callers map of one layer, built on first use.
type callerTable struct {
	once sync.Once
	m    map[string][]CallerRef
}

// Callers returns the definitions whose bodies call name (one entry per
// call site, as the bodies list them), ordered by file path and, within a
// file, functions before macros in definition order. The map behind it is
// built once per index, on first use.
func (ix *Index) Callers(name string) []CallerRef {
	if ix.base == nil {
		if ix.lazy != nil {
			return ix.lazy.callers(name)
		}
		return ix.ownCallers().m[name]
	}
	var out []CallerRef
	for _, r := range ix.base.Callers(name) {
		if !ix.hidden[r.File.Path] {
			out = append(out, r)
		}
	}
	own := ix.ownCallers().m[name]
	if len(own) == 0 {
		return out
	}
	out = append(out, own...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].File.Path < out[j].File.Path })
	return out
}

// ownCallers builds the callee→callers map of this layer's own files.
func (ix *Index) ownCallers() *callerTable {
	t := &ix.callerTab
	t.once.Do(func() {
		paths := make([]string, 0, len(ix.files))
		for p := range ix.files {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		t.m = map[string][]CallerRef{}
		for _, p := range paths {
			appendCallers(t.m, ix.files[p])
		}
	})
	return t
}

// appendCallers adds the call sites of one file's definitions to m.
func appendCallers(m map[string][]CallerRef, ff *FileFacts) {
	for i := range ff.Funcs {
		fn := &ff.Funcs[i]
		for _, cl := range fn.Calls {
			m[cl.Name] = append(m[cl.Name], CallerRef{File: ff, Func: fn})
		}
	}
	for i := range ff.Macros {
		mc := &ff.Macros[i]
		for _, cl := range mc.Calls {
			m[cl.Name] = append(m[cl.Name], CallerRef{File: ff, Macro: mc})
		}
	}
}
