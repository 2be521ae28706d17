package mbox

import "strings"

// DedupeMessages drops repeated copies of a message (same Message-ID, e.g.
// cross-posted to several lists), keeping the copy from the list that
// mangles least, by List-Id preference *.feeds.kernel.org, *.linux.dev,
// *.kernel.org, anything else (liblore's get_preferred_duplicate). Among
// equals the first copy wins. Messages without a Message-ID are all kept.
// The result keeps the order of first appearance.
func DedupeMessages(msgs []*Message) []*Message {
	best := make(map[string]int, len(msgs)) // id -> index into out
	out := make([]*Message, 0, len(msgs))
	for _, m := range msgs {
		if m == nil {
			continue
		}
		if m.MessageID == "" {
			out = append(out, m)
			continue
		}
		i, seen := best[m.MessageID]
		if !seen {
			best[m.MessageID] = len(out)
			out = append(out, m)
			continue
		}
		if listRank(m.ListID) < listRank(out[i].ListID) {
			out[i] = m
		}
	}
	return out
}

// listRank orders List-Ids by how little the list rewrites mail.
func listRank(listID string) int {
	l := strings.ToLower(listID)
	switch {
	case strings.HasSuffix(l, ".feeds.kernel.org"):
		return 0
	case strings.HasSuffix(l, ".linux.dev"):
		return 1
	case strings.HasSuffix(l, ".kernel.org"):
		return 2
	}
	return 3
}
