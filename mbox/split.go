package mbox

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
)

// The splitter is hand-written: github.com/emersion/go-mbox is not on the
// module proxy and splits on every "From " line (mboxo only, no date check,
// CRLF output), which gives 3 instead of 2 messages for git's sample.mboxrd.
// This one follows git's builtin/mailsplit.c (is_from_line, leading
// whitespace, bare messages, CRLF) plus lore's mboxrd unescaping.

// Flavour selects how "From " lines inside message bodies were escaped.
type Flavour int

// Mbox flavours.
const (
	// FlavourAuto detects the flavour: mboxrd when the first separator is
	// b4/lore's "From mboxrd@z" or once a ">>From " line is seen (sticky for
	// the rest of the input); format-patch separators
	// ("From <40-hex> Mon Sep 17 00:00:00 2001") mean no escaping; mboxo
	// otherwise. A bare message (no From_ line) is never unescaped.
	FlavourAuto Flavour = iota
	// FlavourMboxo strips one '>' from lines starting with ">From ". This is
	// lossy: a body line that really started with ">From " cannot be told
	// from an escaped "From " line.
	FlavourMboxo
	// FlavourMboxrd strips one '>' from lines matching ^>+From .
	FlavourMboxrd
	// FlavourNone does no unescaping at all (git mailsplit without --mboxrd,
	// git format-patch output).
	FlavourNone
)

// String names the flavour.
func (f Flavour) String() string {
	switch f {
	case FlavourMboxo:
		return "mboxo"
	case FlavourMboxrd:
		return "mboxrd"
	case FlavourNone:
		return "none"
	}
	return "auto"
}

// DefaultMaxMessageBytes is the default cap on one message's size.
const DefaultMaxMessageBytes = 64 << 20

// ErrMessageTooLarge is wrapped in the *ItemError returned for a message
// larger than SplitOptions.MaxMessageBytes.
var ErrMessageTooLarge = errors.New("message exceeds size limit")

// ErrNotMail is returned when the input is binary data rather than mail.
var ErrNotMail = errors.New("input is binary data, not mail")

// ItemError reports a problem with one message of the input; the splitter
// (or ReadAll) continues with the next message after it.
type ItemError struct {
	Index int   // 0-based position of the message in the input
	Err   error // what went wrong
}

// Error describes the failed item.
func (e *ItemError) Error() string {
	return fmt.Sprintf("mbox: message %d: %v", e.Index, e.Err)
}

// Unwrap returns the underlying error.
func (e *ItemError) Unwrap() error { return e.Err }

// SplitOptions configure a Splitter. The zero value is ready to use.
type SplitOptions struct {
	// Flavour forces an escaping flavour; FlavourAuto by default.
	Flavour Flavour
	// MaxMessageBytes caps one message (after unescaping); 0 means
	// DefaultMaxMessageBytes. Larger messages are skipped with an *ItemError.
	MaxMessageBytes int
	// GitCompat splits on every From_ line the way git mailsplit does. By
	// default a From_ line starts a new message only at the start of the
	// input, after an empty line (RFC 4155; what mbox writers emit), or
	// when the line after it is a header field ("Key: value"). The last
	// case is needed because concatenated format-patch files put the next
	// From_ line right after the "-- \n2.x.y" signature (git's own
	// t5100/sample.mbox does); the first two keep an unescaped
	// "From x Mon Jan 1 00:00:00 2001" line inside a paragraph of an
	// unescaped format-patch body from cutting the message.
	GitCompat bool
}

// Splitter reads messages one by one from an mbox stream. It never holds
// more than one message in memory.
type Splitter struct {
	br      *bufio.Reader
	opts    SplitOptions
	started bool
	bare    bool   // input had no From_ line: one message, no splitting
	pending []byte // the From_ line that ends the previous message
	done    bool
	index   int
	mboxrd  bool   // auto mode: mboxrd detected
	scratch []byte // reused accumulation buffer; each message gets an exact copy
	initErr error
	long    []byte // scratch for lines longer than the bufio buffer
	lineNo  int    // lines read so far
	pendAt  int    // line number of the pending line
}

// NewSplitter returns a Splitter with default options.
func NewSplitter(r io.Reader) *Splitter {
	return NewSplitterOptions(r, SplitOptions{})
}

