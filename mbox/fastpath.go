package mbox

import (
	"strings"
	"time"
)

// Fast paths for the shapes almost every list mail uses. They return
// ok=false for anything unusual, and the general parsers take over.

// fastDate parses "[Ddd, ]D Mon YYYY HH:MM[:SS] ±HHMM" without the error
// allocations of time.Parse's trial-and-error over layouts.
func fastDate(s string) (time.Time, bool) {
	if i := strings.IndexByte(s, ','); i >= 0 {
		if i != 3 {
			return time.Time{}, false
		}
		s = s[4:]
	}
	f := strings.Fields(s)
	if len(f) != 5 {
		return time.Time{}, false
	}
	day, ok := atoiN(f[0], 1, 2)
	if !ok {
		return time.Time{}, false
	}
	month := monthIndex(f[1])
	year, ok := atoiN(f[2], 4, 4)
	if month == 0 || !ok {
		return time.Time{}, false
	}
	hms := strings.Split(f[3], ":")
	if len(hms) < 2 || len(hms) > 3 {
		return time.Time{}, false
	}
	var clock [3]int
	for i, p := range hms {
		if clock[i], ok = atoiN(p, 2, 2); !ok {
			return time.Time{}, false
		}
	}
	z := f[4]
	if len(z) != 5 || (z[0] != '+' && z[0] != '-') {
		return time.Time{}, false
	}
	zh, ok1 := atoiN(z[1:3], 2, 2)
	zm, ok2 := atoiN(z[3:], 2, 2)
	if !ok1 || !ok2 || zh > 14 || zm > 59 || day > 31 || clock[0] > 23 || clock[1] > 59 || clock[2] > 60 {
		return time.Time{}, false
	}
	off := zh*3600 + zm*60
	if z[0] == '-' {
		off = -off
	}
	loc := time.UTC
	if off != 0 {
		loc = time.FixedZone("", off)
	}
	return time.Date(year, time.Month(month), day, clock[0], clock[1], clock[2], 0, loc), true
}

// atoiN parses an unsigned decimal of min..max digits.
func atoiN(s string, min, max int) (int, bool) {
	if len(s) < min || len(s) > max {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// monthIndex returns 1..12 for an English month abbreviation, else 0.
func monthIndex(s string) int {
	const names = "JanFebMarAprMayJunJulAugSepOctNovDec"
	if len(s) != 3 {
		return 0
	}
	for i := 0; i < 12; i++ {
		if strings.EqualFold(names[i*3:i*3+3], s) {
			return i + 1
		}
	}
	return 0
}

// fastAddressList parses lists of "Plain Name <a@b>" and "a@b" entries
// whose names need no quoting, decoding or comment handling.
func fastAddressList(s string) ([]Address, bool) {
	if strings.ContainsAny(s, "\"()\\=;:[]") {
		return nil, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 || s[i] < ' ' && s[i] != '\t' {
			return nil, false
		}
	}
	out := make([]Address, 0, strings.Count(s, ",")+1)
	for len(s) > 0 {
		piece := s
		if i := strings.IndexByte(s, ','); i >= 0 {
			piece, s = s[:i], s[i+1:]
		} else {
			s = ""
		}
		piece = strings.TrimSpace(piece)
		if piece == "" {
			continue
		}
		var a Address
		if lt := strings.IndexByte(piece, '<'); lt >= 0 {
			if piece[len(piece)-1] != '>' || strings.Count(piece, "<") != 1 {
				return nil, false
			}
			a.Email = strings.TrimSpace(piece[lt+1 : len(piece)-1])
			a.Name = collapseWS(piece[:lt])
		} else {
			if strings.ContainsAny(piece, " \t>") {
				return nil, false
			}
			a.Email = piece
		}
		if strings.Count(a.Email, "@") != 1 || strings.ContainsAny(a.Email, " \t<>") {
			return nil, false
		}
		out = append(out, a)
	}
	return out, len(out) > 0
}
