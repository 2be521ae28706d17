package kconfig

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/ulikunitz/xz"
)

// Named is a kernel configuration known by a short name: the Debian
// configurations that Debian's linux-config-6.12 package installs.
type Named struct {
	Name string // what --config accepts
	File string // file name in the package's directory
	Doc  string // one line for --help
}

// DebianConfigs are the amd64 configurations of Debian's kernel 6.12
// (package linux-config-6.12, /usr/src/linux-config-6.12/).
var DebianConfigs = []Named{
	{"debian-amd64", "config.amd64_none_amd64.xz", "Debian's generic amd64 kernel (linux-image-amd64)"},
	{"debian-rt", "config.amd64_rt_amd64.xz", "Debian's PREEMPT_RT amd64 kernel (linux-image-rt-amd64)"},
	{"debian-cloud", "config.amd64_none_cloud-amd64.xz", "Debian's cloud amd64 kernel (linux-image-cloud-amd64)"},
}

// DebianConfigDir is where linux-config-6.12 installs the configurations;
// $RCUREVIEW_LINUX_CONFIG_DIR overrides it.
func DebianConfigDir() string {
	if d := os.Getenv("RCUREVIEW_LINUX_CONFIG_DIR"); d != "" {
		return d
	}
	return "/usr/src/linux-config-6.12"
}

// Lookup returns the named configuration with that name.
func Lookup(name string) (Named, bool) {
	for _, n := range DebianConfigs {
		if n.Name == name {
			return n, true
		}
	}
	return Named{}, false
}

// Path is the file of a named configuration.
func (n Named) Path() string { return filepath.Join(DebianConfigDir(), n.File) }

// Load reads a configuration given as --config takes it: a name from
// DebianConfigs or a .config file, plain or compressed with xz or gzip.
func Load(arg string) (*Config, error) {
	p := arg
	if n, ok := Lookup(arg); ok {
		p = n.Path()
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("%s: %w (install Debian's linux-config-6.12 package)", arg, err)
		}
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	r, err := decompress(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	c, err := Parse(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return c, nil
}

// decompress recognises xz and gzip by their magic numbers.
func decompress(b []byte) (io.Reader, error) {
	switch {
	case bytes.HasPrefix(b, []byte("\xfd7zXZ\x00")):
		r, err := xz.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("xz: %w", err)
		}
		return bufio.NewReader(r), nil
	case bytes.HasPrefix(b, []byte{0x1f, 0x8b}):
		r, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("gzip: %w", err)
		}
		return r, nil
	}
	return bytes.NewReader(b), nil
}

// Installed returns the named configurations whose files are present,
// read, in DebianConfigs order; a file that does not read is skipped.
// Their parses are cached in ConfigCacheDir (cfgcache.go).
func Installed() []Loaded { return InstalledCached(ConfigCacheDir()) }

// InstalledCached is Installed with the parses cached in dir ("": not
// cached). The configurations are read in parallel.
func InstalledCached(dir string) []Loaded {
	got := make([]*Loaded, len(DebianConfigs))
	var wg sync.WaitGroup
	for i, n := range DebianConfigs {
		fi, err := os.Stat(n.Path())
		if err != nil || !fi.Mode().IsRegular() {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if c, err := loadCached(dir, n.Path(), fi); err == nil {
				got[i] = &Loaded{Named: n, Config: c}
			}
		}()
	}
	wg.Wait()
	var out []Loaded
	for _, l := range got {
		if l != nil {
			out = append(out, *l)
		}
	}
	return out
}

// Loaded is a named configuration with its values.
type Loaded struct {
	Named
	Config *Config
}

// NamesHelp lists the names for --help.
func NamesHelp() string {
	var b strings.Builder
	for _, n := range DebianConfigs {
		fmt.Fprintf(&b, "  %-13s %s\n", n.Name, n.Doc)
	}
	fmt.Fprintf(&b, "  (files in %s, from Debian's linux-config-6.12 package)\n", DebianConfigDir())
	return b.String()
}
