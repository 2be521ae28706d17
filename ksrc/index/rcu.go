package index

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/rcureview/rcureview/cscan"
)

// RCU facts: the raw material of the tree-wide RCU protection map (package
// rcumap). The skimmer records, per function and macro body, every call of
// a primitive whose name contains "rcu" (rcu_dereference*(),
// srcu_dereference*(), rcu_assign_pointer(), list_add_rcu(),
// list_for_each_entry_rcu(), kfree_rcu(), call_rcu(), …) with the location
// its pointer argument names, and per file the struct fields and globals
// declared __rcu. What a primitive means (a read, a publication, a
// grace-period wait) is not decided here: the map reads that from the one
// table of kernel names, so the index needs no list of primitives.
//
// A location is named by what the file itself tells:
//
//	"struct T.f.g"   a field path from a local or parameter declared struct T *
//	"struct T.m"     for list iterators and list_entry_rcu(): the entry type
//	                 and its list member
//	"?.f"            a field of something whose type the file does not say
//	                 ((&__tracepoint_##name)->funcs); resolved by the map
//	                 when exactly one struct declares f __rcu
//	"g", "g.f"       a global (or per-CPU) variable and a field path from it
//	"path:g"         a global declared static in the file at path
//	"path:struct T.f" a field of a struct type defined in the .c file at path
//
// The empty location means the argument names nothing the map can use (a
// local pointer, a call result).

// RCUSite is one call of an RCU primitive in a definition's body.
type RCUSite struct {
	Name string // the primitive as written
	Line int32
	Loc  string // the location its pointer argument names ("" unknown)
	// Args holds the identifiers of the call's other arguments that are a
	// single identifier or &identifier, in order ("" for the others): the
	// callback of call_rcu(), the srcu_struct of srcu_dereference().
	Args []string
}

// RCUField is a struct field declared __rcu.
type RCUField struct {
	Struct string // "struct T"
	Field  string
	Line   int32
}

// RCUVar is a global declared __rcu.
type RCUVar struct {
	Name   string
	Line   int32
	Static bool
}

// isRCUName reports whether a call name is recorded as an RCU site.
func isRCUName(name string) bool {
	return strings.Contains(name, "rcu") || strings.Contains(name, "RCU")
}

// rcuScan holds what one file's RCU sites need from the whole file: the
// globals declared static and the struct types defined in it, known only
// at the end of the file.
type rcuScan struct {
	statics map[string]bool // file-level names declared static
	structs map[string]bool // "struct T" defined in this file
	sites   []*RCUSite      // sites whose root is global or a file-defined struct, to qualify
}

func (s *skimmer) rcu() *rcuScan {
	if s.rcuState == nil {
		s.rcuState = &rcuScan{statics: map[string]bool{}, structs: map[string]bool{}}
	}
	return s.rcuState
}

// rcuDecl records what a top-level declaration toks[start:end] tells the
// RCU map: struct definitions (and their __rcu fields) and file-level
// names declared static or __rcu.
func (s *skimmer) rcuDecl(start, end int) {
	if s.noRCU {
		return
	}
	toks := s.toks[start:end]
	if len(toks) == 0 {
		return
	}
	static, hasRCU := false, false
	for _, t := range toks {
		switch t.Text {
		case "static":
			static = true
		case "__rcu":
			hasRCU = true
		case "{":
			goto scanned
		}
	}
scanned:
	// struct T { ... }
	for k := 0; k+2 < len(toks); k++ {
		if toks[k].Text == "struct" && toks[k+1].Kind == cscan.Ident && toks[k+2].Text == "{" {
			name := "struct " + toks[k+1].Text
			s.rcu().structs[name] = true
			s.rcuFields(name, toks[k+2:])
			break
		}
		if toks[k].Text == "{" || toks[k].Text == "=" || toks[k].Text == "(" {
			break
		}
	}
	if !static && !hasRCU {
		return
	}
	for _, n := range declNames(toks) {
		if static {
			s.rcu().statics[n.Text] = true
		}
		if hasRCU {
			s.ff.RCUVars = append(s.ff.RCUVars, RCUVar{Name: n.Text, Line: n.Line, Static: static})
		}
	}
}

