package index

import (
	"path"
	"sort"
	"strings"
	"sync"
)

// Build conditions: under which configuration a file is compiled,
// read from the Kbuild makefiles the way kbuild descends them.
//
//   - The top-level Kbuild, the top-level Makefile and
//     arch/$(SRCARCH)/Makefile (core-y, drivers-y, libs-y) name the
//     directories descended from the root; a directory's Kbuild (or
//     Makefile) names its objects and subdirectories in obj-y, obj-m,
//     obj-$(CONFIG_X), lib-…, subdir-…, as paths relative to it
//     (obj-y += sub/foo.o reaches into a subdirectory).
//   - A composite object's parts (foo-y, foo-objs, foo-$(CONFIG_Y)) are
//     built when the composite is.
//   - Variables are expanded with their conditional values: the
//     makefile's own, then those of the top-level and architecture
//     makefiles (obj-y += process_$(BITS).o is process_32.o under
//     CONFIG_X86_32 and process_64.o otherwise).
//   - ifdef/ifeq blocks around an assignment add their conditions.
//   - A .c file that another compiled file #includes is compiled when
//     that one is (kernel/sched/build_policy.c includes rt.c); a local
//     header is compiled when a file that includes it is
//     (kernel/rcu/tree_plugin.h only with tree.o, i.e. CONFIG_TREE_RCU).
//     A header under include/ or arch/*/include/ can be included from
//     anywhere: only its own #if conditions apply.
//
// A condition is a C preprocessor expression, "" when the file is
// always built (or nothing is known against it), and "0" when no
// configuration builds it. Whatever the makefiles say in a way this
// reading does not follow ($(call …), $(patsubst …)) makes the files of
// that directory count as built whenever the directory is: the build
// condition only ever removes what kbuild certainly does not compile.

// never is the condition of a file no configuration builds.
const never = "0"

// maxOrTerms bounds a disjunction of build conditions; a file reachable
// in more ways than that counts as always built.
const maxOrTerms = 12

type kbuildState struct {
	mu    sync.Mutex
	dirs  map[string]string
	files map[string]string
	objs  map[string]*dirObjs
	busy  map[string]bool
	// foreign are the edges makefiles make to paths outside their own
	// directory (kvm-y := ../../../virt/kvm/kvm_main.o), collected on
	// first need.
	foreign     map[string][]objEdge
	foreignDone bool
	// side keeps the directories' objects between runs (kbuildcache.go),
	// for the state of a pack's layer; reads, while a directory's objects
	// are computed, collects the files they are read from.
	side  *kbuildSide
	reads *[]kconfigRead
}

// dirObjs are the objects and directories one makefile names.
type dirObjs struct {
	// edges maps an object path ("kernel/rcu/tree.o") or a directory
	// path with a trailing slash ("kernel/rcu/") to the ways it is built
	// (read it with edgesOf).
	edges map[string][]objEdge
	// stored are the edges of objects read from the sidecar, decoded
	// when first asked for (edges is nil until then): the far makefiles
	// are read only for their few foreign keys (drivers/gpu/drm/nouveau
	// names 729 objects, none outside its directory; decoding every far
	// makefile's edges was ~400 KB of heap live through a review).
	stored *storedEdges
	// unresolved is set when a list named something this reading could
	// not expand; lists when the makefile has obj-, lib- or subdir- lists
	// at all (else it is a fragment another makefile includes).
	unresolved, lists bool
	// hostprogs are the host programs it builds (not kernel code).
	hostprogs map[string]bool
	// foreign lists the keys of edges outside the makefile's directory.
	foreign []string
	// file says whether the directory has a kbuild makefile (buildFile),
	// far whether it may name paths outside the directory
	// (isFarMakefile).
	file, far bool
}

// objEdge is one way an object or directory is built: by a built-in
// list of the makefile under cond, or as a part of composite.
type objEdge struct {
	composite string // the composite object's path; "" for obj-/lib-/subdir- lists
	cond      string
	mkdir     string // the directory of the makefile
}

func (ix *Index) kb() *kbuildState {
	ix.kbOnce.Do(func() {
		if ix.base != nil && !ix.changesBuild() {
			ix.kbState = ix.base.kb() // same makefiles and includes: same answers
			return
		}
		ix.kbState = &kbuildState{dirs: map[string]string{}, files: map[string]string{},
			objs: map[string]*dirObjs{}, busy: map[string]bool{}}
		if ix.base == nil && ix.lazy != nil {
			ix.kbState.side = &kbuildSide{l: ix.lazy, arch: ix.arch()}
		}
	})
	return ix.kbState
}

