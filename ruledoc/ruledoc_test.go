package ruledoc

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/internal/kerneltest"
)

func TestEveryRuleIsDocumented(t *testing.T) {
	for _, r := range finding.Rules() {
		t.Run(r.ID, func(t *testing.T) {
			d, ok := Lookup(r.ID)
			if !ok {
				t.Fatalf("no documentation for rule %s", r.ID)
			}
			if d.Severity != r.Severity || d.Summary != r.Summary {
				t.Errorf("doc disagrees with the catalogue: %v %q vs %v %q", d.Severity, d.Summary, r.Severity, r.Summary)
			}
			for name, v := range map[string]string{"Meaning": d.Meaning, "Why": d.Why, "Fix": d.Fix, "Example": d.Example} {
				if strings.TrimSpace(v) == "" {
					t.Errorf("%s is empty", name)
				}
			}
			if len(d.Refs) == 0 {
				t.Errorf("no kernel reference")
			}
		})
	}
	for id := range docs() {
		if _, ok := finding.LookupRule(id); !ok {
			t.Errorf("documentation for unknown rule %q", id)
		}
	}
}

// commitRE accepts an abbreviated kernel commit with its subject, or a lore
// thread for work that is not (yet) a mainline commit.
var commitRE = regexp.MustCompile(`^([0-9a-f]{12,40} \("[^"]+"\)|lore .+)$`)

func TestRuleRefsAreWellFormed(t *testing.T) {
	rcuRules := 0
	for _, d := range All() {
		hasCommit := false
		for _, r := range d.Refs {
			if r.File == "" && r.Commit == "" {
				t.Errorf("%s: reference with neither file nor commit: %+v", d.ID, r)
			}
			if r.Commit != "" {
				hasCommit = true
				if !commitRE.MatchString(r.Commit) {
					t.Errorf("%s: commit %q is not `sha (\"subject\")` or `lore ...`", d.ID, r.Commit)
				}
			}
		}
		if strings.HasPrefix(d.ID, "rcu-") || strings.HasPrefix(d.ID, "notrace-") {
			rcuRules++
			if !hasCommit && d.ID != finding.RuleSyncInReader && d.ID != finding.RuleIllegalContext &&
				d.ID != finding.RuleSleepInReader && d.ID != finding.RuleUnbalanced {
				t.Errorf("%s: no motivating commit", d.ID)
			}
		}
	}
	if rcuRules < 12 {
		t.Errorf("only %d rcu-/notrace- rules documented", rcuRules)
	}
}

func TestTextFitsEightyColumns(t *testing.T) {
	for _, d := range All() {
		txt := d.Text()
		for i, l := range strings.Split(txt, "\n") {
			if n := len([]rune(l)); n > 80 {
				t.Errorf("%s line %d has %d columns: %q", d.ID, i+1, n, l)
			}
			if strings.Contains(l, "\t") {
				t.Errorf("%s line %d keeps a tab", d.ID, i+1)
			}
		}
		for _, want := range []string{"What it means", "Why it matters in the kernel", "In the kernel", "How to fix", "Example"} {
			if !strings.Contains(txt, "\n"+want+"\n") {
				t.Errorf("%s: section %q missing", d.ID, want)
			}
		}
		md := d.Markdown()
		if !strings.Contains(md, "```c\n") || !strings.Contains(md, "### How to fix") {
			t.Errorf("%s: markdown lacks example or fix section", d.ID)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name, in    string
		width       int
		first, rest string
		want        []string
	}{
		{"short text stays on one line", "a b c", 10, "", "", []string{"a b c"}},
		{"breaks at the width", "aaa bbb ccc", 7, "", "", []string{"aaa bbb", "ccc"}},
		{"prefixes count", "aaa bbb", 6, "- ", "  ", []string{"- aaa", "  bbb"}},
		{"an over-long word is kept whole", "x verylongword y", 5, "", "", []string{"x", "verylongword", "y"}},
		{"empty text gives no line", "  ", 10, "> ", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Wrap(tc.in, tc.width, tc.first, tc.rest)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("Wrap(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	if got := ExpandTabs("\tx\ty"); got != "        x       y" {
		t.Errorf("ExpandTabs = %q", got)
	}
}

func TestSuggest(t *testing.T) {
	got := Suggest("notrace")
	if len(got) != 2 || got[0] != finding.RuleNotraceInstrumentedCall && got[1] != finding.RuleNotraceInstrumentedCall {
		t.Errorf("Suggest(notrace) = %v", got)
	}
	if got := Suggest(""); got != nil {
		t.Errorf("Suggest(\"\") = %v, want nothing", got)
	}
}

// TestRefsExistInRealTree checks every file and symbol the docs cite
// against the real linux 6.12 tree, so the text cannot drift from the code.
func TestRefsExistInRealTree(t *testing.T) {
	tree := kerneltest.Tree(t)
	for _, d := range All() {
		for _, r := range d.Refs {
			if r.File == "" {
				continue
			}
			data, err := os.ReadFile(filepath.Join(tree, r.File))
			if err != nil {
				t.Errorf("%s cites %s: %v", d.ID, r.File, err)
				continue
			}
			if r.Symbol != "" && !strings.Contains(string(data), r.Symbol) {
				t.Errorf("%s cites %q in %s, which does not contain it", d.ID, r.Symbol, r.File)
			}
		}
	}
}
