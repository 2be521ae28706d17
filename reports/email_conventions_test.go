package reports_test

import (
	"net/mail"
	"strings"
	"testing"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/reports"
)

// TestEmailBotConventions: a reply names its base (repository, revision,
// how it was chosen), the configurations each finding holds in, the
// remarks, and suggests Reported-by:/Closes: for a fix when it has a
// warning or an error, as 0-day's replies do.
func TestEmailBotConventions(t *testing.T) {
	r := sampleWithFindings(t)
	r.Kernel.Source = "git:/home/bot/linux@rcu/dev (0123456789ab)"
	var p *reports.Patch
	for _, q := range r.Patches {
		if reports.HasWarnings([]*reports.Patch{q}) {
			p = q
		}
	}
	if p == nil {
		t.Fatal("no patch with a warning in the sample")
	}
	p.Findings[0].Holds = []finding.ConfigHold{{Config: "debian-amd64", Holds: true}, {Config: "debian-rt", Holds: false}}
	opt := reports.EmailOptions{
		From:       &mail.Address{Name: "rcureview", Address: "bot@rcureview.example"},
		Repository: "git://git.kernel.org/pub/scm/linux/kernel/git/rcu/linux.git",
		Remarks:    []string{"rcu-gp-stall is not reported in this thread."},
		ReportedBy: "rcureview <bot@rcureview.example>",
		ArchiveURL: "https://lore.kernel.org/r/{reply}/",
	}
	m, err := reports.EmailReply(r, p, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Base: git://git.kernel.org/pub/scm/linux/kernel/git/rcu/linux.git at rcu/dev\n(0123456789ab) (the configured revision).",
		"  holds in debian-amd64; not in debian-rt",
		"rcu-gp-stall is not reported in this thread.",
		"| Reported-by: rcureview <bot@rcureview.example>\n| Closes: https://lore.kernel.org/r/" + m.MessageID + "/\n",
	} {
		if !strings.Contains(m.Body, want) {
			t.Errorf("reply lacks %q:\n%s", want, m.Body)
		}
	}
	if strings.Contains(m.Body, "/home/bot") {
		t.Errorf("the reply shows a local path")
	}
	// How the base was chosen, when the series chose it.
	p.Base = "rcu/next (89abcdef0123), the newest of --try-rev rcu/dev,rcu/next where the series applies"
	m, _ = reports.EmailReply(r, p, opt)
	if !strings.Contains(strings.Join(strings.Fields(m.Body), " "), "Base: git://git.kernel.org/pub/scm/linux/kernel/git/rcu/linux.git, rcu/next (89abcdef0123), the newest of --try-rev") {
		t.Errorf("try-rev base:\n%s", m.Body)
	}
	// Nothing to fix: no tags.
	for _, q := range r.Patches {
		if !reports.HasWarnings([]*reports.Patch{q}) && q.Mail != nil {
			m, _ := reports.EmailReply(r, q, opt)
			if strings.Contains(m.Body, "Reported-by:") {
				t.Errorf("tags on a clean patch:\n%s", m.Body)
			}
		}
	}
}
