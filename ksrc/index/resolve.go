package index

import (
	"path"
	"slices"
	"strings"
)

// TargetKind says what a called name resolves to.
type TargetKind uint8

// Target kinds.
const (
	TargetUnknown     TargetKind = iota // no definition in the index
	TargetFunc                          // a C function definition
	TargetMacro                         // a #define (its body's calls are the callees)
	TargetGuard                         // guard(x)/scoped_guard(x): lock and unlock expressions
	TargetTracepoint                    // trace_<event>() of a live tracepoint
	TargetTracePrintk                   // trace_printk() family: writes the ring buffer
	TargetTraceAPI                      // trace_<event>_enabled(), register_trace_*: not instrumentation
	TargetIndirect                      // a call through a pointer, member or static_call
)

// String names the kind.
func (k TargetKind) String() string {
	return [...]string{"unknown", "function", "macro", "guard", "tracepoint", "trace_printk", "trace-api", "indirect"}[k]
}

// Target is one thing a call may reach. A name can resolve to several
// targets (definitions under different #if branches, a macro and a
// function); each carries the conditions of its definition.
type Target struct {
	Kind  TargetKind
	Name  string
	File  string
	Line  int
	Conds []string
	Func  *Func      // TargetFunc
	Facts *FileFacts // the file of Func / Macro / the declaration
	Calls []Call     // TargetMacro, TargetGuard: the calls of the body
	// Event is the tracepoint event, Decl the declaring macro
	// (TargetTracepoint).
	Event, Decl string
}

var tracePrintk = map[string]bool{"trace_printk": true, "__trace_bprintk": true, "__trace_puts": true,
	"ftrace_vprintk": true, "__trace_printk": true, "trace_puts": true, "__trace_bputs": true,
	"ftrace_vbprintk": true, "trace_vprintk": true, "trace_vbprintk": true}

// liveTraceMacros declare a tracepoint that exists; *_NOP ones declare an
// empty trace_<event>().
var liveTraceMacros = map[string]bool{"TRACE_EVENT": true, "TRACE_EVENT_FN": true, "TRACE_EVENT_FN_COND": true,
	"TRACE_EVENT_CONDITION": true, "DEFINE_EVENT": true, "DEFINE_EVENT_FN": true, "DEFINE_EVENT_PRINT": true,
	"DEFINE_EVENT_CONDITION": true, "DECLARE_TRACE": true, "DECLARE_TRACE_CONDITION": true,
	"DECLARE_TRACE_SYSCALL": true, "TRACE_EVENT_SYSCALL": true, "DECLARE_TRACE_EVENT": true,
	"DECLARE_TRACE_WRITABLE": true, "TRACE_EVENT_FLAGS": false, "TRACE_EVENT_PERF_PERM": false}

// isDeclaringName reports whether a macro name can declare a tracepoint:
// a known declaring macro or an upper-case name with TRACE or EVENT in it
// (what the skimmer records as an invocation).
func isDeclaringName(name string) bool {
	if _, ok := liveTraceMacros[name]; ok {
		return true
	}
	return strings.ToUpper(name) == name && (strings.Contains(name, "TRACE") || strings.Contains(name, "EVENT"))
}

// resolveKey is what Resolve's answer depends on besides the index.
type resolveKey struct {
	from string
	kind CallKind
	name string
}

// maxResolved bounds Resolve's memo (a review asks a few thousand).
const maxResolved = 1 << 16

// resolvedAt is an answer of Resolve and how many changed files the
// directory check had found when it was computed.
type resolvedAt struct {
	ts    []Target
	fresh int
}

// Resolve returns what a call made from file from can reach. The answer
// depends only on the file, the call's kind and name, and the files a
// warm start found changed so far (served to every name lookup once
// found): it is computed once per index and kept until the directory
// check finds another changed file (a walk asks again for every function
// of a file that calls the same name, every root's and named
// configuration's walk for every call). The targets are shared: callers
// must not modify them (their slices are clipped, so an append copies).
func (ix *Index) Resolve(from string, c Call) []Target {
	k := resolveKey{from, c.Kind, c.Name}
	fresh := ix.freshFiles()
	ix.resolveMu.Lock()
	e, ok := ix.resolved[k]
	ix.resolveMu.Unlock()
	if ok && e.fresh == fresh {
		return e.ts
	}
	ts := ix.resolve(from, c)
	for i := range ts {
		ts[i].Conds = slices.Clip(ts[i].Conds)
		ts[i].Calls = slices.Clip(ts[i].Calls)
	}
	ts = slices.Clip(ts)
	ix.resolveMu.Lock()
	if ix.resolved == nil || len(ix.resolved) >= maxResolved {
		ix.resolved = map[resolveKey]resolvedAt{} // bounded: a whole-tree audit asks millions
	}
	ix.resolved[k] = resolvedAt{ts, fresh}
	ix.resolveMu.Unlock()
	return ts
}

