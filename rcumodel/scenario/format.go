package scenario

import (
	"fmt"
	"strings"
)

// Format writes s in the text format; Parse(Format(s)) yields the same
// scenario (positions aside).
func Format(s *Scenario) string {
	var b strings.Builder
	fmt.Fprintf(&b, "scenario %s\n", word(s.Name))
	if s.Doc != "" {
		fmt.Fprintf(&b, "doc %s\n", quote(s.Doc))
	}
	if s.Profile != "" {
		fmt.Fprintf(&b, "profile %s\n", word(s.Profile))
	}
	if len(s.Config) > 0 {
		fmt.Fprintf(&b, "config%s\n", kvs(s.Config))
	}
	if len(s.Init) > 0 {
		fmt.Fprintf(&b, "init%s\n", kvs(s.Init))
	}
	if s.CPUs > 0 {
		fmt.Fprintf(&b, "cpus %d\n", s.CPUs)
	}
	for _, o := range s.Objects {
		st := "published"
		if !o.Published {
			st = "unpublished"
		}
		fmt.Fprintf(&b, "object %s %s\n", word(o.Name), st)
	}
	for _, bl := range s.Blocks {
		b.WriteString(bl.Kind)
		if bl.Name != "" {
			b.WriteString(" " + word(bl.Name))
		}
		b.WriteString(kvs(bl.Attrs) + "\n")
		for _, op := range bl.Ops {
			b.WriteString("    " + word(op.Name))
			for _, a := range op.Args {
				b.WriteString(" " + word(a))
			}
			b.WriteString(kvs(op.Attrs) + "\n")
		}
	}
	if len(s.Check) > 0 {
		b.WriteString("check")
		for _, c := range s.Check {
			b.WriteString(" " + word(c))
		}
		b.WriteString("\n")
	}
	if len(s.Expect) > 0 {
		fmt.Fprintf(&b, "expect%s\n", kvs(s.Expect))
	}
	if len(s.Exists) > 0 {
		fmt.Fprintf(&b, "exists%s\n", kvs(s.Exists))
	}
	if len(s.Bounds) > 0 {
		fmt.Fprintf(&b, "bounds%s\n", kvs(s.Bounds))
	}
	return b.String()
}

func kvs(list []KV) string {
	var b strings.Builder
	for _, kv := range list {
		b.WriteString(" " + kv.Key + "=" + word(kv.Value))
	}
	return b.String()
}

// word returns w bare if it is a plain word, else quoted.
func word(w string) string {
	if w == "" {
		return `""`
	}
	for i := 0; i < len(w); i++ {
		if !isWord(w[i]) || w[i] == '=' {
			return quote(w)
		}
	}
	return w
}

func quote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
