// Package mbox reads mailing-list mail the way git am, b4 and patchwork do:
// it splits mbox files (mboxo, mboxrd, gzip, bare messages), parses each
// message with github.com/emersion/go-message while tolerating broken mail,
// extracts the patch each message carries (subject tags, ids, author,
// commit message, trailers, diff), and groups patches into series.
package mbox

import "time"

// Address is a decoded mail address.
type Address struct {
	Name  string
	Email string
}

// String formats the address as "Name <email>" (or the bare email).
func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return a.Name + " <" + a.Email + ">"
}

// RawMessage is one message as split out of a container, From_ line removed.
type RawMessage struct {
	Index    int    // 0-based position in the input
	FromLine string // the mbox From_ separator, "" when the input had none
	Data     []byte // the message bytes (LF line endings, mboxrd/mboxo unescaped)
	HadCRLF  bool   // the container used CRLF line endings
	// Source names the input the message was read from (set by the
	// caller that opened it, for reports); "" when unknown.
	Source string
	// Line is the 1-based line of the input holding the first line of
	// Data (after the From_ line), as checkpatch and editors count the
	// input file; 0 when unknown.
	Line int
}

// Message is a parsed mail. Parsing never fails for a message that has a
// header at all; what could not be decoded is listed in Problems.
type Message struct {
	Raw        *RawMessage
	Subject    string // RFC 2047-decoded, unfolded
	MessageID  string // without <>
	InReplyTo  string // without <>, "" if none
	References []string
	From       Address
	To, Cc     []Address
	Date       time.Time
	DateOK     bool
	ListID     string
	Header     map[string][]string // raw header values by canonical key, for bots
	Body       string              // the chosen text body, decoded to UTF-8 prose
	PatchBody  string              // the text carrying the diff, bytes as sent (charset untouched)
	Flowed     bool                // the body was format=flowed and has been un-flowed
	// Undecodable says why the body, or a text part of it, is not valid
	// in its transfer encoding (bad base64 or quoted-printable, a
	// multipart whose boundary never appears): what was decoded may lack
	// what was sent. "" when it decoded cleanly.
	Undecodable string
	Problems    []string
}

// Kind classifies a message.
type Kind int

// Message kinds.
const (
	KindPatch       Kind = iota // carries a diff to apply
	KindCover                   // a series cover letter (0/N or naked)
	KindReply                   // a reply (may quote a diff, not a submission)
	KindPullRequest             // git request-pull mail
	KindOther                   // no diff, not a cover
)

// String returns a short lower-case name for the kind.
func (k Kind) String() string {
	switch k {
	case KindPatch:
		return "patch"
	case KindCover:
		return "cover"
	case KindReply:
		return "reply"
	case KindPullRequest:
		return "pull-request"
	}
	return "other"
}

// SubjectTags is what the bracketed prefixes of a subject say.
type SubjectTags struct {
	Prefixes   []string // every token of the leading [...] groups, in order
	Patch      bool     // a PATCH token was present
	RFC        bool
	Resend     bool
	Version    int  // 1 when not given
	Index      int  // n of n/N, 0 when absent
	Total      int  // N of n/N, 0 when absent
	HasCounter bool // an n/N or "n of N" counter was present
	IsReply    bool // Re:/Aw:/Fwd: before the brackets
}

// Trailer is one "Key: value" line of the commit message's trailer block.
type Trailer struct {
	Key     string // canonical case, e.g. "Signed-off-by"
	Value   string
	Extinfo string // "# comment" suffix or following "[ ... ]" lines, as sent (b4's extinfo)
}

// Patch is what one message contributes to a review.
type Patch struct {
	Msg           *Message
	Kind          Kind
	Subject       string // the full decoded subject as sent
	Title         string // subject with Re: and [..] prefixes removed (git's cleanup_subject)
	Tags          SubjectTags
	Author        Address // in-body From: wins over the header
	Date          time.Time
	CommitMessage string // title excluded, up to the --- separator
	Trailers      []Trailer
	Notes         string // the "basement" between --- and the diff (changelog, diffstat)
	Diff          string // the diff text, bytes as sent, "" if none
	DiffLine      int    // 1-based line of Diff's first line within Msg.PatchBody
	BaseCommit    string // base-commit: from the cover or the patch
	SourceCommit  string // the hex of a "From <sha> Mon Sep 17 00:00:00 2001" line
	PullURL       string // for pull requests
	Problems      []string
	ChangeID      string   // change-id: (b4) from the cover or the patch
	Prerequisites []string // prerequisite-patch-id:/prerequisite-change-id: values
	DependsOn     []string // Depends-on: values (patchwork: message-id or URL)
	InBodyHeaders bool     // an in-body From:/Subject:/Date: overrode the mail header
	Scissors      bool     // a scissors line was found; text above it was dropped
}

// Series is a patch series as sent: one version of it.
type Series struct {
	ID        string // stable key: the cover's (or first patch's) Message-ID
	Version   int
	Total     int
	Author    Address
	Cover     *Patch   // nil when there is none
	Patches   []*Patch // ordered by Tags.Index; one per index
	Missing   []int    // indexes 1..Total not received
	Followups []*Patch // replies in the thread
}
