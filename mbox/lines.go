package mbox

import "bytes"

// InputLine converts a 1-based line of the patch's diff (Diff) to the
// line of the input file the message was read from, as checkpatch counts
// "#N" (the From_ line of an mbox is line 1). It is 0 when unknown: the
// diff is not in the raw message verbatim (a quoted-printable or base64
// body is decoded, so its lines are not the input's).
func (p *Patch) InputLine(diffLine int) int {
	if p == nil || p.Msg == nil || p.Msg.Raw == nil || p.Msg.Raw.Line <= 0 || diffLine <= 0 || p.Diff == "" {
		return 0
	}
	data := p.Msg.Raw.Data
	start := 0
	if len(p.Msg.Header) > 0 {
		if i := bytes.Index(data, []byte("\n\n")); i >= 0 {
			start = i + 2
		}
	}
	j := bytes.Index(data[start:], []byte(p.Diff))
	if j < 0 {
		return 0
	}
	return p.Msg.Raw.Line + bytes.Count(data[:start+j], []byte("\n")) + diffLine - 1
}
