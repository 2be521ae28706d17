package inbox

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/rcureview/rcureview/mbox"
)

// Mbox reads an mbox file that grows by appending (an MDA's spool or a
// list archive). The cursor holds the number of messages consumed and the
// file size then; a file that shrank was rotated and is read again from
// the start (items are keyed by content, so the caller's seen set skips
// what it had). A last message without a final newline is still being
// written and is left for the next read.
type Mbox struct {
	path string
}

// NewMbox returns a reader of the mbox file at path.
func NewMbox(path string) *Mbox { return &Mbox{path: path} }

// String names the file.
func (m *Mbox) String() string { return "mbox:" + m.path }

// Read returns up to max messages after the cursor.
func (m *Mbox) Read(cur Cursor, seen func(string) bool, max int) (*Batch, error) {
	if max <= 0 {
		max = 1
	}
	f, err := os.Open(m.path)
	if err != nil {
		return nil, fmt.Errorf("read mbox: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read mbox: %w", err)
	}
	size := fi.Size()
	done, _ := strconv.Atoi(cur["mbox:count"])
	oldSize, _ := strconv.ParseInt(cur["mbox:size"], 10, 64)
	if size < oldSize {
		done = 0
	}
	complete, err := endsWithNewline(f, size)
	if err != nil {
		return nil, fmt.Errorf("read mbox %s: %w", m.path, err)
	}
	b := &Batch{Cursor: cur.Clone()}
	sp := mbox.NewSplitter(bufio.NewReaderSize(io.NewSectionReader(f, 0, size), 64<<10))
	type slot struct {
		idx int
		raw *mbox.RawMessage
		err error
	}
	consumed, full := done, false
	handle := func(s slot) {
		if full || s.idx < done {
			return
		}
		if len(b.Items) >= max {
			full, b.More = true, true
			return
		}
		if s.err != nil {
			b.Problems = append(b.Problems, s.err.Error())
		} else {
			addRaw(b, s.raw, seen)
		}
		consumed = s.idx + 1
	}
	// Hold each message back by one so that the last one can be left for
	// the next read while the file is being appended to.
	var prev *slot
	for idx := 0; !full; idx++ {
		raw, err := sp.Next()
		if err == io.EOF {
			break
		}
		s := slot{idx: idx, raw: raw}
		var ie *mbox.ItemError
		if errors.As(err, &ie) {
			s.err = err
		} else if err != nil {
			return nil, fmt.Errorf("read mbox %s: %w", m.path, err)
		}
		if prev != nil {
			handle(*prev)
		}
		prev = &s
	}
	if prev != nil && !full && (complete || prev.err != nil) {
		handle(*prev)
	}
	n := consumed
	b.Cursor["mbox:count"] = strconv.Itoa(n)
	b.Cursor["mbox:size"] = strconv.FormatInt(size, 10)
	return b, nil
}

func addRaw(b *Batch, raw *mbox.RawMessage, seen func(string) bool) {
	if len(raw.Data) > MaxMessageSize {
		b.Problems = append(b.Problems, fmt.Sprintf("message %d: %d bytes exceeds %d", raw.Index+1, len(raw.Data), MaxMessageSize))
		return
	}
	key := "mbox/" + contentKey(raw.Data)
	if seen != nil && seen(key) {
		return
	}
	b.Items = append(b.Items, Item{Key: key, Data: raw.Data})
}

// contentKey names a message by its content.
func contentKey(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16])
}

func endsWithNewline(f *os.File, size int64) (bool, error) {
	if size == 0 {
		return true, nil
	}
	var last [1]byte
	if _, err := f.ReadAt(last[:], size-1); err != nil {
		return false, err
	}
	return last[0] == '\n', nil
}
