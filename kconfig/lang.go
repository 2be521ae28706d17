package kconfig

import (
	"strings"
)

// File is what one Kconfig file declares, in order: symbols with their
// properties and the block structure (if/endif, menu/endmenu,
// choice/endchoice) and source statements that NewModel follows. It is
// the unit the kernel index caches per file.
type File struct {
	Entries []Entry
}

// EntryKind says what an Entry is.
type EntryKind uint8

// Entry kinds.
const (
	EntryConfig    EntryKind = iota // config or menuconfig SYMBOL
	EntryChoice                     // choice
	EntryEndChoice                  // endchoice
	EntryIf                         // if EXPR (Name holds EXPR)
	EntryEndIf                      // endif
	EntryMenu                       // menu "…" (Depends: its depends on)
	EntryEndMenu                    // endmenu
	EntrySource                     // source "PATH" (Name holds PATH as written)
)

// Entry is one config, block delimiter or source statement.
type Entry struct {
	Kind EntryKind
	Name string // the symbol, the if expression or the sourced path
	Line int32
	// Type is bool, tristate, int, hex or string ("" when this entry
	// only adds properties to a symbol typed elsewhere).
	Type string
	// Prompt is set when the entry has a prompt; PromptIf is its
	// condition ("" for none).
	Prompt   bool
	PromptIf string
	Depends  []string // depends on EXPR, in order
	Selects  []Prop   // select SYMBOL [if EXPR]
	Defaults []Prop   // default EXPR [if EXPR], def_bool and def_tristate included
	Optional bool     // choice: optional
}

// Prop is a property with a value and an optional condition.
type Prop struct {
	Value, If string
}

// ParseFile reads one Kconfig file. It never fails: lines it does not
// understand are skipped, so a newer Kconfig syntax gives fewer
// constraints, not an error. Help texts are skipped by their
// indentation, as kconfig does.
func ParseFile(src []byte) *File {
	f := &File{}
	lines := strings.Split(string(src), "\n")
	var cur *Entry // the entry properties attach to
	for i := 0; i < len(lines); i++ {
		lineNo := int32(i + 1)
		raw := lines[i]
		l := raw
		for strings.HasSuffix(strings.TrimRight(l, " \t"), "\\") && i+1 < len(lines) {
			l = strings.TrimRight(l, " \t")
			i++
			l = l[:len(l)-1] + " " + lines[i]
		}
		l = strings.TrimSpace(stripComment(l))
		if l == "" {
			continue
		}
		word, rest, _ := strings.Cut(l, " ")
		if j := strings.IndexByte(word, '\t'); j >= 0 {
			word, rest = word[:j], word[j+1:]+" "+rest
		}
		rest = strings.TrimSpace(rest)
		add := func(e Entry) {
			e.Line = lineNo
			f.Entries = append(f.Entries, e)
			cur = &f.Entries[len(f.Entries)-1]
		}
		switch word {
		case "config", "menuconfig":
			add(Entry{Kind: EntryConfig, Name: rest})
			continue
		case "choice":
			add(Entry{Kind: EntryChoice, Name: rest})
			continue
		case "endchoice":
			add(Entry{Kind: EntryEndChoice})
			cur = nil
			continue
		case "if":
			add(Entry{Kind: EntryIf, Name: rest})
			cur = nil
			continue
		case "endif":
			add(Entry{Kind: EntryEndIf})
			cur = nil
			continue
		case "menu":
			add(Entry{Kind: EntryMenu})
			continue
		case "endmenu":
			add(Entry{Kind: EntryEndMenu})
			cur = nil
			continue
		case "source", "rsource", "osource", "orsource":
			p := unquote(rest)
			if strings.HasPrefix(word, "r") || strings.HasPrefix(word, "or") {
				p = "./" + p // relative to the sourcing file
			}
			add(Entry{Kind: EntrySource, Name: p})
			cur = nil
			continue
		case "comment", "mainmenu":
			cur = nil // a comment's depends on constrains nothing
			continue
		case "help", "---help---":
			i = skipHelp(lines, i)
			continue
		}
		if cur == nil {
			continue
		}
		switch word {
		case "bool", "tristate", "int", "hex", "string", "boolean":
			if word == "boolean" {
				word = "bool"
			}
			cur.Type = word
			if rest != "" {
				cur.Prompt = true
				_, cur.PromptIf = splitIf(rest)
			}
		case "def_bool", "def_tristate":
			cur.Type = strings.TrimPrefix(word, "def_")
			v, c := splitIf(rest)
			cur.Defaults = append(cur.Defaults, Prop{v, c})
		case "prompt":
			cur.Prompt = true
			_, cur.PromptIf = splitIf(rest)
		case "default":
			v, c := splitIf(rest)
			cur.Defaults = append(cur.Defaults, Prop{v, c})
		case "depends":
			cur.Depends = append(cur.Depends, strings.TrimSpace(strings.TrimPrefix(rest, "on")))
		case "select":
			v, c := splitIf(rest)
			cur.Selects = append(cur.Selects, Prop{v, c})
		case "optional":
			cur.Optional = true
		}
	}
	return f
}

// stripComment removes a # comment outside quotes.
func stripComment(l string) string {
	var q byte
	for i := 0; i < len(l); i++ {
		c := l[i]
		switch {
		case q != 0:
			if c == '\\' {
				i++
			} else if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '#':
			return l[:i]
		}
	}
	return l
}

// skipHelp returns the last line of the help text that starts after
// line i: the text ends at the first non-empty line indented less than
// its first line.
func skipHelp(lines []string, i int) int {
	indent := -1
	j := i + 1
	for ; j < len(lines); j++ {
		l := lines[j]
		if strings.TrimSpace(l) == "" {
			continue
		}
		n := indentOf(l)
		if indent < 0 {
			indent = n
			if n == 0 {
				return j - 1
			}
			continue
		}
		if n < indent {
			break
		}
	}
	return j - 1
}

func indentOf(l string) int {
	n := 0
	for _, c := range l {
		switch c {
		case ' ':
			n++
		case '\t':
			n = (n/8 + 1) * 8
		default:
			return n
		}
	}
	return n
}

// splitIf splits "VALUE if COND" at a top-level "if" (outside quotes,
// parentheses and $(…)).
func splitIf(s string) (value, cond string) {
	depth := 0
	var q byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case q != 0:
			if c == '\\' {
				i++
			} else if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '(':
			depth++
		case c == ')':
			depth--
		case depth == 0 && c == 'i' && i+1 < len(s) && s[i+1] == 'f' &&
			(i == 0 || s[i-1] == ' ' || s[i-1] == '\t') && (i+2 == len(s) || s[i+2] == ' ' || s[i+2] == '\t' || s[i+2] == '('):
			return strings.TrimSpace(s[:i]), strings.TrimSpace(s[i+2:])
		}
	}
	return strings.TrimSpace(s), ""
}

func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}
