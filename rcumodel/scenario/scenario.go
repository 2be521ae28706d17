// Package scenario defines the text format of RCU model scenarios and its
// parser. It knows the shape of a scenario (directives, blocks, operations
// with arguments), not what an operation means: package rcumodel compiles a
// Scenario into a model and reports unknown operations at their position.
//
// # Format
//
// A scenario is a line-oriented text file. '#' starts a comment. A line
// that starts in column 1 is a directive; an indented line is an operation
// of the block opened by the last task/probe/irq/nmi directive.
//
//	scenario NAME                 # required, first directive
//	doc "free text"               # optional; may repeat (lines are joined)
//	profile v6.12.117             # read-side implementation (see rcumodel.Profiles)
//	config key=value ...          # knobs, e.g. nohz_full=0 preempt_rt=true
//	cpus 2                        # optional, default: highest cpu used + 1
//	task NAME cpu=N [prio=normal|rt] [cpus=0,1] [start=running|sleeping|blocked]
//	                              # cpus: CPUs the load balancer may move it to;
//	                              # sleeping: woken at some point; blocked: only
//	                              # by a wake_up of the scenario
//	    op [arg ...] [key=value ...]
//	probe TRACEPOINT              # script run whenever TRACEPOINT fires
//	    op ...
//	irq cpu=N [count=K]           # device interrupt handler, delivered up to K times
//	    op ...
//	nmi cpu=N [count=K]
//	    op ...
//	softirq NAME                  # softirq handler, run by handle_softirqs() once
//	    op ...                    # "raise_softirq NAME" raised it (irq_exit(),
//	                              # local_bh_enable(), ksoftirqd)
//	object NAME [published|unpublished]
//	check P1 L1 ...               # properties to check (default: all)
//	expect P1=holds L1=violated   # expected verdicts (holds|violated)
//	bounds states=N depth=N
//	init x=0 y=&x                 # shared variables (litmus-style), values or &var
//	exists 0:r0=1 1:r1=0          # final-state condition (conjunction), property EXISTS
//
// Values are bare words ([A-Za-z0-9_.:+-]) or double-quoted strings with
// \" and \\ escapes. Example:
//
//	scenario notrace-unlock-vs-expedited
//	profile v6.12.117
//	config nohz_full=0 exp_forced_tick=false
//	task T1 cpu=0
//	    rcu_read_lock
//	    rcu_read_unlock_notrace special=no
//	    spin
//	task T2 cpu=1
//	    synchronize_rcu_expedited
//	expect L1=violated
package scenario

import (
	"fmt"
	"sort"
	"strconv"
)

// Pos is a 1-based line:column position in the scenario text.
type Pos struct {
	Line, Col int
}

// String formats the position as "line:col".
func (p Pos) String() string { return fmt.Sprintf("%d:%d", p.Line, p.Col) }

// KV is a key=value attribute.
type KV struct {
	Key, Value string
	Pos        Pos
}

// Op is one operation of a script: a name, positional arguments and
// key=value attributes.
type Op struct {
	Name  string
	Args  []string
	Attrs []KV
	Pos   Pos
}

// Attr returns the value of attribute key and whether it is present.
func (o Op) Attr(key string) (string, bool) { return lookup(o.Attrs, key) }

// Block kinds.
const (
	BlockTask  = "task"
	BlockProbe = "probe"
	BlockIRQ   = "irq"
	BlockNMI   = "nmi"
	// BlockSoftirq is a softirq handler (an open_softirq() action or a
	// tasklet) raised by the raise_softirq NAME operation.
	BlockSoftirq = "softirq"
)

// Block is a task, tracepoint probe, irq handler or NMI handler script.
type Block struct {
	Kind  string // BlockTask, BlockProbe, BlockIRQ, BlockNMI, BlockSoftirq
	Name  string // task name or tracepoint name; empty for irq/nmi
	Attrs []KV
	Ops   []Op
	Pos   Pos
}

// Attr returns the value of attribute key and whether it is present.
func (b Block) Attr(key string) (string, bool) { return lookup(b.Attrs, key) }

// IntAttr returns attribute key as an int, def when absent.
func (b Block) IntAttr(key string, def int) (int, error) {
	v, ok := b.Attr(key)
	if !ok {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %s %s: %s=%q is not a number", b.Pos, b.Kind, b.Name, key, v)
	}
	return n, nil
}

// Object is a memory object readers may reference and updaters free.
type Object struct {
	Name      string
	Published bool
	Pos       Pos
}

