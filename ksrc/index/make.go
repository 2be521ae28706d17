package index

import (
	"strings"
)

// MakeFacts are the Kbuild facts of one Makefile or Kbuild file.
type MakeFacts struct {
	// FtraceRemoved lists objects ("irq_work.o") whose CFLAGS_REMOVE_
	// strips $(CC_FLAGS_FTRACE) or -pg, with the Makefile line.
	FtraceRemoved []MakeRule
	// DirFtraceRemoved is set when ccflags-remove-… strips ftrace for the
	// whole directory; SubdirFtraceRemoved for subdir-ccflags-remove-….
	DirFtraceRemoved    *MakeRule
	SubdirFtraceRemoved *MakeRule
	// Vars records sanitizer and profiling opt-outs (KCOV_INSTRUMENT,
	// KASAN_SANITIZE_foo.o, …) as written.
	Vars []MakeVar
	// Assigns are the variable assignments that can name objects and
	// directories (obj-$(CONFIG_X) += foo.o bar/, foo-y := a.o b.o,
	// lib-y, core-y, BITS := 64, …), in file order; flags and commands
	// are left out. kbuild.go evaluates them.
	Assigns []MakeAssign
	// Includes are the makefiles it includes (include, -include,
	// sinclude), as written.
	Includes []string
}

// MakeRule is one Makefile fact with its line and conditions.
type MakeRule struct {
	Object string
	Line   int32
	Conds  []string
	Text   string // the assignment as written
}

// MakeVar is one sanitizer/profiling variable assignment.
type MakeVar struct {
	Name, Value string
	Line        int32
}

// MakeAssign is one variable assignment of a Makefile.
type MakeAssign struct {
	Name, Value string // as written, continuation lines joined
	Append      bool   // +=, else :=, = or ?=
	Line        int32
	// Conds are the ifdef/ifeq conditions around the line, spelled as
	// #if expressions (ifeq ($(CONFIG_X),y) is CONFIG_X, ifdef CONFIG_X
	// is IS_ENABLED(CONFIG_X)); a conditional that does not test
	// configuration symbols adds nothing.
	Conds []string
}

var sanitizerVars = []string{"KCOV_INSTRUMENT", "KASAN_SANITIZE", "KCSAN_SANITIZE", "KMSAN_SANITIZE",
	"UBSAN_SANITIZE", "GCOV_PROFILE", "KCSAN_INSTRUMENT_BARRIERS", "OBJECT_FILES_NON_STANDARD", "KMSAN_ENABLE_CHECKS"}

// IsMakefile reports whether a tree path is a Kbuild makefile or a
// makefile fragment that one includes (virt/kvm/Makefile.kvm).
func IsMakefile(path string) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return isKbuildFile(path) || strings.HasPrefix(base, "Makefile.")
}

// isKbuildFile reports whether a path is the makefile kbuild reads in its
// directory (Makefile or Kbuild).
func isKbuildFile(path string) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return base == "Makefile" || base == "Kbuild"
}

// makeFrame is one open ifdef/ifeq block: the conditions of its earlier
// branches (negated in later ones) and the current branch's.
type makeFrame struct {
	prev []string
	cur  string
}

