package index

import (
	"github.com/rcureview/rcureview/kconfig"
)

// Kconfig returns the Kconfig model of the index's architecture, read
// from the indexed Kconfig files on first use (an index without them
// gets an open model: every symbol free). A layer that changes no
// Kconfig file shares its base's model. A configuration symbol that
// Kconfig does not define is never set, unless C code #defines it.
func (ix *Index) Kconfig() *kconfig.Model {
	ix.kcOnce.Do(func() {
		if ix.base != nil && !ix.changes(IsKconfig) {
			ix.kcModel = ix.base.Kconfig()
			return
		}
		m := kconfig.NewModel(ix.arch(), func(p string) *kconfig.File {
			if f := ix.File(p); f != nil {
				return f.Kconfig
			}
			return nil
		})
		m.SetFree(func(sym string) bool { return len(ix.Macros("CONFIG_"+sym)) > 0 })
		ix.kcModel = m
	})
	return ix.kcModel
}

// changes reports whether this layer replaces, adds or deletes a file
// whose path satisfies is.
func (ix *Index) changes(is func(string) bool) bool {
	for p := range ix.hidden {
		if is(p) {
			return true
		}
	}
	return false
}

// Possible reports whether conditions can hold together: under cfg when
// one is given (exactly, by EvalCond: only a condition known to be false
// rules them out), else in some configuration that the architecture's
// Kconfig allows (CONFIG_TINY_RCU && CONFIG_PREEMPT_RCU cannot,
// CONFIG_ARM64 cannot on x86, a file's "0" build condition never can).
func (ix *Index) Possible(conds []string, cfg map[string]string) bool {
	if cfg != nil {
		return CondsHold(conds, cfg)
	}
	if len(conds) == 0 {
		return true
	}
	return ix.Kconfig().Satisfiable(conds)
}

// SimplifyConds returns conditions as a finding should print them:
// respelled simply, without those that always hold on the architecture
// or that the others imply, each a conjunct (a disjunction is
// parenthesised), sorted.
func (ix *Index) SimplifyConds(conds []string) []string {
	if len(conds) == 0 {
		return conds
	}
	return ix.Kconfig().Simplify(conds)
}