// declNames returns the names a top-level declaration declares: the
// identifier before ';', '=', ',' or '[' outside parentheses and braces,
// or for a declaring macro (DEFINE_PER_CPU(type, name), LIST_HEAD(name))
// its last argument.
func declNames(toks []cscan.Token) []cscan.Token {
	var out []cscan.Token
	depth := 0
	for k, t := range toks {
		if t.Kind == cscan.Punct {
			switch t.Text {
			case "(", "{", "[":
				if t.Text == "[" && depth == 0 && k > 0 && toks[k-1].Kind == cscan.Ident {
					out = append(out, toks[k-1])
				}
				depth++
			case ")", "}", "]":
				depth--
			case ";", "=", ",":
				if depth == 0 && k > 0 && toks[k-1].Kind == cscan.Ident && toks[k-1].Text != "__rcu" {
					out = append(out, toks[k-1])
				}
			}
			if t.Text == "=" && depth == 0 {
				return out // initialiser follows
			}
		}
	}
	if depth == 0 && len(toks) > 1 && toks[len(toks)-1].Kind == cscan.Ident && toks[len(toks)-1].Text != "__rcu" {
		out = append(out, toks[len(toks)-1]) // the range ends before its ';'
	}
	if len(out) == 0 && len(toks) > 2 && toks[0].Text != "struct" {
		// STORAGE? MACRO(..., name)
		for k := len(toks) - 1; k > 0; k-- {
			if toks[k].Text == ")" && toks[k-1].Kind == cscan.Ident {
				return []cscan.Token{toks[k-1]}
			}
		}
	}
	return out
}

// rcuFields records the fields declared __rcu in a struct body (toks
// starts at its '{'); fields of anonymous inner structs and unions count
// as the outer struct's, as C accesses them.
func (s *skimmer) rcuFields(name string, toks []cscan.Token) {
	depth, segStart, rcu := 0, 1, false
	for k, t := range toks {
		if t.Kind != cscan.Punct {
			if t.Text == "__rcu" {
				rcu = true
			}
			continue
		}
		switch t.Text {
		case "{", "(", "[":
			depth++
			if t.Text == "{" {
				segStart, rcu = k+1, false
			}
		case "}":
			depth--
			if depth == 0 {
				return
			}
			segStart, rcu = k+1, false
		case ")", "]":
			depth--
		case ";", ",":
			if rcu {
				if f := fieldName(toks[segStart:k]); f.Text != "" {
					s.ff.RCUFields = append(s.ff.RCUFields, RCUField{Struct: name, Field: f.Text, Line: f.Line})
				}
			}
			if t.Text == ";" {
				segStart, rcu = k+1, false
			}
		}
	}
}

// fieldName returns the declared name of one member declaration: the last
// identifier outside brackets and parentheses, or the one of a
// function-pointer declarator (*name).
func fieldName(toks []cscan.Token) cscan.Token {
	var last cscan.Token
	depth := 0
	for k, t := range toks {
		switch t.Text {
		case "(", "[":
			if t.Text == "(" && k+2 < len(toks) && toks[k+1].Text == "*" && toks[k+2].Kind == cscan.Ident {
				return toks[k+2]
			}
			depth++
		case ")", "]":
			depth--
		case ":":
			if depth == 0 {
				return last // bit-field width follows
			}
		default:
			if depth == 0 && t.Kind == cscan.Ident && t.Text != "__rcu" && !attrParenWords[t.Text] {
				last = t
			}
		}
	}
	return last
}

// typeKeywords are the words of notCallee that may start a declaration.
var typeKeywords = map[string]bool{
	"unsigned": true, "int": true, "long": true, "char": true, "void": true, "const": true, "bool": true,
	"struct": true, "union": true, "enum": true, "signed": true, "short": true, "_Bool": true,
}

// rcuTypeWords may stand between a struct tag and the declared name.
var rcuTypeWords = map[string]bool{
	"*": true, "const": true, "volatile": true, "__rcu": true, "__percpu": true, "__iomem": true,
	"__user": true, "__force": true, "__kernel": true, "restrict": true, "__restrict": true,
}