// SkimMake extracts the Kbuild facts of a Makefile or Kbuild file.
func SkimMake(path string, src []byte) *FileFacts {
	ff := &FileFacts{Path: path, Conds: [][]string{nil}, Make: &MakeFacts{}}
	mf := ff.Make
	var stack []makeFrame
	inDefine := 0
	inRule := false // a rule's tab-indented command lines follow
	lines := strings.Split(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := int32(i + 1)
		l := lines[i]
		recipe := inRule && strings.HasPrefix(l, "\t")
		if !strings.HasPrefix(l, "\t") && strings.TrimSpace(l) != "" {
			inRule = false
		}
		for strings.HasSuffix(l, "\\") && i+1 < len(lines) {
			i++
			l = l[:len(l)-1] + " " + lines[i]
		}
		if h := strings.IndexByte(l, '#'); h >= 0 {
			l = l[:h]
		}
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		word, rest, _ := strings.Cut(l, " ")
		rest = strings.TrimSpace(rest)
		if inDefine > 0 {
			switch word {
			case "define":
				inDefine++
			case "endef":
				inDefine--
			}
			continue
		}
		switch word {
		case "define":
			inDefine++
			continue
		case "ifdef", "ifndef", "ifeq", "ifneq":
			stack = append(stack, makeFrame{cur: makeCond(word, rest)})
			continue
		case "else":
			if len(stack) > 0 {
				f := &stack[len(stack)-1]
				f.prev = append(f.prev, f.cur)
				f.cur = ""
				if w, r, _ := strings.Cut(rest, " "); w == "ifdef" || w == "ifndef" || w == "ifeq" || w == "ifneq" {
					f.cur = makeCond(w, strings.TrimSpace(r))
				}
			}
			continue
		case "endif":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		case "export", "override":
			l = rest
		case "include", "-include", "sinclude":
			if !recipe {
				mf.Includes = append(mf.Includes, strings.Fields(rest)...)
			}
			continue
		}
		if recipe {
			continue // a rule's command, not an assignment
		}
		name, op, value, ok := assignment(l)
		if !ok {
			if isRule(l) {
				inRule = true
			}
			continue
		}
		conds := frameConds(stack)
		if c := configOfVar(name); c != "" {
			conds = append(conds, c)
		}
		removesFtrace := strings.Contains(value, "CC_FLAGS_FTRACE") || hasWord(value, "-pg")
		rule := MakeRule{Line: lineNo, Conds: conds, Text: name + " " + op + " " + value}
		switch {
		case strings.HasPrefix(name, "CFLAGS_REMOVE_") && removesFtrace:
			rule.Object = strings.TrimPrefix(name, "CFLAGS_REMOVE_")
			mf.FtraceRemoved = append(mf.FtraceRemoved, rule)
		case strings.HasPrefix(name, "subdir-ccflags-remove-") && removesFtrace:
			r := rule
			mf.SubdirFtraceRemoved = &r
			r2 := rule
			mf.DirFtraceRemoved = &r2
		case strings.HasPrefix(name, "ccflags-remove-") && removesFtrace:
			mf.DirFtraceRemoved = &rule
		case name == "KBUILD_CFLAGS" && strings.Contains(value, "CC_FLAGS_FTRACE") &&
			(strings.Contains(value, "subst") || strings.Contains(value, "filter-out")):
			mf.DirFtraceRemoved = &rule
		default:
			sanitizer := false
			for _, v := range sanitizerVars {
				if name == v || strings.HasPrefix(name, v+"_") {
					mf.Vars = append(mf.Vars, MakeVar{Name: name, Value: value, Line: lineNo})
					sanitizer = true
					break
				}
			}
			if !sanitizer && namesObjects(name) {
				mf.Assigns = append(mf.Assigns, MakeAssign{Name: name, Value: value, Append: op == "+=",
					Line: lineNo, Conds: frameConds(stack)})
			}
		}
	}
	return ff
}

// frameConds is the conjunction of the open blocks' conditions.
func frameConds(stack []makeFrame) []string {
	var conds []string
	for _, f := range stack {
		for _, p := range f.prev {
			if p != "" {
				conds = append(conds, negateCond(p))
			}
		}
		if f.cur != "" {
			conds = append(conds, f.cur)
		}
	}
	return conds
}

// namesObjects reports whether an assignment can name objects or
// directories: everything but compiler and linker flags, commands and
// the sanitizer switches.
func namesObjects(name string) bool {
	bare := name // without references: obj-$(CONFIG_DEBUG_IRQFLAGS) is a list
	for {
		i := strings.Index(bare, "$(")
		if i < 0 {
			break
		}
		j := strings.IndexByte(bare[i:], ')')
		if j < 0 {
			break
		}
		bare = bare[:i] + bare[i+j+1:]
	}
	return !strings.Contains(strings.ToLower(bare), "flags") && !strings.HasPrefix(name, "cmd_") && !strings.HasPrefix(name, "quiet_cmd_")
}

// makeCond turns a make conditional (the directive word and the rest of
// the line) into a #if expression over configuration symbols, "" when it
// tests something else. Make variables of tristate options are "y", "m"
// or empty, so ifdef CONFIG_X means IS_ENABLED(CONFIG_X) and
// ifeq ($(CONFIG_X),y) means CONFIG_X.
func makeCond(word, rest string) string {
	switch word {
	case "ifdef", "ifndef":
		c := ""
		if isConfigName(rest) {
			c = "IS_ENABLED(" + rest + ")"
		}
		if c != "" && word == "ifndef" {
			c = "!" + c
		}
		return c
	}
	a, b, ok := makeCmpArgs(rest)
	if !ok {
		return ""
	}
	c := makeEq(a, b)
	if c == "" {
		c = makeEq(b, a)
	}
	if c != "" && word == "ifneq" {
		c = negateCond(c)
	}
	return c
}

