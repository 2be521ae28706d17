// Package rcumap is the tree-wide RCU protection map: for an RCU-protected
// location (a struct type and field, a global or per-CPU pointer, the
// entries of an RCU list), who reads it under which protection, how its
// old values are retired, and whether every retire path waits for every
// reader.
//
// The raw facts come from the index (ksrc/index rcu.go): every call of an
// RCU primitive with the location its pointer argument names, per
// function and macro, found tree-wide through the index's RCU table. What
// a primitive does comes from the one table of kernel names
// (rcueffects.Access, rcueffects.GPWaits); which grace period waits for
// which reader from the model's flavour table (rcumodel.Flavours).
//
// Readers. The protection at a read is the set of read-side sections open
// there (rcueffects.WalkSections: rcu_read_lock*(), srcu_read_lock(),
// guard(rcu)(), scoped_guard(srcu, …), preempt/irq/bh-disabled regions,
// spinlocks, macros recognised from their effect summaries) plus the
// lockdep condition of rcu_dereference_check(). A read with no section of
// its own is protected by its callers: each direct caller (resolved as the
// index resolves calls, static functions within their file) contributes a
// path with the sections open at its call, or, with none, its own callers'
// paths, up to MaxCallerDepth. A path ends unknown at a function with no
// known caller (called through a pointer, an entry point) unless it is
// registered in its file as a tracepoint probe (protected by the guard the
// tracepoint implementation takes, rcueffects.TracepointGuard) or an NMI
// handler (NMI context), and
// ends unprotected at a function that blocks outside any section (a
// function that may sleep is not called inside a reader of a flavour that
// forbids sleeping).
//
// Retire paths. After a publication or removal (rcu_assign_pointer(),
// rcu_replace_pointer(), RCU_INIT_POINTER(), list_del_rcu(), …) in a
// function, the calls that follow are searched for grace-period waits and
// callback queues: synchronize_*() by flavour, call_*() with the callback
// followed through its chain (call_rcu() → callback → call_srcu() →
// callback → kfree()), kfree_rcu()/kvfree_rcu(), queue_rcu_work(),
// kmem_cache_free() on a cache created with SLAB_TYPESAFE_BY_RCU (found
// from the tree's kmem_cache_create() flags; its grace period from the
// slab allocator's free path: a type-safety retire, see Step.TypeSafe), and
// any function that does one of those (synchronize_net(),
// tracepoint_synchronize_unregister(), release_probes()), up to
// MaxRetireDepth. When the publishing function has none, its callers'
// calls after the call to it are searched. A publication whose retire
// path cannot be found is listed, not judged.
//
// Coverage. A reader path is covered by a retire path when one of its
// sections is of a kind one of the retire path's grace periods waits for
// (rcumodel.Waits); coverage that holds only through
// rcu_trace_implies_rcu_gp() (a callback that skips its RCU grace period
// when that is true, or the table's Accident cells) is marked as such.
// Paths with no section are not judged here: they are unknown, or the
// business of the unprotected-reader check (Unprotected).
package rcumap