// freshFiles is how many changed files the directory check of the pack
// under the index has found so far (0 without one).
func (ix *Index) freshFiles() int {
	for ; ix != nil; ix = ix.base {
		if ix.lazy != nil && ix.lazy.check != nil {
			return ix.lazy.check.nfresh()
		}
	}
	return 0
}

func (ix *Index) resolve(from string, c Call) []Target {
	switch c.Kind {
	case CallMember, CallPointer:
		return []Target{{Kind: TargetIndirect, Name: c.Name}}
	case CallStatic:
		if strings.HasPrefix(c.Name, "tp_func_") {
			return nil // the probe dispatch of a tracepoint, accounted for at trace_<event>()
		}
		return []Target{{Kind: TargetIndirect, Name: "static_call(" + c.Name + ")"}}
	case CallGuard:
		return ix.resolveGuard(c.Name)
	}
	name := c.Name
	if tracePrintk[name] {
		return []Target{{Kind: TargetTracePrintk, Name: name}}
	}
	if ts := ix.resolveTrace(name); ts != nil {
		return ts
	}
	var out []Target
	for _, m := range ix.visibleMacros(from, name) {
		t := Target{Kind: TargetMacro, Name: name, File: m.File.Path, Line: int(m.Macro.Line),
			Conds: ix.DefConds(m.File.Path, m.File.CondSet(m.Macro.Cond)), Facts: m.File, Calls: m.Macro.Calls}
		if m.Macro.Alias != "" && m.Macro.Alias != name {
			t.Calls = []Call{{Name: m.Macro.Alias, Line: m.Macro.Line, Cond: m.Macro.Cond}}
		}
		out = append(out, t)
	}
	for _, f := range ix.visibleFuncs(from, name) {
		out = append(out, Target{Kind: TargetFunc, Name: name, File: f.File.Path, Line: int(f.Func.Line),
			Conds: ix.DefConds(f.File.Path, f.File.CondSet(f.Func.Cond)), Func: f.Func, Facts: f.File})
	}
	if len(out) == 0 {
		return []Target{{Kind: TargetUnknown, Name: name}}
	}
	return overrideWeak(preferArch(out))
}

// overrideWeak gives a __weak function definition the condition that no
// strong (non-static, non-weak) definition of the name is built: the
// linker keeps the strong one (x86's __cpuidle arch_cpu_idle() over the
// __weak default of kernel/sched/idle.c). A strong definition built in
// every configuration drops the weak one.
func overrideWeak(ts []Target) []Target {
	var strong [][]string
	weak := false
	for _, t := range ts {
		if t.Kind != TargetFunc {
			continue
		}
		switch {
		case t.Func.Attrs&AttrWeak != 0:
			weak = true
		case t.Func.Attrs&AttrStatic == 0:
			strong = append(strong, t.Conds)
		}
	}
	if !weak || len(strong) == 0 {
		return ts
	}
	out := ts[:0:0]
outer:
	for _, t := range ts {
		if t.Kind == TargetFunc && t.Func.Attrs&AttrWeak != 0 {
			t.Conds = append([]string(nil), t.Conds...)
			for _, sc := range strong {
				if len(sc) == 0 {
					continue outer
				}
				parts := make([]string, len(sc))
				for i, c := range sc {
					parts[i] = ParenOr(c)
				}
				t.Conds = append(t.Conds, "!("+strings.Join(parts, " && ")+")")
			}
		}
		out = append(out, t)
	}
	return out
}

// preferArch drops include/asm-generic/ definitions when the architecture
// provides its own (arch/x86/include/asm/ wins over the generic header).
func preferArch(ts []Target) []Target {
	arch, generic := false, false
	for _, t := range ts {
		arch = arch || strings.HasPrefix(t.File, "arch/")
		generic = generic || strings.HasPrefix(t.File, "include/asm-generic/")
	}
	if !arch || !generic {
		return ts
	}
	out := ts[:0:0]
	for _, t := range ts {
		if !strings.HasPrefix(t.File, "include/asm-generic/") {
			out = append(out, t)
		}
	}
	return out
}

