package index

import (
	"sort"
	"strings"

	"github.com/rcureview/rcureview/cscan"
	"github.com/rcureview/rcureview/diffparse"
)

// Changed is one function or macro whose text a patch adds to or changes.
type Changed struct {
	File  *FileFacts
	Func  *Func  // nil for a macro
	Macro *Macro // nil for a function
	// Lines are the patch's added lines inside the definition, in order;
	// empty when only deletions touched it.
	Lines []diffparse.Line
}

// Name returns the function or macro name.
func (c Changed) Name() string {
	if c.Func != nil {
		return c.Func.Name
	}
	return c.Macro.Name
}

// ChangedDefs maps a patch onto an index of the patched tree: every
// function or macro definition that contains an added line, or (for
// deleted lines) whose range covers the deletion point.
func ChangedDefs(post *Index, files []*diffparse.File) []Changed {
	var out []Changed
	for _, f := range files {
		if f.IsDelete {
			continue
		}
		ff := post.File(f.Path())
		if ff == nil {
			continue
		}
		idx := map[any]int{}
		add := func(key any, c Changed, l *diffparse.Line) {
			i, ok := idx[key]
			if !ok {
				i = len(out)
				idx[key] = i
				out = append(out, c)
			}
			if l != nil {
				out[i].Lines = append(out[i].Lines, *l)
			}
		}
		for _, h := range f.Hunks {
			lastNew := 0
			for li := range h.Lines {
				l := &h.Lines[li]
				n := l.NewLine
				if l.Op == diffparse.Delete {
					n = lastNew // a deletion sits after the last post-image line
				} else {
					lastNew = n
				}
				if l.Op == diffparse.Context || n <= 0 {
					continue
				}
				var addl *diffparse.Line
				if l.Op == diffparse.Add {
					addl = l
				}
				for fi := range ff.Funcs {
					fn := &ff.Funcs[fi]
					if int32(n) >= fn.Start && int32(n) <= fn.End || l.Op == diffparse.Delete && int32(n) >= fn.Start && int32(n) < fn.End {
						add(fn, Changed{File: ff, Func: fn}, addl)
					}
				}
				for mi := range ff.Macros {
					m := &ff.Macros[mi]
					if int32(n) >= m.Line && int32(n) <= m.Line+macroSpan(m) {
						add(m, Changed{File: ff, Macro: m}, addl)
					}
				}
			}
		}
	}
	return out
}

// macroSpan approximates how many continuation lines a macro has: the
// last line of its recorded calls.
func macroSpan(m *Macro) int32 {
	var s int32
	for _, c := range m.Calls {
		if c.Line-m.Line > s {
			s = c.Line - m.Line
		}
	}
	return s
}

// Fragments skims the post-image of a patch's hunks when the patched file
// itself is not available (no kernel tree): each file's hunks are laid out
// at their post-image line numbers, so the facts carry the lines of the
// patched file. A hunk that starts inside a function (its section names
// one) is wrapped into a function of that name so that its calls are
// seen; such partial functions get the attributes and the other calls of
// the definition in base, when base has one.
func Fragments(base *Index, files []*diffparse.File, arch string) []*FileFacts {
	var out []*FileFacts
	var sk Skimmer
	for _, f := range files {
		if f.IsDelete || f.IsBinary || !Wanted(f.Path(), arch) || IsMakefile(f.Path()) || IsKconfig(f.Path()) {
			continue
		}
		var b strings.Builder
		line := 1
		partial := map[string]bool{}
		for _, h := range f.Hunks {
			start := h.NewStart
			if start < 1 {
				start = 1
			}
			fn := sectionFunc(h.Section)
			if h.NewFunc != "" {
				fn = h.NewFunc
			}
			wrap := fn != "" && !hunkOpensFunc(h) && start >= 2
			first := start
			if wrap {
				first = start - 1
			}
			for ; line < first; line++ {
				b.WriteByte('\n')
			}
			if wrap {
				b.WriteString("void " + fn + "(void) {\n")
				line++
				partial[fn] = true
			}
			for _, l := range h.Lines {
				if l.Op == diffparse.Delete {
					continue
				}
				b.WriteString(l.Text)
				b.WriteByte('\n')
				line++
			}
			if wrap {
				b.WriteString("}\n")
				line++
			}
		}
		ff := sk.SkimC(f.Path(), []byte(b.String()))
		ff.Key = "fragment"
		if base != nil {
			mergePartial(base, ff, partial)
			mergeIncludes(base, ff)
		}
		out = append(out, ff)
	}
	return out
}

