package main

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"github.com/rcureview/rcureview/reports"
)

// outputFormats returns the report writers for the review flags: the text
// format with --quiet and colour applied, email with --from.
func outputFormats(f reviewFlags, stdout io.Writer) (reports.Formats, reports.EmailOptions, error) {
	var eo reports.EmailOptions
	if f.from != "" {
		a, err := mail.ParseAddress(f.from)
		if err != nil {
			return nil, eo, fmt.Errorf("--from %q: %w", f.from, err)
		}
		eo.From = a
	}
	var color bool
	switch f.color {
	case "always":
		color = true
	case "never":
		color = false
	case "auto", "":
		color = f.out == "" && wantColor(stdout, os.Getenv)
	default:
		return nil, eo, fmt.Errorf("--color %q: want auto, always or never", f.color)
	}
	formats := reports.NewFormats()
	to := reports.TextOptions{Quiet: f.quiet, Color: color}
	formats["text"] = f.cp.textWriter(to)
	formats["email"] = func(w io.Writer, r *reports.Report) error { return reports.WriteEmail(w, r, eo) }
	return formats, eo, nil
}

// wantColor reports whether w is a terminal that should get colours: a
// terminal (not merely a character device such as /dev/null), NO_COLOR
// unset or empty (https://no-color.org), and a TERM other than "dumb".
func wantColor(w io.Writer, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	fh, ok := w.(*os.File)
	return ok && term.IsTerminal(int(fh.Fd()))
}

// writeError describes a failed write to w, standard output or a file
// given to it, with the path it leads to when the system says
// ("write standard output (/dev/full): no space left on device").
func writeError(w io.Writer, err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	name := "output"
	if f, ok := w.(*os.File); ok {
		name = f.Name()
		if f.Fd() <= 2 {
			name = [...]string{"standard input", "standard output", "standard error"}[f.Fd()]
			if target, lerr := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd())); lerr == nil && strings.HasPrefix(target, "/") {
				name += " (" + target + ")"
			}
		}
	}
	return fmt.Errorf("write %s: %w", name, err)
}

// byteSize is a flag value in bytes, given as a number with an optional
// K, M or G suffix (powers of 1024; "KiB", "MB" and the like too).
type byteSize int64

func (b *byteSize) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteSize) Set(s string) error {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	mult := int64(1)
	if t != "" {
		switch t[len(t)-1] {
		case 'K':
			mult = 1 << 10
		case 'M':
			mult = 1 << 20
		case 'G':
			mult = 1 << 30
		}
		if mult > 1 {
			t = t[:len(t)-1]
		}
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)/mult {
		return fmt.Errorf("size %q: want a positive number of bytes, optionally with K, M or G", s)
	}
	*b = byteSize(n * mult)
	return nil
}

func isDir(path string) bool {
	if path == "" {
		return false
	}
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}
