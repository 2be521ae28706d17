package inbox

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Maildir reads the messages in a Maildir's new/ and cur/ without moving
// or flagging them (the bot is a reader; a mail client may share the
// folder). Messages are delivered atomically (tmp/ then rename), so every
// file seen is complete. Items are keyed by the unique part of the file
// name, before any ":2,flags" suffix, so a message moved from new/ to cur/
// keeps its key; the caller's seen set says what was handled, and the
// cursor is unused.
type Maildir struct {
	dir string
}

// NewMaildir returns a reader of the Maildir dir.
func NewMaildir(dir string) *Maildir { return &Maildir{dir: dir} }

// String names the folder.
func (m *Maildir) String() string { return "maildir:" + m.dir }

// Read returns up to max unseen messages in file name order (delivery
// time for names made by the usual time.pid.host scheme).
func (m *Maildir) Read(cur Cursor, seen func(string) bool, max int) (*Batch, error) {
	if max <= 0 {
		max = 1
	}
	type entry struct{ key, path string }
	var all []entry
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(m.dir, sub))
		if err != nil {
			return nil, fmt.Errorf("read maildir: %w", err)
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			base, _, _ := strings.Cut(e.Name(), ":")
			all = append(all, entry{"maildir/" + base, filepath.Join(m.dir, sub, e.Name())})
		}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].key < all[j].key })
	b := &Batch{Cursor: cur.Clone()}
	last := ""
	for _, e := range all {
		if e.key == last || (seen != nil && seen(e.key)) {
			continue
		}
		last = e.key
		if len(b.Items) >= max {
			b.More = true
			break
		}
		data, err := readFileLimited(e.path)
		if os.IsNotExist(err) {
			continue // moved by a mail client meanwhile; seen next time
		}
		if err != nil {
			b.Problems = append(b.Problems, err.Error())
			continue
		}
		b.Items = append(b.Items, Item{Key: e.key, Data: data})
	}
	return b, nil
}

func readFileLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxMessageSize+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if len(data) > MaxMessageSize {
		return nil, fmt.Errorf("%s: message exceeds %d bytes", path, MaxMessageSize)
	}
	return data, nil
}
