package rcumap

import (
	"fmt"
	"path"
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// typesafeCaches are the tree's kmem_caches created with
// SLAB_TYPESAFE_BY_RCU, and the grace period their slabs wait for.
type typesafeCaches struct {
	// byName maps the cache's variable or field name (sighand_cachep,
	// slab of bslab->slab) to where it is created ("kernel/fork.c:3215").
	// A kmem_cache_free() names the cache when it is in the same
	// directory as a creation (names such as "cache" or "slab" are not
	// unique tree-wide; the caches that matter are freed next to where
	// they are made).
	byName map[string][]string
	// flavour is the grace period the slab allocator waits for before it
	// frees a slab of such a cache; from is where it queues it.
	flavour rcumodel.Flavour
	prim    string
	from    string
}

// typesafe returns the SLAB_TYPESAFE_BY_RCU caches of the tree, computed
// once: every assignment of a cache constructor's result whose arguments
// name the flag (directly, or through a local variable the function set
// with it). Caches whose flags come from elsewhere (struct proto's
// .slab_flags) are not found.
func (m *Map) typesafe() *typesafeCaches {
	if m.slabs != nil {
		return m.slabs
	}
	tc := &typesafeCaches{byName: map[string][]string{}, flavour: rcumodel.FlavourRCU, prim: "call_rcu"}
	m.slabs = tc
	seen := map[string]bool{}
	for ctor := range kernelnames.CacheConstructors {
		for _, r := range m.Index.Callers(ctor) {
			d := Def{File: r.File, Func: r.Func, Macro: r.Macro}
			if d.Func == nil || seen[d.key()] || !m.defHolds(d) {
				continue
			}
			seen[d.key()] = true
			toks, ok := m.Z.Src.FuncBody(d.File.Path, d.Func)
			if !ok {
				continue
			}
			for name, line := range typesafeAssigns(rcueffects.ParseBody(toks)) {
				tc.byName[name] = append(tc.byName[name], fmt.Sprintf("%s:%d", d.File.Path, line))
			}
		}
	}
	// the grace period: the callback primitive the allocator queues under
	// a test of the flag (mm/slub.c free_slab(): call_rcu(&slab->rcu_head,
	// rcu_free_slab))
	for name, p := range kernelnames.GPPrimitives {
		if p.Kind != kernelnames.GPCall {
			continue
		}
		for _, r := range m.Index.Callers(name) {
			if !strings.HasPrefix(r.File.Path, kernelnames.SlabAllocatorDir) || r.Func == nil {
				continue
			}
			d := Def{File: r.File, Func: r.Func}
			for _, e := range m.body(d).calls {
				if e.Call.Name == name && guardNames(e.Guards, kernelnames.SlabTypesafeByRCU) {
					tc.flavour, tc.prim = rcueffects.GPWaits[name].Flavour, name
					tc.from = fmt.Sprintf("%s() at %s:%d", d.Name(), d.File.Path, e.Call.Line)
				}
			}
		}
	}
	return tc
}

func guardNames(guards [][]rcueffects.Token, name string) bool {
	for _, g := range guards {
		for _, t := range g {
			if t.Text == name {
				return true
			}
		}
	}
	return false
}

// typesafeAssigns returns the names assigned a cache created with the
// flag in a body, with the line of the assignment.
func typesafeAssigns(stmts []*rcueffects.Stmt) map[string]int {
	out := map[string]int{}
	flagVars := map[string]bool{}
	var walk func([]*rcueffects.Stmt)
	walk = func(stmts []*rcueffects.Stmt) {
		for _, st := range stmts {
			if st == nil {
				continue
			}
			if st.Kind == rcueffects.Simple {
				lhs, rhs := splitAssign(st.Toks)
				switch {
				case lhs == "":
				case mentionsCtor(rhs) && (hasToken(rhs, kernelnames.SlabTypesafeByRCU) || hasAnyIdent(rhs, flagVars)):
					out[lhs] = st.Line
				case hasToken(rhs, kernelnames.SlabTypesafeByRCU):
					flagVars[lhs] = true
				}
			}
			if st.Then != nil {
				walk([]*rcueffects.Stmt{st.Then})
			}
			if st.Else != nil {
				walk([]*rcueffects.Stmt{st.Else})
			}
			walk(st.Body)
		}
	}
	walk(stmts)
	return out
}

// splitAssign splits "a->b = expr", "x |= expr" or "T *x = expr" at its
// assignment: the last identifier before it and the expression.
func splitAssign(toks []rcueffects.Token) (string, []rcueffects.Token) {
	depth := 0
	for i, t := range toks {
		switch t.Text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
		case "=", "|=":
			if depth == 0 && i > 0 && toks[i-1].Kind == rcueffects.Ident {
				return toks[i-1].Text, toks[i+1:]
			}
		}
	}
	return "", nil
}

func mentionsCtor(toks []rcueffects.Token) bool {
	for i, t := range toks {
		if kernelnames.CacheConstructors[t.Text] && i+1 < len(toks) && toks[i+1].Text == "(" {
			return true
		}
	}
	return false
}

func hasToken(toks []rcueffects.Token, s string) bool {
	for _, t := range toks {
		if t.Text == s {
			return true
		}
	}
	return false
}

func hasAnyIdent(toks []rcueffects.Token, set map[string]bool) bool {
	for _, t := range toks {
		if t.Kind == rcueffects.Ident && set[t.Text] {
			return true
		}
	}
	return false
}

// typesafeStep returns the retire step of a kmem_cache_free() on a
// SLAB_TYPESAFE_BY_RCU cache, false for other calls.
func (m *Map) typesafeStep(c rcueffects.CallSite, at Hop, via []Hop) (Step, bool) {
	if !kernelnames.CacheFree[c.Name] || len(c.Args) < 2 {
		return Step{}, false
	}
	cache := rcueffects.LastIdent(c.Args[0])
	tc := m.typesafe()
	where := ""
	for _, w := range tc.byName[cache] {
		if path.Dir(w[:strings.LastIndexByte(w, ':')]) == path.Dir(at.File) {
			where = w
			break
		}
	}
	if where == "" {
		return Step{}, false
	}
	from := "the slab allocator's free path not found: assumed"
	if tc.from != "" {
		from = "in " + tc.from
	}
	return Step{Prim: c.Name, Flavour: tc.flavour, At: at, Via: via,
		TypeSafe: fmt.Sprintf("%s, created at %s with %s: its slabs are freed after %s() (%s)", cache, where, kernelnames.SlabTypesafeByRCU, tc.prim, from)}, true
}
