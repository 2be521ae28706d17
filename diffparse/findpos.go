package diffparse

// findPos returns the index at which a pre-image of m lines matches the n
// lines of the file, or -1. It follows git apply's find_pos (apply.c):
// try the expected position first, then move outward one line at a time,
// alternately down (first) and up, so the nearest match wins and a tie goes
// to the later position. A hunk that must match at the beginning or end
// (see Apply) is tried there only. Positions before lo (the end of the
// previous hunk) are never used, so hunks cannot overlap.
func findPos(n, m, start, lo int, matchBeg, matchEnd bool, match func(i int) bool) int {
	hi := n - m // the last position where m lines fit
	if hi < lo {
		return -1
	}
	switch {
	case matchBeg:
		start = 0
	case matchEnd:
		start = hi
	}
	start = min(max(start, lo), hi)
	try := func(i int) bool {
		if matchBeg && i != 0 || matchEnd && i != hi {
			return false
		}
		return match(i)
	}
	if try(start) {
		return start
	}
	if matchBeg || matchEnd {
		return -1
	}
	back, fwd := start, start
	for i := 0; back > lo || fwd < hi; i++ {
		var cand int
		if i&1 == 1 {
			if back <= lo {
				continue
			}
			back--
			cand = back
		} else {
			if fwd >= hi {
				continue
			}
			fwd++
			cand = fwd
		}
		if match(cand) {
			return cand
		}
	}
	return -1
}
