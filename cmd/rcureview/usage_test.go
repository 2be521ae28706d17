package main

import (
	"regexp"
	"strings"
	"testing"
)

// helpCommands are the command lines whose --help is checked: every
// command and subcommand that takes options.
var helpCommands = [][]string{
	{"review"}, {"check"}, {"hook", "install"}, {"hook", "uninstall"},
	{"bot"}, {"bot", "status"}, {"bot", "state", "check"}, {"bot", "state", "repair"}, {"bot", "state", "rebuild-from-archive"},
	{"index"}, {"rcu-map"}, {"model", "run"}, {"model", "check"}, {"model", "litmus"},
	{"extract"}, {"rules"}, {"explain"},
}

var defaultsFlag = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)(?: [^\n]*)?\n\s+([^\n]*)`)

// TestUsageListsEveryFlag: the synopsis of a command's usage text (its
// "usage:" lines) names every flag the command accepts, as PrintDefaults
// lists them; aliases ("short for") and testing-only flags excepted.
func TestUsageListsEveryFlag(t *testing.T) {
	for _, cmd := range helpCommands {
		name := strings.Join(cmd, " ")
		t.Run(name, func(t *testing.T) {
			_, out, errOut := runCLI(t, "", append(append([]string(nil), cmd...), "--help")...)
			text := out + errOut
			i := strings.Index(text, "usage: ")
			if i < 0 {
				t.Fatalf("no usage: line in\n%s", text)
			}
			synopsis, _, _ := strings.Cut(text[i:], "\n\n")
			flags := defaultsFlag.FindAllStringSubmatch(text, -1)
			for _, m := range flags {
				flagName, doc := m[1], m[2]
				if strings.Contains(doc, "short for") || strings.Contains(doc, "testing only") {
					continue
				}
				if !regexp.MustCompile(`--` + regexp.QuoteMeta(flagName) + `\b([^-]|$)`).MatchString(synopsis) {
					t.Errorf("%s: --%s is accepted but not in the synopsis:\n%s", name, flagName, synopsis)
				}
			}
		})
	}
}