// rcuSites records the RCU sites of the function just skimmed:
// toks[head:end] is its declaration and body, toks[brace] the body's '{'. Locals and parameters are
// typed from their declarations ("struct T *p").
func (s *skimmer) rcuSites(fn *Func, head, brace, end int) {
	if s.noRCU {
		return
	}
	any := false
	for _, c := range fn.Calls {
		if isRCUName(c.Name) {
			any = true
			break
		}
	}
	if !any {
		return
	}
	toks := s.toks[head:min(end+1, len(s.toks))]
	params := map[string]string{}
	for k := 0; k+1 < len(toks); k++ {
		if toks[k].Text == fn.Name && toks[k+1].Text == "(" {
			args, _ := splitArgs(toks, k+1)
			for _, a := range args {
				if n := fieldName(a); n.Text != "" && len(a) > 1 {
					params[n.Text] = ""
					if a[0].Text == "struct" && a[1].Kind == cscan.Ident || len(a) > 2 && a[0].Text == "const" && a[1].Text == "struct" {
						i := 1
						if a[0].Text == "const" {
							i = 2
						}
						params[n.Text] = "struct " + a[i].Text
					}
				}
			}
			break
		}
	}
	fn.RCU = s.rcuSitesIn(toks, brace-head, 0, params, nil)
}

// rcuSitesIn lists the RCU sites of a token range. typed are the
// function's parameters with their struct types ("" for other types);
// params are the names that are not variables of the range (a macro's
// parameters).
//
// Calls before toks[from] (a function's declarator) are not sites, and
// lineBase is added to the lines of the tokens (a macro body is lexed on
// its own).
func (s *skimmer) rcuSitesIn(toks []cscan.Token, from int, lineBase int32, typed map[string]string, params map[string]bool) []RCUSite {
	var out []RCUSite
	types := map[string]string{} // local -> "struct T", or "" when declared with another type
	for n, t := range typed {
		types[n] = t
	}
	for k := 0; k < len(toks); k++ {
		t := toks[k]
		if t.Kind != cscan.Ident {
			continue
		}
		if t.Text == "struct" && k+1 < len(toks) && toks[k+1].Kind == cscan.Ident {
			// struct T [*const…] name [,;=)[]
			j := k + 2
			for j < len(toks) && rcuTypeWords[toks[j].Text] {
				j++
			}
			if j+1 < len(toks) && toks[j].Kind == cscan.Ident && j > k+2 {
				switch toks[j+1].Text {
				case ",", ";", "=", ")", "[":
					typ := "struct " + toks[k+1].Text
					types[toks[j].Text] = typ
					// further declarators: struct T *a, *b = NULL;
					d := 0
					for x := j + 1; x < len(toks) && d >= 0; x++ {
						switch toks[x].Text {
						case "(", "[", "{":
							d++
						case ")", "]", "}":
							d--
						case ";":
							d = -1
						case ",":
							if d == 0 && k > 0 && toks[k-1].Text != "(" && toks[k-1].Text != "," {
								y := x + 1
								for y < len(toks) && rcuTypeWords[toks[y].Text] {
									y++
								}
								if y < len(toks) && toks[y].Kind == cscan.Ident {
									types[toks[y].Text] = typ
								}
							}
						}
					}
				}
			}
			continue
		}
		if k+1 < len(toks) && toks[k+1].Text == "=" || k+1 < len(toks) && toks[k+1].Text == ";" {
			// "typedef_t *p;": a local of another type shadows a global
			if k > 0 && (toks[k-1].Text == "*" || toks[k-1].Kind == cscan.Ident && !notCallee[toks[k-1].Text] && toks[k-1].Text != "return") {
				if _, ok := types[t.Text]; !ok && isDeclStart(toks, k) {
					types[t.Text] = ""
				}
			}
		}
		if k+1 >= len(toks) || toks[k+1].Text != "(" || !isRCUName(t.Text) {
			continue
		}
		if k < from || k > 0 && (toks[k-1].Text == "." || toks[k-1].Text == "->") {
			continue
		}
		args, _ := splitArgs(toks, k+1)
		site := RCUSite{Name: t.Text, Line: t.Line + lineBase}
		site.Loc = s.rcuLoc(t.Text, args, types, params)
		for i, a := range args {
			if i == 0 {
				continue
			}
			site.Args = append(site.Args, simpleIdent(a))
		}
		if site.Loc != "" || len(site.Args) > 0 {
			out = append(out, site)
		}
	}
	for i := range out {
		if needsQualify(out[i].Loc) {
			s.rcu().sites = append(s.rcu().sites, &out[i])
		}
	}
	return out
}