// Scenario is one parsed scenario.
type Scenario struct {
	Name    string
	Doc     string
	Profile string
	Config  []KV
	CPUs    int // 0: derived from the blocks
	Blocks  []Block
	Objects []Object
	Check   []string
	Expect  []KV // property=holds|violated
	Bounds  []KV // states=N depth=N
	Init    []KV // litmus-style shared variables: x=1, y=&x
	Exists  []KV // litmus-style final condition (conjunction): 0:r0=1, x=2
	Pos     Pos  // of the scenario directive
}

// ConfigValue returns the value of config knob key.
func (s *Scenario) ConfigValue(key string) (string, bool) { return lookup(s.Config, key) }

// Expected returns the expected verdicts as a map.
func (s *Scenario) Expected() map[string]string {
	m := map[string]string{}
	for _, kv := range s.Expect {
		m[kv.Key] = kv.Value
	}
	return m
}

func lookup(kvs []KV, key string) (string, bool) {
	for i := len(kvs) - 1; i >= 0; i-- {
		if kvs[i].Key == key {
			return kvs[i].Value, true
		}
	}
	return "", false
}

// New starts an in-memory scenario (builder API for analyzers).
func New(name string) *Scenario { return &Scenario{Name: name} }

// WithProfile sets the read-side implementation profile.
func (s *Scenario) WithProfile(p string) *Scenario { s.Profile = p; return s }

// WithDoc sets the description.
func (s *Scenario) WithDoc(doc string) *Scenario { s.Doc = doc; return s }

// Set sets a config knob.
func (s *Scenario) Set(key, value string) *Scenario {
	s.Config = append(s.Config, KV{Key: key, Value: value})
	return s
}

// AddTask adds a task pinned to cpu running ops.
func (s *Scenario) AddTask(name string, cpu int, ops ...Op) *Scenario {
	s.Blocks = append(s.Blocks, Block{Kind: BlockTask, Name: name,
		Attrs: []KV{{Key: "cpu", Value: strconv.Itoa(cpu)}}, Ops: ops})
	return s
}

// AddRTTask adds a real-time priority task (e.g. an RT hog).
func (s *Scenario) AddRTTask(name string, cpu int, ops ...Op) *Scenario {
	s.AddTask(name, cpu, ops...)
	b := &s.Blocks[len(s.Blocks)-1]
	b.Attrs = append(b.Attrs, KV{Key: "prio", Value: "rt"})
	return s
}

// AddProbe attaches a probe script to a tracepoint.
func (s *Scenario) AddProbe(tracepoint string, ops ...Op) *Scenario {
	s.Blocks = append(s.Blocks, Block{Kind: BlockProbe, Name: tracepoint, Ops: ops})
	return s
}

// AddIRQ adds a device interrupt handler on cpu, delivered at most count times.
func (s *Scenario) AddIRQ(cpu, count int, ops ...Op) *Scenario {
	s.Blocks = append(s.Blocks, Block{Kind: BlockIRQ, Attrs: []KV{
		{Key: "cpu", Value: strconv.Itoa(cpu)}, {Key: "count", Value: strconv.Itoa(count)}}, Ops: ops})
	return s
}

// AddNMI adds an NMI handler on cpu, delivered at most count times.
func (s *Scenario) AddNMI(cpu, count int, ops ...Op) *Scenario {
	s.AddIRQ(cpu, count, ops...)
	s.Blocks[len(s.Blocks)-1].Kind = BlockNMI
	return s
}

// AddSoftirq adds a softirq handler raised by "raise_softirq name".
func (s *Scenario) AddSoftirq(name string, ops ...Op) *Scenario {
	s.Blocks = append(s.Blocks, Block{Kind: BlockSoftirq, Name: name, Ops: ops})
	return s
}

// AddObject declares a memory object.
func (s *Scenario) AddObject(name string, published bool) *Scenario {
	s.Objects = append(s.Objects, Object{Name: name, Published: published})
	return s
}

// ExpectVerdict records an expected verdict ("holds" or "violated").
func (s *Scenario) ExpectVerdict(property, verdict string) *Scenario {
	s.Expect = append(s.Expect, KV{Key: property, Value: verdict})
	return s
}

// O builds an operation; arguments of the form key=value become attributes.
func O(name string, args ...string) Op {
	op := Op{Name: name}
	for _, a := range args {
		if k, v, ok := cut(a); ok {
			op.Attrs = append(op.Attrs, KV{Key: k, Value: v})
		} else {
			op.Args = append(op.Args, a)
		}
	}
	return op
}

func cut(a string) (string, string, bool) {
	for i := 0; i < len(a); i++ {
		if a[i] == '=' {
			return a[:i], a[i+1:], i > 0
		}
	}
	return "", "", false
}

// SortedExpect returns the expected verdicts sorted by property.
func (s *Scenario) SortedExpect() []KV {
	out := append([]KV(nil), s.Expect...)
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}
