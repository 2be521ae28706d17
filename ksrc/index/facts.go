package index

import (
	"strings"

	"github.com/rcureview/rcureview/kconfig"
)

// FileFacts is what the skimmer extracts from one file. It is the unit the
// cache stores, keyed by the file's content key.
type FileFacts struct {
	Path string // tree-relative path
	Key  string // content key (git blob hash, or the Walk key)
	// Conds is the file's table of condition sets; Conds[0] is the empty
	// set (no condition). Every Cond field below indexes it.
	Conds       [][]string
	Funcs       []Func
	Macros      []Macro
	Invocations []Invocation
	// Includes are the quoted #include "…" directives, resolved against
	// the file's directory: the local headers and .c files a file pulls
	// in, which are compiled when it is (kbuild.go).
	Includes []Include
	Make     *MakeFacts    // set for Makefile / Kbuild files
	Kconfig  *kconfig.File // set for Kconfig files
	// RCUFields and RCUVars are the struct fields and globals the file
	// declares __rcu (rcu.go).
	RCUFields []RCUField
	RCUVars   []RCUVar
}

// Include is one #include "path" directive.
type Include struct {
	Path string // tree path, cleaned relative to the including file's directory
	Line int32
	Cond int32 // preprocessor conditions around the directive
}

// CondSet returns the condition set with index i ("CONFIG_X", "!CONFIG_Y",
// or a preprocessor expression), nil for 0 or an out-of-range index.
func (f *FileFacts) CondSet(i int32) []string {
	if i <= 0 || int(i) >= len(f.Conds) {
		return nil
	}
	return f.Conds[i]
}

// Attr is a bit set of the attributes a function definition is written with.
type Attr uint32

// Attributes recognised in a function's declaration specifiers.
const (
	AttrStatic Attr = 1 << iota
	AttrInline
	AttrAlwaysInline
	AttrNotrace
	AttrNoinstr
	AttrCpuidle
	AttrKprobes
	AttrNaked
	AttrPreserveMost
	AttrNokprobeInline
	AttrInit
	AttrExit
	AttrNoinline
	AttrSched
	AttrExtern
	AttrWeak
	AttrNoKasanOrInline
	AttrNoInstrumentFunction // __attribute__((__no_instrument_function__))
	AttrUnderInline          // the spelling __inline, which the kernel does not redefine
	AttrIrqEntry
	AttrLockfunc
)

var attrWords = map[string]Attr{
	"static":                     AttrStatic,
	"inline":                     AttrInline,
	"__inline__":                 AttrInline,
	"__always_inline":            AttrAlwaysInline,
	"notrace":                    AttrNotrace,
	"noinstr":                    AttrNoinstr,
	"__cpuidle":                  AttrCpuidle,
	"__kprobes":                  AttrKprobes,
	"__naked":                    AttrNaked,
	"__preserve_most":            AttrPreserveMost,
	"nokprobe_inline":            AttrNokprobeInline,
	"__init":                     AttrInit,
	"__exit":                     AttrExit,
	"noinline":                   AttrNoinline,
	"__sched":                    AttrSched,
	"extern":                     AttrExtern,
	"__weak":                     AttrWeak,
	"__no_kasan_or_inline":       AttrNoKasanOrInline,
	"__no_sanitize_or_inline":    AttrNoKasanOrInline,
	"__no_instrument_function__": AttrNoInstrumentFunction,
	"no_instrument_function":     AttrNoInstrumentFunction,
	"__inline":                   AttrUnderInline,
	"__irq_entry":                AttrIrqEntry,
	"__softirq_entry":            AttrIrqEntry,
	"__lockfunc":                 AttrLockfunc,
	"__noinstr_section":          AttrNoinstr,
}

