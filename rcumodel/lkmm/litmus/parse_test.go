package litmus

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
)

const sb = `C SB+mb
"Store buffering" (* a comment *)
Result: Never
{
	x = 0; int *p = &y; 1:r9 = 3;
}

P0(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*x, 1);
	smp_mb();
	r0 = READ_ONCE(*y);
}

P1(int *x, int *y)
{
	int r0;

	WRITE_ONCE(*y, 1);
	smp_mb();
	r0 = READ_ONCE(*x);
}

locations [x; 1:r9]
filter (0:r0=0 \/ ~(1:r0=1))
exists (0:r0=0 /\ 1:r0=0 => x=1) (* trailing comment *)
`

func TestParse(t *testing.T) {
	tt, err := Parse([]byte(sb), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if tt.Name != "SB+mb" || tt.Doc != "Store buffering" || len(tt.Procs) != 2 || tt.Quant != Exists {
		t.Fatalf("got %+v", tt)
	}
	if len(tt.Init) != 3 || tt.Init[1].Val.Sym != "y" || tt.Init[2].Loc != (RLoc{Proc: 1, Name: "r9"}) || tt.Init[2].Val.Int != 3 {
		t.Fatalf("init %+v", tt.Init)
	}
	if len(tt.Locations) != 2 || tt.Filter == nil {
		t.Fatalf("locations %v filter %v", tt.Locations, tt.Filter)
	}
	// /\ binds looser than => in herd7's grammar.
	and, ok := tt.Cond.(*And)
	if !ok || len(and.Ps) != 2 {
		t.Fatalf("condition %#v", tt.Cond)
	}
	if _, ok := and.Ps[1].(*Implies); !ok {
		t.Fatalf("want 0:r0=0 /\\ (1:r0=0 => x=1), got %#v", tt.Cond)
	}
	// Macros expanded: WRITE_ONCE is a __store{once}, smp_mb a fence.
	body := tt.Procs[0].Body
	seq, ok := body[0].(*Seq)
	if !ok {
		t.Fatalf("WRITE_ONCE: %#v", body[0])
	}
	if st, ok := seq.Body[0].(*StoreMem); !ok || len(st.Annot) != 1 || st.Annot[0] != "once" || Line(st) != 12 {
		t.Fatalf("WRITE_ONCE: %#v", seq.Body[0])
	}
	c, ok := ResultClaim([]byte(sb))
	if !ok || c.Verdict != "Never" || c.Line != 3 {
		t.Fatalf("claim %+v", c)
	}
}

// TestParseErrors: what herd7 rejects is rejected, with a line.
func TestParseErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"bang", "C t\n{}\nP0(int *x) { int r0; r0 = !READ_ONCE(*x); }\nexists (0:r0=1)\n", "line 3: unexpected character '!'"},
		{"unknown macro", "C t\n{}\nP0(int *x) { call_rcu(x, 1); }\nexists (x=1)\n", "unknown macro call_rcu"},
		{"empty body", "C t\n{}\nP0(int *x) { }\nexists (x=1)\n", "empty block"},
		{"proc order", "C t\n{}\nP1(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", "processes must be P0, P1"},
		{"non-pointer param", "C t\n{}\nP0(int x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", "not a pointer"},
		{"ampersand init", "C t\n{ p = &x; }\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x=1)\n", "init"},
		{"bad condition", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (x==)\n", "condition"},
		{"missing proc", "C t\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists (3:r0=1)\n", "does not exist"},
		{"no init", "C t\nP0(int *x) WRITE_ONCE(*x, 1);\n", "no init section"},
		{"first line", "\n\nC t\n{}\n", "first line"},
		{"comparison chain", "C t\n{}\nP0(int *x) { int r0; r0 = 1 == 2 == 3; }\nexists (x=1)\n", "not associative"},
	} {
		_, err := Parse([]byte(tc.src), Options{})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error with %q", tc.name, err, tc.want)
		}
	}
	_, err := Parse([]byte("LISA t\n{}\nP0 | ;\n"), Options{})
	if !errors.Is(err, ErrDialect) || !errors.Is(err, ErrUnsupported) {
		t.Errorf("LISA: got %v", err)
	}
	_, err = Parse([]byte("C t\n{}\nP0(int *x) { int r0; r0 = atomic_load_explicit(x, memory_order_relaxed); }\nexists (x=1)\n"), Options{})
	if Construct(err) != "atomic_load_explicit" {
		t.Errorf("C11: got %v (construct %q)", err, Construct(err))
	}
}