// changesBuild reports whether this layer changes a makefile or what a
// file #includes (so that build conditions must be computed anew).
func (ix *Index) changesBuild() bool {
	for p := range ix.hidden {
		if IsMakefile(p) {
			return true
		}
		old, cur := ix.base.File(p), ix.files[p]
		var a, b []Include
		if old != nil {
			a = old.Includes
		}
		if cur != nil {
			b = cur.Includes
		}
		if len(a) != len(b) {
			return true
		}
		for i := range a {
			if a[i].Path != b[i].Path || strings.Join(old.CondSet(a[i].Cond), "&") != strings.Join(cur.CondSet(b[i].Cond), "&") {
				return true
			}
		}
	}
	return false
}

// BuildCond returns the condition under which a file is compiled: ""
// when every configuration compiles it (or nothing says otherwise), "0"
// when none does, else a C preprocessor expression ("CONFIG_LOCKDEP",
// "IS_ENABLED(CONFIG_TREE_RCU)").
func (ix *Index) BuildCond(p string) string {
	if ix.Partial && !ix.covered(p) {
		return ""
	}
	k := ix.kb()
	k.mu.Lock()
	c, ok := k.files[p]
	k.mu.Unlock()
	if ok {
		return c
	}
	// The state's lock is held while the condition is computed, by
	// every goroutine of a walk; reading the records of the files that
	// include p (the first thing computing it does) does not need it.
	ix.includers(p)
	k.mu.Lock()
	defer k.mu.Unlock()
	return ix.fileCond(k, p, 0)
}

// covered reports whether a partial index holds the makefiles that
// decide about p (its directory and every ancestor).
func (ix *Index) covered(p string) bool {
	for _, c := range ix.Covers {
		if p == c || strings.HasPrefix(p, strings.TrimSuffix(c, "/")+"/") {
			return true
		}
	}
	return false
}

// DefConds returns the conditions of a definition in file p: its build
// condition (when there is one) followed by conds.
func (ix *Index) DefConds(p string, conds []string) []string {
	bc := ix.BuildCond(p)
	if bc == "" {
		return conds
	}
	out := make([]string, 0, len(conds)+1)
	out = append(out, bc)
	for _, c := range conds {
		if c != bc {
			out = append(out, c)
		}
	}
	return out
}

func (ix *Index) arch() string {
	if ix.Arch == "" {
		return "x86"
	}
	return ix.Arch
}

func (ix *Index) fileCond(k *kbuildState, p string, depth int) string {
	if c, ok := k.files[p]; ok {
		return c
	}
	if k.busy[p] || depth > 12 {
		return never // a cycle adds no way of being built
	}
	k.busy[p] = true
	c := ix.computeFileCond(k, p, depth)
	delete(k.busy, p)
	k.files[p] = c
	return c
}

func (ix *Index) computeFileCond(k *kbuildState, p string, depth int) string {
	var terms []string
	for _, inc := range ix.includers(p) {
		ic := ix.fileCond(k, inc.file.Path, depth+1)
		terms = append(terms, andCond(append([]string{ic}, inc.file.CondSet(inc.cond)...)...))
	}
	switch {
	case strings.HasSuffix(p, ".h"):
		if isGlobalHeader(p) || len(terms) == 0 {
			return ""
		}
		return orCond(terms)
	case strings.HasSuffix(p, ".c"):
		obj := strings.TrimSuffix(p, ".c") + ".o"
		oc, found := ix.objCond(k, obj, depth)
		if found {
			terms = append(terms, oc)
		}
		if !found && len(terms) == 0 {
			return ix.unlisted(k, parentDir(obj))
		}
		return orCond(terms)
	}
	return ""
}

// objCond is the condition of an object path; found is false when no
// makefile names it. The makefiles of its directory and above are read
// first; the edges makefiles make from elsewhere (../ paths, included
// makefiles) only when those say nothing definite.
func (ix *Index) objCond(k *kbuildState, obj string, depth int) (string, bool) {
	var edges []objEdge
	for a := parentDir(obj); ; a = parentDir(a) {
		edges = append(edges, ix.dirObjs(k, a).edgesOf(obj)...)
		if a == "" {
			break
		}
	}
	terms, found, unknown := ix.edgeTerms(k, obj, edges, depth)
	if !found {
		var more bool
		terms, found, more = ix.edgeTerms(k, obj, ix.foreignEdges(k)[obj], depth)
		unknown = unknown || more
	}
	switch {
	case found:
		return orCond(terms), true
	case unknown:
		return ix.unlisted(k, parentDir(obj)), true
	}
	return never, false
}

