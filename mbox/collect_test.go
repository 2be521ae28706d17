package mbox

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// mail extracts one generated mail.
func extractMail(t testing.TB, headers, body string) *Patch {
	t.Helper()
	m, err := ParseMessage(&RawMessage{Data: []byte(headers + "\n" + body)})
	if err != nil {
		t.Fatal(err)
	}
	return ExtractPatch(m)
}

func onePatch(t testing.TB, id, subject, extra string) *Patch {
	return extractMail(t, "From: Dev <dev@example.org>\nSubject: "+subject+"\nMessage-ID: <"+id+">\n"+extra,
		"Fix.\n---\ndiff --git a/"+id+".c b/"+id+".c\n--- a/"+id+".c\n+++ b/"+id+".c\n@@ -1 +1 @@\n-a\n+b\n")
}

func TestCollectorKeepsPatchesAndDropsTheRest(t *testing.T) {
	c := NewCollector(Budget{})
	c.Add(extractMail(t, "From: Dev <dev@example.org>\nSubject: [PATCH 0/2] rcu: two\nMessage-ID: <c@x>\n", "This series.\n"))
	c.Add(onePatch(t, "p1@x", "[PATCH 1/2] rcu: one", "In-Reply-To: <c@x>\nList-Id: <rcu.vger.kernel.org>\n"))
	c.Add(onePatch(t, "p1@x", "[PATCH 1/2] rcu: one", "In-Reply-To: <c@x>\nList-Id: <rcu.lists.linux.dev>\n"))
	c.Add(extractMail(t, "From: Rev <rev@example.org>\nSubject: Re: [PATCH 1/2] rcu: one\nMessage-ID: <r@x>\nIn-Reply-To: <p1@x>\n", "Looks good.\n"))
	c.Add(extractMail(t, "From: Dev <dev@example.org>\nSubject: [PATCH 2/2] rcu: two\nMessage-ID: <p2@x>\nIn-Reply-To: <c@x>\n", "lost in transit\n"))
	c.Add(extractMail(t, "From: Dev <dev@example.org>\nSubject: rcu: a naked cover\nMessage-ID: <n@x>\n", "An intro.\n"))
	var ids []string
	for _, p := range c.Patches() {
		ids = append(ids, p.Msg.MessageID+":"+p.Msg.ListID)
	}
	if got := strings.Join(ids, " "); got != "c@x: p1@x:rcu.lists.linux.dev n@x:" {
		t.Errorf("kept %s", got)
	}
	if c.Duplicates() != 1 || c.Skipped()[KindReply] != 1 || c.Skipped()[KindOther] != 1 {
		t.Errorf("duplicates %d, skipped %v", c.Duplicates(), c.Skipped())
	}
	rej, more := c.Rejections()
	if len(rej) != 1 || !rej[0].NoDiff || rej[0].MessageID != "p2@x" || more != 0 {
		t.Errorf("rejections %+v, %d more", rej, more)
	}
}

func TestCollectorBudget(t *testing.T) {
	c := NewCollector(Budget{Patches: 3, Bytes: 1000})
	big := extractMail(t, "From: Dev <dev@example.org>\nSubject: [PATCH] big\nMessage-ID: <big@x>\n",
		"---\ndiff --git a/b.c b/b.c\n--- a/b.c\n+++ b/b.c\n@@ -1 +1,40 @@\n-a\n"+strings.Repeat("+a line that makes the diff large\n", 40))
	c.Add(big)
	for i := 0; i < 10; i++ {
		c.Add(onePatch(t, fmt.Sprint("p", i, "@x"), fmt.Sprintf("[PATCH] change %d", i), ""))
	}
	if n := len(c.Patches()); n != 3 {
		t.Errorf("%d patches kept, want 3", n)
	}
	rej, more := c.Rejections()
	if len(rej) != 3 || more != 5 {
		t.Fatalf("%d rejections listed and %d more, want 3 and 5", len(rej), more)
	}
	if !strings.Contains(rej[0].Reason, "exceeds the run's budget of 1000 bytes") || rej[0].MessageID != "big@x" {
		t.Errorf("the big patch: %+v", rej[0])
	}
	if !strings.Contains(rej[1].Reason, "budget of 3 patches") {
		t.Errorf("past the count: %+v", rej[1])
	}
}

// TestCollectorMemoryFollowsWhatIsKept streams 300,000 small mails that
// carry no patch, then a series threaded on a naked cover sent just
// before it: the live heap afterwards is that of the few mails kept, not
// of what was read.
func TestCollectorMemoryFollowsWhatIsKept(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 300,000 mails")
	}
	c := NewCollector(Budget{})
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	for i := 0; i < 300_000; i++ {
		c.Add(extractMail(t, fmt.Sprintf("From: a%d@example.org\nSubject: hello %d\nMessage-ID: <%d@x>\n", i%97, i, i), "hi\n"))
	}
	c.Add(extractMail(t, "From: Dev <dev@example.org>\nSubject: rcu: an intro\nMessage-ID: <naked@x>\n", "About the series.\n"))
	c.Add(onePatch(t, "s1@x", "[PATCH 1/1] rcu: one", "In-Reply-To: <naked@x>\n"))
	runtime.GC()
	runtime.ReadMemStats(&ms)
	kept := c.Patches()
	if grown := int64(ms.HeapAlloc) - int64(base); grown > 32<<20 {
		t.Errorf("the heap grew by %d MiB for %d kept mails", grown>>20, len(kept))
	}
	if len(kept) > 2*maxRoots+1 || kept[len(kept)-2].Msg.MessageID != "naked@x" || kept[len(kept)-1].Msg.MessageID != "s1@x" {
		t.Errorf("kept %d mails, last %s %s", len(kept), kept[len(kept)-2].Msg.MessageID, kept[len(kept)-1].Msg.MessageID)
	}
	if c.Skipped()[KindOther] != 300_001 {
		t.Errorf("skipped %v", c.Skipped())
	}
	s := GroupSeries(kept, GroupOptions{})
	var found bool
	for _, x := range s {
		found = found || (x.Cover != nil && x.Cover.Msg.MessageID == "naked@x" && len(x.Patches) == 1)
	}
	if !found {
		t.Error("the naked cover was not adopted by its series")
	}
}
