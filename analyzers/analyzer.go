package analyzers

import (
	"reflect"

	"github.com/rcureview/rcureview/diffparse"
	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/kconfig"
	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Analyzer is one check, or a helper that computes something other
// analyzers need. Analyzers are package-level values; the registry runs
// each at most once per pass.
type Analyzer struct {
	Name string // short lower-case name, unique
	Doc  string // one-line description
	// Rules are the rule IDs its findings may have; empty for a helper.
	Rules []string
	// Requires lists the analyzers whose results Run reads through
	// Pass.ResultOf. They run first, once per pass, whether or not they
	// are registered themselves. When one of them fails or does not apply
	// to the pass, this analyzer is skipped.
	Requires []*Analyzer
	// ResultType is the type of the value Run returns (nil: none).
	ResultType reflect.Type
	// Run checks one pass: it reports findings through Pass.Report and may
	// return a result for the analyzers that require it. A Run with
	// nothing to do on a pass returns an error wrapping ErrNotApplicable.
	Run func(*Pass) (any, error)
}

// Pass is what one analyzer run sees: one patch of a series.
type Pass struct {
	Analyzer *Analyzer
	Subject  string            // the patch's subject
	Files    []*diffparse.File // the patch's diff, hunks filled by Apply when a tree is given
	Pre      ksrc.Tree         // nil without a tree
	Post     ksrc.Tree         // nil without a tree or when the patch did not apply
	Config   *kconfig.Config   // kernel .config values (CONFIG_X -> "y"/"m"/value), nil if none
	// Named returns the configurations that findings are checked against
	// when there is no Config (Debian's, when installed): an analyzer may
	// set Finding.Holds itself, else the driver sets it from
	// Finding.Config. They are read on the first call, so a pass that
	// finds nothing does not read them (NamedConfigs). Nil: none.
	Named func() []NamedConfig
	All   bool // audit the whole tree, not only what the patch introduces
	// Provider hands out the indexes of Pre and Post (see Indexes); the
	// driver sets it.
	Provider *index.Provider
	// ResultOf holds the results of the analyzers in Analyzer.Requires.
	ResultOf map[*Analyzer]any
	// Baseline is set when the driver runs the analyzer a second time to
	// decide the status of its findings: the analyzer checks the listed
	// definitions as they are in the pre-patch tree (Indexed.Pre,
	// Summarizers.Pre) instead of choosing what to check from the patch,
	// and reports what it finds with the same keys. Nil on the ordinary
	// run, which checks the post-patch tree.
	Baseline []Def
	// Mail holds the text of the patch mail that is not the diff, for
	// analyzers that check what the message says (litmus tests pasted in
	// it): the commit message and the notes below "---", and, for the
	// first patch of a series, the cover letter. Empty when the patch did
	// not come from a mail.
	Mail []MailText
	// Report records a finding of the pass; the driver sets it. The
	// driver decides the finding's Status and, when the analyzer left
	// them empty, its PatchLine and Source.
	Report func(Diagnostic)
}

// NamedConfigs returns the configurations of Named, none when it is nil.
func (p *Pass) NamedConfigs() []NamedConfig {
	if p.Named == nil {
		return nil
	}
	return p.Named()
}

// Applied reports whether the post-patch tree is available, or there is
// no tree at all (only a tree given and a patch that did not apply lack
// it).
func (p *Pass) Applied() bool { return p.Pre == nil || p.Post != nil }

// Diagnostic is a finding on the post-patch tree with what the driver needs
// to decide whether the patch introduces it.
type Diagnostic struct {
	finding.Finding
	// Key identifies the problem across the patch: the Baseline run
	// reports the same key for the same problem in the pre-patch tree.
	// Findings with an empty key are never matched.
	Key string
	// Detail distinguishes a changed finding from a pre-existing one: a
	// key the pre-patch tree also has is pre-existing when the details
	// agree, changed otherwise (notrace: the chain).
	Detail string
	// Def is the definition the finding was found in; the driver re-checks
	// the definitions of all findings in the pre-patch tree (Baseline).
	// The zero Def asks for no re-check.
	Def Def
	// Lines, when set, are the post-patch lines that make the finding: it
	// counts as introduced only when the patch adds one of them.
	Lines []Pos
}

// NamedConfig is a kernel configuration known by name.
type NamedConfig struct {
	Name   string
	Config *kconfig.Config
}

// MailText is a part of the patch mail other than the diff.
type MailText struct {
	Part string // "commit message", "notes" or "cover letter"
	Text string
	// Line is the 1-based line of the patch mail's body where Text starts,
	// 0 when unknown or not in the patch's own mail (the cover letter).
	Line int
}

// Def names a definition: a function, or a macro (or other named root
// that is not a function) when Macro is set.
type Def struct {
	File, Name string
	Macro      bool
}

// Pos is a line of a file of the post-patch tree.
type Pos struct {
	File string
	Line int
}