var attrOrder = []struct {
	a    Attr
	name string
}{
	{AttrStatic, "static"}, {AttrExtern, "extern"}, {AttrWeak, "__weak"},
	{AttrInline, "inline"}, {AttrUnderInline, "__inline"}, {AttrAlwaysInline, "__always_inline"},
	{AttrNokprobeInline, "nokprobe_inline"}, {AttrNoKasanOrInline, "__no_kasan_or_inline"},
	{AttrNoinline, "noinline"}, {AttrNotrace, "notrace"}, {AttrNoInstrumentFunction, "__no_instrument_function__"},
	{AttrNoinstr, "noinstr"}, {AttrCpuidle, "__cpuidle"}, {AttrKprobes, "__kprobes"},
	{AttrNaked, "__naked"}, {AttrPreserveMost, "__preserve_most"}, {AttrInit, "__init"},
	{AttrExit, "__exit"}, {AttrSched, "__sched"}, {AttrIrqEntry, "__irq_entry"}, {AttrLockfunc, "__lockfunc"},
}

// Names lists the attributes as written, in a fixed order.
func (a Attr) Names() []string {
	var out []string
	for _, o := range attrOrder {
		if a&o.a != 0 {
			out = append(out, o.name)
		}
	}
	return out
}

// String joins Names with spaces.
func (a Attr) String() string { return strings.Join(a.Names(), " ") }

// Notrace reports whether the attributes imply notrace: the kernel's
// inline macro adds notrace (include/linux/compiler_types.h), as do
// __always_inline, noinstr, __cpuidle, __kprobes, __naked, __preserve_most
// and nokprobe_inline. The spelling __inline is not redefined.
func (a Attr) Notrace() bool {
	return a&(AttrInline|AttrAlwaysInline|AttrNotrace|AttrNoinstr|AttrCpuidle|AttrKprobes|
		AttrNaked|AttrPreserveMost|AttrNokprobeInline|AttrNoKasanOrInline|AttrNoInstrumentFunction) != 0
}

// Func is one C function definition.
type Func struct {
	Name  string
	Start int32 // first line of the declaration (return type, attributes)
	Line  int32 // line of the name
	End   int32 // line of the closing brace
	Attrs Attr
	Cond  int32 // preprocessor conditions around the definition
	Calls []Call
	// Unbalanced lists instrumentation_begin()/end() imbalances found in
	// the body (returns or the end of the body with instrumentation still
	// enabled, an end without a begin).
	Unbalanced []Mark
	// RCU lists the calls of RCU primitives with the locations they name.
	RCU []RCUSite
}

// Mark is a located message.
type Mark struct {
	Line int32
	Msg  string
}

// CallKind says how a call site names its callee.
type CallKind uint8

// Call kinds.
const (
	CallDirect  CallKind = iota // name(...)
	CallMember                  // x->name(...) or x.name(...): indirect
	CallPointer                 // (*name)(...), or a call through a parameter
	CallStatic                  // static_call(name)(...)
	CallGuard                   // guard(name)(...), scoped_guard(name, ...), CLASS(name, v)
)

// String names the kind.
func (k CallKind) String() string {
	switch k {
	case CallDirect:
		return "direct"
	case CallMember:
		return "member"
	case CallPointer:
		return "pointer"
	case CallStatic:
		return "static_call"
	case CallGuard:
		return "guard"
	}
	return "call"
}

// Call is one call site in a function or macro body.
type Call struct {
	Name  string
	Line  int32
	Cond  int32 // #if and IS_ENABLED() conditions around the call site
	Kind  CallKind
	Instr int8 // instrumentation_begin() depth at the call (noinstr regions)
}

// Macro is one #define.
type Macro struct {
	Name     string
	Line     int32
	Cond     int32
	FuncLike bool
	// Alias is the body when it is a single identifier (#define A B).
	Alias string
	// Calls are the calls its body makes (identifiers followed by '(' that
	// are not its parameters).
	Calls []Call
	// RCU lists the calls of RCU primitives with the locations they name.
	RCU []RCUSite
}

// Invocation is a top-level use of a declaring macro: tracepoint
// declarations (TRACE_EVENT, DEFINE_EVENT, DECLARE_TRACE, …) and guard
// definitions (DEFINE_GUARD, DEFINE_LOCK_GUARD_n, DEFINE_CLASS).
type Invocation struct {
	Macro string
	Line  int32
	Cond  int32
	// Args holds, per argument, its identifier when the argument is a
	// single identifier, else "".
	Args []string
	// ArgCalls holds, per argument, the calls it makes (guards only).
	ArgCalls [][]Call
}
