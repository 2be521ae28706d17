package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// BackupName is the name of the n-th backup of the state at path (1 is
// the newest).
func BackupName(path string, n int) string { return fmt.Sprintf("%s.bak.%d", path, n) }

// Backup writes a consistent copy of the state to BackupName(path, 1),
// after shifting the older copies up by one and dropping those past
// keep. The copy is written under a temporary name and renamed, so a
// crash never leaves a partial backup under a backup's name. keep <= 0
// does nothing.
func (s *Store) Backup(keep int) (string, error) {
	if keep <= 0 {
		return "", nil
	}
	tmp := s.path + ".bak.tmp"
	os.Remove(tmp) // left by a crash during an earlier backup
	if err := s.CopyTo(tmp); err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	// Each rename replaces its target at once: at no instant is a backup
	// name missing or partly written.
	for n := keep - 1; n >= 1; n-- {
		if err := os.Rename(BackupName(s.path, n), BackupName(s.path, n+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", fmt.Errorf("back up state: %w", err)
		}
	}
	name := BackupName(s.path, 1)
	if err := os.Rename(tmp, name); err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	if err := syncDir(filepath.Dir(s.path)); err != nil {
		return "", fmt.Errorf("back up state: %w", err)
	}
	return name, nil
}

// Backups lists the backups of the state at path that exist, newest
// first (as written by Backup, with any keep).
func Backups(path string) []string {
	var out []string
	for n := 1; ; n++ {
		name := BackupName(path, n)
		if _, err := os.Lstat(name); err != nil {
			// Backup renames from the top down; a crash in the middle
			// of a shift leaves one gap.
			if _, err := os.Lstat(BackupName(path, n+1)); err != nil {
				return out
			}
			continue
		}
		out = append(out, name)
	}
}
