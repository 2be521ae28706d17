package kconfig

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"time"
	"unsafe"

	"github.com/rcureview/rcureview/internal/atomicfile"
	"github.com/rcureview/rcureview/internal/mapfile"
)

// Parsed configurations are kept between runs: decoding Debian's three
// .config.xz files costs about 40 ms of CPU on every review, reading
// back what they parse to about 3 ms. A cache file holds one parsed
// configuration and names the file it was read from with its size and
// modification time; it is used only while the file still has both, so
// a reinstalled or edited configuration is read again. A file modified
// within racyConfig of being read is not cached (a later change within
// the same clock tick could keep its time). A cache file that is
// missing, damaged (checksum) or for another file is ignored and
// rewritten; failing to write one only costs the next run the decoding.
//
// A cache file holds the Config's text (see Config) and is mapped, not
// read: the Config is a string over the mapping and costs no heap (a
// read into the heap, a copy of it into one string and a map of up to
// ~9,500 names per configuration were ~670 fresh pages and ~1.5 MB of
// heap live through every review). This is safe because a cache file is only ever
// replaced by renaming a new file over it (atomicfile), never written in
// place, so the mapped bytes never change, and a mapping that is kept is
// never released (mapfile.Open's release is called only when the file is
// not used), so the string stays valid as long as the Config, and
// longer.

// configCacheMagic starts a cached configuration file.
const configCacheMagic = "RCUCFG\x02"

// racyConfig is how recent a configuration's modification time may be
// for its parse to be cached.
const racyConfig = 2 * time.Second

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// ConfigCacheDir is where parsed configurations are kept:
// os.UserCacheDir()/rcureview/configs, "" when there is no user cache
// directory (nothing is cached then).
func ConfigCacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "rcureview", "configs")
}

// configCacheFile is the cache file of a configuration file. Its name
// depends on the format too, so that binaries writing different formats
// into one cache directory do not each rewrite the other's file.
func configCacheFile(dir, src string) string {
	h := sha256.Sum256([]byte(configCacheMagic + src))
	return filepath.Join(dir, hex.EncodeToString(h[:8])+".cfg")
}

// loadCached reads the configuration in file src (whose os.Stat is fi)
// from the cache in dir, or from src itself when the cache has no
// current copy, which it then writes.
func loadCached(dir, src string, fi os.FileInfo) (*Config, error) {
	if dir == "" {
		return Load(src)
	}
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	cf := configCacheFile(dir, src)
	size, mtime := fi.Size(), fi.ModTime().UnixNano()
	if b, release, err := mapfile.Open(cf); err == nil {
		if c, err := decodeConfig(b, src, size, mtime); err == nil {
			return c, nil // its strings are over b: b stays mapped
		}
		release()
	}
	c, err := Load(src)
	if err != nil {
		return nil, err
	}
	if time.Since(fi.ModTime()) > racyConfig {
		_ = writeConfigCache(dir, cf, encodeConfig(c, src, size, mtime)) // only costs time when it fails
	}
	return c, nil
}

// encodeConfig is the cache file of configuration c read from src: its
// origin, then c's text, then a checksum.
func encodeConfig(c *Config, src string, size, mtime int64) []byte {
	b := []byte(configCacheMagic)
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	str(src)
	b = binary.AppendUvarint(b, uint64(size))
	b = binary.AppendUvarint(b, uint64(mtime))
	str(c.text)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

var errConfigCache = errors.New("cached configuration unusable")

// decodeConfig reads a cache file; it fails unless the file is whole and
// was made from src with this size and modification time. The Config
// shares b's memory, which must therefore never change.
func decodeConfig(b []byte, src string, size, mtime int64) (*Config, error) {
	if len(b) < len(configCacheMagic)+4 || string(b[:len(configCacheMagic)]) != configCacheMagic {
		return nil, errConfigCache
	}
	body := b[:len(b)-4]
	if crc32.Checksum(body, castagnoli) != binary.LittleEndian.Uint32(b[len(b)-4:]) {
		return nil, errConfigCache
	}
	d := body[len(configCacheMagic):]
	bad := false
	num := func() uint64 {
		v, n := binary.Uvarint(d)
		if n <= 0 {
			bad = true
			return 0
		}
		d = d[n:]
		return v
	}
	str := func() string {
		n := num()
		if bad || n > uint64(len(d)) {
			bad = true
			return ""
		}
		s := string(d[:n])
		d = d[n:]
		return s
	}
	if str() != src || num() != uint64(size) || num() != uint64(mtime) || bad {
		return nil, errConfigCache
	}
	n := num()
	if bad || n != uint64(len(d)) || n > 0 && d[n-1] != '\n' {
		return nil, errConfigCache
	}
	// the text is a string over b
	return &Config{text: unsafe.String(unsafe.SliceData(d), len(d))}, nil
}

// writeConfigCache writes a cache file atomically.
func writeConfigCache(dir, name string, b []byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return atomicfile.Write(name, ".cfg-*", b)
}
