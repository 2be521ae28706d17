package kconfig

import (
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestInstalledCached reads Debian's configurations through a cache: the
// second read comes from the cache and equals a plain Load, and a
// damaged or truncated cache file is read again from the .xz.
func TestInstalledCached(t *testing.T) {
	if _, err := os.Stat(DebianConfigDir()); err != nil {
		t.Skipf("no Debian configurations: %v", err)
	}
	dir := t.TempDir()
	first := InstalledCached(dir)
	if len(first) == 0 {
		t.Skip("no Debian configuration installed")
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.cfg"))
	if len(files) != len(first) {
		t.Fatalf("%d cache files for %d configurations", len(files), len(first))
	}
	check := func(what string) {
		t.Helper()
		got := InstalledCached(dir)
		if len(got) != len(first) {
			t.Fatalf("%s: %d configurations, want %d", what, len(got), len(first))
		}
		for i, l := range got {
			want, err := Load(l.Name)
			if err != nil {
				t.Fatal(err)
			}
			if l.Name != first[i].Name || l.Config.text != want.text {
				t.Errorf("%s: %s differs from a plain Load", what, l.Name)
			}
			for k, v := range maps.Collect(want.All()) {
				if got, ok := l.Config.Value(k); !ok || got != v {
					t.Fatalf("%s: %s: %s = %q, %v; want %q", what, l.Name, k, got, ok, v)
				}
			}
		}
	}
	check("cached")
	for _, damage := range []struct {
		name string
		f    func([]byte) []byte
	}{
		{"byte flipped", func(b []byte) []byte { b[len(b)/2] ^= 0x40; return b }},
		{"truncated", func(b []byte) []byte { return b[:len(b)/3] }},
		{"empty", func([]byte) []byte { return nil }},
	} {
		b, err := os.ReadFile(files[0])
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(files[0], damage.f(b), 0o644); err != nil {
			t.Fatal(err)
		}
		check(damage.name)
	}
}

// TestConfigCacheFollowsFile: a cached parse is used only while the file
// has the size and modification time it was read with.
func TestConfigCacheFollowsFile(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(t.TempDir(), "config")
	write := func(s string, at time.Time) os.FileInfo {
		t.Helper()
		if err := os.WriteFile(src, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(src, at, at); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(src)
		if err != nil {
			t.Fatal(err)
		}
		return fi
	}
	old := time.Now().Add(-time.Hour)
	fi := write("CONFIG_A=y\n# CONFIG_B is not set\n", old)
	if c, err := loadCached(dir, src, fi); err != nil || c.Get("CONFIG_A") != "y" || c.Get("CONFIG_B") != "n" {
		t.Fatalf("first read: %v %v", c, err)
	}
	if m, _ := filepath.Glob(filepath.Join(dir, "*.cfg")); len(m) != 1 {
		t.Fatalf("cache files %v, want one", m)
	}
	// same size, new time; then same time, new size
	fi = write("CONFIG_A=m\n# CONFIG_B is not set\n", old.Add(time.Second))
	if c, _ := loadCached(dir, src, fi); c.Get("CONFIG_A") != "m" {
		t.Errorf("changed time: CONFIG_A=%q, want m", c.Get("CONFIG_A"))
	}
	fi = write("CONFIG_A=y\nCONFIG_B=y\n", old.Add(time.Second))
	if c, _ := loadCached(dir, src, fi); c.Get("CONFIG_B") != "y" {
		t.Errorf("changed size: CONFIG_B=%q, want y", c.Get("CONFIG_B"))
	}
	// a file modified just now is read, not cached
	dir2 := t.TempDir()
	fi = write("CONFIG_A=y\n", time.Now())
	if c, _ := loadCached(dir2, src, fi); c.Get("CONFIG_A") != "y" {
		t.Errorf("racy file: %v", c)
	}
	if m, _ := filepath.Glob(filepath.Join(dir2, "*.cfg")); len(m) != 0 {
		t.Errorf("racy file cached: %v", m)
	}
}
