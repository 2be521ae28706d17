package mbox

import (
	"sort"
	"strings"
	"time"
)

// Series grouping is hand-written after patchwork's find_series (threading
// first, closest ancestor first; then author+version+total within a time
// window; a patch whose number is taken starts a new series) and b4's
// LoreMailbox (naked covers, partial re-rolls, newest revision wins). No Go
// library does this.

// DefaultSeriesWindow is patchwork's SERIES_DELAY_INTERVAL.
const DefaultSeriesWindow = 20 * time.Minute

// GroupOptions tunes GroupSeries.
type GroupOptions struct {
	AllVersions bool          // keep every revision, not only the newest of each series
	Window      time.Duration // time window for grouping without threading; 0 = DefaultSeriesWindow
}

// seriesBuild is a series under construction.
type seriesBuild struct {
	s       *Series
	order   int // creation order
	version int
	total   int
	author  string // lower-case email
	date    time.Time
	byIndex map[int]*Patch
	extra   []*Patch // unnumbered patch (its own series of one)
	members map[string]bool
	refs    []string // message ids the members reply to
}

// GroupSeries groups extracted patches into series. Patches and covers are
// threaded by In-Reply-To/References to the series their closest ancestor
// belongs to; without threading, patches of the same author, version and
// total sent within the window are grouped. A patch whose number is already
// taken starts a new series (duplicate sends, unlabelled re-rolls), a newer
// revision never joins an older series, and unnumbered patches form series
// of one. A thread root without diff by the same author as the patches
// replying to it is taken as a naked cover (its Kind becomes KindCover).
// Replies go to Followups of the series of their closest ancestor. Unless
// opt.AllVersions, only the newest revision of each series is returned
// (a partial re-roll is completed with the missing patches of the revision
// it replies to). Series are returned in order of first appearance.
func GroupSeries(patches []*Patch, opt GroupOptions) []*Series {
	if opt.Window <= 0 {
		opt.Window = DefaultSeriesWindow
	}
	g := &grouper{
		opt:      opt,
		owner:    map[string]*seriesBuild{},
		byID:     map[string]*Patch{},
		memberOf: map[string]*seriesBuild{},
	}
	var rest []*Patch
	seen := map[string]bool{}
	for _, p := range patches {
		if p == nil || p.Msg == nil {
			continue
		}
		id := p.Msg.MessageID
		if id != "" {
			if seen[id] {
				continue // the same message twice (cross-posted copies)
			}
			seen[id] = true
			g.byID[id] = p
		}
	}
	seen = map[string]bool{}
	for _, p := range patches {
		if p == nil || p.Msg == nil {
			continue
		}
		if id := p.Msg.MessageID; id != "" {
			if seen[id] {
				continue
			}
			seen[id] = true
		}
		switch {
		case p.Kind == KindPatch:
			g.addPatch(p)
		case p.Kind == KindCover:
			g.addCover(p)
		default:
			rest = append(rest, p)
		}
	}
	g.addFollowups(rest)
	out := g.finish()
	if !opt.AllVersions {
		out = newestOnly(out, g)
	}
	res := make([]*Series, len(out))
	for i, b := range out {
		res[i] = b.s
	}
	return res
}

// grouper holds the grouping state of one GroupSeries call.
type grouper struct {
	opt      GroupOptions
	all      []*seriesBuild
	owner    map[string]*seriesBuild // message id -> series (patchwork's SeriesReference)
	byID     map[string]*Patch
	memberOf map[string]*seriesBuild
}