// NewSplitterOptions returns a Splitter with the given options. Gzip input
// (detected by its magic bytes) is decompressed on the fly.
func NewSplitterOptions(r io.Reader, opts SplitOptions) *Splitter {
	if opts.MaxMessageBytes <= 0 {
		opts.MaxMessageBytes = DefaultMaxMessageBytes
	}
	s := &Splitter{opts: opts}
	br := bufio.NewReaderSize(r, 64<<10)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			s.initErr = fmt.Errorf("mbox: gzip input: %w", err)
		} else {
			br = bufio.NewReaderSize(zr, 64<<10)
		}
	}
	s.br = br
	return s
}

// readLine returns the next line including its '\n' (the last line may lack
// it). The slice is only valid until the next call. It returns io.EOF with
// an empty line at the end of the input.
func (s *Splitter) readLine() ([]byte, error) {
	line, err := s.br.ReadSlice('\n')
	if err == nil || (err == io.EOF && len(line) > 0) {
		s.lineNo++
		return line, nil
	}
	if err != bufio.ErrBufferFull {
		if err == io.EOF {
			return nil, io.EOF
		}
		return nil, fmt.Errorf("mbox: read: %w", err)
	}
	// A line longer than the buffer: gather it in the scratch slice.
	s.long = append(s.long[:0], line...)
	for {
		line, err = s.br.ReadSlice('\n')
		s.long = append(s.long, line...)
		if err == nil || err == io.EOF {
			s.lineNo++
			return s.long, nil
		}
		if err != bufio.ErrBufferFull {
			return nil, fmt.Errorf("mbox: read: %w", err)
		}
		if len(s.long) > s.opts.MaxMessageBytes+1 {
			// Keep memory bounded: the caller sees an over-long line and
			// reports the message as too large; the rest of the line is
			// consumed here.
			for err == bufio.ErrBufferFull {
				_, err = s.br.ReadSlice('\n')
			}
			if err != nil && err != io.EOF {
				return nil, fmt.Errorf("mbox: read: %w", err)
			}
			s.lineNo++
			return s.long, nil
		}
	}
}

// isBlank reports whether the line holds only whitespace.
func isBlankLine(line []byte) bool {
	for _, c := range line {
		switch c {
		case ' ', '\t', '\r', '\n', '\f', '\v':
		default:
			return false
		}
	}
	return true
}

// trimEOL removes a trailing "\n" or "\r\n".
func trimLineEnd(line []byte) []byte {
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
		if n := len(line); n > 0 && line[n-1] == '\r' {
			line = line[:n-1]
		}
	}
	return line
}

// start skips leading whitespace-only lines and decides between mbox and
// bare mode.
func (s *Splitter) start() error {
	s.started = true
	for {
		line, err := s.readLine()
		if err == io.EOF {
			s.done = true
			return nil
		}
		if err != nil {
			return err
		}
		if isBlankLine(line) {
			continue
		}
		if looksBinary(line) {
			s.done = true
			return fmt.Errorf("mbox: %w", ErrNotMail)
		}
		if IsFromLine(trimLineEnd(line)) {
			s.pending = append([]byte(nil), trimLineEnd(line)...)
			s.pendAt = s.lineNo
			if s.opts.Flavour == FlavourAuto && bytes.HasPrefix(s.pending, []byte("From mboxrd@z ")) {
				s.mboxrd = true
			}
			return nil
		}
		s.bare = true
		s.pending = append([]byte(nil), line...) // first line of the bare message
		s.pendAt = s.lineNo
		return nil
	}
}

// looksBinary reports whether the first line of the input is binary: NUL
// bytes or mostly control characters.
func looksBinary(line []byte) bool {
	if len(line) > 1024 {
		line = line[:1024]
	}
	ctl := 0
	for _, c := range line {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' {
			ctl++
		}
	}
	return ctl*4 > len(line)
}

// Next returns the next message, io.EOF at the end of the input, an
// *ItemError for a message that had to be skipped (call Next again to go
// on), or another error when the input itself cannot be read.
func (s *Splitter) Next() (*RawMessage, error) {
	if s.initErr != nil {
		err := s.initErr
		s.initErr = nil
		s.done = true
		return nil, err
	}
	if s.done {
		return nil, io.EOF
	}
	if !s.started {
		if err := s.start(); err != nil {
			s.done = true
			return nil, err
		}
		if s.done {
			return nil, io.EOF
		}
	}
	var msg *RawMessage
	var err error
	if s.bare {
		msg, err = s.nextBare()
	} else {
		msg, err = s.nextMbox()
	}
	if err != nil {
		var ie *ItemError
		if !errors.As(err, &ie) {
			s.done = true // the input itself failed: stop
		}
	}
	return msg, err
}