// edgeTerms turns the edges of an object into conditions. found says
// whether an edge led somewhere definite (a list, a composite that is
// itself listed, a host program); unknown whether one named a composite
// no list names.
func (ix *Index) edgeTerms(k *kbuildState, obj string, edges []objEdge, depth int) (terms []string, found, unknown bool) {
	for _, e := range edges {
		if e.composite == "" {
			found = true
			terms = append(terms, andCond(e.cond, ix.dirCond(k, e.mkdir)))
			continue
		}
		if depth > 6 || e.composite == obj {
			continue
		}
		cc, ok := ix.objCond(k, e.composite, depth+1)
		if !ok {
			// a composite no list names: a host program's parts
			// (hostprogs += genmap, genmap-objs := genmap.o) are never
			// in the kernel; other lists are used in ways this reading
			// does not follow
			if ix.dirObjs(k, e.mkdir).hostprogs[path.Base(strings.TrimSuffix(e.composite, ".o"))] {
				found = true
			} else {
				unknown = true
			}
			continue
		}
		found = true
		terms = append(terms, andCond(e.cond, cc))
	}
	return terms, found, unknown
}

// dirCond is the condition under which kbuild descends into dir.
func (ix *Index) dirCond(k *kbuildState, dir string) string {
	if dir == "" || dir == "." {
		return ""
	}
	if c, ok := k.dirs[dir]; ok {
		return c
	}
	key := dir + "/"
	if k.busy[key] {
		return never
	}
	k.busy[key] = true
	var terms []string
	found := false
	for a := parentDir(dir); ; a = parentDir(a) {
		edges := ix.dirObjs(k, a).edgesOf(key)
		if a == "" && !found {
			edges = append(edges, ix.foreignEdges(k)[key]...)
		}
		for _, e := range edges {
			if e.composite != "" {
				continue
			}
			found = true
			terms = append(terms, andCond(e.cond, ix.dirCond(k, e.mkdir)))
		}
		if a == "" {
			break
		}
	}
	c := orCond(terms)
	if !found {
		c = ix.unlisted(k, parentDir(dir))
	}
	delete(k.busy, key)
	k.dirs[dir] = c
	return c
}

// unlisted is the condition of a file or directory in dir that no
// makefile names: never, unless a makefile of dir or above says
// something this reading does not follow (then: whenever that
// makefile's directory is built), or a partial index lacks the makefile.
//
// A makefile that names no object list at all is a fragment that another
// makefile includes (drivers/gpu/drm/amd/pm/*/Makefile): the files of
// its directory count as built whenever the nearest directory with a
// real kbuild makefile is.
func (ix *Index) unlisted(k *kbuildState, dir string) string {
	fragment := false
	for a := dir; ; a = parentDir(a) {
		do := ix.dirObjs(k, a)
		switch {
		case ix.Partial && !do.file:
			return ix.dirCond(k, a)
		case do.file && !do.lists:
			fragment = true // a makefile another one includes
		case do.file && (do.unresolved || fragment):
			return ix.dirCond(k, a)
		}
		if a == "" {
			if !do.file {
				return "" // no top-level makefile: nothing is known about the build
			}
			return never
		}
	}
}

func parentDir(p string) string {
	d := path.Dir(strings.TrimSuffix(p, "/"))
	if d == "." || d == "/" {
		return ""
	}
	return d
}

// buildFile returns the makefile kbuild reads in dir: Kbuild when there
// is one, else Makefile.
func (ix *Index) buildFile(k *kbuildState, dir string) *FileFacts {
	prefix := ""
	if dir != "" {
		prefix = dir + "/"
	}
	if f := k.file(ix, prefix+"Kbuild"); f != nil && f.Make != nil {
		return f
	}
	if f := k.file(ix, prefix+"Makefile"); f != nil && f.Make != nil {
		return f
	}
	return nil
}

// file returns ix.File(p), recording it among the reads of the
// directory whose objects are being computed.
func (k *kbuildState) file(ix *Index, p string) *FileFacts {
	f := ix.File(p)
	if k.reads != nil {
		key := ""
		if f != nil {
			key = f.Key
		}
		*k.reads = append(*k.reads, kconfigRead{p, key})
	}
	return f
}

// topLists are the lists whose entries are built in the directory of
// their makefile; rootLists those of the top-level and architecture
// makefiles, relative to the root.
var topLists = map[string]bool{"obj": true, "lib": true, "subdir": true, "extra": true, "always": true}
var rootLists = map[string]bool{"core": true, "drivers": true, "libs": true}

