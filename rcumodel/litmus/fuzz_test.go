package litmus

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse feeds arbitrary text to the parser and, when it parses, to the
// checker with a small state bound: neither may panic.
func FuzzParse(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "*.litmus"))
	for _, s := range seeds {
		src, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	f.Add([]byte("C t\n{ x=y; 0:r1=x; }\nP0(int *x) { int r0 = (int)READ_ONCE(*x); if (r0) { r0 = r0 + 1; } }\nexists (0:r0=1 \\/ ~(x=y))\n"))
	f.Add([]byte("C t\n\"doc\"\nkey=val\n{}\n{ #include \"api.h\" }\nP0(int *x) { (* x *) }\nlocations [x]\nfilter (x=0)\n~exists (x=1)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		tst, err := Parse(src)
		if err != nil {
			return
		}
		_ = Check(tst, Options{MaxStates: 2000})
	})
}
