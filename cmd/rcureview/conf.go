package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// confName is the options file review and check read, as checkpatch.pl
// reads .checkpatch.conf.
const confName = ".rcureview.conf"

// confFile is the options file a run used.
type confFile struct {
	Path string   // "" when none was found (or --no-conf)
	Args []string // the options it holds, in order
}

// Note is the report note naming the file and its options.
func (c confFile) Note() string {
	return fmt.Sprintf("options from %s: %s", c.Path, strings.Join(c.Args, " "))
}

// parseWithConf parses args into a flag set that build binds to a fresh
// T, with the options of the first .rcureview.conf found in front of
// them: in the working directory, the root of the tree the options name
// (root reads it from a parsed T; "" for none), then $HOME. The command
// line comes last, so it overrides the file (list options such as
// --ignore add up). --no-conf, when the flag set has it, skips the file.
func parseWithConf[T any](build func(*T) *flag.FlagSet, args []string, root func(*T) string) (*T, *flag.FlagSet, confFile, error) {
	v := new(T)
	set := build(v)
	if err := set.Parse(args); err != nil {
		return nil, nil, confFile{}, err
	}
	if nc := set.Lookup("no-conf"); nc != nil && nc.Value.String() == "true" {
		return v, set, confFile{}, nil
	}
	var dirs []string
	if wd, err := os.Getwd(); err == nil {
		dirs = append(dirs, wd)
	}
	if r := root(v); r != "" {
		dirs = append(dirs, r)
	}
	if home, err := os.UserHomeDir(); err == nil {
		dirs = append(dirs, home)
	}
	conf, err := findConf(dirs)
	if err != nil || conf.Path == "" {
		return v, set, conf, err
	}
	v = new(T)
	set = build(v)
	if err := set.Parse(conf.Args); err != nil {
		return nil, nil, conf, fmt.Errorf("%s: %w", conf.Path, err)
	}
	if set.NArg() > 0 {
		return nil, nil, conf, fmt.Errorf("%s: %q is not an option (the file holds options only)", conf.Path, set.Arg(0))
	}
	if err := set.Parse(args); err != nil {
		return nil, nil, conf, err
	}
	return v, set, conf, nil
}

// findConf reads the first options file among dirs.
func findConf(dirs []string) (confFile, error) {
	for _, d := range dirs {
		p := filepath.Join(d, confName)
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return confFile{}, fmt.Errorf("options file: %w", err)
		}
		defer f.Close()
		args, err := readConf(f)
		if err != nil {
			return confFile{}, fmt.Errorf("%s: %w", p, err)
		}
		return confFile{Path: p, Args: args}, nil
	}
	return confFile{}, nil
}

// readConf splits an options file as checkpatch.pl splits
// .checkpatch.conf: words separated by white space, a word starting
// with # comments out the rest of its line.
func readConf(f *os.File) ([]string, error) {
	var args []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		for _, w := range strings.Fields(sc.Text()) {
			if strings.HasPrefix(w, "#") {
				break
			}
			args = append(args, w)
		}
	}
	return args, sc.Err()
}

// workTreeRoot is the directory at or above dir that holds .git (the top
// of a work tree), or dir itself when none does.
func workTreeRoot(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir
	}
	for d := abs; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		up := filepath.Dir(d)
		if up == d {
			return abs
		}
		d = up
	}
}

// confExit reports a parse error of cmd's options (the flag package has
// already printed its own) and returns the exit status.
func confExit(cmd string, err error, stderr io.Writer) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if strings.Contains(err.Error(), confName) {
		fmt.Fprintf(stderr, "rcureview %s: %v\n", cmd, err)
	}
	return 2
}