// dirObjs returns the objects and directories the makefile of dir
// names: kept from an earlier run when the files they were read from
// are unchanged (kbuildcache.go), else read from the makefiles.
func (ix *Index) dirObjs(k *kbuildState, dir string) *dirObjs {
	if d, ok := k.objs[dir]; ok {
		return d
	}
	if d := k.side.objs(dir); d != nil {
		k.objs[dir] = d
		return d
	}
	var reads []kconfigRead
	k.reads = &reads
	d := ix.readDirObjs(k, dir)
	k.reads = nil
	k.objs[dir] = d
	k.side.add(dir, d, reads)
	return d
}

// readDirObjs reads the objects and directories of dir from its makefile
// (and those it includes, and the global makefiles).
func (ix *Index) readDirObjs(k *kbuildState, dir string) *dirObjs {
	d := &dirObjs{edges: map[string][]objEdge{}}
	ev := &makeEval{ix: ix, k: k, dir: dir}
	if f := ix.buildFile(k, dir); f != nil {
		d.file, d.far = true, isFarMakefile(f)
		ev.local = [][]MakeAssign{f.Make.Assigns}
		if !ix.withIncludes(ev, f, 0) {
			d.unresolved = true
		}
		for _, as := range ev.local {
			ev.add(d, as, false)
		}
	}
	if dir == "" {
		for _, p := range []string{"Makefile", "arch/" + ix.arch() + "/Makefile"} {
			if f := k.file(ix, p); f != nil && f.Make != nil {
				ev.add(d, f.Make.Assigns, true)
			}
		}
	}
	return d
}

// withIncludes adds to ev.local the assignments of the makefiles that f
// includes (and that those include), as make reads them in the including
// makefile's directory; false when an include path cannot be expanded.
// A path naming no makefile of the tree (one under scripts/) adds
// nothing.
func (ix *Index) withIncludes(ev *makeEval, f *FileFacts, depth int) bool {
	ok := true
	r := strings.NewReplacer("$(srctree)", ".", "$(objtree)", ".", "$(src)", ev.dir, "$(obj)", ev.dir)
	for _, inc := range f.Make.Includes {
		iev := &makeEval{ix: ix, k: ev.k, dir: ev.dir, local: ev.local, rewrite: r}
		for _, alt := range iev.expand(r.Replace(inc), 0) {
			for _, p := range strings.Fields(alt.text) {
				if strings.Contains(p, "$(") || strings.Contains(p, "${") {
					ok = false
					continue
				}
				p = path.Clean(p)
				mf := ev.k.file(ix, p)
				if mf == nil || mf.Make == nil || mf == f {
					continue
				}
				if depth > 8 {
					ok = false
					continue
				}
				// a new array of segments: iev and earlier makeEvals keep theirs
				ev.local = append(ev.local[:len(ev.local):len(ev.local)], mf.Make.Assigns)
				ok = ix.withIncludes(ev, mf, depth+1) && ok
			}
		}
	}
	return ok
}

// foreignEdges returns the edges that makefiles make outside their own
// directories, reading the makefiles that include others or name "../"
// paths, once.
func (ix *Index) foreignEdges(k *kbuildState) map[string][]objEdge {
	if k.foreignDone {
		return k.foreign
	}
	k.foreignDone = true
	k.foreign = map[string][]objEdge{}
	for _, dir := range ix.farMakeDirs() {
		if k.side == nil {
			// files in memory list every makefile: look before reading
			if f := ix.buildFile(k, dir); f == nil || !isFarMakefile(f) {
				continue
			}
		}
		do := ix.dirObjs(k, dir)
		if !do.far {
			continue
		}
		es := do.edgesOfKeys(do.foreign)
		for _, key := range do.foreign {
			k.foreign[key] = append(k.foreign[key], es[key]...)
		}
	}
	return k.foreign
}

// farMakeDirs lists the directories whose kbuild makefile may name paths
// outside them: for a pack, those it marks so (isFarMakefile); for files
// in memory, every makefile (foreignEdges checks them).
func (ix *Index) farMakeDirs() []string {
	return ix.unionDirs(func(x *Index) []string {
		var dirs []string
		if x.lazy != nil {
			dirs = append(dirs, x.lazy.dir.far...)
		}
		for d := range x.makes {
			dirs = append(dirs, d)
		}
		for d := range x.hidden {
			if IsMakefile(d) {
				dirs = append(dirs, path.Dir(d)) // as the makefile tables name it
			}
		}
		return dirs
	})
}

