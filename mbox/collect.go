package mbox

import "fmt"

// Default budget of one review run: 5000 patches and 2 MiB of diff, more
// than any series sent to a list (vger takes mails of up to 100 KB) and
// small enough that a run stays under 512 MiB whatever the input (the
// costliest is a diff of one C token per byte: ~150 bytes of memory per
// byte of diff, most of it the index skimmer's token array).
const (
	DefaultBudgetPatches = 5000
	DefaultBudgetBytes   = 2 << 20
)

// Budget bounds what a Collector keeps for review.
type Budget struct {
	// Patches bounds the patches and cover letters kept (0:
	// DefaultBudgetPatches); it also bounds the rejections listed one by
	// one.
	Patches int
	// Bytes bounds the sum of their diffs (a cover letter: its body)
	// (0: DefaultBudgetBytes).
	Bytes int64
}

func (b Budget) withDefaults() Budget {
	if b.Patches <= 0 {
		b.Patches = DefaultBudgetPatches
	}
	if b.Bytes <= 0 {
		b.Bytes = DefaultBudgetBytes
	}
	return b
}

// Rejection is a mail that may have carried a patch but is not reviewed.
// It keeps what a report names the mail by, not the mail.
type Rejection struct {
	Subject   string
	MessageID string
	Index     int
	Total     int
	Source    string // the input it came from (RawMessage.Source)
	Line      int    // and its line there (RawMessage.Line)
	// NoDiff says the mail says it is a patch but carries no diff (an
	// input-patch problem); otherwise the mail could not be used
	// (input-mail: undecodable body, over the budget).
	NoDiff bool
	Reason string
}

// maxRoots and maxRootBytes bound the thread roots without a diff kept
// as candidates for naked cover letters (GroupSeries adopts a root that
// the author's patches reply to): the most recent ones are kept, as a
// cover comes shortly before its patches.
const (
	maxRoots     = 1024
	maxRootBytes = 8 << 20
)

// Collector keeps, from a stream of extracted mails, what a review needs
// and drops the rest at once, so that memory follows what is reviewed,
// not what is read: patches and cover letters (one copy per Message-ID,
// the least mangled, see DedupeMessages) within a Budget, and the most
// recent thread roots without a diff (naked cover candidates). Replies,
// pull requests and other mails are counted and dropped. A mail that
// claims to be a patch but cannot be used is kept as a small Rejection.
type Collector struct {
	budget     Budget
	kept       []collected
	byID       map[string]int // Message-ID -> index in kept
	roots      []collected    // ring of naked-cover candidates, oldest first
	rootBytes  int
	seq        int
	patches    int
	bytes      int64
	skipped    map[Kind]int
	dups       int
	rejections []Rejection
	unlisted   int // rejections beyond the budget's count, not listed
}

type collected struct {
	seq  int
	p    *Patch
	size int
}

// NewCollector returns a collector with budget b (zero fields: defaults).
func NewCollector(b Budget) *Collector {
	return &Collector{budget: b.withDefaults(), byID: map[string]int{}, skipped: map[Kind]int{}}
}

