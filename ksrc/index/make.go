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

var sanitizerVars = []string{"KCOV_INSTRUMENT", "KASAN_SANITIZE", "KCSAN_SANITIZE", "KMSAN_SANITIZE",
	"UBSAN_SANITIZE", "GCOV_PROFILE", "KCSAN_INSTRUMENT_BARRIERS", "OBJECT_FILES_NON_STANDARD", "KMSAN_ENABLE_CHECKS"}

// IsMakefile reports whether a tree path is a Kbuild makefile.
func IsMakefile(path string) bool {
	base := path[strings.LastIndexByte(path, '/')+1:]
	return base == "Makefile" || base == "Kbuild"
}

// SkimMake extracts the Kbuild facts of a Makefile or Kbuild file.
func SkimMake(path string, src []byte) *FileFacts {
	ff := &FileFacts{Path: path, Conds: [][]string{nil}, Make: &MakeFacts{}}
	mf := ff.Make
	type frame struct {
		cond string
	}
	var stack []frame
	lines := strings.Split(string(src), "\n")
	for i := 0; i < len(lines); i++ {
		lineNo := int32(i + 1)
		l := lines[i]
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
		switch word {
		case "ifdef", "ifndef":
			c := ""
			if isConfigName(rest) {
				c = rest
				if word == "ifndef" {
					c = "!" + rest
				}
			}
			stack = append(stack, frame{c})
			continue
		case "ifeq", "ifneq":
			c := ""
			if strings.Contains(rest, "CONFIG_") {
				c = word + " " + rest
			}
			stack = append(stack, frame{c})
			continue
		case "else":
			if len(stack) > 0 {
				f := &stack[len(stack)-1]
				if f.cond != "" {
					f.cond = negateCond(f.cond)
				}
			}
			continue
		case "endif":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			continue
		}
		name, op, value, ok := assignment(l)
		if !ok {
			continue
		}
		var conds []string
		for _, f := range stack {
			if f.cond != "" {
				conds = append(conds, f.cond)
			}
		}
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
			for _, v := range sanitizerVars {
				if name == v || strings.HasPrefix(name, v+"_") {
					mf.Vars = append(mf.Vars, MakeVar{Name: name, Value: value, Line: lineNo})
					break
				}
			}
		}
	}
	return ff
}

// assignment splits "NAME op value" for the make assignment operators.
func assignment(l string) (name, op, value string, ok bool) {
	for i := 0; i < len(l); i++ {
		switch l[i] {
		case '=':
			op = "="
			name = l[:i]
			if i > 0 && strings.ContainsRune(":+?!", rune(l[i-1])) {
				op = l[i-1 : i+1]
				name = l[:i-1]
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
