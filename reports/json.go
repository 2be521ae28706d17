package reports

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the report as JSON schema 1, indented, one document.
func WriteJSON(w io.Writer, r *Report) error {
	r.Normalize()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(r)
}
