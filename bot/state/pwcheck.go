package state

import (
	"time"
)

// Patchwork check states: a patchwork check goes from intended (recorded with the
// series, before anything is posted) to posted, or to failed when
// patchwork refused it (a 4xx) or never listed the patch.
const (
	CheckIntended = "intended"
	CheckPosted   = "posted"
	CheckFailed   = "failed"
)

// PWCheck is one patchwork check of a reviewed patch, from intent to post.
type PWCheck struct {
	PatchMsgID  string `json:"patch_msgid"` // without angle brackets
	SeriesKey   string `json:"series_key"`
	Context     string `json:"context"`
	State       string `json:"state"`       // CheckIntended, CheckPosted, CheckFailed
	CheckState  string `json:"check_state"` // patchwork's: success, warning, fail
	Description string `json:"description"`
	TargetURL   string `json:"target_url,omitempty"`
	// PatchIDs are the patchwork patches the Message-ID names (one per
	// project it reached), once looked up; Done those that have the check.
	PatchIDs  []int     `json:"patch_ids,omitempty"`
	Done      []int     `json:"done,omitempty"`
	Intended  time.Time `json:"intended"`
	Posted    time.Time `json:"posted,omitzero"`
	Attempts  int       `json:"attempts"`
	LastError string    `json:"last_error,omitempty"`
}

// Key is the record's key: one check per context and patch.
func (c PWCheck) Key() string { return c.Context + " " + c.PatchMsgID }

// PutPWCheck stores c.
func (t *Tx) PutPWCheck(c PWCheck) error { return t.putJSON(bChecks, c.Key(), c) }

// GetPWCheck returns the check of a context on a patch.
func (t *Tx) GetPWCheck(context, patchMsgID string) (PWCheck, bool, error) {
	var c PWCheck
	if t.b(bChecks) == nil {
		return c, false, nil
	}
	ok, err := t.getJSON(bChecks, context+" "+patchMsgID, &c)
	return c, ok, err
}

// PWChecks returns the checks in the given state ("" for all), in key order.
func (t *Tx) PWChecks(state string) ([]PWCheck, error) {
	var out []PWCheck
	if t.b(bChecks) == nil {
		return nil, nil // a state written before checks existed, read only
	}
	for _, k := range t.sortedKeys(bChecks) {
		var c PWCheck
		if _, err := t.getJSON(bChecks, k, &c); err != nil {
			return nil, err
		}
		if state == "" || c.State == state {
			out = append(out, c)
		}
	}
	return out, nil
}
