package cscan_test

import (
	"fmt"

	"github.com/rcureview/rcureview/cscan"
)

func ExampleScanner() {
	src := []byte("#define F(x) g(x)\nvoid f(void) { p->n <<= 1; /* done */ }\n")
	var s cscan.Scanner
	s.Init(src, 1, cscan.ScanComments, nil)
	for t := s.Scan(); t.Kind != cscan.EOF; t = s.Scan() {
		text := t.Text
		if t.Kind == cscan.Comment || t.Kind == cscan.Number {
			text = string(src[t.Off:t.End])
		}
		fmt.Printf("%d:%d %s %q\n", t.Line, t.Off, t.Kind, text)
	}
	// Output:
	// 1:0 Directive "define F(x) g(x)"
	// 2:18 Ident "void"
	// 2:23 Ident "f"
	// 2:24 Punct "("
	// 2:25 Ident "void"
	// 2:29 Punct ")"
	// 2:31 Punct "{"
	// 2:33 Ident "p"
	// 2:34 Punct "->"
	// 2:36 Ident "n"
	// 2:38 Punct "<<="
	// 2:42 Number "1"
	// 2:43 Punct ";"
	// 2:45 Comment "/* done */"
	// 2:56 Punct "}"
}
