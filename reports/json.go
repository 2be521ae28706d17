package reports

import (
	"bytes"
	"encoding/json"
	"io"
)

// WriteJSON writes the report as JSON schema 1, indented, one document.
// Characters a terminal acts on are written as \u escapes.
func WriteJSON(w io.Writer, r *Report) error {
	r.Normalize()
	return encodeJSON(w, r)
}

// encodeJSON writes v as indented JSON with every control character
// escaped (escapeJSONText), so that the file can be shown on a terminal.
func encodeJSON(w io.Writer, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(escapeJSONText(buf.Bytes()))
	return err
}