// isDeclStart reports whether toks[k] (a name followed by '=' or ';') is
// declared there: the tokens before it back to the statement start are
// type words (identifiers and '*').
func isDeclStart(toks []cscan.Token, k int) bool {
	j := k - 1
	n := 0
	for j >= 0 && (toks[j].Kind == cscan.Ident || toks[j].Text == "*") {
		if toks[j].Kind == cscan.Ident {
			if notCallee[toks[j].Text] && !typeKeywords[toks[j].Text] {
				return false
			}
			n++
		}
		j--
	}
	return n >= 1 && (j < 0 || toks[j].Text == ";" || toks[j].Text == "{" || toks[j].Text == "}" || toks[j].Text == ",")
}

func needsQualify(loc string) bool {
	return loc != "" && !strings.HasPrefix(loc, "?.")
}

// rcuFinish qualifies the locations rooted at a file-static global or at
// a struct type defined in this .c file with the file's path.
func (s *skimmer) rcuFinish() {
	st := s.rcuState
	if st == nil {
		return
	}
	cfile := strings.HasSuffix(s.ff.Path, ".c")
	for _, site := range st.sites {
		root, rest, _ := strings.Cut(site.Loc, ".")
		switch {
		case strings.HasPrefix(root, "struct "):
			if cfile && st.structs[root] {
				site.Loc = s.ff.Path + ":" + site.Loc
			}
		case st.statics[root]:
			site.Loc = s.ff.Path + ":" + root
			if rest != "" {
				site.Loc += "." + rest
			}
		}
	}
	st.sites = nil
}

// splitArgs splits the argument list whose '(' is toks[open] at its
// top-level commas; it returns the arguments and the index of ')'.
func splitArgs(toks []cscan.Token, open int) ([][]cscan.Token, int) {
	var args [][]cscan.Token
	depth := 0
	start := open + 1
	for k := open; k < len(toks); k++ {
		switch toks[k].Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				if k > start || len(args) > 0 {
					args = append(args, toks[start:k])
				}
				return args, k
			}
		case ",":
			if depth == 1 {
				args = append(args, toks[start:k])
				start = k + 1
			}
		case ";":
			return args, k
		}
	}
	return args, len(toks) - 1
}

// simpleIdent returns the identifier an argument names when it is NAME or
// &NAME, else "".
func simpleIdent(a []cscan.Token) string {
	if len(a) == 2 && a[0].Text == "&" {
		a = a[1:]
	}
	if len(a) == 1 && a[0].Kind == cscan.Ident {
		return a[0].Text
	}
	return ""
}

// rcuLoc names the location a primitive's arguments designate.
func (s *skimmer) rcuLoc(name string, args [][]cscan.Token, types map[string]string, params map[string]bool) string {
	if len(args) == 0 {
		return ""
	}
	if strings.Contains(name, "for_each") {
		// list_for_each_entry_rcu(pos, head, member[, cond]);
		// hlist_nulls_for_each_entry_rcu(tpos, pos, head, member)
		if !strings.Contains(name, "entry") {
			return ""
		}
		m := 2
		if strings.Contains(name, "nulls") {
			m = 3
		}
		if len(args) <= m {
			return ""
		}
		pos, member := simpleIdent(args[0]), simpleIdent(args[m])
		if pos == "" || member == "" || types[pos] == "" {
			return ""
		}
		return types[pos] + "." + member
	}
	if strings.Contains(name, "_entry") {
		// list_entry_rcu(ptr, type, member), list_first_or_null_rcu(…)
		for i := 0; i+1 < len(args); i++ {
			a := args[i]
			if len(a) == 2 && a[0].Text == "struct" && a[1].Kind == cscan.Ident {
				if m := simpleIdent(args[i+1]); m != "" {
					return "struct " + a[1].Text + "." + m
				}
			}
		}
		return ""
	}
	return s.pathLoc(args[0], types, params)
}

