// Package inbox reads the mail a list bot answers: a public-inbox v2
// archive (git/N.git epochs, one message per commit in the file "m"), an
// mbox file or a Maildir. Reading is incremental: a Source returns what is
// new since a Cursor the caller persists, in bounded batches.
package inbox

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// Item is one message of a source.
type Item struct {
	// Key identifies the item within its source, stably across reads and
	// across rewrites of the archive's history (for public-inbox it names
	// the blob, not the commit).
	Key string
	// Data is the raw message. For a deletion it is the deleted message.
	Data []byte
	// Deleted marks a public-inbox deletion ("d" file): the archive
	// removed the message Data carries.
	Deleted bool
}

// Cursor is a source's reading position, opaque to the caller, who
// persists it together with what it did with the items.
type Cursor map[string]string

// Clone returns a copy of c.
func (c Cursor) Clone() Cursor {
	out := make(Cursor, len(c))
	for k, v := range c {
		out[k] = v
	}
	return out
}

// Rescan says that the source re-read a part whose history was rewritten
// (a public-inbox purge): items under Prefix that are not in Present are
// gone from the archive.
type Rescan struct {
	Prefix  string
	Present map[string]bool
}

// Batch is the result of one Read.
type Batch struct {
	Items    []Item
	Cursor   Cursor   // the position after Items
	Rescans  []Rescan // parts re-read because their history was rewritten
	More     bool     // more items are waiting beyond max
	Problems []string // items skipped while reading (unreadable objects, files)
}

// Source is a readable mail store.
type Source interface {
	// Read returns up to max items new since cur. seen tells which keys
	// the caller already handled; sources without a strict order (Maildir,
	// rewritten history) use it to skip them.
	Read(cur Cursor, seen func(key string) bool, max int) (*Batch, error)
	// String names the source for logs and status.
	String() string
}

// ErrUnknownFormat is returned by Open for a path that is neither a
// public-inbox v2 archive, a Maildir nor a regular file.
var ErrUnknownFormat = errors.New("not a public-inbox v2 archive, Maildir or mbox file")

// Open opens path as a public-inbox v2 archive (a directory with git/),
// a Maildir (a directory with cur/ and new/) or an mbox file.
func Open(path string) (Source, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("open inbox: %w", err)
	}
	if !fi.IsDir() {
		if !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("open inbox %s: %w", path, ErrUnknownFormat)
		}
		return NewMbox(path), nil
	}
	if isDir(filepath.Join(path, "git")) {
		return NewV2(path), nil
	}
	if isDir(filepath.Join(path, "cur")) && isDir(filepath.Join(path, "new")) {
		return NewMaildir(path), nil
	}
	return nil, fmt.Errorf("open inbox %s: %w", path, ErrUnknownFormat)
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}
