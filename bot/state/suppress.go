package state

import "time"

// Suppression is a rule a list member answered "rcureview: invalid RULE"
// (or false-positive) to: the bot reports it no more in that thread.
type Suppression struct {
	Thread    string    `json:"thread"` // the thread's root Message-ID
	Rule      string    `json:"rule"`
	Verdict   string    `json:"verdict"` // "invalid" or "false-positive"
	By        string    `json:"by"`      // the address of the list member
	MessageID string    `json:"message_id"`
	Time      time.Time `json:"time"`
}

// Key is the record's key: one per thread and rule.
func (s Suppression) Key() string { return s.Thread + " " + s.Rule }

// PutSuppression records s (a later answer for the same rule replaces it).
func (t *Tx) PutSuppression(s Suppression) error { return t.putJSON(bSuppress, s.Key(), s) }

// Suppressed returns the rules suppressed in a thread.
func (t *Tx) Suppressed(thread string) ([]Suppression, error) {
	all, err := t.Suppressions()
	if err != nil {
		return nil, err
	}
	var out []Suppression
	for _, s := range all {
		if s.Thread == thread {
			out = append(out, s)
		}
	}
	return out, nil
}

// Suppressions returns every suppression, in key order.
func (t *Tx) Suppressions() ([]Suppression, error) {
	if t.b(bSuppress) == nil {
		return nil, nil // a state written before suppressions existed, read only
	}
	var out []Suppression
	for _, k := range t.sortedKeys(bSuppress) {
		var s Suppression
		if _, err := t.getJSON(bSuppress, k, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