// nextBare returns the whole input as one message.
func (s *Splitter) nextBare() (*RawMessage, error) {
	s.done = true
	msg := &RawMessage{Index: s.index, Line: s.pendAt}
	s.index++
	buf := s.scratch[:0]
	tooBig := false
	line := s.pending
	s.pending = nil
	for {
		line, msg.HadCRLF = toLF(line, msg.HadCRLF)
		if len(buf)+len(line) > s.opts.MaxMessageBytes {
			tooBig = true
		} else {
			buf = append(buf, line...)
		}
		var err error
		line, err = s.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
	}
	if tooBig {
		return nil, &ItemError{Index: msg.Index, Err: fmt.Errorf("%w (%d bytes)", ErrMessageTooLarge, s.opts.MaxMessageBytes)}
	}
	msg.Data = bytes.Clone(buf)
	s.keepScratch(buf)
	return msg, nil
}

// keepScratch keeps buf for the next message unless it grew very large.
func (s *Splitter) keepScratch(buf []byte) {
	if cap(buf) <= 4<<20 {
		s.scratch = buf[:0]
	} else {
		s.scratch = nil
	}
}

// toLF turns a CRLF line ending into LF and records that it did.
func toLF(line []byte, had bool) ([]byte, bool) {
	n := len(line)
	if n >= 2 && line[n-1] == '\n' && line[n-2] == '\r' {
		line[n-2] = '\n'
		return line[:n-1], true
	}
	return line, had
}

// nextMbox reads one message starting at the pending From_ line.
func (s *Splitter) nextMbox() (*RawMessage, error) {
	msg := &RawMessage{Index: s.index, FromLine: string(s.pending), Line: s.pendAt + 1}
	s.index++
	flavour := s.opts.Flavour
	formatPatch := FormatPatchCommit(msg.FromLine) != ""
	if flavour == FlavourAuto {
		switch {
		case s.mboxrd:
			flavour = FlavourMboxrd
		case formatPatch:
			flavour = FlavourNone
		default:
			flavour = FlavourMboxo
		}
	}
	buf := s.scratch[:0]
	tooBig := false
	prevBlank := true // the From_ line itself counts as a boundary
	for {
		line, err := s.readLine()
		if err == io.EOF {
			s.done = true
			break
		}
		if err != nil {
			return nil, err
		}
		if len(line) >= 19 && line[0] == 'F' && IsFromLine(trimLineEnd(line)) {
			if prevBlank || s.opts.GitCompat {
				s.pending = append(s.pending[:0], trimLineEnd(line)...)
				s.pendAt = s.lineNo
				break
			}
			// Peeking may move the bufio buffer under line: copy it first.
			s.long = append(s.long[:0], line...)
			line = s.long
			if s.nextIsField() {
				s.pending = append(s.pending[:0], trimLineEnd(line)...)
				s.pendAt = s.lineNo
				break
			}
		}
		line, msg.HadCRLF = toLF(line, msg.HadCRLF)
		prevBlank = len(line) == 1 || isBlankLine(line)
		if line[0] == '>' {
			line, flavour = s.unescape(line, flavour, formatPatch, &buf)
		}
		if tooBig || len(buf)+len(line) > s.opts.MaxMessageBytes {
			tooBig = true
			continue
		}
		buf = append(buf, line...)
	}
	s.keepScratch(buf)
	if tooBig {
		return nil, &ItemError{Index: msg.Index, Err: fmt.Errorf("%w (%d bytes)", ErrMessageTooLarge, s.opts.MaxMessageBytes)}
	}
	if s.scratch == nil {
		// A buffer too large to keep as scratch becomes the message's:
		// no second copy of a large message.
		msg.Data = buf[:len(buf):len(buf)]
	} else {
		msg.Data = bytes.Clone(buf)
	}
	return msg, nil
}

