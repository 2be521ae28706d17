package diffparse

import "strings"

// fileMeta locates one file header in the (normalised) diff lines.
type fileMeta struct {
	line int    // index of the header's first line ("diff --git" or "---")
	body int    // index of the first line after the header block
	name string // the file's name after prefix handling, for messages
}

// gitExtHeaders are the extended header lines git puts between
// "diff --git" and the first hunk (the set go-gitdiff understands).
var gitExtHeaders = []string{
	"old mode ", "new mode ", "deleted file mode ", "new file mode ",
	"copy from ", "copy to ", "rename old ", "rename new ", "rename from ",
	"rename to ", "similarity index ", "dissimilarity index ", "index ",
	"--- ", "+++ ",
}

func isGitExtHeader(l string) bool {
	for _, p := range gitExtHeaders {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// isTraditionalHeader reports whether lines[i] starts a "---"/"+++"/"@@"
// file header, with go-gitdiff's own test.
func isTraditionalHeader(lines []string, i int) bool {
	const shortestHunk = "@@ -1 +1 @@"
	return i+2 < len(lines) && strings.HasPrefix(lines[i], "--- ") &&
		strings.HasPrefix(lines[i+1], "+++ ") &&
		strings.HasPrefix(lines[i+2], "@@ -") && len(lines[i+2]) >= len(shortestHunk)
}

// fixHeaders rewrites file headers in place so that go-gitdiff, which
// always drops one leading component from git names and none from
// traditional ones, ends with tree-relative names:
//   - git headers written with --no-prefix (p0: "diff --git f f") get
//     "a/" and "b/" prefixes, on the diff line and on "---"/"+++";
//   - traditional (diff -u, CVS, hg) "---"/"+++" names lose a first
//     component when it is a prefix like git -p1 would strip (a/ b/,
//     linux.orig/ linux/), and take the full path from a preceding CVS
//     "Index:" line when they name the same file.
//
// Line count is preserved, so line numbers stay those of the input.
func fixHeaders(lines []string) []fileMeta {
	var metas []fileMeta
	index := ""
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l, "Index: "):
			index = strings.TrimSpace(l[len("Index: "):])
		case strings.HasPrefix(l, "diff --git "):
			m := fixGitHeader(lines, i)
			metas = append(metas, m)
			i = m.body - 1
			index = ""
		case isTraditionalHeader(lines, i):
			metas = append(metas, fixTraditionalHeader(lines, i, index))
			i++
			index = ""
		case strings.HasPrefix(l, "@@ -"):
			index = ""
		}
	}
	return metas
}

// fixGitHeader handles the git header starting at lines[i].
func fixGitHeader(lines []string, i int) fileMeta {
	j := i + 1
	from := ""
	var oldNew []int
	for ; j < len(lines) && isGitExtHeader(lines[j]); j++ {
		l := lines[j]
		for _, p := range []string{"rename from ", "copy from ", "rename old "} {
			if strings.HasPrefix(l, p) {
				if n, _, _, ok := parseNameField(l[len(p):], 0); ok {
					from = n
				}
			}
		}
		if strings.HasPrefix(l, "--- ") || strings.HasPrefix(l, "+++ ") {
			oldNew = append(oldNew, j)
		}
	}
	m := fileMeta{line: i, body: j}
	names, ok := splitGitNames(lines[i][len("diff --git "):])
	if !ok {
		return m
	}
	p0 := names.a == names.b
	if from != "" {
		p0 = names.a == from
	}
	if !p0 {
		m.name = stripComponents(names.b, 1)
		return m
	}
	m.name = names.b
	lines[i] = "diff --git " + formatName("a/"+names.a, names.qa) + " " + formatName("b/"+names.b, names.qb)
	for _, k := range oldNew {
		mark, prefix := lines[k][:4], "a/"
		if mark == "+++ " {
			prefix = "b/"
		}
		n, tail, q, ok := parseNameField(lines[k][4:], '\t')
		if !ok || n == "/dev/null" {
			continue
		}
		lines[k] = mark + formatName(prefix+n, q) + tail
	}
	return m
}

// fixTraditionalHeader handles the "---"/"+++" pair at lines[i].
func fixTraditionalHeader(lines []string, i int, index string) fileMeta {
	m := fileMeta{line: i, body: i + 2}
	oldName, oldTail, oq, ok1 := parseNameField(lines[i][4:], '\t')
	newName, newTail, nq, ok2 := parseNameField(lines[i+1][4:], '\t')
	if !ok1 || !ok2 {
		return m
	}
	oldName, newName = strings.TrimRight(oldName, " "), strings.TrimRight(newName, " ")
	oNull, nNull := oldName == "/dev/null", newName == "/dev/null"
	sameAsIndex := func(n string) bool {
		return n == index || strings.HasSuffix(index, "/"+n)
	}
	switch {
	case index != "" && (oNull || sameAsIndex(oldName)) && (nNull || sameAsIndex(newName)):
		if !oNull {
			oldName = index
		}
		if !nNull {
			newName = index
		}
	case !oNull && !nNull:
		co, cn := firstComponent(oldName), firstComponent(newName)
		if co != "" && cn != "" && co != cn {
			oldName, newName = stripComponents(oldName, 1), stripComponents(newName, 1)
		}
	case !nNull && len(firstComponent(newName)) == 1:
		newName = stripComponents(newName, 1)
	case !oNull && len(firstComponent(oldName)) == 1:
		oldName = stripComponents(oldName, 1)
	}
	lines[i] = "--- " + formatName(oldName, oq) + oldTail
	lines[i+1] = "+++ " + formatName(newName, nq) + newTail
	m.name = newName
	if nNull {
		m.name = oldName
	}
	return m
}