// resolveTrace recognises trace_<ev>(), trace_<ev>_rcuidle(),
// __do_trace_<ev>(), __traceiter_<ev>() and the API that is not
// instrumentation (trace_<ev>_enabled(), register_trace_<ev>(), …).
func (ix *Index) resolveTrace(name string) []Target {
	var ev string
	api := false
	switch {
	case strings.HasPrefix(name, "register_trace_") || strings.HasPrefix(name, "unregister_trace_"):
		ev, api = name[strings.Index(name, "trace_")+6:], true
	case strings.HasPrefix(name, "__traceiter_"):
		ev = strings.TrimPrefix(name, "__traceiter_")
	case strings.HasPrefix(name, "__do_trace_"):
		ev = strings.TrimPrefix(name, "__do_trace_")
	case strings.HasPrefix(name, "trace_"):
		ev = strings.TrimPrefix(name, "trace_")
		switch {
		case strings.HasSuffix(ev, "_enabled") && len(ix.Events(ev)) == 0:
			ev, api = strings.TrimSuffix(ev, "_enabled"), true
		case strings.HasSuffix(ev, "_rcuidle") && len(ix.Events(ev)) == 0:
			ev = strings.TrimSuffix(ev, "_rcuidle")
		}
	case name == "tracepoint_enabled" || name == "DECLARE_TRACEPOINT":
		return []Target{{Kind: TargetTraceAPI, Name: name}}
	default:
		return nil
	}
	decls := ix.Events(ev)
	if len(decls) == 0 {
		return nil
	}
	if api {
		return []Target{{Kind: TargetTraceAPI, Name: name, Event: ev}}
	}
	var out []Target
	for _, d := range decls {
		for _, conds := range ix.liveConds(d.Inv.Macro, 0) {
			out = append(out, Target{Kind: TargetTracepoint, Name: name, Event: ev, Decl: d.Inv.Macro,
				File: d.File.Path, Line: int(d.Inv.Line), Facts: d.File,
				Conds: appendUnique(append([]string(nil), ix.DefConds(d.File.Path, d.File.CondSet(d.Inv.Cond))...), conds...)})
		}
	}
	if out == nil {
		declares := false
		for _, d := range decls {
			declares = declares || ix.declares(d.Inv.Macro, 0)
		}
		if !declares {
			return nil // not a tracepoint: the name is an ordinary function's
		}
		// every declaration is a NOP: trace_<ev>() is empty
		return []Target{{Kind: TargetTraceAPI, Name: name, Event: ev, File: decls[0].File.Path, Line: int(decls[0].Inv.Line)}}
	}
	return out
}

// declares reports whether a macro declares a tracepoint, live or NOP:
// a known declaring macro, a *_NOP one, one without a definition (an
// unknown declaring macro), or a wrapper that expands to one of these.
func (ix *Index) declares(mac string, depth int) bool {
	if _, ok := liveTraceMacros[mac]; ok || strings.HasSuffix(mac, "_NOP") {
		return true
	}
	ms := ix.Macros(mac)
	if len(ms) == 0 {
		return true
	}
	if depth > 4 {
		return false
	}
	for _, m := range ms {
		if m.Macro.Alias != "" && ix.declares(m.Macro.Alias, depth+1) {
			return true
		}
		for _, c := range m.Macro.Calls {
			if isDeclaringName(c.Name) && c.Name != mac && ix.declares(c.Name, depth+1) {
				return true
			}
		}
	}
	return false
}

