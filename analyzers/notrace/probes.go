package notrace

import (
	"sort"
	"strings"

	"github.com/rcureview/rcureview/internal/lazyre"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Registered callbacks: functions a file hands to the tracing machinery
// run in tracer context — tracepoint probes, ftrace callbacks, kprobe and
// fprobe handlers. The facts say which files call a registration function
// (registersCallbacks); the file's text says which function it registers
// (registrations).

// callback kinds of a registered function.
const (
	cbProbe  = "probe"  // a tracepoint probe
	cbFtrace = "ftrace" // an ftrace_ops callback
	cbKprobe = "kprobe" // a kprobe, kretprobe or fprobe handler
)

// registration is what one function is registered as.
type registration struct {
	kind string
	// events are the tracepoints a probe is attached to ("" for one
	// registered through tracepoint_probe_register*(), whose tracepoint
	// the text does not name).
	events []string
}

// registerCall reports whether a call registers a tracing callback.
func registerCall(name string) bool {
	switch {
	case strings.HasPrefix(name, "register_trace_"), strings.HasPrefix(name, "tracepoint_probe_register"),
		name == "register_ftrace_function", strings.HasPrefix(name, "register_kprobe"),
		strings.HasPrefix(name, "register_kretprobe"), strings.HasPrefix(name, "register_fprobe"):
		return true
	}
	return false
}

// registersCallbacks reports whether a file's functions call a
// registration function (then its text is read).
func registersCallbacks(ff *index.FileFacts) bool {
	if ff.Path == tracepointHeader {
		return false // the register_trace_##name() helpers themselves
	}
	for i := range ff.Funcs {
		for _, c := range ff.Funcs[i].Calls {
			if registerCall(c.Name) {
				return true
			}
		}
	}
	return false
}

var (
	// register_trace_<event>(probe, …), register_trace_prio_<event>(probe, …)
	reTraceRegister = lazyre.New(`\bregister_trace_(prio_)?(\w+)\s*\(\s*(\w+)\s*,`)
	// tracepoint_probe_register*(tp, (void *)probe, …)
	reTPRegister = lazyre.New(`\btracepoint_probe_register\w*\s*\(\s*[^,()]+(?:\([^()]*\))?\s*,\s*(?:\(\s*void\s*\*\s*\)\s*)?&?(\w+)`)
	// the initializer of a struct ftrace_ops, kprobe, kretprobe or fprobe
	reCallbackStruct = lazyre.New(`\bstruct\s+(ftrace_ops|kprobe|kretprobe|fprobe)\s+\w+(?:\s*\[[^\]]*\])?[^=;{]*=\s*\{`)
	// a callback member set in an initializer
	reCallbackField = lazyre.New(`\.\s*(func|pre_handler|post_handler|handler|entry_handler|exit_handler)\s*=\s*&?(\w+)`)
	// ops->func = callback (an ftrace_ops filled in at run time)
	reOpsFunc = lazyre.New(`\bops\s*(?:->|\.)\s*func\s*=\s*&?(\w+)\s*;`)
)

// registrations reads which functions a C file registers as tracing
// callbacks.
func registrations(src []byte) map[string]registration {
	out := map[string]registration{}
	add := func(fn, kind, event string, hasEvent bool) {
		if fn == "NULL" || fn == "" {
			return
		}
		r := out[fn]
		if r.kind == "" || r.kind != cbProbe && kind == cbProbe {
			r.kind = kind
		}
		if hasEvent {
			for _, e := range r.events {
				if e == event {
					return
				}
			}
			r.events = append(r.events, event)
		}
		out[fn] = r
	}
	text := string(src)
	for _, m := range reTraceRegister.FindAllStringSubmatch(text, -1) {
		add(m[3], cbProbe, m[2], true)
	}
	for _, m := range reTPRegister.FindAllStringSubmatch(text, -1) {
		add(m[1], cbProbe, "", true)
	}
	for _, loc := range reCallbackStruct.FindAllStringSubmatchIndex(text, -1) {
		kind := cbKprobe
		if text[loc[2]:loc[3]] == "ftrace_ops" {
			kind = cbFtrace
		}
		body := text[loc[1]:]
		depth := 1
		for i := 0; i < len(body); i++ {
			switch body[i] {
			case '{':
				depth++
			case '}':
				depth--
			}
			if depth == 0 {
				body = body[:i]
				break
			}
		}
		for _, m := range reCallbackField.FindAllStringSubmatch(body, -1) {
			if kind == cbFtrace && m[1] != "func" {
				continue
			}
			add(m[2], kind, "", false)
		}
	}
	for _, m := range reOpsFunc.FindAllStringSubmatch(text, -1) {
		add(m[1], cbFtrace, "", false)
	}
	return out
}

// registered returns what a function of a file is registered as, reading
// the file's text once per checker (only for files that call a
// registration function).
func (c *checker) registered(ff *index.FileFacts, name string) (registration, bool) {
	if c.regs == nil {
		c.regs = map[string]map[string]registration{}
	}
	regs, ok := c.regs[ff.Path]
	if !ok {
		if registersCallbacks(ff) {
			if src := c.source(ff.Path); src != nil {
				regs = registrations(src)
			}
		}
		c.regs[ff.Path] = regs
	}
	r, ok := regs[name]
	return r, ok
}

// newlyRegistered returns, as roots located at the change, the functions
// of a changed definition's file that the patch's added lines in it
// register as tracing callbacks (a patch that registers an existing
// function as a probe makes it tracer context without changing it).
func (c *checker) newlyRegistered(ch *index.Changed) []root {
	if len(ch.Lines) == 0 || !registersCallbacks(ch.File) {
		return nil
	}
	c.registered(ch.File, "") // fill the cache
	var out []root
	for name, reg := range c.regs[ch.File.Path] {
		mentioned := false
		for _, l := range ch.Lines {
			mentioned = mentioned || strings.Contains(l.Text, name) && registerLine(l.Text)
		}
		if !mentioned {
			continue
		}
		for i := range ch.File.Funcs {
			fn := &ch.File.Funcs[i]
			if fn.Name == name && fn != ch.Func {
				reg := reg
				r := plainRoot(ch.File, fn)
				r.kind, r.reg, r.at = RootTracer, &reg, ch
				out = append(out, r)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// registerLine reports whether a line of code registers a callback (or
// sets one in an initializer).
func registerLine(text string) bool {
	return reTraceRegister.MatchString(text) || strings.Contains(text, "tracepoint_probe_register") ||
		reCallbackField.MatchString(text) || reOpsFunc.MatchString(text)
}
