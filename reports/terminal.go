package reports

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Subjects, Message-IDs, paths, source lines and error messages come from
// the sender of a mail. Written as they are, their control characters act
// on the terminal that shows the report (set its title, clear the screen,
// recolour or hide text) and bidirectional overrides reorder what is
// shown. Every human-readable format therefore shows them visibly, as
// escapes in the style of git's quoted paths and Go's strconv.Quote.

// EscapeControl returns s with every character that a terminal would act
// on, or that changes how the text around it is shown, replaced by a
// visible escape: C0 controls other than tab (\n, \r, \x1b, …), DEL
// (\x7f), C1 controls (\u009b, …), the bidirectional embeddings,
// overrides and isolates (\u202e, …) and bytes that are not UTF-8
// (\xff). Everything else, tab included, is kept.
func EscapeControl(s string) string {
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	b.WriteString(s[:i])
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !needsEscape(r, size) {
			b.WriteString(s[i : i+size])
			i += size
			continue
		}
		switch {
		case r == utf8.RuneError:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += size
	}
	return b.String()
}

func needsEscape(r rune, size int) bool {
	switch {
	case r == utf8.RuneError && size == 1:
		return true
	case r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// escapedCopy returns a copy of r in which every string, at any depth
// (subjects, paths, messages, chains, traces, mail context), went through
// EscapeControl; r itself is not changed. It walks the report by
// reflection so that a field added to the report later is covered too.
func escapedCopy(r *Report) *Report {
	v := escapeValue(reflect.ValueOf(r))
	return v.Interface().(*Report)
}

func escapeValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.String:
		out := reflect.New(v.Type()).Elem()
		out.SetString(EscapeControl(v.String()))
		return out
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(escapeValue(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		out.Set(v) // unexported fields are kept as they are
		for i := 0; i < v.NumField(); i++ {
			if out.Field(i).CanSet() {
				out.Field(i).Set(escapeValue(v.Field(i)))
			}
		}
		return out
	case reflect.Slice:
		if v.IsNil() || v.Type().Elem().Kind() == reflect.Uint8 {
			return v // nil, or bytes (not text)
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(escapeValue(v.Index(i)))
		}
		return out
	case reflect.Array:
		out := reflect.New(v.Type()).Elem()
		for i := 0; i < v.Len(); i++ {
			out.Index(i).Set(escapeValue(v.Index(i)))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return v
		}
		out := reflect.MakeMapWithSize(v.Type(), v.Len())
		for it := v.MapRange(); it.Next(); {
			out.SetMapIndex(escapeValue(it.Key()), escapeValue(it.Value()))
		}
		return out
	case reflect.Interface:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type()).Elem()
		out.Set(escapeValue(v.Elem()))
		return out
	}
	return v
}

// escapeJSONText replaces, in encoded JSON, the characters that
// encoding/json leaves raw but a terminal acts on (DEL, C1 controls,
// bidirectional overrides) by their \u escapes, which mean the same to a
// JSON reader. JSON's structure is printable ASCII, so they can only
// occur inside strings.
func escapeJSONText(data []byte) []byte {
	s := string(data)
	i := 0
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '\t' && r != '\n' && needsEscape(r, size) {
			break
		}
		i += size
	}
	if i == len(s) {
		return data
	}
	out := make([]byte, 0, len(data)+32)
	out = append(out, s[:i]...)
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r != '\t' && r != '\n' && needsEscape(r, size) && r != utf8.RuneError {
			out = fmt.Appendf(out, `\u%04x`, r)
		} else {
			out = append(out, s[i:i+size]...)
		}
		i += size
	}
	return out
}
