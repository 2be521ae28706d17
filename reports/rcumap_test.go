package reports

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
)

// ifaliasMap is the protection map rcuflavor attaches to its finding on
// an SRCU reader of dev->ifalias (see analyzers/rcuflavor's real-tree
// test), as the renderers receive it.
func ifaliasMap() *finding.RCUMap {
	return &finding.RCUMap{
		Location: "struct net_device.ifalias",
		Flavours: []string{"rcu", "srcu"},
		Readers: []finding.RCUMapReader{
			{Site: "net/core/dev.c:1419", Function: "dev_get_alias", Primitive: "rcu_dereference",
				Protection: []string{"rcu_read_lock() here", ""}, Covered: "yes"},
			{Site: "net/core/net-sysfs.c:504", Function: "netdev_ifalias_len", Primitive: "srcu_dereference",
				Protection: []string{"", "srcu_read_lock(ifalias_srcu) here"}, Lockdep: "srcu_read_lock_held(&ifalias_srcu)",
				Covered: "NOT by kfree_rcu() in dev_set_alias()", Finding: true},
		},
		Retires: []finding.RCUMapRetire{{Site: "net/core/dev.c:1393", Function: "dev_set_alias", Primitive: "rcu_replace_pointer",
			Waits: []finding.RCUMapWait{{Wait: "kfree_rcu() [rcu] in dev_set_alias() at net/core/dev.c:1398"}}, Finding: true}},
	}
}

func TestRCUMapText(t *testing.T) {
	var b bytes.Buffer
	if err := WriteRCUMap(&b, ifaliasMap()); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	lines := strings.Split(out, "\n")
	var focus, head string
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, ">"):
			if focus == "" {
				focus = l
			}
		case strings.Contains(l, "READ AT"):
			head = l
		}
	}
	if !strings.Contains(head, "RCU") || !strings.Contains(head, "SRCU") || !strings.Contains(head, "COVERED") {
		t.Errorf("header %q", head)
	}
	if !strings.Contains(focus, "netdev_ifalias_len()") || !strings.Contains(focus, "srcu_read_lock(ifalias_srcu) here") ||
		!strings.Contains(focus, "NOT by kfree_rcu()") || !strings.Contains(focus, "lockdep: srcu_read_lock_held(&ifalias_srcu)") {
		t.Errorf("focus row %q\n%s", focus, out)
	}
	if !strings.Contains(out, ">  net/core/dev.c:1393  dev_set_alias()  rcu_replace_pointer()  kfree_rcu() [rcu]") {
		t.Errorf("retire row:\n%s", out)
	}
}

func TestHTMLShowsRCUMapOfFinding(t *testing.T) {
	r := sampleReport()
	r.Patches[0].Findings = append(r.Patches[0].Findings, finding.Finding{Rule: finding.RuleGPFlavorMismatch, Severity: finding.Error,
		File: "net/core/net-sysfs.c", Line: 504, Function: "netdev_ifalias_len", Message: "struct net_device.ifalias is retired after kfree_rcu()",
		RCUMap: ifaliasMap()})
	var b bytes.Buffer
	if err := WriteHTML(&b, r); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`<summary>protection map of <code>struct net_device.ifalias</code>: 2 reader paths, 1 retire path</summary>`,
		`<th>rcu</th><th>srcu</th><th>covered</th>`,
		`<tr class="focus"><td class="mono">net/core/net-sysfs.c:504</td>`,
		`<td>srcu_read_lock(ifalias_srcu) here</td><td>NOT by kfree_rcu() in dev_set_alias()</td><td>lockdep: srcu_read_lock_held(&amp;ifalias_srcu)</td>`,
		`<td class="mono" rowspan="1">net/core/dev.c:1393</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	if strings.Count(out, `class="rcumap"`) != 3 { // the details and its two tables, for the one finding
		t.Errorf("%d rcumap elements", strings.Count(out, `class="rcumap"`))
	}
}