// pathLoc names the location of a pointer expression: a root (a typed
// local, a global) and a field path.
func (s *skimmer) pathLoc(e []cscan.Token, types map[string]string, params map[string]bool) string {
	e = stripExpr(e)
	if len(e) == 0 {
		return ""
	}
	var root string
	known := true // the root's type or identity is known
	k := 0
	switch {
	case e[0].Text == "(":
		// (&x)->f, (x)->f, (type *)x
		close := plainParens.forward(e, 0)
		if close < 0 {
			return ""
		}
		inner := stripExpr(e[1:close])
		if len(inner) == 1 && inner[0].Kind == cscan.Ident && !hasPaste(e[:close]) {
			root = inner[0].Text
		} else {
			known = false
		}
		k = close + 1
	case e[0].Kind == cscan.Ident && len(e) > 1 && e[1].Text == "(":
		// per_cpu(x, cpu), this_cpu_ptr(&x), per_cpu_ptr(x, cpu): the
		// per-CPU variable; any other call: unknown
		args, close := splitArgs(e, 1)
		if strings.Contains(e[0].Text, "cpu") && len(args) > 0 && simpleIdent(args[0]) != "" && types[simpleIdent(args[0])] == "" {
			if _, local := types[simpleIdent(args[0])]; !local && !params[simpleIdent(args[0])] {
				root = simpleIdent(args[0])
			} else {
				known = false
			}
		} else {
			known = false
		}
		k = close + 1
	case e[0].Kind == cscan.Ident:
		root = e[0].Text
		k = 1
	default:
		return ""
	}
	var fields []string
	for k < len(e) {
		switch e[k].Text {
		case "->", ".":
			if k+1 >= len(e) || e[k+1].Kind != cscan.Ident {
				return ""
			}
			if k+2 < len(e) && e[k+2].Text == "##" {
				return ""
			}
			fields = append(fields, e[k+1].Text)
			k += 2
		case "[":
			d := 0
			for ; k < len(e); k++ {
				if e[k].Text == "[" {
					d++
				} else if e[k].Text == "]" {
					d--
					if d == 0 {
						break
					}
				}
			}
			k++
		default:
			return "" // arithmetic, casts in the middle: not a plain path
		}
	}
	if !known || hasPaste(e) || params[root] {
		if len(fields) == 0 {
			return ""
		}
		return "?." + fields[len(fields)-1]
	}
	if t, local := types[root]; local {
		if t == "" {
			if len(fields) == 0 {
				return ""
			}
			return "?." + fields[len(fields)-1]
		}
		if len(fields) == 0 {
			return t // the object itself (kfree_rcu(p, rcu))
		}
		return t + "." + strings.Join(fields, ".")
	}
	if allCaps(root) || root == "NULL" {
		return "" // a constant
	}
	if len(fields) == 0 {
		return root
	}
	return root + "." + strings.Join(fields, ".")
}

// stripExpr removes a leading '&' or '*' and parentheses around a whole
// expression.
func stripExpr(e []cscan.Token) []cscan.Token {
	for len(e) > 0 {
		switch {
		case e[0].Text == "&" || e[0].Text == "*":
			e = e[1:]
		case e[0].Text == "(" && plainParens.forward(e, 0) == len(e)-1:
			e = e[1 : len(e)-1]
		default:
			return e
		}
	}
	return e
}

func hasPaste(e []cscan.Token) bool {
	for _, t := range e {
		if t.Text == "##" || t.Text == "#" {
			return true
		}
	}
	return false
}

// rcuTableNames lists the names under which a file is found in the RCU
// table of a pack: the locations of its sites, and "__rcu:FIELD" for the
// fields it declares __rcu.
func rcuTableNames(f *FileFacts) []string {
	var out []string
	for i := range f.Funcs {
		for _, s := range f.Funcs[i].RCU {
			if s.Loc != "" {
				out = append(out, s.Loc)
			}
		}
	}
	for i := range f.Macros {
		for _, s := range f.Macros[i].RCU {
			if s.Loc != "" {
				out = append(out, s.Loc)
			}
		}
	}
	for _, fd := range f.RCUFields {
		out = append(out, RCUFieldKey(fd.Field))
	}
	return out
}

// RCUFieldKey is the RCU table name of the declarations of a field
// declared __rcu.
func RCUFieldKey(field string) string { return "__rcu:" + field }

func (e *factsEncoder) rcuSites(ss []RCUSite) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s.Name)
		e.int(int64(s.Line))
		e.str(s.Loc)
		e.strs(s.Args)
	}
}