// makeDirs lists the directories that have a kbuild makefile.
func (ix *Index) makeDirs() []string {
	return ix.unionDirs(func(x *Index) []string {
		var dirs []string
		if x.lazy != nil {
			for d := range x.lazy.dir.makeDirs {
				dirs = append(dirs, d)
			}
		}
		for d := range x.makes {
			dirs = append(dirs, d)
		}
		return dirs
	})
}

// unionDirs gathers the directories dirsOf names for ix and each of its
// bases (overlays first), once each, sorted.
func (ix *Index) unionDirs(dirsOf func(x *Index) []string) []string {
	seen := map[string]bool{}
	var out []string
	for x := ix; x != nil; x = x.base {
		for _, d := range dirsOf(x) {
			if !seen[d] {
				seen[d] = true
				out = append(out, d)
			}
		}
	}
	sort.Strings(out)
	return out
}

// makeEval expands the assignments of one makefile.
type makeEval struct {
	ix  *Index
	k   *kbuildState
	dir string
	// local are the makefile's assignments and then those of the
	// makefiles it includes, one segment per makefile (the records' own
	// slices, never copied)
	local [][]MakeAssign
	glob  [][]MakeAssign
	gdone bool
	// rewrite, when set, is applied to values before expansion (root
	// relative paths for include directives)
	rewrite *strings.Replacer
}

// globals are the assignments of the makefiles every kbuild makefile
// sees: the top-level Makefile and arch/$(SRCARCH)/Makefile.
func (ev *makeEval) globals() [][]MakeAssign {
	if !ev.gdone {
		ev.gdone = true
		for _, p := range []string{"Makefile", "arch/" + ev.ix.arch() + "/Makefile"} {
			if f := ev.k.file(ev.ix, p); f != nil && f.Make != nil {
				ev.glob = append(ev.glob, f.Make.Assigns)
			}
		}
	}
	return ev.glob
}

// add records the objects and directories that the lists of as name.
// root selects the root-relative core-/drivers-/libs- lists of the
// top-level and architecture makefiles.
func (ev *makeEval) add(d *dirObjs, as []MakeAssign, root bool) {
	for _, a := range as {
		prefix, suffix, ok := splitListName(a.Name)
		if !ok {
			continue
		}
		if strings.Contains(prefix, "$(") { // $(MODULE_NAME)-y
			alts := ev.expand(prefix, 0)
			if len(alts) != 1 || strings.Contains(alts[0].text, "$(") {
				continue
			}
			prefix = alts[0].text
		}
		lc, ok := listCond(suffix)
		if !ok {
			continue
		}
		composite := ""
		if !root && topLists[prefix] {
			d.lists = true
		}
		if prefix == "hostprogs" || prefix == "userprogs" {
			if d.hostprogs == nil {
				d.hostprogs = map[string]bool{}
			}
			for _, w := range splitWords(a.Value) {
				d.hostprogs[w] = true
			}
			continue
		}
		switch {
		case root:
			if !rootLists[prefix] {
				continue
			}
		case topLists[prefix]:
		case rootLists[prefix] || skipLists[prefix] || strings.Contains(prefix, "$("):
			continue
		default:
			composite = path.Join(ev.dir, prefix) + ".o"
		}
		base := append(append([]string(nil), a.Conds...), lc)
		for _, w := range splitWords(a.Value) {
			for _, alt := range ev.expand(w, 0) {
				for _, word := range strings.Fields(alt.text) {
					if strings.Contains(word, "$(") || strings.Contains(word, "${") {
						d.unresolved = true
						continue
					}
					var key string
					if prefix == "subdir" && !strings.HasSuffix(word, "/") && !strings.HasSuffix(word, ".o") {
						word += "/" // subdir-y names directories without the slash
					}
					switch {
					case strings.HasSuffix(word, "/") && composite == "":
						rel := path.Join(ev.dir, word)
						if root {
							rel = path.Clean(word)
						}
						key = rel + "/"
					case strings.HasSuffix(word, ".o") && !root:
						key = path.Join(ev.dir, word)
					default:
						continue
					}
					if strings.HasPrefix(key, "../") || key == "./" || key == "/" {
						continue
					}
					if !root && ev.dir != "" && !strings.HasPrefix(key, ev.dir+"/") {
						d.foreign = append(d.foreign, key)
					}
					mkdir := ev.dir
					if root {
						mkdir = ""
					}
					d.edges[key] = append(d.edges[key], objEdge{composite: composite, mkdir: mkdir,
						cond: andCond(append(append([]string(nil), base...), alt.conds...)...)})
				}
			}
		}
	}
}

