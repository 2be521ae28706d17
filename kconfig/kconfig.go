// Package kconfig reads a kernel .config file: CONFIG_X=y/m/value lines and
// "# CONFIG_X is not set" comments. Findings carry the configuration
// conditions under which they hold; a parsed .config lets the driver
// evaluate them (with index.EvalCond, which knows the #if expression syntax).
package kconfig

import (
	"bufio"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"
)

// Config is a kernel configuration: its options' values by name (with
// the CONFIG_ prefix): "y", "m", "n" for unset options, or the literal
// value (quotes kept off). A nil *Config is no configuration (it has no
// values).
//
// It is one string of "NAME=value\n" lines sorted by name and searched
// by bisection, not a map: a configuration read from the cache
// (cfgcache.go) is that string over the cache file's mapping and costs
// no heap at all, where Debian's three configurations (~23,000 options)
// as maps were ~1.5 MB of heap live through a whole review (which the
// collector scans, and whose growth it doubles). Names hold no '=' and
// nothing holds a newline.
type Config struct {
	text string
}

// FromMap returns the configuration with the values of m; names that
// could not be an option's (holding '=' or a newline, or values holding a
// newline) are left out.
func FromMap(m map[string]string) *Config {
	names := make([]string, 0, len(m))
	size := 0
	for k, v := range m {
		if !strings.ContainsAny(k, "=\n") && !strings.Contains(v, "\n") {
			names = append(names, k)
			size += len(k) + len(v) + 2
		}
	}
	slices.Sort(names)
	var b strings.Builder
	b.Grow(size)
	for _, k := range names {
		b.WriteString(k)
		b.WriteByte('=')
		b.WriteString(m[k])
		b.WriteByte('\n')
	}
	return &Config{text: b.String()}
}

// Value returns the value of option name and whether c has it.
func (c *Config) Value(name string) (string, bool) {
	if c == nil {
		return "", false
	}
	t := c.text
	// bisect t's lines: every line starting in [lo, hi) is a candidate
	lo, hi := 0, len(t)
	for lo < hi {
		mid := lo + (hi-lo)/2
		start := strings.LastIndexByte(t[lo:mid], '\n') + 1 + lo // the line holding mid
		eq := strings.IndexByte(t[start:], '=')
		end := strings.IndexByte(t[start:], '\n')
		if eq < 0 || end < eq {
			return "", false // not a line FromMap writes
		}
		eq, end = eq+start, end+start
		switch k := t[start:eq]; {
		case k == name:
			return t[eq+1 : end], true
		case k < name:
			lo = end + 1
		default:
			hi = start
		}
	}
	return "", false
}

// Get returns the value of option name, "" when c does not have it.
func (c *Config) Get(name string) string {
	v, _ := c.Value(name)
	return v
}

// Len returns the number of options c has.
func (c *Config) Len() int {
	if c == nil {
		return 0
	}
	return strings.Count(c.text, "\n")
}

// All yields c's options and their values, sorted by name.
func (c *Config) All() iter.Seq2[string, string] {
	return func(yield func(string, string) bool) {
		if c == nil {
			return
		}
		for line := range strings.Lines(c.text) {
			k, v, _ := strings.Cut(line[:len(line)-1], "=")
			if !yield(k, v) {
				return
			}
		}
	}
}

// Parse reads a .config. Lines that are neither assignments nor "is not
// set" comments are ignored, as Kconfig does; a malformed assignment is an
// error naming the line.
func Parse(r io.Reader) (*Config, error) {
	c := map[string]string{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			rest := strings.TrimSpace(strings.TrimPrefix(line, "#"))
			if name, ok := strings.CutSuffix(rest, " is not set"); ok && strings.HasPrefix(name, "CONFIG_") {
				c[name] = "n"
			}
			continue
		}
		name, val, ok := strings.Cut(line, "=")
		if !ok || !strings.HasPrefix(name, "CONFIG_") || strings.ContainsAny(name, " \t") {
			return nil, fmt.Errorf("line %d: not a CONFIG_ assignment: %q", n, line)
		}
		if len(val) >= 2 && val[0] == '"' && val[len(val)-1] == '"' {
			val = val[1 : len(val)-1]
		}
		c[name] = val
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return FromMap(c), nil
}

// Enabled reports whether the option is built in or a module.
func (c *Config) Enabled(name string) bool {
	v := c.Get(name)
	return v == "y" || v == "m"
}
