package mbox

import (
	"os"
	"strings"
	"testing"
)

// inputLinesAgree checks that every diff line of every patch in input maps
// to the input line holding the same text, and returns how many lines
// were checked and how many were unknown (0).
func inputLinesAgree(t *testing.T, input string) (checked, unknown int) {
	t.Helper()
	lines := strings.Split(input, "\n")
	for msg, err := range Messages(NewSplitter(strings.NewReader(input))) {
		if err != nil {
			t.Fatal(err)
		}
		p := ExtractPatch(msg)
		if p.Kind != KindPatch {
			continue
		}
		for k, dl := range strings.Split(strings.TrimSuffix(p.Diff, "\n"), "\n") {
			n := p.InputLine(k + 1)
			if n == 0 {
				unknown++
				continue
			}
			checked++
			if n > len(lines) || strings.TrimRight(lines[n-1], "\r") != dl {
				t.Fatalf("%s: diff line %d %q maps to input line %d %q", p.Subject, k+1, dl, n, lines[min(n, len(lines))-1])
			}
		}
	}
	return checked, unknown
}

func TestInputLineCountsTheInputFile(t *testing.T) {
	data, err := os.ReadFile("../testdata/rcu-read-lock-notrace.mbox")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, input string
	}{
		{"mbox with cover and two patches", string(data)},
		{"same with leading blank lines and CRLF", "\n\n" + strings.ReplaceAll(string(data), "\n", "\r\n")},
		{"single mail without From_ line", "Message-ID: <x@y>\nFrom: A <a@b.c>\nSubject: [PATCH] x\n\nmsg\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b\n"},
		{"multipart with the diff in an 8bit attachment",
			"From x@y Mon Jan  1 00:00:00 2024\nMessage-ID: <m@y>\nFrom: A <a@b.c>\nSubject: [PATCH] m\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=BB\n\n--BB\nContent-Type: text/plain\n\nSee attached.\n--BB\nContent-Type: text/x-patch\nContent-Transfer-Encoding: 8bit\n\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b\n--BB--\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checked, unknown := inputLinesAgree(t, tc.input)
			if checked == 0 || unknown != 0 {
				t.Errorf("%d lines checked, %d unknown", checked, unknown)
			}
		})
	}
	qp := "Message-ID: <q@y>\nFrom: A <a@b.c>\nSubject: [PATCH] q\nContent-Transfer-Encoding: quoted-printable\n\nmsg\n---\ndiff --git a/f b/f\n--- a/f\n+++ b/f\n@@ -1 +1,2 @@\n a\n+b=3D1\n"
	if checked, unknown := inputLinesAgree(t, qp); checked != 0 || unknown == 0 {
		t.Errorf("quoted-printable body: %d lines mapped (its lines are decoded, not the input's)", checked)
	}
}