// heapAfter runs f and returns the bytes it allocated in total, an upper
// bound of the memory it held.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// hostile generates the inputs of issue 12: huge numbers of registers,
// locations, processes, nesting and statements.
func hostile() map[string]string {
	var b strings.Builder
	out := map[string]string{}
	regs := func(n int) string {
		b.Reset()
		b.WriteString("C regs\n{}\nP0(int *x)\n{\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\tint r%d = READ_ONCE(*x);\n", i)
		}
		b.WriteString("}\nexists (0:r0=1)\n")
		return b.String()
	}
	out["6000 registers"] = regs(6000)
	out["50000 registers"] = regs(50000)
	b.Reset()
	b.WriteString("C vars\n{}\nP0(")
	for i := 0; i < 50000; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "int *x%d", i)
	}
	b.WriteString(")\n{\n\tWRITE_ONCE(*x0, 1);\n}\nexists (x0=1)\n")
	out["50000 variables"] = b.String()
	b.Reset()
	b.WriteString("C procs\n{}\n")
	for i := 0; i < 5000; i++ {
		fmt.Fprintf(&b, "P%d(int *x) { WRITE_ONCE(*x, %d); }\n", i, i)
	}
	b.WriteString("exists (x=1)\n")
	out["5000 processes"] = b.String()
	out["deep nesting"] = "C deep\n{}\nP0(int *x) { int r0; r0 = " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000) + "; }\nexists (x=1)\n"
	out["deep condition"] = "C deep\n{}\nP0(int *x) { WRITE_ONCE(*x, 1); }\nexists " + strings.Repeat("~(", 100000) + "x=1" + strings.Repeat(")", 100000) + "\n"
	out["long expression"] = "C long\n{}\nP0(int *x) { int r0; r0 = 1" + strings.Repeat(" + READ_ONCE(*x)", 60000) + "; }\nexists (x=1)\n"
	b.Reset()
	b.WriteString("C ifs\n{}\nP0(int *x)\n{\n\tint r0 = READ_ONCE(*x);\n")
	for i := 0; i < 40; i++ {
		b.WriteString("\tif (r0) WRITE_ONCE(*x, 2);\n")
	}
	b.WriteString("}\nexists (x=1)\n")
	out["40 branches"] = b.String()
	out["1 MiB of blanks"] = "C blank\n{}\nP0(int *x) { WRITE_ONCE(*x, 1);" + strings.Repeat(" ", 1<<20) + "}\nexists (x=1)\n"
	return out
}

// TestHostileParse: every hostile input is refused or parsed within the
// limits, in far less than 512 MiB.
func TestHostileParse(t *testing.T) {
	for name, src := range hostile() {
		var err error
		n := allocated(func() { _, err = Parse([]byte(src), Options{}) })
		t.Logf("%s (%d KB): %v; allocated %d MiB", name, len(src)>>10, err, n>>20)
		if n > 256<<20 {
			t.Errorf("%s: parsing allocated %d MiB", name, n>>20)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sb))
	f.Add([]byte("C t\n{}\nP0(spinlock_t *l, int *x) { int r; if (spin_trylock(l)) { r = xchg_acquire(x, 2); spin_unlock(l); } while (r == 0) r = READ_ONCE(*x); }\n~exists (0:r=2)\n"))
	f.Add([]byte("C t\n{ int *p = &x; 0:r1 = x; }\nP0(int **p, struct srcu_struct *s) { int *r0; int r1; r1 = srcu_read_lock(s); r0 = rcu_dereference(*p); srcu_read_unlock(s, r1); }\nforall (0:r0=x \\/ 0:r0=0)\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		var tt *Test
		var err error
		n := allocated(func() { tt, err = Parse(src, Options{}) })
		// Linear in the input: a small constant per byte.
		if limit := uint64(64<<20 + 4096*len(src)); n > limit {
			t.Fatalf("parsing %d bytes allocated %d bytes", len(src), n)
		}
		if err != nil {
			return
		}
		// Invariants of a parsed test.
		if tt.Name == "" || len(tt.Procs) == 0 || tt.Cond == nil {
			t.Fatalf("parsed test without name, processes or condition: %+v", tt)
		}
		for i, p := range tt.Procs {
			if p.Index != i {
				t.Fatalf("process %d has index %d", i, p.Index)
			}
			WalkInstrs(p.Body, func(i Instr) {
				if _, ok := i.(*PCall); ok {
					t.Fatalf("unexpanded call %+v", i)
				}
			})
		}
	})
}
