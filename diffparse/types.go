// Package diffparse parses unified diffs (git and plain) with
// github.com/bluekeyes/go-gitdiff, works around its limits (CRLF file
// names, --no-prefix patches, strict application), applies a patch onto a
// tree snapshot in memory with git apply's offset search, and records for
// every hunk the enclosing C function before and after the change.
package diffparse

// File is one file changed by a patch.
type File struct {
	OldName, NewName string // tree-relative, prefixes stripped; "" for /dev/null
	IsNew, IsDelete  bool
	IsRename, IsCopy bool
	IsBinary         bool
	OldMode, NewMode uint32 // 0 when not given
	Hunks            []*Hunk

	// Added fields (beyond the original contract).
	CRLF       bool  // the patch text had CRLF line ends (mail); names and lines are normalised
	PatchLine  int   // 1-based line of the file's first header line within the diff text
	Score      int   // similarity index of a rename/copy, 0 when not given
	BinarySize int64 // size of the new binary content when IsBinary and data is present

	bin *binaryData // the binary fragments, nil when the patch carries none
}

// Path is the name the file has after the patch (the old name for a deletion).
func (f *File) Path() string {
	if f.NewName != "" {
		return f.NewName
	}
	return f.OldName
}

// Hunk is one @@ fragment of a File.
type Hunk struct {
	Index                  int    // 1-based within the file
	Header                 string // the whole "@@ -a,b +c,d @@ ctx" line
	OldStart, OldLines     int
	NewStart, NewLines     int
	Lines                  []Line
	OldFunc, NewFunc       string // enclosing C function in pre-/post-image, "" if none; filled by Apply
	AppliedOld, AppliedNew int    // where the hunk really applied (1-based start lines); filled by Apply
	Offset                 int    // AppliedOld - OldStart; git apply's "offset N lines"

	// Added fields (beyond the original contract).
	Section   string // the text after the closing "@@" (git's function context), trimmed
	PatchLine int    // 1-based line of the "@@" header within the diff text
	Recounted bool   // the header's counts were wrong and were recomputed (MUA damage)
	Applied   bool   // Apply has placed this hunk; Applied* and *Func are valid
}

// Op is a hunk line's operation.
type Op byte

// Line operations.
const (
	Context Op = ' '
	Add     Op = '+'
	Delete  Op = '-'
)

// Line is one line of a hunk, without its op character and line ending.
type Line struct {
	Op        Op
	Text      string
	OldLine   int  // line in the pre-image per the hunk header (0 for Add)
	NewLine   int  // line in the post-image per the hunk header (0 for Delete)
	PatchLine int  // 1-based line of this line within the diff text given to Parse
	NoEOL     bool // followed by "\ No newline at end of file"
}

// AppliedLines returns where line l of h is in the pre-image and in the
// post-image as h was really applied (0 for the side l is not on). Before
// Apply, or if h did not apply, it returns the numbers the header states.
func (h *Hunk) AppliedLines(l Line) (oldLine, newLine int) {
	oldLine, newLine = l.OldLine, l.NewLine
	if !h.Applied {
		return oldLine, newLine
	}
	if oldLine > 0 {
		oldLine += h.AppliedOld - h.OldStart
	}
	if newLine > 0 {
		newLine += h.AppliedNew - h.NewStart
	}
	return oldLine, newLine
}

// PostLine finds the patch line that shows line n of path in the patched
// tree (an added or context line), using where each hunk really applied.
func PostLine(files []*File, path string, n int) (Line, bool) {
	for _, f := range files {
		if f.Path() != path {
			continue
		}
		for _, h := range f.Hunks {
			for _, l := range h.Lines {
				if l.Op == Delete {
					continue
				}
				if _, nl := h.AppliedLines(l); nl == n {
					return l, true
				}
			}
		}
	}
	return Line{}, false
}

// Added reports whether line n of path in the patched tree is a line the
// patch adds.
func Added(files []*File, path string, n int) bool {
	l, ok := PostLine(files, path, n)
	return ok && l.Op == Add
}