// rcuFacts appends the RCU facts of a file: per function, then per macro,
// the sites (counts first, so that files without any cost two bytes),
// then the __rcu fields and globals.
func (e *factsEncoder) rcuFacts(f *FileFacts) {
	n := 0
	for i := range f.Funcs {
		if len(f.Funcs[i].RCU) > 0 {
			n++
		}
	}
	e.uint(uint64(n))
	for i := range f.Funcs {
		if len(f.Funcs[i].RCU) > 0 {
			e.uint(uint64(i))
			e.rcuSites(f.Funcs[i].RCU)
		}
	}
	n = 0
	for i := range f.Macros {
		if len(f.Macros[i].RCU) > 0 {
			n++
		}
	}
	e.uint(uint64(n))
	for i := range f.Macros {
		if len(f.Macros[i].RCU) > 0 {
			e.uint(uint64(i))
			e.rcuSites(f.Macros[i].RCU)
		}
	}
	e.uint(uint64(len(f.RCUFields)))
	for _, fd := range f.RCUFields {
		e.str(fd.Struct)
		e.str(fd.Field)
		e.int(int64(fd.Line))
	}
	e.uint(uint64(len(f.RCUVars)))
	for _, v := range f.RCUVars {
		e.str(v.Name)
		e.int(int64(v.Line))
		e.bool(v.Static)
	}
}

func (d *factsDecoder) rcuSites() []RCUSite {
	n := d.count(4)
	if n == 0 {
		return nil
	}
	out := make([]RCUSite, n)
	for i := range out {
		out[i] = RCUSite{Name: d.str(), Line: d.int32(), Loc: d.str(), Args: d.strs()}
	}
	return out
}

func (d *factsDecoder) rcuFacts(f *FileFacts) {
	for n := d.count(2); n > 0; n-- {
		i := d.uint()
		ss := d.rcuSites()
		if d.err == nil && i >= uint64(len(f.Funcs)) {
			d.fail(fmt.Errorf("RCU sites of function %d of %d", i, len(f.Funcs)))
		}
		if d.err == nil {
			f.Funcs[i].RCU = ss
		}
	}
	for n := d.count(2); n > 0; n-- {
		i := d.uint()
		ss := d.rcuSites()
		if d.err == nil && i >= uint64(len(f.Macros)) {
			d.fail(fmt.Errorf("RCU sites of macro %d of %d", i, len(f.Macros)))
		}
		if d.err == nil {
			f.Macros[i].RCU = ss
		}
	}
	if n := d.count(3); n > 0 {
		f.RCUFields = make([]RCUField, n)
		for i := range f.RCUFields {
			f.RCUFields[i] = RCUField{Struct: d.str(), Field: d.str(), Line: d.int32()}
		}
	}
	if n := d.count(3); n > 0 {
		f.RCUVars = make([]RCUVar, n)
		for i := range f.RCUVars {
			f.RCUVars[i] = RCUVar{Name: d.str(), Line: d.int32(), Static: d.bool()}
		}
	}
}

// RCUFiles returns the files whose RCU facts mention name: a location
// ("struct tracepoint.funcs", "?.funcs", a global), or RCUFieldKey(f) for
// the declarations of field f as __rcu. Files are ordered by path.
func (ix *Index) RCUFiles(name string) []*FileFacts {
	if ix.base == nil {
		if ix.lazy != nil {
			var out []*FileFacts
			for _, id := range ix.lazy.ids(&ix.lazy.dir.tabs.rcu, name) {
				if f := ix.lazy.file(int(id)); ix.lazy.check == nil || slices.Contains(rcuTableNames(f), name) {
					out = append(out, f)
				}
			}
			return out
		}
		out := append([]*FileFacts(nil), ix.rcu[name]...)
		sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
		return out
	}
	var out []*FileFacts
	for _, f := range ix.base.RCUFiles(name) {
		if !ix.hidden[f.Path] {
			out = append(out, f)
		}
	}
	out = append(out, ix.rcu[name]...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// RCUNames calls yield with every name of the RCU table (locations and
// RCUFieldKey names), each once, in no particular order.
func (ix *Index) RCUNames(yield func(string) bool) {
	seen := map[string]bool{}
	for x := ix; x != nil; x = x.base {
		if x.lazy != nil {
			stop := false
			x.lazy.tableNames(&x.lazy.dir.tabs.rcu, func(n string) bool {
				if !seen[n] {
					seen[n] = true
					if !yield(n) {
						stop = true
						return false
					}
				}
				return true
			})
			if stop {
				return
			}
			continue
		}
		for n := range x.rcu {
			if !seen[n] {
				seen[n] = true
				if !yield(n) {
					return
				}
			}
		}
	}
}