// nextIsField reports whether the next input line is a "Key: value"
// header field (looking at most 1 KiB ahead without consuming it).
func (s *Splitter) nextIsField() bool {
	peek, _ := s.br.Peek(1024)
	if i := bytes.IndexByte(peek, '\n'); i >= 0 {
		peek = peek[:i]
	}
	return isFieldLine(bytes.TrimRight(peek, "\r"))
}

// unescape applies the flavour's unescaping to a line starting with '>'.
// In auto mode a ">>From " line switches to mboxrd for the rest of the
// input; if the current message was being read unescaped (format-patch
// separator), what was read so far is unescaped retroactively.
func (s *Splitter) unescape(line []byte, flavour Flavour, formatPatch bool, buf *[]byte) ([]byte, Flavour) {
	depth := 0
	for depth < len(line) && line[depth] == '>' {
		depth++
	}
	if !bytes.HasPrefix(line[depth:], []byte("From ")) {
		return line, flavour
	}
	if depth > 1 && s.opts.Flavour == FlavourAuto && flavour != FlavourMboxrd {
		s.mboxrd = true
		if flavour == FlavourNone {
			*buf = unescapeMboxrd(*buf)
		}
		flavour = FlavourMboxrd
	}
	switch flavour {
	case FlavourMboxrd:
		return line[1:], flavour
	case FlavourMboxo:
		if depth == 1 {
			return line[1:], flavour
		}
	}
	return line, flavour
}

// unescapeMboxrd strips one '>' from every ^>+From line of data, in place.
func unescapeMboxrd(data []byte) []byte {
	out := data[:0]
	for len(data) > 0 {
		end := bytes.IndexByte(data, '\n') + 1
		if end == 0 {
			end = len(data)
		}
		line := data[:end]
		data = data[end:]
		if len(line) > 0 && line[0] == '>' {
			i := 0
			for i < len(line) && line[i] == '>' {
				i++
			}
			if bytes.HasPrefix(line[i:], []byte("From ")) {
				line = line[1:]
			}
		}
		out = append(out, line...)
	}
	return out
}

// IsFromLine reports whether line (without its line ending) is an mbox
// From_ separator by git's rule (builtin/mailsplit.c is_from_line): at
// least 20 bytes, "From ", and after the last ':' an "H:MM:SS" time whose
// digits are in place, followed by a year greater than 90.
func IsFromLine(line []byte) bool {
	// git measures the length with the '\n'.
	if len(line)+1 < 20 || !bytes.HasPrefix(line, []byte("From ")) {
		return false
	}
	colon := bytes.LastIndexByte(line, ':')
	if colon < 5+4 || colon+2 >= len(line) {
		return false
	}
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	if !isDigit(line[colon-4]) || !isDigit(line[colon-2]) || !isDigit(line[colon-1]) ||
		!isDigit(line[colon+1]) || !isDigit(line[colon+2]) {
		return false
	}
	// strtol(colon+3): optional whitespace, optional sign, digits.
	rest := line[colon+3:]
	i := 0
	for i < len(rest) && (rest[i] == ' ' || rest[i] == '\t') {
		i++
	}
	if i < len(rest) && rest[i] == '+' {
		i++
	}
	year := 0
	for ; i < len(rest) && isDigit(rest[i]); i++ {
		if year < 1<<20 {
			year = year*10 + int(rest[i]-'0')
		}
	}
	return year > 90
}

// FormatPatchCommit returns the commit id of a git format-patch separator
// "From <40-hex> Mon Sep 17 00:00:00 2001" (also with 64 hex digits for
// SHA-256 repositories, and with a leading '>' as mailinfo accepts inside a
// body), or "" for any other line.
func FormatPatchCommit(fromLine string) string {
	line := fromLine
	if len(line) > 0 && line[0] == '>' {
		line = line[1:]
	}
	const tail = " Mon Sep 17 00:00:00 2001"
	if len(line) < 5 || line[:5] != "From " {
		return ""
	}
	line = line[5:]
	n := 0
	for n < len(line) && isHexDigit(line[n]) {
		n++
	}
	if n != 40 && n != 64 {
		return ""
	}
	rest := line[n:]
	if len(rest) < len(tail) || rest[:len(tail)] != tail {
		return ""
	}
	for _, c := range rest[len(tail):] {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return ""
		}
	}
	return line[:n]
}

// isHex reports whether c is a lower- or upper-case hex digit.
func isHexDigit(c byte) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}
