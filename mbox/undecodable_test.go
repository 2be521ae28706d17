package mbox

import (
	"encoding/base64"
	"strings"
	"testing"
)

// TestBrokenTransferEncodingIsNotAMailWithoutPatch: a mail whose body is
// not valid in its transfer encoding and yields no diff may have been a
// patch; LostToDecoding says so, unless the mail is a reply by its subject.
func TestBrokenTransferEncodingIsNotAMailWithoutPatch(t *testing.T) {
	diff := "Fix it.\n\nSigned-off-by: Dev <dev@example.org>\n---\ndiff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -1 +1 @@\n-a\n+b\n"
	b64 := base64.StdEncoding.EncodeToString([]byte(diff))
	mail := func(subject, extra, body string) string {
		return "From: Dev <dev@example.org>\nSubject: " + subject + "\nMessage-ID: <m@example.org>\n" + extra + "\n" + body
	}
	b64hdr := "MIME-Version: 1.0\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n"
	for _, tc := range []struct {
		name, mail  string
		kind        Kind
		lost, undec bool
	}{
		{"valid base64 patch", mail("[PATCH] x", b64hdr, b64+"\n"), KindPatch, false, false},
		{"garbage as base64", mail("[PATCH] x", b64hdr, "!!!! not base64 ~~~~ ****\n"), KindOther, true, true},
		{"truncated base64 diff", mail("[PATCH] x", b64hdr, b64[:13]+"\n"), KindOther, true, true},
		{"stray bytes, diff still decoded", mail("[PATCH] x", b64hdr, b64[:len(b64)/2]+"\n!\n"+b64[len(b64)/2:]+"\n"), KindPatch, false, true},
		{"threaded patch with garbage", mail("[PATCH 2/2] x", "In-Reply-To: <c@example.org>\n"+b64hdr, "@@@@\n"), KindReply, true, true},
		{"reply with garbage", mail("Re: [PATCH] x", "In-Reply-To: <c@example.org>\n"+b64hdr, "@@@@\n"), KindReply, false, true},
		{"malformed quoted-printable", mail("[PATCH] x", "Content-Transfer-Encoding: quoted-printable\n", "a =ZZ b =\n"), KindOther, true, true},
		{"clean quoted-printable", mail("x", "Content-Transfer-Encoding: quoted-printable\n", "a =3D b=\nc\n"), KindOther, false, false},
		{"multipart boundary never appears", mail("[PATCH] x", "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"XYZZY\"\n",
			"preamble\n--OTHER\nContent-Type: text/plain\n\n"+diff), KindOther, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseMessage(&RawMessage{Data: []byte(tc.mail)})
			if err != nil {
				t.Fatal(err)
			}
			p := ExtractPatch(m)
			if p.Kind != tc.kind {
				t.Errorf("kind %v, want %v", p.Kind, tc.kind)
			}
			if got := m.Undecodable != ""; got != tc.undec {
				t.Errorf("Undecodable %q, want set=%v", m.Undecodable, tc.undec)
			}
			why := p.LostToDecoding()
			if (why != "") != tc.lost {
				t.Errorf("LostToDecoding %q, want set=%v", why, tc.lost)
			}
			if why != "" && !strings.Contains(why, "cannot be decoded") {
				t.Errorf("LostToDecoding %q does not say what happened", why)
			}
		})
	}
}