// Add takes one extracted mail (or the patch of a bare diff).
func (c *Collector) Add(p *Patch) {
	c.seq++
	id := ""
	if p.Msg != nil {
		id = p.Msg.MessageID
	}
	if i, dup := c.byID[id]; dup && id != "" {
		// Another copy of a kept mail: keep the less mangled one (the
		// budget was charged for the first).
		c.dups++
		old := c.kept[i].p
		if (p.Kind == KindPatch || p.Kind == KindCover) && p.Msg != nil && old.Msg != nil && listRank(p.Msg.ListID) < listRank(old.Msg.ListID) {
			c.kept[i].p = p
		}
		return
	}
	if why := p.LostToDecoding(); why != "" {
		c.reject(p, false, why)
		return
	}
	switch {
	case p.Kind == KindPatch, p.Kind == KindCover:
	case p.LostDiff():
		c.reject(p, true, fmt.Sprintf("the mail is marked as patch %d/%d but carries no diff (truncated or mangled?)", p.Tags.Index, p.Tags.Total))
		return
	default:
		c.skipped[p.Kind]++
		if p.Kind == KindOther && !p.Tags.IsReply && p.Msg != nil && len(refsOf(p.Msg)) == 0 {
			c.keepRoot(p)
		}
		return
	}
	size := len(p.Diff)
	if p.Kind == KindCover && p.Msg != nil {
		size = len(p.Msg.Body)
	}
	switch {
	case int64(size) > c.budget.Bytes:
		c.reject(p, false, fmt.Sprintf("not reviewed: the mail's %s (%s) exceeds the run's budget of %s (--max-patch-bytes)",
			sizeWhat(p), mib(int64(size)), mib(c.budget.Bytes)))
		return
	case c.patches >= c.budget.Patches || c.bytes+int64(size) > c.budget.Bytes:
		c.reject(p, false, fmt.Sprintf("not reviewed: the run's budget of %d patches and %s of diff is spent (--max-patches, --max-patch-bytes)",
			c.budget.Patches, mib(c.budget.Bytes)))
		return
	}
	c.patches++
	c.bytes += int64(size)
	if id != "" {
		c.byID[id] = len(c.kept)
	}
	c.kept = append(c.kept, collected{seq: c.seq, p: p, size: size})
}

func sizeWhat(p *Patch) string {
	if p.Kind == KindCover {
		return "body"
	}
	return "diff"
}

func mib(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%d bytes", n)
}

// keepRoot remembers a naked-cover candidate. The oldest ones are
// forgotten past maxRoots or maxRootBytes (in batches, so that a stream
// of millions of roots costs amortised constant time per mail).
func (c *Collector) keepRoot(p *Patch) {
	size := len(p.Msg.Body)
	if size > maxRootBytes {
		return
	}
	c.roots = append(c.roots, collected{seq: c.seq, p: p, size: size})
	c.rootBytes += size
	if len(c.roots) <= 2*maxRoots && c.rootBytes <= 2*maxRootBytes {
		return
	}
	keep, bytes := 0, 0
	for k := len(c.roots) - 1; k >= 0 && keep < maxRoots && bytes+c.roots[k].size <= maxRootBytes; k-- {
		keep++
		bytes += c.roots[k].size
	}
	n := copy(c.roots, c.roots[len(c.roots)-keep:])
	clear(c.roots[n:])
	c.roots, c.rootBytes = c.roots[:n], bytes
}

func (c *Collector) reject(p *Patch, noDiff bool, why string) {
	if len(c.rejections) >= c.budget.Patches {
		c.unlisted++
		return
	}
	r := Rejection{Subject: p.Subject, Index: p.Tags.Index, Total: p.Tags.Total, NoDiff: noDiff, Reason: why}
	if p.Msg != nil {
		r.MessageID = p.Msg.MessageID
		if p.Msg.Raw != nil {
			r.Source, r.Line = p.Msg.Raw.Source, p.Msg.Raw.Line
		}
	}
	c.rejections = append(c.rejections, r)
}

// Budget returns the collector's budget, defaults filled in.
func (c *Collector) Budget() Budget { return c.budget }

// Patches returns what GroupSeries needs, in arrival order: the kept
// patches and covers, and the naked-cover candidates still remembered.
func (c *Collector) Patches() []*Patch {
	out := make([]*Patch, 0, len(c.kept)+len(c.roots))
	i, j := 0, 0
	for i < len(c.kept) || j < len(c.roots) {
		if j == len(c.roots) || (i < len(c.kept) && c.kept[i].seq < c.roots[j].seq) {
			out = append(out, c.kept[i].p)
			i++
		} else {
			out = append(out, c.roots[j].p)
			j++
		}
	}
	return out
}

// Skipped counts the mails dropped by kind (replies, pull requests,
// other mails; naked-cover candidates are counted as other).
func (c *Collector) Skipped() map[Kind]int { return c.skipped }

// Duplicates counts the copies of kept mails that were dropped.
func (c *Collector) Duplicates() int { return c.dups }

// Rejections returns the mails not reviewed, as many as the budget's
// patch count, and how many more there were.
func (c *Collector) Rejections() ([]Rejection, int) { return c.rejections, c.unlisted }