// liveConds returns the condition sets under which a declaring macro
// declares a live tracepoint (one empty set: always; none: never).
func (ix *Index) liveConds(mac string, depth int) [][]string {
	if live, ok := liveTraceMacros[mac]; ok {
		if live {
			return [][]string{nil}
		}
		return nil
	}
	if strings.HasSuffix(mac, "_NOP") || depth > 4 {
		return nil
	}
	ms := ix.Macros(mac)
	if len(ms) == 0 {
		return [][]string{nil} // an unknown declaring macro: assume live
	}
	var out [][]string
	for _, m := range ms {
		if m.Macro.Alias == "" {
			// a wrapper declares a tracepoint only through a declaring
			// macro its body uses (DEFINE_EVENT(class, name, …));
			// FTRACE_ENTRY*() of kernel/trace/trace_entries.h only lay
			// out the ftrace ring-buffer entries, with no trace_<name>()
			for _, c := range m.Macro.Calls {
				if !isDeclaringName(c.Name) || c.Name == mac {
					continue
				}
				for _, cc := range ix.liveConds(c.Name, depth+1) {
					out = append(out, appendUnique(append([]string(nil), m.File.CondSet(m.Macro.Cond)...), cc...))
				}
			}
			continue
		}
		for _, c := range ix.liveConds(m.Macro.Alias, depth+1) {
			out = append(out, appendUnique(append([]string(nil), m.File.CondSet(m.Macro.Cond)...), c...))
		}
	}
	return out
}

func (ix *Index) resolveGuard(name string) []Target {
	var out []Target
	for _, g := range ix.Guards(name) {
		t := Target{Kind: TargetGuard, Name: "guard(" + name + ")", File: g.File.Path, Line: int(g.Inv.Line),
			Conds: ix.DefConds(g.File.Path, g.File.CondSet(g.Inv.Cond)), Facts: g.File}
		for _, i := range guardArgs(g.Inv.Macro) {
			if i < len(g.Inv.ArgCalls) {
				t.Calls = append(t.Calls, g.Inv.ArgCalls[i]...)
			}
		}
		out = append(out, t)
	}
	if len(out) == 0 {
		return []Target{{Kind: TargetUnknown, Name: "guard(" + name + ")"}}
	}
	return out
}

// guardArgs returns the argument positions holding the lock and unlock
// expressions of a guard-defining macro.
func guardArgs(mac string) []int {
	switch {
	case strings.HasPrefix(mac, "DEFINE_LOCK_GUARD_0"):
		return []int{1, 2}
	case strings.HasSuffix(mac, "_COND"):
		return []int{2}
	case strings.HasPrefix(mac, "DEFINE_LOCK_GUARD_1"), strings.HasPrefix(mac, "DEFINE_GUARD"),
		strings.HasPrefix(mac, "DEFINE_CLASS"):
		return []int{2, 3}
	}
	return nil
}

// guardKey is the name a guard definition is used by.
func guardKey(inv *Invocation) string {
	if len(inv.Args) == 0 || inv.Args[0] == "" {
		return ""
	}
	if strings.HasSuffix(inv.Macro, "_COND") && len(inv.Args) > 1 {
		return inv.Args[0] + inv.Args[1]
	}
	return inv.Args[0]
}

func appendUnique(dst []string, add ...string) []string {
outer:
	for _, a := range add {
		for _, d := range dst {
			if d == a {
				continue outer
			}
		}
		dst = append(dst, a)
	}
	return dst
}

// isGlobalHeader reports whether a header is included by name from
// anywhere (include/, arch/*/include/).
func isGlobalHeader(p string) bool {
	return strings.HasSuffix(p, ".h") && (strings.HasPrefix(p, "include/") || strings.HasPrefix(p, "arch/") && strings.Contains(p, "/include/"))
}

// visibleFuncs ranks the definitions of name as seen from file from: the
// same file, then local headers of its directory, then global ones
// (non-static definitions, global headers), then static definitions in
// sibling .c files (kernel/sched/build_*.c include them); the best rank
// wins.
func (ix *Index) visibleFuncs(from, name string) []FuncRef {
	defs := ix.Funcs(name)
	if len(defs) == 0 {
		return nil
	}
	dir := path.Dir(from)
	ranks := make([]int, len(defs))
	for i, d := range defs {
		ranks[i] = visRank(from, dir, d.File.Path, d.Func.Attrs&AttrStatic != 0)
	}
	var out []FuncRef
	for r := 0; r <= 3; r++ {
		uncond := false
		for i, d := range defs {
			if ranks[i] == r {
				out = append(out, d)
				// a definition without #if in a file that is always
				// compiled with the caller hides the ranks below it
				uncond = uncond || d.Func.Cond == 0 && (r <= 1 || ix.BuildCond(d.File.Path) == "")
			}
		}
		// alternatives under #if branches keep the next ranks in play
		// (rcupdate.h's inline __rcu_read_unlock() for !PREEMPT_RCU, the
		// out-of-line one in tree_plugin.h for PREEMPT_RCU)
		if uncond {
			break
		}
	}
	return out
}