// skipLists are kbuild lists that name no kernel object.
var skipLists = map[string]bool{"ccflags": true, "asflags": true, "ldflags": true, "hostprogs": true,
	"userprogs": true, "targets": true, "clean": true, "no-clean": true, "header-test": true, "dtb": true,
	"dtbo": true, "always-test": true, "userccflags": true, "hostccflags": true, "subdir-ccflags": true,
	"subdir-asflags": true, "targets-for-builtin": true, "targets-for-modules": true, "real-obj": true,
	"multi-obj": true, "multi-used": true, "real-objs": true}

// splitListName splits "obj-$(CONFIG_X)" into "obj" and "$(CONFIG_X)",
// "foo-objs" into "foo" and "objs", at the last '-' outside $(…).
func splitListName(name string) (prefix, suffix string, ok bool) {
	depth := 0
	at := -1
	for i := 0; i < len(name); i++ {
		switch name[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		case '-':
			if depth == 0 {
				at = i
			}
		}
	}
	if at <= 0 {
		return "", "", false
	}
	return name[:at], name[at+1:], true
}

// listCond is the condition a list suffix puts on its entries: y, m and
// objs none, $(CONFIG_X) IS_ENABLED(CONFIG_X); ok is false for lists
// that are never built (obj-, obj-n) and for unknown suffixes that are
// not lists at all.
func listCond(suffix string) (string, bool) {
	switch suffix {
	case "y", "m", "objs":
		return "", true
	case "", "n":
		return "", false
	}
	s := suffix
	if strings.HasPrefix(s, "$(subst m,y,") && strings.HasSuffix(s, ")") {
		s = strings.TrimSpace(s[len("$(subst m,y,") : len(s)-1])
	}
	if syms, ok := configRefs(s); ok && len(syms) == 1 {
		return "IS_ENABLED(" + syms[0] + ")", true
	}
	if strings.HasPrefix(s, "$(") || strings.HasPrefix(s, "${") {
		return "", true // a list under a condition we cannot read: as if built
	}
	return "", false
}

// splitWords splits a value at spaces outside $(…).
func splitWords(v string) []string {
	var out []string
	depth, start := 0, -1
	for i := 0; i <= len(v); i++ {
		if i == len(v) || depth == 0 && (v[i] == ' ' || v[i] == '\t') {
			if start >= 0 {
				out = append(out, v[start:i])
				start = -1
			}
			continue
		}
		switch v[i] {
		case '(', '{':
			depth++
		case ')', '}':
			depth--
		}
		if start < 0 {
			start = i
		}
	}
	return out
}

// expansion is one value a word can take, with the conditions of the
// assignments it came from.
type expansion struct {
	text  string
	conds []string
}

const maxExpansions = 4096

// expand replaces the variable references of a word by the values the
// makefiles give them, one expansion per combination of conditional
// assignments. $(SRCARCH) is the index's architecture, $(obj)/ and
// $(src)/ the makefile's directory; a function call ($(call …),
// $(patsubst …)) is left in place (the caller sees "$(" and gives up
// on the word).
func (ev *makeEval) expand(w string, depth int) []expansion {
	i := strings.Index(w, "$(")
	j := strings.Index(w, "${")
	if i < 0 || j >= 0 && j < i {
		i = j
	}
	if i < 0 || depth > 4 {
		return []expansion{{text: w}}
	}
	end := matchingRef(w, i)
	if end < 0 {
		return []expansion{{text: w}}
	}
	name := w[i+2 : end]
	pre, post := w[:i], w[end+1:]
	var vals []expansion
	if fn, args, ok := makeFunc(name); ok {
		vals, ok = ev.call(fn, args, depth)
		if !ok {
			return []expansion{{text: w}}
		}
		return ev.joinAround(pre, vals, post, depth)
	}
	switch {
	case name == "SRCARCH" || name == "ARCH" || name == "SUBARCH":
		vals = []expansion{{text: ev.ix.arch()}}
	case name == "obj" || name == "src":
		if strings.HasPrefix(post, "/") {
			post = post[1:]
		}
		vals = []expansion{{text: ""}}
	case strings.ContainsAny(name, " ,:$"):
		return []expansion{{text: w}} // a function this reading does not evaluate
	default:
		vals = ev.lookup(name, depth)
		if vals == nil {
			if pre == "" && post == "" {
				return nil // an empty variable
			}
			return []expansion{{text: w}}
		}
	}
	return ev.joinAround(pre, vals, post, depth)
}

