package notrace

import (
	"path"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Root kinds, as the JSON "root" field spells them.
const (
	// RootTracer is tracer context: code that runs inside a tracepoint,
	// a probe or an ftrace callback, or is meant to be called from there.
	// A tracepoint it reaches fires inside the tracer: re-entry.
	RootTracer = "tracer"
	// RootNotrace is a plain notrace function: hidden from the function
	// tracer, but not known to run in tracer context.
	RootNotrace = "notrace"
)

// tracepointImpl are the macros of include/linux/tracepoint.h that are
// the tracepoint implementation, run by every trace_<event>() call.
// Macros that define functions (__DECLARE_TRACE*) contribute only the
// bodies of the trace_<event>() functions they define, not the
// register/unregister helpers (see macroFuncs).
const tracepointHeader = "include/linux/tracepoint.h"

// isTracepointImpl reports whether a macro of the tracepoint header is
// part of the tracepoint implementation.
func isTracepointImpl(file, name string) bool {
	return file == tracepointHeader && (strings.HasPrefix(name, "__DO_TRACE") || strings.HasPrefix(name, "__DECLARE_TRACE"))
}

// definesFuncs reports whether a tracepoint implementation macro defines
// functions (its calls must be split by the function they are in).
func definesFuncs(name string) bool { return strings.HasPrefix(name, "__DECLARE_TRACE") }

// coreTops are the top-level directories of the kernel's core, where a
// *_notrace API is the tracer-context variant of a core primitive. In
// subsystem code (drivers/, fs/, net/, sound/, …) the suffix names the
// subsystem's own contract — i915's MMIO reads that skip its register
// trace event, bcachefs relocks that skip its restart event, ceph's
// "notrace" MDS requests — not one about the function tracer.
var coreTops = map[string]bool{"include": true, "arch": true, "kernel": true, "lib": true, "mm": true, "init": true}

// inCore reports whether a file is in the kernel's core directories.
func inCore(file string) bool {
	top, _, _ := strings.Cut(file, "/")
	return coreTops[top]
}

// notraceAPI reports whether a definition is the tracer-context variant
// of a core API, recognised by its contract rather than by a substring:
// the name ends in _notrace, it is defined in the kernel's core, and
// either the plain API it is the variant of (the name without the suffix)
// is defined too, as a function, macro or guard, or the variant is itself
// declared untraceable (a macro or guard, or a function written notrace,
// inline, __always_inline or noinstr: fn nil means not a function). So
// preempt_disable_notrace(), rcu_read_lock_sched_notrace(),
// srcu_read_lock_notrace(), hlist_for_each_entry_rcu_notrace() and
// guard(preempt_notrace) are, while the ftrace notrace-filter API
// (ftrace_set_notrace(): no plain ftrace_set(), an ordinary exported
// function; ftrace_notrace_open() and the other tracefs handlers, where
// notrace is not the suffix) and subsystem names like
// intel_uncore_read_notrace() or ceph_handle_notrace_create() are not.
func notraceAPI(ix *index.Index, file, name string, fn *index.Func) bool {
	plain, ok := strings.CutSuffix(name, "_notrace")
	if !ok || plain == "" || !inCore(file) {
		return false
	}
	if fn == nil || fn.Attrs&(index.AttrNotrace|index.AttrInline|index.AttrAlwaysInline|index.AttrNoinstr) != 0 {
		return true
	}
	return len(ix.Funcs(plain)) > 0 || len(ix.Macros(plain)) > 0 || len(ix.Guards(plain)) > 0
}

// tracerCode reports whether an explicitly notrace function is in the
// tracer's own code: kernel/trace/ and the tracing headers. That code is
// built without ftrace flags, so an explicit notrace there says something
// else: the function runs in (or is called from) tracer context.
func tracerCode(file string) bool {
	if strings.HasPrefix(file, "kernel/trace/") || strings.HasPrefix(file, "include/trace/") {
		return true
	}
	if path.Dir(file) == "include/linux" {
		base := path.Base(file)
		for _, p := range []string{"trace", "ftrace"} {
			if strings.HasPrefix(base, p) {
				return true
			}
		}
	}
	return false
}

// plainNotraceCode reports whether an explicitly notrace function is a
// plain notrace root by location: RCU's own code and headers, whose
// notrace functions are callable from traced and tracer code alike.
func plainNotraceCode(file string) bool {
	if strings.HasPrefix(file, "kernel/rcu/") {
		return true
	}
	if path.Dir(file) == "include/linux" {
		base := path.Base(file)
		return strings.HasPrefix(base, "rcu") || strings.HasPrefix(base, "srcu")
	}
	return false
}

// macroFunc is one function a macro defines (token-pasted names like
// trace_##name), by the continuation lines of its body.
type macroFunc struct {
	name       string // as written: "trace_##name"
	start, end int    // lines of the name and of the closing brace
}

// macroFuncs finds the functions a multi-line #define at line defines in
// src: an identifier followed by a parenthesised parameter list and a
// brace-enclosed body, at brace depth 0 of the macro body.
func macroFuncs(src []byte, line int) []macroFunc {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return nil
	}
	// the macro's text, one entry per line, continuation backslashes kept
	// (they are outside every token that matters here)
	end := line
	for end < len(lines) && strings.HasSuffix(strings.TrimRight(lines[end-1], " \t\r"), "\\") {
		end++
	}
	var out []macroFunc
	depth, paren := 0, 0
	var ident string
	identLine := 0
	candidate := "" // an identifier followed by a closed parameter list
	candLine := 0
	var cur *macroFunc
	inComment := false
	for ln := line; ln <= end; ln++ {
		text := lines[ln-1]
		if inComment {
			k := strings.Index(text, "*/")
			if k < 0 {
				continue
			}
			text, inComment = text[k+2:], false
		}
		if ln == line {
			// skip "#define NAME(params)"
			if i := strings.Index(text, "define"); i >= 0 {
				text = text[i+len("define"):]
				j := strings.IndexByte(text, ')')
				if j < 0 {
					continue
				}
				text = text[j+1:]
			}
		}
		for i := 0; i < len(text); i++ {
			ch := text[i]
			switch {
			case ch == '/' && i+1 < len(text) && text[i+1] == '*':
				if k := strings.Index(text[i+2:], "*/"); k >= 0 {
					i += k + 3
				} else {
					i, inComment = len(text), true
				}
			case ch == '"' || ch == '\'':
				for j := i + 1; j < len(text); j++ {
					if text[j] == '\\' {
						j++
					} else if text[j] == ch {
						i = j
						break
					}
				}
			case isIdentByte(ch) || ch == '#':
				j := i
				for j < len(text) && (isIdentByte(text[j]) || text[j] == '#') {
					j++
				}
				if paren == 0 {
					ident, identLine = text[i:j], ln
					candidate = ""
				}
				i = j - 1
			case ch == '(':
				paren++
			case ch == ')':
				paren--
				if paren == 0 && ident != "" && depth == 0 {
					candidate, candLine = ident, identLine
				}
			case ch == '{':
				if depth == 0 && paren == 0 && candidate != "" {
					cur = &macroFunc{name: candidate, start: candLine}
				}
				depth++
				ident, candidate = "", ""
			case ch == '}':
				depth--
				if depth == 0 && cur != nil {
					cur.end = ln
					out = append(out, *cur)
					cur = nil
				}
			case ch == ';':
				if paren == 0 {
					ident, candidate = "", ""
				}
			case ch == ' ' || ch == '\t' || ch == '\\' || ch == '\r':
			default:
				if paren == 0 {
					ident, candidate = "", ""
				}
			}
		}
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// tracepointEntry reports whether a function a tracepoint macro defines
// is a tracepoint entry point (trace_<event>(), trace_<event>_rcuidle()),
// as opposed to the register/unregister helpers and type checks.
func tracepointEntry(name string) bool { return strings.HasPrefix(name, "trace_##") }

// implCalls keeps the calls of a tracepoint implementation macro that run
// when a tracepoint fires: for a macro that defines functions, those in
// the bodies of its trace_<event>() functions (read from src), else all.
// Without the text, only the calls of the implementation macros are kept.
func implCalls(src []byte, m *index.Macro) []index.Call {
	if !definesFuncs(m.Name) {
		return m.Calls
	}
	var keep []macroFunc
	if src != nil {
		for _, f := range macroFuncs(src, int(m.Line)) {
			if tracepointEntry(f.name) {
				keep = append(keep, f)
			}
		}
	}
	var out []index.Call
	for _, c := range m.Calls {
		if isTracepointImpl(tracepointHeader, c.Name) {
			continue // a root of its own (__DO_TRACE())
		}
		in := false
		for _, f := range keep {
			in = in || int(c.Line) >= f.start && int(c.Line) <= f.end
		}
		if src == nil {
			in = false // unknown split: the implementation macros it calls stand for it
		}
		if in {
			out = append(out, c)
		}
	}
	return out
}

// siteHops are the hops that lead a chain from a tracepoint call site into
// the tracepoint implementation root: the call of the event the chain
// reaches when it reaches one (the event then re-enters the
// implementation that emits it), else any trace_<event>() call.
func (c *checker) siteHops(r root, s Sink) []finding.Hop {
	site := finding.Hop{Function: "trace_<event>", File: r.facts.Path, Line: c.entryLine(r),
		Why: "any tracepoint call site: every trace_<event>() runs " + r.name + "()"}
	if s.Kind == SinkTracepoint {
		last := s.Chain[len(s.Chain)-1]
		site = finding.Hop{Function: last.Function, File: last.File, Line: last.Line,
			Why: "tracepoint call site: " + last.Function + "() runs " + r.name + "()"}
	}
	return []finding.Hop{site, {Function: r.name, File: r.facts.Path, Line: r.line, Why: "tracepoint implementation"}}
}

// entryLine is the line of the trace_<event>() definition (in a macro of
// the tracepoint header that defines it) that runs the implementation
// root r, else r's own line.
func (c *checker) entryLine(r root) int {
	src := c.source(r.facts.Path)
	if src == nil {
		return r.line
	}
	best, bestName := r.line, ""
	for i := range r.facts.Macros {
		m := &r.facts.Macros[i]
		if !definesFuncs(m.Name) {
			continue
		}
		for _, f := range macroFuncs(src, int(m.Line)) {
			if !tracepointEntry(f.name) || bestName != "" && len(f.name) >= len(bestName) {
				continue // the plain trace_##name() over its _rcuidle variant
			}
			for _, call := range m.Calls {
				if call.Name == r.name && int(call.Line) >= f.start && int(call.Line) <= f.end {
					best, bestName = f.start, f.name
				}
			}
		}
	}
	return best
}