// refsOf returns the ids a message points to, closest ancestor first.
func refsOf(m *Message) []string {
	var out []string
	seen := map[string]bool{m.MessageID: true}
	add := func(id string) {
		if id != "" && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	add(m.InReplyTo)
	for i := len(m.References) - 1; i >= 0; i-- {
		add(m.References[i])
	}
	return out
}

func authorKey(p *Patch) string {
	return strings.ToLower(strings.TrimSpace(p.Author.Email))
}

// within reports whether a and b are at most w apart.
func within(a, b time.Time, w time.Duration) bool {
	d := a.Sub(b)
	if d < 0 {
		d = -d
	}
	return d <= w
}

// newSeries creates a series for p and registers its references.
func (g *grouper) newSeries(p *Patch, total int) *seriesBuild {
	b := &seriesBuild{
		s:       &Series{},
		order:   len(g.all),
		version: p.Tags.Version,
		total:   total,
		author:  authorKey(p),
		date:    p.Date,
		byIndex: map[int]*Patch{},
		members: map[string]bool{},
	}
	g.all = append(g.all, b)
	return b
}

// register records that message id belongs to (or threads into) b, unless
// another series claimed it first.
func (g *grouper) register(id string, b *seriesBuild) {
	if id == "" {
		return
	}
	if _, ok := g.owner[id]; !ok {
		g.owner[id] = b
	}
}

// join adds p to b.
func (g *grouper) join(b *seriesBuild, p *Patch, refs []string) {
	id := p.Msg.MessageID
	if p.Kind == KindCover {
		b.s.Cover = p
		if p.Tags.Version > b.version {
			b.version = p.Tags.Version
		}
		if p.Tags.Total > 0 && b.total == 0 {
			b.total = p.Tags.Total
		}
	} else if p.Tags.HasCounter {
		b.byIndex[p.Tags.Index] = p
	} else {
		b.extra = append(b.extra, p)
	}
	if id != "" {
		b.members[id] = true
		g.memberOf[id] = b
	}
	g.register(id, b)
	for _, r := range refs {
		g.register(r, b)
	}
	b.refs = append(b.refs, refs...)
}

// byReferences finds the series the closest ancestor of p belongs to.
func (g *grouper) byReferences(p *Patch, refs []string) *seriesBuild {
	for _, r := range append([]string{p.Msg.MessageID}, refs...) {
		b, ok := g.owner[r]
		if !ok {
			continue
		}
		v := p.Tags.Version
		if v > b.version {
			continue // a newer revision in reply to an older one
		}
		if v != b.version && !within(p.Date, b.date, g.opt.Window) {
			continue
		}
		return b
	}
	return nil
}

// byMarkers finds a series by author, version and total within the window
// (newest first) that does not have p's number yet.
func (g *grouper) byMarkers(p *Patch) *seriesBuild {
	for i := len(g.all) - 1; i >= 0; i-- {
		b := g.all[i]
		if b.author != authorKey(p) || b.version != p.Tags.Version || b.total != p.Tags.Total {
			continue
		}
		if !within(p.Date, b.date, g.opt.Window) {
			continue
		}
		if _, taken := b.byIndex[p.Tags.Index]; taken {
			continue
		}
		return b
	}
	return nil
}

// addPatch places a KindPatch.
func (g *grouper) addPatch(p *Patch) {
	refs := refsOf(p.Msg)
	if !p.Tags.HasCounter {
		b := g.newSeries(p, 1)
		g.adoptNakedCover(b, p, refs)
		g.join(b, p, refs)
		return
	}
	b := g.byReferences(p, refs)
	if b == nil {
		b = g.byMarkers(p)
	}
	if b != nil {
		if _, taken := b.byIndex[p.Tags.Index]; taken {
			b = nil
		}
	}
	if b == nil {
		b = g.newSeries(p, p.Tags.Total)
		g.adoptNakedCover(b, p, refs)
	}
	g.join(b, p, refs)
}

// addCover places a KindCover. Like patchwork, a cover only joins a series
// that a patch already threaded to it (out-of-order arrival); its own
// references point to other series (v2 sent in reply to v1).
func (g *grouper) addCover(p *Patch) {
	if b, ok := g.owner[p.Msg.MessageID]; ok && b.s.Cover == nil && !b.members[p.Msg.MessageID] {
		g.join(b, p, nil)
		return
	}
	b := g.newSeries(p, p.Tags.Total)
	g.join(b, p, nil)
}

// adoptNakedCover makes the thread root p replies to the cover of b when
// it has no diff, is not a reply, and comes from p's author (b4's naked
// cover; a bug report from someone else stays a plain message).
func (g *grouper) adoptNakedCover(b *seriesBuild, p *Patch, refs []string) {
	for _, r := range refs {
		c, ok := g.byID[r]
		if !ok {
			continue
		}
		if c.Kind != KindOther || c.Tags.IsReply || len(refsOf(c.Msg)) > 0 || authorKey(c) != authorKey(p) {
			return
		}
		if _, claimed := g.memberOf[r]; claimed {
			return
		}
		c.Kind = KindCover
		g.join(b, c, nil)
		return
	}
}

// addFollowups attaches replies to the series of their closest ancestor;
// replies to replies follow their parent (several passes for out-of-order
// arrival).
func (g *grouper) addFollowups(rest []*Patch) {
	for pass := 0; pass < 4 && len(rest) > 0; pass++ {
		var left []*Patch
		for _, p := range rest {
			var b *seriesBuild
			for _, r := range refsOf(p.Msg) {
				if s, ok := g.memberOf[r]; ok {
					b = s
					break
				}
			}
			if b == nil {
				left = append(left, p)
				continue
			}
			b.s.Followups = append(b.s.Followups, p)
			if id := p.Msg.MessageID; id != "" {
				g.memberOf[id] = b
			}
		}
		if len(left) == len(rest) {
			return
		}
		rest = left
	}
}

// finish fills the exported fields of every series.
func (g *grouper) finish() []*seriesBuild {
	var out []*seriesBuild
	for _, b := range g.all {
		fillSeries(b)
		if b.s.Cover == nil && len(b.s.Patches) == 0 {
			continue
		}
		out = append(out, b)
	}
	return out
}

// fillSeries computes Patches, Missing, ID, Author, Version and Total.
func fillSeries(b *seriesBuild) {
	s := b.s
	idx := make([]int, 0, len(b.byIndex))
	for i := range b.byIndex {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	s.Patches = s.Patches[:0]
	for _, i := range idx {
		s.Patches = append(s.Patches, b.byIndex[i])
	}
	s.Patches = append(s.Patches, b.extra...)
	s.Version, s.Total = b.version, b.total
	if s.Total == 0 && len(s.Patches) > 0 {
		s.Total = len(s.Patches)
	}
	s.Missing = nil
	if len(b.byIndex) > 0 {
		for i := 1; i <= s.Total; i++ {
			if _, ok := b.byIndex[i]; !ok {
				s.Missing = append(s.Missing, i)
			}
		}
	}
	switch {
	case s.Cover != nil:
		s.ID, s.Author = s.Cover.Msg.MessageID, s.Cover.Author
	case len(s.Patches) > 0:
		s.ID, s.Author = s.Patches[0].Msg.MessageID, s.Patches[0].Author
	}
}

// newestOnly keeps the newest revision of each family of series (same
// author and a shared cover title or patch title at the same index, or
// threaded into each other). A partial re-roll is completed from the
// revision it threads into.
func newestOnly(list []*seriesBuild, g *grouper) []*seriesBuild {
	n := len(list)
	parent := make([]int, n)
	for i := range parent {
		parent[i] = i
	}
	var find func(int) int
	find = func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	union := func(i, j int) { parent[find(j)] = find(i) }
	familyLinks(list, union)
	best := map[int]int{}
	family := map[int][]int{}
	for i := 0; i < n; i++ {
		r := find(i)
		family[r] = append(family[r], i)
		k, ok := best[r]
		if !ok || newer(list[i], list[k]) {
			best[r] = i
		}
	}
	var out []*seriesBuild
	for i := 0; i < n; i++ {
		r := find(i)
		if best[r] != i {
			continue
		}
		for _, j := range family[r] {
			if j != i {
				completeReroll(list[i], list[j])
			}
		}
		out = append(out, list[i])
	}
	return out
}

// familyLinks calls union for pairs of series that are revisions of each
// other (sameFamily) so that the transitive closure is the one of
// sameFamily over all pairs, without comparing all pairs (a mailbox of
// 50,000 one-patch series by one author made that quadratic). Every pair
// sameFamily accepts shares a key: a thread link, the cover title, a
// patch title at an index, or the first unnumbered patch's title (all
// with the author). Series with covers are related by cover titles only,
// so within an index or unnumbered-title key, series without a cover are
// all related to each other and to every series with a cover, while two
// series with covers are not related through it.
func familyLinks(list []*seriesBuild, union func(i, j int)) {
	owner := map[string]int{}
	for i, b := range list {
		for id := range b.members {
			if _, ok := owner[id]; !ok {
				owner[id] = i
			}
		}
	}
	for i, b := range list {
		for _, r := range b.refs {
			if j, ok := owner[r]; ok && j != i && list[j].author == b.author {
				union(j, i)
			}
		}
	}
	type key struct {
		author, kind, title string
		index               int
	}
	covers := map[key]int{}
	type bucket struct{ noCover, withCover []int }
	titled := map[key]*bucket{}
	add := func(k key, i int) {
		bk := titled[k]
		if bk == nil {
			bk = &bucket{}
			titled[k] = bk
		}
		if list[i].s.Cover != nil {
			bk.withCover = append(bk.withCover, i)
		} else {
			bk.noCover = append(bk.noCover, i)
		}
	}
	for i, b := range list {
		if b.s.Cover != nil && b.s.Cover.Title != "" {
			k := key{b.author, "cover", b.s.Cover.Title, 0}
			if j, ok := covers[k]; ok {
				union(j, i)
			} else {
				covers[k] = i
			}
		}
		for idx, p := range b.byIndex {
			if p.Title != "" {
				add(key{b.author, "index", p.Title, idx}, i)
			}
		}
		if len(b.extra) > 0 && b.extra[0].Title != "" {
			add(key{b.author, "extra", b.extra[0].Title, 0}, i)
		}
	}
	for _, bk := range titled {
		if len(bk.noCover) == 0 {
			continue
		}
		for _, i := range bk.noCover[1:] {
			union(bk.noCover[0], i)
		}
		for _, i := range bk.withCover {
			union(bk.noCover[0], i)
		}
	}
}

// newer reports whether a is a newer revision than b: higher version, then
// later date, then later arrival.
func newer(a, b *seriesBuild) bool {
	if a.s.Version != b.s.Version {
		return a.s.Version > b.s.Version
	}
	if !a.date.Equal(b.date) {
		return a.date.After(b.date)
	}
	return a.order > b.order
}

// threadsInto reports whether a member of a replies to a member of b.
func threadsInto(a, b *seriesBuild) bool {
	for _, r := range a.refs {
		if b.members[r] {
			return true
		}
	}
	return false
}

// completeReroll fills the missing patches of a partial re-roll from an
// older revision it threads into, with the same total (b4).
func completeReroll(newest, old *seriesBuild) {
	if len(newest.s.Missing) == 0 || newest.total != old.total || !threadsInto(newest, old) {
		return
	}
	for _, i := range newest.s.Missing {
		if p, ok := old.byIndex[i]; ok {
			newest.byIndex[i] = p
		}
	}
	fillSeries(newest)
}