// joinAround puts each value between pre and post and expands the rest.
func (ev *makeEval) joinAround(pre string, vals []expansion, post string, depth int) []expansion {
	var out []expansion
	for _, v := range vals {
		for _, rest := range ev.expand(pre+v.text+post, depth+1) {
			out = append(out, expansion{text: rest.text, conds: append(append([]string(nil), v.conds...), rest.conds...)})
			if len(out) >= maxExpansions {
				return out
			}
		}
	}
	return out
}

// matchingRef returns the index of the parenthesis or brace closing the
// reference that starts at i ("$(" or "${"), -1 if none.
func matchingRef(w string, i int) int {
	open, closer := w[i+1], byte(')')
	if open == '{' {
		closer = '}'
	}
	depth := 0
	for j := i + 1; j < len(w); j++ {
		switch w[j] {
		case open:
			depth++
		case closer:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// makeFunc splits "filter %/, $(libs-y)" into the function and its
// comma-separated arguments, for the functions call evaluates.
func makeFunc(ref string) (fn string, args []string, ok bool) {
	fn, rest, found := strings.Cut(ref, " ")
	if !found {
		return "", nil, false
	}
	switch fn {
	case "filter", "filter-out", "addprefix", "addsuffix", "patsubst", "subst", "strip", "sort":
	default:
		return "", nil, false
	}
	return fn, splitMakeArgs(rest), true
}

// call evaluates a make text function on the words of its last
// argument, each word keeping the conditions it came with; the other
// arguments must expand to one unconditional value.
func (ev *makeEval) call(fn string, args []string, depth int) ([]expansion, bool) {
	want := map[string]int{"filter": 2, "filter-out": 2, "addprefix": 2, "addsuffix": 2, "patsubst": 3, "subst": 3, "strip": 1, "sort": 1}
	if len(args) != want[fn] {
		return nil, false
	}
	fixed := make([]string, len(args)-1)
	for i, a := range args[:len(args)-1] {
		xs := ev.expand(a, depth+1)
		if len(xs) > 1 || len(xs) == 1 && (len(xs[0].conds) > 0 || strings.Contains(xs[0].text, "$(")) {
			return nil, false
		}
		if len(xs) == 1 {
			fixed[i] = xs[0].text
		}
	}
	var words []expansion
	for _, w := range splitWords(args[len(args)-1]) {
		for _, x := range ev.expand(w, depth+1) {
			for _, f := range strings.Fields(x.text) {
				words = append(words, expansion{text: f, conds: x.conds})
			}
		}
	}
	var out []expansion
	for _, w := range words {
		t := w.text
		switch fn {
		case "filter", "filter-out":
			m := false
			for _, pat := range strings.Fields(fixed[0]) {
				m = m || makeMatch(pat, t)
			}
			if m != (fn == "filter") {
				continue
			}
		case "addprefix":
			t = fixed[0] + t
		case "addsuffix":
			t += fixed[0]
		case "patsubst":
			if stem, ok := makeStem(fixed[0], t); ok {
				t = strings.Replace(fixed[1], "%", stem, 1)
			}
		case "subst":
			if fixed[0] != "" {
				t = strings.ReplaceAll(t, fixed[0], fixed[1])
			}
		}
		out = append(out, expansion{text: t, conds: w.conds})
	}
	if out == nil {
		out = []expansion{}
	}
	return out, true
}

// makeMatch matches a word against a make pattern with at most one %.
func makeMatch(pat, w string) bool {
	_, ok := makeStem(pat, w)
	return ok
}

func makeStem(pat, w string) (string, bool) {
	pre, post, wild := strings.Cut(pat, "%")
	if !wild {
		return "", pat == w
	}
	if len(w) < len(pre)+len(post) || !strings.HasPrefix(w, pre) || !strings.HasSuffix(w, post) {
		return "", false
	}
	return w[len(pre) : len(w)-len(post)], true
}

// lookup returns the values of a variable: its assignments in the
// makefile, else in the global makefiles. A list variable "foo-y" also
// takes the assignments of "foo-$(CONFIG_X)" (under CONFIG_X); an
// assignment's value counts under its own ifdef/ifeq conditions.
func (ev *makeEval) lookup(name string, depth int) []expansion {
	for _, segs := range [2][][]MakeAssign{ev.local, ev.globals()} {
		var out []expansion
		found := false
		for _, a := range allAssigns(segs) {
			var extra string
			switch {
			case a.Name == name:
			case strings.HasSuffix(name, "-y") || strings.HasSuffix(name, "-m"):
				p, s, ok := splitListName(a.Name)
				if !ok || p != name[:len(name)-2] {
					continue
				}
				syms, ok := configRefs(s)
				if !ok || len(syms) != 1 {
					continue
				}
				extra = syms[0]
				if strings.HasSuffix(name, "-m") {
					extra = "IS_MODULE(" + syms[0] + ")"
				}
			default:
				continue
			}
			found = true
			conds := append([]string(nil), a.Conds...)
			if extra != "" {
				conds = append(conds, extra)
			}
			v := a.Value
			if ev.rewrite != nil {
				v = ev.rewrite.Replace(v)
			}
			for _, w := range splitWords(v) {
				for _, x := range ev.expand(w, depth+1) {
					out = append(out, expansion{text: x.text, conds: append(append([]string(nil), conds...), x.conds...)})
				}
			}
		}
		if found {
			if out == nil {
				out = []expansion{}
			}
			return out
		}
	}
	return nil
}

// allAssigns yields the assignments of segments in order.
func allAssigns(segs [][]MakeAssign) func(yield func(int, *MakeAssign) bool) {
	return func(yield func(int, *MakeAssign) bool) {
		i := 0
		for _, as := range segs {
			for k := range as {
				if !yield(i, &as[k]) {
					return
				}
				i++
			}
		}
	}
}

// andCond joins conditions with &&: "" parts are dropped, a "0" part
// makes the whole never.
func andCond(parts ...string) string {
	var keep []string
	for _, p := range parts {
		switch p {
		case "":
			continue
		case never:
			return never
		}
		dup := false
		for _, k := range keep {
			dup = dup || k == p
		}
		if !dup {
			keep = append(keep, p)
		}
	}
	if len(keep) == 1 {
		return keep[0]
	}
	for i, k := range keep {
		keep[i] = ParenOr(k)
	}
	return strings.Join(keep, " && ")
}

// orCond joins conditions with ||: an always part makes the whole
// always, never parts are dropped, and more than maxOrTerms parts count
// as always.
func orCond(terms []string) string {
	seen := map[string]bool{}
	var keep []string
	for _, t := range terms {
		switch {
		case t == "":
			return ""
		case t == never || seen[t]:
			continue
		}
		seen[t] = true
		keep = append(keep, t)
	}
	switch {
	case len(keep) == 0:
		return never
	case len(keep) == 1:
		return keep[0]
	case len(keep) > maxOrTerms:
		return ""
	}
	sort.Strings(keep)
	return strings.Join(keep, " || ")
}

// ParenOr parenthesises a condition whose top level is a disjunction, so
// that it keeps its meaning inside a conjunction; other conditions are
// returned as they are.
func ParenOr(c string) string {
	depth := 0
	for i := 0; i+1 < len(c); i++ {
		switch c[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 && c[i+1] == '|' {
				return "(" + c + ")"
			}
		}
	}
	return c
}

// includeRef is one #include of a file: the including file and the
// directive's condition set.
type includeRef struct {
	file *FileFacts
	cond int32
}

// includers returns the files that #include p.
func (ix *Index) includers(p string) []includeRef {
	var out []includeRef
	for x := ix; x != nil; x = x.base {
		var ids []*FileFacts
		if x.lazy != nil {
			for _, id := range x.lazy.lookup(&x.lazy.dir.tabs.includes, p) {
				ids = append(ids, x.lazy.file(int(id)))
			}
		} else {
			ids = x.ownIncluders()[p]
		}
		for _, f := range ids {
			if x != ix && ix.shadowed(x, f.Path) {
				continue
			}
			for _, inc := range f.Includes {
				if inc.Path == p {
					out = append(out, includeRef{f, inc.Cond})
				}
			}
		}
	}
	return out
}

// shadowed reports whether a file of layer base is replaced or deleted by
// a layer above it (up to ix).
func (ix *Index) shadowed(base *Index, p string) bool {
	for x := ix; x != nil && x != base; x = x.base {
		if x.hidden[p] {
			return true
		}
	}
	return false
}

// ownIncluders maps an included path to the files of this layer that
// include it, built on first use.
func (ix *Index) ownIncluders() map[string][]*FileFacts {
	ix.incOnce.Do(func() {
		ix.incTab = map[string][]*FileFacts{}
		for _, f := range ix.files {
			seen := map[string]bool{}
			for _, inc := range f.Includes {
				if !seen[inc.Path] {
					seen[inc.Path] = true
					ix.incTab[inc.Path] = append(ix.incTab[inc.Path], f)
				}
			}
		}
		for _, fs := range ix.incTab {
			sort.Slice(fs, func(i, j int) bool { return fs[i].Path < fs[j].Path })
		}
	})
	return ix.incTab
}
