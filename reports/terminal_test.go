package reports

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestEscapeControl(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, tab\tkept":  "plain text, tab\tkept",
		"title \x1b]0;PWNED\x07": `title \x1b]0;PWNED\x07`,
		"clear \x1b[2J":          `clear \x1b[2J`,
		"two\nlines\r":           `two\nlines\r`,
		"del \x7f nul \x00":      `del \x7f nul \x00`,
		"c1 csi \u009b31m":       `c1 csi \u009b31m`,
		"bidi \u202egnp.exe":     `bidi \u202egnp.exe`,
		"isolate \u2067x\u2069":  `isolate \u2067x\u2069`,
		"bad utf-8 \xff\xfe":     `bad utf-8 \xff\xfe`,
		"non-ASCII … ü 漢":        "non-ASCII … ü 漢",
	} {
		if got := EscapeControl(in); got != want {
			t.Errorf("EscapeControl(%q) = %q, want %q", in, got, want)
		}
	}
}

// rawControl finds what a terminal would act on in output: C0 controls
// other than tab and newline, DEL, C1 controls, bidi overrides.
var rawControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f]|\u0080|[\u0081-\u009f]|[\u202a-\u202e\u2066-\u2069]")

// TestFormatsEscapeWhatTheMailSent fills every string a report can carry
// from a mail with terminal control sequences and checks that no format
// that can end up on a terminal writes them raw, while the text format's
// own colours and the tabs of source lines stay.
func TestFormatsEscapeWhatTheMailSent(t *testing.T) {
	evil := "\x1b]0;PWNED\x07\x1b[2J\u009b8m\u202e\x7f"
	r := sampleReport()
	p := r.Patches[0]
	p.Subject += evil
	p.MessageID += evil
	p.Error = "failed " + evil
	p.Hunks[0].File += evil
	p.Hunks[0].FunctionAfter = evil
	r.Notes = append(r.Notes, "series "+evil)
	f := &p.Findings[1]
	f.File += evil
	f.Message += evil
	f.Source = "+\tcall(); /* " + evil + " */"
	f.Chain[0].Function += evil
	f.Config = append(f.Config, evil)
	p.Findings[0].Trace.Steps[0].Event += evil
	for _, format := range []string{"text", "json", "sarif", "html"} {
		var b bytes.Buffer
		if err := NewFormats().Write(&b, format, r); err != nil {
			t.Fatal(err)
		}
		if m := rawControl.FindString(b.String()); m != "" {
			t.Errorf("%s writes %q raw", format, m)
		}
		if format == "json" {
			var back Report
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatal(err)
			}
			if back.Patches[0].Subject != p.Subject {
				t.Errorf("json changed the subject: %q", back.Patches[0].Subject)
			}
		}
	}
	var b bytes.Buffer
	WriteText(&b, r, TextOptions{Color: true})
	out := b.String()
	if !strings.Contains(out, sgrRed+"ERROR"+sgrReset) || !strings.Contains(out, `+`+"\t"+`call(); /* \x1b]0;PWNED\x07\x1b[2J\u009b8m\u202e\x7f */`) {
		t.Errorf("colours or the escaped source line are missing:\n%s", out)
	}
	if strings.Contains(r.Patches[0].Subject, `\x1b`) {
		t.Error("writing changed the report")
	}
}