func visRank(from, dir, def string, static bool) int {
	switch {
	case def == from:
		return 0
	case path.Dir(def) == dir && strings.HasSuffix(def, ".h") && !isGlobalHeader(def):
		return 1
	case !static || isGlobalHeader(def):
		return 2
	case path.Dir(def) == dir:
		return 3
	}
	return -1
}

func (ix *Index) visibleMacros(from, name string) []MacroRef {
	dir := path.Dir(from)
	rank := func(p string) int {
		switch {
		case p == from:
			return 0
		case path.Dir(p) == dir && strings.HasSuffix(p, ".h"):
			return 1
		case isGlobalHeader(p):
			return 2
		}
		return -1
	}
	// a definition elsewhere is never visible: its file is not read
	defs := ix.macrosWhere(name, func(p string) bool { return rank(p) >= 0 })
	if len(defs) == 0 {
		return nil
	}
	var out []MacroRef
	for r := 0; r <= 2; r++ {
		uncond := false
		for _, d := range defs {
			if rank(d.File.Path) == r {
				out = append(out, d)
				uncond = uncond || d.Macro.Cond == 0
			}
		}
		if uncond {
			break
		}
	}
	return out
}

// FtraceStatus says whether a function gets an ftrace entry hook.
type FtraceStatus uint8

// Ftrace statuses.
const (
	NotTraced   FtraceStatus = iota // notrace by attribute or Kbuild flags
	Traced                          // out-of-line, compiled with ftrace flags
	TracedMaybe                     // static non-inline: traced unless the compiler inlines it
)

// Ftrace classifies a function definition and says why.
func (ix *Index) Ftrace(file string, fn *Func) (FtraceStatus, string) {
	a := fn.Attrs
	switch {
	case a&AttrNoinstr != 0:
		return NotTraced, "noinstr (notrace)"
	case a&AttrAlwaysInline != 0:
		return NotTraced, "__always_inline (notrace)"
	case a&(AttrInline|AttrNokprobeInline) != 0 && a&AttrNotrace == 0:
		return NotTraced, "inline (implies notrace)"
	case a.Notrace():
		return NotTraced, strings.Join(notraceWords(a), " ")
	}
	if why := ix.ftraceRemoved(file); why != "" {
		return NotTraced, why
	}
	if a&AttrStatic != 0 {
		return TracedMaybe, "static: ftrace-able unless inlined"
	}
	return Traced, "ftrace-able"
}

func notraceWords(a Attr) []string {
	var out []string
	for _, n := range (a & (AttrNotrace | AttrInline | AttrCpuidle | AttrKprobes | AttrNaked | AttrPreserveMost |
		AttrNoKasanOrInline | AttrNoInstrumentFunction)).Names() {
		out = append(out, n)
	}
	return out
}

// ftraceRemoved returns why a file is built without $(CC_FLAGS_FTRACE),
// "" if it is not.
func (ix *Index) ftraceRemoved(file string) string {
	dir := path.Dir(file)
	base := path.Base(file)
	stem := strings.TrimSuffix(strings.TrimSuffix(base, ".c"), ".h")
	objs := []string{stem + ".o"}
	if strings.HasSuffix(base, ".h") {
		if i := strings.IndexByte(stem, '_'); i > 0 {
			objs = append(objs, stem[:i]+".o") // kernel/rcu/tree_plugin.h is part of tree.o
		}
	}
	if mf := ix.Makefile(dir); mf != nil && mf.Make != nil {
		for _, r := range mf.Make.FtraceRemoved {
			for _, o := range objs {
				if r.Object == o {
					return "built without ftrace (" + mf.Path + ": " + r.Text + ")"
				}
			}
		}
		if r := mf.Make.DirFtraceRemoved; r != nil {
			return "built without ftrace (" + mf.Path + ": " + r.Text + ")"
		}
	}
	for d := path.Dir(dir); d != "." && d != "/"; d = path.Dir(d) {
		if mf := ix.Makefile(d); mf != nil && mf.Make != nil && mf.Make.SubdirFtraceRemoved != nil {
			return "built without ftrace (" + mf.Path + ": " + mf.Make.SubdirFtraceRemoved.Text + ")"
		}
	}
	return ""
}
