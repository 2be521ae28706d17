// Package kconfig reads a kernel .config file: CONFIG_X=y/m/value lines and
// "# CONFIG_X is not set" comments. Findings carry the configuration
// conditions under which they hold; a parsed .config lets the driver
// evaluate them (with index.EvalCond, which knows the #if expression syntax).
package kconfig

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Config maps option names (with the CONFIG_ prefix) to their values:
// "y", "m", "n" for unset options, or the literal value (quotes kept off).
type Config map[string]string

// Parse reads a .config. Lines that are neither assignments nor "is not
// set" comments are ignored, as Kconfig does; a malformed assignment is an
// error naming the line.
func Parse(r io.Reader) (Config, error) {
	c := Config{}
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
	return c, nil
}

// Enabled reports whether the option is built in or a module.
func (c Config) Enabled(name string) bool {
	v := c[name]
	return v == "y" || v == "m"
}
