//go:build unix && !(linux && (amd64 || arm64))

package index

import "golang.org/x/sys/unix"

// lstatAt is fstatat(dirfd, dir/name, st, AT_SYMLINK_NOFOLLOW) (see
// appendJoined).
func lstatAt(dirfd int, dir, name string, st *unix.Stat_t) error {
	return unix.Fstatat(dirfd, string(appendJoined(nil, dir, name)), st, unix.AT_SYMLINK_NOFOLLOW)
}