// makeCmpArgs splits the arguments of ifeq/ifneq: "(a,b)", "'a' 'b'" or
// "\"a\" \"b\"".
func makeCmpArgs(rest string) (a, b string, ok bool) {
	rest = strings.TrimSpace(rest)
	if strings.HasPrefix(rest, "(") && strings.HasSuffix(rest, ")") {
		args := splitMakeArgs(rest[1 : len(rest)-1])
		if len(args) != 2 {
			return "", "", false
		}
		return args[0], args[1], true
	}
	f := strings.Fields(rest)
	if len(f) != 2 {
		return "", "", false
	}
	unq := func(s string) (string, bool) {
		if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
			return s[1 : len(s)-1], true
		}
		return "", false
	}
	a, ok1 := unq(f[0])
	b, ok2 := unq(f[1])
	return a, b, ok1 && ok2
}

// makeEq is the condition "a equals b" when a is made of configuration
// variables and b is a constant: $(CONFIG_X) with y, m or empty,
// $(CONFIG_X)$(CONFIG_Y) with yy, $(filter y,$(CONFIG_X) $(CONFIG_Y))
// with empty.
func makeEq(a, b string) string {
	if syms, ok := configRefs(a); ok {
		switch {
		case len(syms) == 1 && b == "y":
			return syms[0]
		case len(syms) == 1 && b == "m":
			return "IS_MODULE(" + syms[0] + ")"
		case len(syms) == 1 && (b == "" || b == "n"):
			return "!IS_ENABLED(" + syms[0] + ")"
		case len(syms) > 1 && b == strings.Repeat("y", len(syms)):
			return strings.Join(syms, " && ")
		}
		return ""
	}
	if strings.HasPrefix(a, "$(filter y,") && strings.HasSuffix(a, ")") && (b == "" || b == "y") {
		syms, ok := configRefs(strings.ReplaceAll(strings.TrimSpace(a[len("$(filter y,"):len(a)-1]), " ", ""))
		if !ok {
			return ""
		}
		c := strings.Join(syms, " || ")
		if b == "" {
			return negateCond(c)
		}
		return c
	}
	return ""
}

// configRefs splits "$(CONFIG_A)$(CONFIG_B)" into its symbols.
func configRefs(s string) ([]string, bool) {
	var out []string
	for s != "" {
		if !strings.HasPrefix(s, "$(") && !strings.HasPrefix(s, "${") {
			return nil, false
		}
		close := byte(')')
		if s[1] == '{' {
			close = '}'
		}
		j := strings.IndexByte(s, close)
		if j < 0 || !isConfigName(s[2:j]) {
			return nil, false
		}
		out = append(out, s[2:j])
		s = s[j+1:]
	}
	return out, len(out) > 0
}

// isRule reports whether a line is a rule ("target: prerequisites").
func isRule(l string) bool {
	depth := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ':':
			if depth == 0 && (i+1 == len(l) || l[i+1] != '=') {
				return true
			}
		}
	}
	return false
}

// splitMakeArgs splits make function arguments at the commas outside
// parentheses and braces, trimming each.
func splitMakeArgs(s string) []string {
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:i]))
				start = i + 1
			}
		}
	}
	return append(args, strings.TrimSpace(s[start:]))
}

// assignment splits "NAME op value" for the make assignment operators.
func assignment(l string) (name, op, value string, ok bool) {
	depth := 0
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '(', '{':
			depth++
			continue
		case ')', '}':
			depth--
			continue
		}
		if depth > 0 {
			continue
		}
		switch l[i] {
		case '=':
			op = "="
			name = l[:i]
			if i > 0 && strings.ContainsRune(":+?!", rune(l[i-1])) {
				op = l[i-1 : i+1]
				name = l[:i-1]
				if op == ":=" && i > 1 && l[i-2] == ':' {
					op, name = "::=", l[:i-2]
				}
			}
			name = strings.TrimSpace(name)
			if name == "" || strings.ContainsAny(name, " \t") && !strings.Contains(name, "$(") {
				return "", "", "", false
			}
			return name, op, strings.TrimSpace(l[i+1:]), true
		case ':':
			if i+1 < len(l) && l[i+1] == '=' {
				continue
			}
			if i+2 < len(l) && l[i+1] == ':' && l[i+2] == '=' {
				continue
			}
			return "", "", "", false // a rule, not an assignment
		}
	}
	return "", "", "", false
}

// configOfVar extracts CONFIG_X from "ccflags-remove-$(CONFIG_X)".
func configOfVar(name string) string {
	i := strings.Index(name, "$(CONFIG_")
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(name[i:], ')')
	if j < 0 {
		return ""
	}
	return name[i+2 : i+j]
}

func hasWord(s, w string) bool {
	for _, f := range strings.Fields(s) {
		if f == w {
			return true
		}
	}
	return false
}