import (
	"fmt"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// Limits of the walks through the call graph.
const (
	MaxCallerDepth = 3  // caller levels searched for a reader's protection
	MaxCallers     = 48 // callers considered per function
	MaxRetireDepth = 4  // callee and callback levels searched for a retire path
)

// Map answers questions about RCU locations over one index and the
// effect summaries of the same tree. It memoises what it computes and is
// not safe for concurrent use.
type Map struct {
	Index *index.Index
	Z     *rcueffects.Summarizer
	// Config is the kernel .config that decides which definitions exist
	// (nil: any configuration).
	Config *kconfig.Config

	events   map[string]*bodyEvents
	paths    map[string][]Path // caller paths per definition key
	busy     map[string]bool
	steps    map[string][]Step // retire steps per definition key
	resolved map[string]string
	slabs    *typesafeCaches
	probe    *probeGuard
}

// New returns the map of an index and the summarizer of the same tree
// under a kernel .config (nil: any configuration).
func New(ix *index.Index, z *rcueffects.Summarizer, cfg *kconfig.Config) *Map {
	return &Map{Index: ix, Z: z, Config: cfg, events: map[string]*bodyEvents{}, paths: map[string][]Path{},
		busy: map[string]bool{}, steps: map[string][]Step{}, resolved: map[string]string{}}
}

// Def is a function or macro definition of the index.
type Def struct {
	File  *index.FileFacts
	Func  *index.Func
	Macro *index.Macro
}

// Name returns the definition's name.
func (d Def) Name() string {
	if d.Func != nil {
		return d.Func.Name
	}
	return d.Macro.Name
}

// Line returns the line of the definition's name.
func (d Def) Line() int {
	if d.Func != nil {
		return int(d.Func.Line)
	}
	return int(d.Macro.Line)
}

func (d Def) key() string { return d.File.Path + ":" + d.Name() }

func (d Def) sites() []index.RCUSite {
	if d.Func != nil {
		return d.Func.RCU
	}
	return d.Macro.RCU
}

// Hop is one step of a chain: a definition and a line in it.
type Hop struct {
	Func, File string
	Line       int
	Why        string
}

// Site is one RCU primitive call.
type Site struct {
	Hop
	Prim  string
	Loc   string // the location as the index recorded it
	Macro bool   // in a macro body
}

func (s Site) String() string {
	return fmt.Sprintf("%s() in %s() at %s:%d", s.Prim, s.Func, s.File, s.Line)
}

// Path is one way a read is reached, with the protection in force.
type Path struct {
	// Sections are the read-side sections open on the path, outermost
	// first: the callers' and then the reader's own.
	Sections []rcueffects.Section
	// Where says, per section, the function that opened it (Why is
	// "macro" when the body of a macro opens it, else "function").
	Where []Hop
	// Callers is the call chain from the reader's function outwards
	// (nearest caller first); empty when the read's own function decides.
	Callers []Hop
	// Lockdep is the condition the read names (rcu_dereference_check(p,
	// c)), "" when none.
	Lockdep string
	// Blocks is set when the path ends at a function that may block where
	// it makes the call (or the read): no caller of it holds a reader of
	// a flavour that forbids sleeping.
	Blocks *Hop
	// Unknown is set when the path ends at a function whose callers are
	// not known (or the depth limit): its protection is not determined.
	Unknown bool
	// Implied says where the protection of a function no known caller
	// calls comes from when it is the context it is registered for: a
	// tracepoint probe or an NMI handler (Where's hops have Why WhyProbe
	// or WhyNMI).
	Implied string
}

// Protected reports whether the path has a read-side section.
func (p Path) Protected() bool { return len(p.Sections) > 0 }

// Describe says what protects the path, as a reviewer would.
func (p Path) Describe() string {
	if len(p.Sections) == 0 {
		switch {
		case p.Lockdep != "":
			return "lockdep condition " + p.Lockdep
		case p.Blocks != nil:
			return "no reader (" + p.Blocks.Func + "() may block)"
		}
		return "unknown"
	}
	var parts []string
	for i, s := range p.Sections {
		prim := s.Prim
		if !strings.HasSuffix(prim, ")") {
			prim += "()"
		}
		parts = append(parts, fmt.Sprintf("%s in %s()", prim, p.Where[i].Func))
	}
	return strings.Join(parts, ", ")
}

// Reader is a read of a location with the ways it is reached.
type Reader struct {
	Site
	Access rcueffects.AccessKind
	Paths  []Path
}

// Step is one grace period of a retire path.
type Step struct {
	Prim    string // synchronize_rcu, call_srcu, kfree_rcu, …
	Flavour rcumodel.Flavour
	Domain  string // SRCU: the srcu_struct, "" when not known
	At      Hop    // where the wait or queue is
	// Via leads from the publication to At (wrappers, callbacks).
	Via []Hop
	// Skippable: the step is skipped when rcu_trace_implies_rcu_gp() is
	// true (the callback frees at once then).
	Skippable bool
	// TypeSafe is set for a kmem_cache_free() on a SLAB_TYPESAFE_BY_RCU
	// cache (the cache, where it is created, the allocator's grace
	// period): the object may be reused at once, but its memory stays of
	// its type until that grace period ends. It covers readers of that
	// flavour for type-safety only (they must re-validate what they
	// find); readers of other flavours not at all.
	TypeSafe string
}

// Retire is a publication or removal and the grace periods that follow it.
type Retire struct {
	Site
	Access rcueffects.AccessKind
	Steps  []Step
}

// Entry is the map of one location.
type Entry struct {
	Key     string
	Readers []Reader
	// Retires are the publications and removals whose retire path was
	// found; Unretired those without (listed, not judged).
	Retires   []Retire
	Unretired []Site
}

// Resolve returns the canonical key of a location recorded as "?.f": the
// one struct declaring f __rcu, "" when none or several do. Other keys are
// returned as they are.
func (m *Map) Resolve(loc string) string {
	f, ok := strings.CutPrefix(loc, "?.")
	if !ok {
		return loc
	}
	if r, ok := m.resolved[loc]; ok {
		return r
	}
	owner := ""
	for _, ff := range m.Index.RCUFiles(index.RCUFieldKey(f)) {
		for _, fd := range ff.RCUFields {
			if fd.Field != f {
				continue
			}
			s := fd.Struct
			if strings.HasSuffix(ff.Path, ".c") {
				s = ff.Path + ":" + s
			}
			if owner != "" && owner != s {
				m.resolved[loc] = ""
				return ""
			}
			owner = s
		}
	}
	r := ""
	if owner != "" {
		r = owner + "." + f
	}
	m.resolved[loc] = r
	return r
}

// Keys returns the canonical location keys of the index, sorted.
func (m *Map) Keys() []string {
	set := map[string]bool{}
	m.Index.RCUNames(func(n string) bool {
		if strings.HasPrefix(n, "__rcu:") {
			return true
		}
		if k := m.Resolve(n); k != "" && IsLocation(k) {
			set[k] = true
		}
		return true
	})
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// IsLocation reports whether a key names a location: a field path or a
// global, not the bare type of an object ("struct T", what kfree_rcu(p,
// rcu) names).
func IsLocation(key string) bool {
	_, bare, ok := strings.Cut(key, ":")
	if !ok {
		bare = key
	}
	return !strings.HasPrefix(bare, "struct ") || strings.Contains(bare, ".")
}

// retiresOld reports whether a publication or removal replaces an object
// readers may still hold: removals and replacements do; a publication
// does when its function read the location's old value first
// (rcu_dereference_protected(), rcu_access_pointer(), …), else it may be
// the first publication of a new object.
func retiresOld(d Def, s index.RCUSite) bool {
	a := rcueffects.Access(s.Name)
	switch {
	case a == rcueffects.AccessRemove || strings.Contains(s.Name, "replace"):
		return true
	case a != rcueffects.AccessPublish || strings.HasPrefix(s.Name, "list_") || strings.HasPrefix(s.Name, "hlist_"):
		return false
	}
	for _, o := range d.sites() {
		if o.Loc == s.Loc && o.Line <= s.Line && o.Name != s.Name {
			switch rcueffects.Access(o.Name) {
			case rcueffects.AccessUpdate, rcueffects.AccessPeek, rcueffects.AccessRead, rcueffects.AccessRawRead:
				return true
			}
		}
	}
	return false
}

// sitesOf returns the definitions and sites that name key, directly or as
// "?.f" resolved to key.
func (m *Map) sitesOf(key string) []struct {
	d Def
	s index.RCUSite
} {
	names := []string{key}
	if i := strings.LastIndexByte(key, '.'); i > 0 && strings.Contains(key[:i], "struct ") {
		if u := "?." + key[i+1:]; m.Resolve(u) == key {
			names = append(names, u)
		}
	}
	var out []struct {
		d Def
		s index.RCUSite
	}
	seen := map[*index.FileFacts]bool{}
	for _, n := range names {
		for _, ff := range m.Index.RCUFiles(n) {
			if seen[ff] && n == key {
				continue
			}
			seen[ff] = true
			for i := range ff.Funcs {
				for _, s := range ff.Funcs[i].RCU {
					if s.Loc == n {
						out = append(out, struct {
							d Def
							s index.RCUSite
						}{Def{File: ff, Func: &ff.Funcs[i]}, s})
					}
				}
			}
			for i := range ff.Macros {
				for _, s := range ff.Macros[i].RCU {
					if s.Loc == n {
						out = append(out, struct {
							d Def
							s index.RCUSite
						}{Def{File: ff, Macro: &ff.Macros[i]}, s})
					}
				}
			}
		}
	}
	return out
}

// defHolds reports whether a definition exists under the configuration.
func (m *Map) defHolds(d Def) bool {
	c := d.Macro
	var cond int32
	if d.Func != nil {
		cond = d.Func.Cond
	} else if c != nil {
		cond = c.Cond
	}
	return index.CondsHold(d.File.CondSet(cond), m.Config)
}

// Entry builds the map of one location: its readers with their paths and
// its retire paths. Readers are computed only when withReaders is set or
// the location has a retire path (the whole-tree check skips locations
// that have none).
func (m *Map) Entry(key string, withReaders bool) *Entry {
	e := &Entry{Key: key}
	sites := m.sitesOf(key)
	for _, x := range sites {
		if !m.defHolds(x.d) {
			continue
		}
		a := rcueffects.Access(x.s.Name)
		if a != rcueffects.AccessPublish && a != rcueffects.AccessRemove || !retiresOld(x.d, x.s) {
			continue
		}
		site := m.site(x.d, x.s)
		steps := m.retireAfter(x.d, x.s)
		if len(steps) == 0 {
			e.Unretired = append(e.Unretired, site)
			continue
		}
		e.Retires = append(e.Retires, Retire{Site: site, Access: a, Steps: steps})
	}
	if !withReaders && len(e.Retires) == 0 {
		return e
	}
	for _, x := range sites {
		if !m.defHolds(x.d) {
			continue
		}
		a := rcueffects.Access(x.s.Name)
		if a != rcueffects.AccessRead && a != rcueffects.AccessRawRead && a != rcueffects.AccessPeek {
			continue
		}
		r := Reader{Site: m.site(x.d, x.s), Access: a}
		if a != rcueffects.AccessPeek {
			r.Paths = m.ReadPaths(x.d, x.s.Name, int(x.s.Line), false)
		}
		e.Readers = append(e.Readers, r)
	}
	return e
}

func (m *Map) site(d Def, s index.RCUSite) Site {
	return Site{Hop: Hop{Func: d.Name(), File: d.File.Path, Line: int(s.Line)}, Prim: s.Name, Loc: s.Loc, Macro: d.Macro != nil}
}

// Covered says whether a retire path waits for a reader path.
type Covered uint8

// Coverage results.
const (
	NotCovered Covered = iota
	CoveredYes
	// CoveredAccident: covered only because rcu_trace_implies_rcu_gp() is
	// true in 6.12 (a Tasks Trace grace period that implies an RCU one).
	CoveredAccident
	// Undetermined: the path has no section (unknown protection).
	Undetermined
)

// Cover decides whether the retire steps wait for one of the path's
// sections.
func Cover(p Path, steps []Step) Covered {
	if len(p.Sections) == 0 {
		return Undetermined
	}
	best := NotCovered
	for _, s := range p.Sections {
		for _, st := range steps {
			same := s.Domain == "" || st.Domain == "" || s.Domain == st.Domain
			k := s.Kind.ReaderKind(same)
			f := st.Flavour
			if f == rcumodel.FlavourSRCU1 {
				f = rcumodel.FlavourSRCU0
			}
			if f == rcumodel.FlavourTasks && !s.Kind.MaySleep() {
				// A reader that cannot sleep does not switch voluntarily:
				// outside the idle loop it is a Tasks RCU implicit reader.
				k = rcumodel.KindTasks
			}
			switch rcumodel.Flavours[f].Waits[k] {
			case rcumodel.Yes:
				if !st.Skippable {
					return CoveredYes
				}
				best = CoveredAccident
			case rcumodel.Accident:
				best = CoveredAccident
			}
		}
	}
	return best
}

// Mismatch is a reader path that a retire path does not wait for.
type Mismatch struct {
	Key    string
	Reader Reader
	Path   Path
	Retire Retire
}

// Mismatches lists the reader paths of an entry that some retire path
// does not wait for, and (notes) those covered only by accident.
func (e *Entry) Mismatches() (bad, accident []Mismatch) {
	for _, rt := range e.Retires {
		for _, r := range e.Readers {
			for _, p := range r.Paths {
				switch Cover(p, rt.Steps) {
				case NotCovered:
					bad = append(bad, Mismatch{e.Key, r, p, rt})
				case CoveredAccident:
					accident = append(accident, Mismatch{e.Key, r, p, rt})
				}
			}
		}
	}
	return bad, accident
}

// Sites returns the RCU sites of the definition.
func (d Def) Sites() []index.RCUSite { return d.sites() }

// Callees returns the definitions d calls directly (as the index resolves
// them from d's file) that exist under the map's configuration.
func (d Def) Callees(m *Map) []Def {
	var calls []index.Call
	if d.Func != nil {
		calls = d.Func.Calls
	} else if d.Macro != nil {
		calls = d.Macro.Calls
	}
	var out []Def
	seen := map[string]bool{}
	for _, c := range calls {
		if c.Kind != index.CallDirect || seen[c.Name] {
			continue
		}
		seen[c.Name] = true
		for _, t := range m.Index.Resolve(d.File.Path, c) {
			if cd, ok := m.targetDef(t); ok {
				out = append(out, cd)
			}
		}
	}
	return out
}

// Def returns the definition the site is in.
func (s Site) Def(m *Map) Def {
	ff := m.Index.File(s.File)
	if ff == nil {
		return Def{}
	}
	if s.Macro {
		for i := range ff.Macros {
			if ff.Macros[i].Name == s.Func {
				return Def{File: ff, Macro: &ff.Macros[i]}
			}
		}
	}
	for i := range ff.Funcs {
		if ff.Funcs[i].Name == s.Func && int(ff.Funcs[i].Start) <= s.Line && s.Line <= int(ff.Funcs[i].End) {
			return Def{File: ff, Func: &ff.Funcs[i]}
		}
	}
	return Def{}
}

// targetDef returns the definition a resolved call reaches, when it is a
// function or macro that exists under the map's configuration.
func (m *Map) targetDef(t index.Target) (Def, bool) {
	var d Def
	switch {
	case t.Kind == index.TargetFunc && t.Func != nil:
		d = Def{File: t.Facts, Func: t.Func}
	case t.Kind == index.TargetMacro && t.Facts != nil:
		d = Def{File: t.Facts, Macro: macroAt(t.Facts, t.Name, t.Line)}
	default:
		return Def{}, false
	}
	if d.File == nil {
		d.File = m.Index.File(t.File)
	}
	if d.File == nil || d.Func == nil && d.Macro == nil || !m.defHolds(d) {
		return Def{}, false
	}
	return d, true
}
