package diffparse

import "strings"

// isCSource reports whether path names C source or a C header.
func isCSource(path string) bool {
	return strings.HasSuffix(path, ".c") || strings.HasSuffix(path, ".h")
}

// sectionFunction extracts a function name from a hunk header's section
// text (git's funcname line), "" when it does not look like a function.
func sectionFunction(section string) string {
	s := strings.TrimSpace(section)
	if s == "" || strings.HasPrefix(s, "#") {
		return ""
	}
	if i := strings.IndexByte(s, '{'); i >= 0 {
		s = s[:i]
	}
	// The section is often cut inside the argument list: close it.
	if d := strings.Count(s, "(") - strings.Count(s, ")"); d > 0 {
		s += strings.Repeat(")", d)
	}
	if name, ok := functionName(s); ok {
		return name
	}
	return ""
}

// fillFunctions records each applied hunk's enclosing function in the
// pre-image (OldFunc) and post-image (NewFunc). C files are scanned; other
// files, and C files where the scan finds no function at all, fall back
// to the function named in the hunk header's section.
func fillFunctions(path string, pre, post []byte, f *File) {
	c := isCSource(path)
	var oldF, newF []Func
	if c {
		in := newInterner(max(len(pre), len(post)))
		oldF, newF = functionsWith(pre, in), functionsWith(post, in)
	}
	for _, h := range f.Hunks {
		if h == nil || !h.Applied {
			continue
		}
		sec := sectionFunction(h.Section)
		h.OldFunc = hunkFunc(h, oldF, c, sec, true)
		h.NewFunc = hunkFunc(h, newF, c, sec, false)
	}
}

// hunkFunc finds the function around the hunk's first change on one side.
func hunkFunc(h *Hunk, funcs []Func, isC bool, section string, old bool) string {
	if !isC || len(funcs) == 0 {
		return section
	}
	changed, other := Delete, Add
	shift := h.AppliedOld - h.OldStart
	lineOf := func(l Line) int { return l.OldLine }
	if !old {
		changed, other = Add, Delete
		shift = h.AppliedNew - h.NewStart
		lineOf = func(l Line) int { return l.NewLine }
	}
	first := -1
	for k, l := range h.Lines {
		if l.Op == changed {
			fn, _ := lookupFunc(funcs, lineOf(l)+shift)
			return fn.Name
		}
		if l.Op == other && first < 0 {
			first = k
		}
	}
	if first < 0 {
		return ""
	}
	after := -1
	for k := first - 1; k >= 0; k-- {
		if h.Lines[k].Op == Context {
			after = lineOf(h.Lines[k]) + shift
			break
		}
	}
	if after < 0 {
		for k := first + 1; k < len(h.Lines); k++ {
			if h.Lines[k].Op == Context {
				after = lineOf(h.Lines[k]) + shift - 1
				break
			}
		}
	}
	if after < 0 {
		return ""
	}
	fn, _ := lookupInsert(funcs, after)
	return fn.Name
}

// FunctionsChanged lists, in patch order without repeats, the functions
// the applied hunks of files change (post-image name, else pre-image).
func FunctionsChanged(files []*File) []string {
	seen := map[string]bool{}
	var out []string
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, h := range f.Hunks {
			if h == nil {
				continue
			}
			for _, n := range []string{h.NewFunc, h.OldFunc} {
				if n != "" && !seen[n] {
					seen[n] = true
					out = append(out, n)
				}
			}
		}
	}
	return out
}
