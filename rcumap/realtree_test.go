package rcumap

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/rcureview/rcureview/ksrc"
	"github.com/rcureview/rcureview/ksrc/index"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

var real struct {
	once sync.Once
	t    ksrc.Tree
	ix   *index.Index
	err  error
}

// realMap returns the map of the real 6.12 tree, skipping without it.
func realMap(t *testing.T) *Map {
	dir := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if dir == "" {
		t.Skip("RCUREVIEW_KERNEL_TREE not set: no real kernel tree")
	}
	real.once.Do(func() {
		real.t, real.err = ksrc.OpenDir(dir)
		if real.err != nil {
			return
		}
		opt := index.Options{}
		if c, err := index.DefaultCache(); err == nil {
			opt.Cache = c
		}
		real.ix, _, real.err = index.Build(real.t, opt)
	})
	if real.err != nil {
		t.Fatal(real.err)
	}
	return New(real.ix, rcueffects.NewSummarizer(real.ix, rcueffects.NewSource(real.t, nil), nil), nil)
}

func TestRealTreeTracepointFuncs(t *testing.T) {
	m := realMap(t)
	if got := m.Resolve("?.funcs"); got != "struct tracepoint.funcs" {
		t.Fatalf("?.funcs resolves to %q", got)
	}
	e := m.Entry("struct tracepoint.funcs", true)
	var doTrace *Reader
	for i := range e.Readers {
		if e.Readers[i].Func == "__DO_TRACE_CALL" {
			doTrace = &e.Readers[i]
		}
	}
	if doTrace == nil || len(doTrace.Paths) != 1 || len(doTrace.Paths[0].Sections) == 0 ||
		doTrace.Paths[0].Sections[0].Prim != "preempt_disable_notrace" || doTrace.Paths[0].Callers[0].Func != "__DO_TRACE" {
		t.Fatalf("the __DO_TRACE reader is not under __DO_TRACE()'s preempt_disable_notrace(): %+v", doTrace)
	}
	// tracepoint_add_func() publishes, release_probes() queues call_rcu()
	// whose callback queues call_srcu(): both grace periods retire the old
	// array.
	var chain *Retire
	for i := range e.Retires {
		if e.Retires[i].Func == "tracepoint_add_func" {
			chain = &e.Retires[i]
		}
	}
	if chain == nil {
		t.Fatal("no retire path from tracepoint_add_func()")
	}
	var flavours []string
	for _, st := range chain.Steps {
		flavours = append(flavours, rcumodel.Flavours[st.Flavour].Name+"@"+st.At.Func)
	}
	if got := strings.Join(flavours, " "); got != "rcu@release_probes srcu(ss0)@rcu_free_old_probes" {
		t.Errorf("retire steps %s", got)
	}
	if bad, _ := e.Mismatches(); len(bad) != 0 {
		t.Errorf("%d mismatches on struct tracepoint.funcs", len(bad))
	}
}

// The SLAB_TYPESAFE_BY_RCU caches are read from the tree's
// kmem_cache_create() calls (flags written in the call, or in a local
// variable), their grace period from mm/slub.c's free path.
func TestRealTreeTypesafeCaches(t *testing.T) {
	m := realMap(t)
	tc := m.typesafe()
	for name, file := range map[string]string{
		"sighand_cachep":      "kernel/fork.c:",   // kmem_cache_create(…, SLAB_PANIC|SLAB_TYPESAFE_BY_RCU|…)
		"p9_req_cache":        "net/9p/client.c:", // KMEM_CACHE(p9_req_t, SLAB_TYPESAFE_BY_RCU)
		"filp_cachep":         "fs/file_table.c:", // kmem_cache_create() with a struct kmem_cache_args
		"nf_conntrack_cachep": "net/netfilter/nf_conntrack_core.c:",
	} {
		if w := tc.byName[name]; len(w) != 1 || !strings.HasPrefix(w[0], file) {
			t.Errorf("%s: %q, want in %s", name, tc.byName[name], file)
		}
	}
	if _, ok := tc.byName["signal_cachep"]; ok {
		t.Errorf("signal_cachep is not SLAB_TYPESAFE_BY_RCU")
	}
	if tc.flavour != rcumodel.FlavourRCU || tc.prim != "call_rcu" || !strings.HasPrefix(tc.from, "free_slab() at mm/slub.c:") {
		t.Errorf("the allocator's grace period: %v %s %s", tc.flavour, tc.prim, tc.from)
	}
	t.Logf("%d SLAB_TYPESAFE_BY_RCU caches: %v", len(tc.byName), tc.byName)
}

// Implied protection of functions no known caller calls: a tracepoint
// probe runs inside __DO_TRACE()'s guard, an NMI handler in NMI context.
func TestRealTreeImpliedContexts(t *testing.T) {
	m := realMap(t)
	def := func(file, name string) Def {
		ff := m.Index.File(file)
		if ff == nil {
			t.Fatalf("no %s", file)
		}
		for i := range ff.Funcs {
			if ff.Funcs[i].Name == name {
				return Def{File: ff, Func: &ff.Funcs[i]}
			}
		}
		t.Fatalf("no %s() in %s", name, file)
		return Def{}
	}
	ps := m.callerPaths(def("kernel/trace/ftrace.c", "ftrace_filter_pid_sched_switch_probe"), 1, false)
	if len(ps) == 0 || len(ps[0].Sections) != 1 || ps[0].Sections[0].Prim != "preempt_disable_notrace" || ps[0].Where[0].Func != "__DO_TRACE" ||
		!strings.HasPrefix(ps[0].Implied, "probe of sched_switch, registered with register_trace_sched_switch() in pid_write()") {
		t.Errorf("probe: %+v", ps)
	}
	ps = m.callerPaths(def("drivers/acpi/apei/ghes.c", "ghes_notify_nmi"), 1, false)
	if len(ps) != 1 || len(ps[0].Sections) != 1 || ps[0].Where[0].Why != WhyNMI ||
		!strings.HasPrefix(ps[0].Implied, "NMI handler, registered with register_nmi_handler() in ghes_nmi_add() at drivers/acpi/apei/ghes.c:") {
		t.Errorf("NMI handler: %+v", ps)
	}
	// a function called through a pointer and registered for neither
	// stays unknown
	ps = m.callerPaths(def("kernel/trace/ftrace.c", "fpid_next"), 1, false)
	if len(ps) != 1 || !ps[0].Unknown || ps[0].Implied != "" {
		t.Errorf("fpid_next: %+v", ps)
	}
}
