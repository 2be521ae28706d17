package mbox

import (
	"bytes"
	"net/mail"
	"reflect"
	"testing"
)

// The fast paths must agree with the general parsers wherever they accept
// a value; checked on every Date/From/To/Cc header of the corpus.
func TestFastPathsAgreeWithGeneralParsers(t *testing.T) {
	checked := 0
	for _, p := range corpusFiles(t) {
		if !isMailFile(p) {
			continue
		}
		msgs, _ := ReadAll(bytes.NewReader(readCorpus(t, p[len(corpusDir)+1:])))
		for _, m := range msgs {
			for _, d := range m.Header["Date"] {
				ft, ok := fastDate(d)
				if !ok {
					continue
				}
				checked++
				st, err := mail.ParseDate(d)
				if err != nil || !st.Equal(ft) {
					t.Errorf("%s: fastDate(%q) = %v, net/mail %v %v", p, d, ft, st, err)
				}
			}
			for _, key := range []string{"From", "To", "Cc"} {
				for _, v := range m.Header[key] {
					fa, ok := fastAddressList(v)
					if !ok {
						continue
					}
					checked++
					list, err := addressParser.ParseList(v)
					if err != nil {
						t.Errorf("%s: fast path accepted %q, net/mail: %v", p, v, err)
						continue
					}
					var sa []Address
					for _, a := range list {
						sa = append(sa, Address{Name: a.Name, Email: a.Address})
					}
					if !reflect.DeepEqual(fa, sa) {
						t.Errorf("%s: %q: fast %+v, net/mail %+v", p, v, fa, sa)
					}
				}
			}
		}
	}
	if checked < 100 {
		t.Errorf("only %d values checked", checked)
	}
}