// hunkOpensFunc reports whether a hunk's first lines are at top level
// (the hunk does not start inside a function body).
func hunkOpensFunc(h *diffparse.Hunk) bool {
	for _, l := range h.Lines {
		if l.Op == diffparse.Delete {
			continue
		}
		t := l.Text
		if strings.TrimSpace(t) == "" {
			continue
		}
		return !(strings.HasPrefix(t, "\t") || strings.HasPrefix(t, " ")) || strings.HasPrefix(t, "}")
	}
	return true
}

// sectionFunc extracts the function name from a hunk header's section
// ("static inline notrace void rcu_read_unlock_sched_notrace(void)").
func sectionFunc(s string) string {
	i := strings.IndexByte(s, '(')
	if i <= 0 {
		return ""
	}
	j := i
	for j > 0 && cscan.IsIdentChar(s[j-1]) {
		j--
	}
	name := s[j:i]
	if name == "" || notCallee[name] || attrParenWords[name] {
		return ""
	}
	return name
}

// mergePartial completes the partial functions of a fragment with the
// attributes and calls of their definitions in base.
func mergePartial(base *Index, ff *FileFacts, partial map[string]bool) {
	for i := range ff.Funcs {
		fn := &ff.Funcs[i]
		if !partial[fn.Name] {
			continue
		}
		for _, d := range base.Funcs(fn.Name) {
			if d.File.Path != ff.Path {
				continue
			}
			fn.Attrs = d.Func.Attrs
			fn.Start, fn.Line = d.Func.Start, d.Func.Line
			seen := map[string]bool{}
			for _, c := range fn.Calls {
				seen[c.Name] = true
			}
			for _, c := range d.Func.Calls {
				if !seen[c.Name] {
					// conditions index the base file's table: re-intern them here
					c.Cond = internInto(ff, d.File.CondSet(c.Cond))
					fn.Calls = append(fn.Calls, c)
				}
			}
			sort.SliceStable(fn.Calls, func(a, b int) bool { return fn.Calls[a].Line < fn.Calls[b].Line })
			break
		}
	}
}

// mergeIncludes gives a fragment the #includes of the whole file in
// base that its hunks do not show (they decide where the file's local
// headers are compiled).
func mergeIncludes(base *Index, ff *FileFacts) {
	bf := base.File(ff.Path)
	if bf == nil {
		return
	}
	have := map[string]bool{}
	for _, inc := range ff.Includes {
		have[inc.Path] = true
	}
	for _, inc := range bf.Includes {
		if !have[inc.Path] {
			inc.Cond = internInto(ff, bf.CondSet(inc.Cond))
			ff.Includes = append(ff.Includes, inc)
		}
	}
	sort.SliceStable(ff.Includes, func(a, b int) bool { return ff.Includes[a].Line < ff.Includes[b].Line })
}

func internInto(ff *FileFacts, terms []string) int32 {
	if len(terms) == 0 {
		return 0
	}
	key := strings.Join(terms, "\x00")
	for i, c := range ff.Conds {
		if strings.Join(c, "\x00") == key {
			return int32(i)
		}
	}
	ff.Conds = append(ff.Conds, terms)
	return int32(len(ff.Conds) - 1)
}
