package diffparse

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// corpus is the shared test corpus, relative to this package directory.
const corpus = "../../shared/corpus/"

// readCorpus returns a corpus file, skipping the test when it is absent.
func readCorpus(t testing.TB, rel string) string {
	t.Helper()
	b, err := os.ReadFile(corpus + rel)
	if errors.Is(err, os.ErrNotExist) {
		t.Skip("corpus not present: " + corpus + rel)
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// diffPart returns the text of a mail from its first "diff --git" or
// "Index:" line on (mbox parsing is another package's job).
func diffPart(t testing.TB, mail string) string {
	t.Helper()
	for i := 0; i < len(mail); {
		if strings.HasPrefix(mail[i:], "diff --git ") || strings.HasPrefix(mail[i:], "Index: ") {
			return mail[i:]
		}
		j := strings.IndexByte(mail[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	t.Fatal("no diff in mail")
	return ""
}

// mustParse parses diff or fails the test.
func mustParse(t testing.TB, diff string) []*File {
	t.Helper()
	files, err := Parse(diff)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return files
}

// numbered returns n lines "line 1".."line n", each ending in "\n".
func numbered(from, n int) string {
	var b strings.Builder
	for i := from; i < from+n; i++ {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(i))
		b.WriteByte('\n')
	}
	return b.String()
}
