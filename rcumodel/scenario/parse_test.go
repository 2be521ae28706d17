package scenario

import (
	"reflect"
	"strings"
	"testing"
)

const sample = `# a comment
scenario notrace-unlock-vs-expedited
doc "expedited IPI mid-reader;" "notrace unlock"
profile v6.12.117
config nohz_full=0 exp_forced_tick=false
object o unpublished
task T1 cpu=0
    rcu_read_lock        # enter
    rcu_read_unlock_notrace special=no
    spin
task T2 cpu=1 prio=rt
    synchronize_rcu_expedited
probe tick_stop
    rcu_read_lock
irq cpu=0 count=2
    deref o
check L1 L2
expect L1=violated P1=holds
bounds states=1000 depth=64
init x=1 y=&x
exists 0:r0=1 x=2
`

func TestParseSample(t *testing.T) {
	s, err := Parse("sample.rcu", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "notrace-unlock-vs-expedited" || s.Profile != "v6.12.117" {
		t.Fatalf("name/profile: %q %q", s.Name, s.Profile)
	}
	if s.Doc != "expedited IPI mid-reader; notrace unlock" {
		t.Fatalf("doc %q", s.Doc)
	}
	if v, _ := s.ConfigValue("exp_forced_tick"); v != "false" {
		t.Fatalf("config %v", s.Config)
	}
	if len(s.Blocks) != 4 || len(s.Blocks[0].Ops) != 3 {
		t.Fatalf("blocks %+v", s.Blocks)
	}
	un := s.Blocks[0].Ops[1]
	if v, _ := un.Attr("special"); un.Name != "rcu_read_unlock_notrace" || v != "no" || un.Pos != (Pos{9, 5}) {
		t.Fatalf("op %+v", un)
	}
	if cpu, _ := s.Blocks[2].IntAttr("cpu", -1); s.Blocks[2].Kind != BlockProbe || cpu != -1 {
		t.Fatalf("probe %+v", s.Blocks[2])
	}
	if n, _ := s.Blocks[3].IntAttr("count", 1); n != 2 {
		t.Fatalf("irq count %d", n)
	}
	if s.Objects[0].Published {
		t.Fatal("object should be unpublished")
	}
	if got := s.Expected(); got["L1"] != "violated" || got["P1"] != "holds" {
		t.Fatalf("expect %v", got)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"missing scenario", "profile x\n", "x.rcu:1:1: first directive must be"},
		{"empty", "", "missing \"scenario NAME\""},
		{"op outside block", "scenario a\n  rcu_read_lock\n", "x.rcu:2:3: operation \"rcu_read_lock\" outside"},
		{"unknown directive", "scenario a\ntsk T1\n", "x.rcu:2:1: unknown directive \"tsk\""},
		{"bad expect", "scenario a\nexpect L1=maybe\n", "x.rcu:2:8: expect L1=\"maybe\": want holds or violated"},
		{"bad config", "scenario a\nconfig nohz\n", "x.rcu:2:8: config: want key=value"},
		{"unterminated", "scenario a\ndoc \"abc\n", "x.rcu:2:5: unterminated string"},
		{"bad char", "scenario a\nconfig a=b;\n", "x.rcu:2:11: unexpected character ';'"},
		{"bad cpus", "scenario a\ncpus zero\n", "x.rcu:2:6: cpus: \"zero\" is not a positive number"},
		{"bad bound", "scenario a\nbounds time=3\n", "x.rcu:2:8: bounds: unknown bound \"time\""},
		{"two scenarios", "scenario a\nscenario b\n", "x.rcu:2:1: second \"scenario\""},
		{"task without name", "scenario a\ntask cpu=0\n", "x.rcu:2:1: task: want a name"},
		{"bad object state", "scenario a\nobject o gone\n", "x.rcu:2:10: object: \"gone\""},
		{"operation name is not a name", "scenario a\ntask T\n    =x\n", "x.rcu:3:5: a line must start with a directive or operation name"},
		{"empty task name", "scenario a\ntask \"\"\n", "x.rcu:2:1: task: want a name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("x.rcu", []byte(tc.src))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
		})
	}
}

func TestFormatRoundTrip(t *testing.T) {
	s, err := Parse("sample.rcu", []byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	s2, err := Parse("formatted", []byte(Format(s)))
	if err != nil {
		t.Fatalf("%v\n%s", err, Format(s))
	}
	if !reflect.DeepEqual(strip(s), strip(s2)) {
		t.Fatalf("round trip differs:\n%s\n---\n%s", Format(s), Format(s2))
	}
}

func TestBuilderMatchesText(t *testing.T) {
	b := New("b").WithProfile("v6.17").Set("nohz_full", "0").
		AddTask("T1", 0, O("rcu_read_lock"), O("rcu_read_unlock_notrace", "special=no")).
		AddObject("o", false).ExpectVerdict("L1", "violated")
	s, err := Parse("b", []byte(Format(b)))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(strip(b), strip(s)) {
		t.Fatalf("builder and parsed differ:\n%s", Format(b))
	}
}

// strip zeroes positions so scenarios can be compared.
func strip(s *Scenario) *Scenario {
	c := *s
	c.Pos = Pos{}
	c.Config = stripKV(c.Config)
	c.Expect = stripKV(c.Expect)
	c.Bounds = stripKV(c.Bounds)
	c.Init = stripKV(c.Init)
	c.Exists = stripKV(c.Exists)
	c.Objects = append([]Object(nil), s.Objects...)
	for i := range c.Objects {
		c.Objects[i].Pos = Pos{}
	}
	c.Blocks = nil
	for _, b := range s.Blocks {
		b.Pos = Pos{}
		b.Attrs = stripKV(b.Attrs)
		var ops []Op
		for _, op := range b.Ops {
			op.Pos = Pos{}
			op.Attrs = stripKV(op.Attrs)
			ops = append(ops, op)
		}
		b.Ops = ops
		c.Blocks = append(c.Blocks, b)
	}
	return &c
}

func stripKV(in []KV) []KV {
	var out []KV
	for _, kv := range in {
		kv.Pos = Pos{}
		out = append(out, kv)
	}
	return out
}

func FuzzParseScenario(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("scenario a\ntask T cpu=0\n  op x=\"a b\\\"\"\n"))
	f.Add([]byte("scenario a\nexpect P1=holds\nbounds states=3\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		s, err := Parse("fuzz", src)
		if err != nil {
			return
		}
		// Whatever parses must format and re-parse to the same scenario.
		s2, err := Parse("formatted", []byte(Format(s)))
		if err != nil {
			t.Fatalf("formatted scenario does not parse: %v\n%s", err, Format(s))
		}
		if !reflect.DeepEqual(strip(s), strip(s2)) {
			t.Fatalf("round trip differs:\n%s\n---\n%s", Format(s), Format(s2))
		}
	})
}
