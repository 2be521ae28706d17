package rcumap

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/rcueffects"
	"github.com/rcureview/rcureview/rcumodel"
)

// Implied-context kinds, the Why of the Where hop of an implied section.
const (
	WhyProbe = "probe" // the tracepoint implementation's guard around its probe calls
	WhyNMI   = "nmi"   // NMI context
)

// impliedPaths returns the protection of a function no known caller
// calls, from the context it is registered for in its own file:
//
//   - a tracepoint probe (register_trace_<event>(f, …),
//     tracepoint_probe_register(tp, f, …)) runs inside the sections the
//     tracepoint implementation opens around its probe calls, read from
//     the code (rcueffects.TracepointGuard, as the model and the notrace
//     analyzer read it: 6.12's __DO_TRACE() preempt_disable_notrace());
//   - an NMI handler (register_nmi_handler(type, f, …)) runs in NMI
//     context: irqs disabled, an RCU reader of the consolidated flavour.
//
// nil when it is registered for neither.
func (m *Map) impliedPaths(d Def) []Path {
	if d.Func == nil {
		return nil
	}
	name := d.Name()
	var out []Path
	for i := range d.File.Funcs {
		f := &d.File.Funcs[i]
		reg := false
		for _, c := range f.Calls {
			if registerArg(c.Name) >= 0 {
				reg = true
				break
			}
		}
		if !reg {
			continue
		}
		rd := Def{File: d.File, Func: f}
		if !m.defHolds(rd) {
			continue
		}
		for _, e := range m.body(rd).calls {
			c := e.Call
			idx := registerArg(c.Name)
			if idx < 0 || c.Member || len(c.Args) <= idx || rcueffects.LastIdent(c.Args[idx]) != name {
				continue
			}
			at := Hop{Func: rd.Name(), File: rd.File.Path, Line: c.Line}
			if _, nmi := kernelnames.NMIRegister[c.Name]; nmi {
				out = append(out, Path{
					Sections: []rcueffects.Section{{Kind: rcueffects.SecIRQ, Line: c.Line, Prim: "NMI context"}},
					Where:    []Hop{{Func: at.Func, File: at.File, Line: at.Line, Why: WhyNMI}},
					Implied:  fmt.Sprintf("NMI handler, registered with %s() in %s() at %s:%d", c.Name, at.Func, at.File, at.Line),
				})
				continue
			}
			secs, where := m.probeSections()
			if len(secs) == 0 {
				continue
			}
			event := strings.TrimPrefix(strings.TrimPrefix(c.Name, kernelnames.ProbeRegisterPrefix), "prio_")
			out = append(out, Path{Sections: secs, Where: where,
				Implied: fmt.Sprintf("probe of %s, registered with %s() in %s() at %s:%d", event, c.Name, at.Func, at.File, at.Line)})
		}
	}
	return out
}

// registerArg returns the index of the probe or handler argument of a
// registration, -1 for other calls.
func registerArg(name string) int {
	if strings.HasPrefix(name, kernelnames.ProbeRegisterPrefix) {
		return 0
	}
	if i, ok := kernelnames.ProbeRegister[name]; ok {
		return i
	}
	if i, ok := kernelnames.NMIRegister[name]; ok {
		return i
	}
	return -1
}

// probeSections returns the sections the tracepoint implementation opens
// around its probe calls (computed once per map).
func (m *Map) probeSections() ([]rcueffects.Section, []Hop) {
	if m.probe == nil {
		m.probe = &probeGuard{}
		g := m.Z.TracepointGuard()
		if g.Found {
			for _, e := range g.Tracepoint.Enter {
				k := sectionOfEffects(e)
				if k == rcueffects.SecNone {
					continue
				}
				s := rcueffects.Section{Kind: k, Line: g.Loc.Line, Prim: e.Name}
				if k == rcueffects.SecSRCU {
					s.Domain = g.Tracepoint.SRCUDomain
				}
				m.probe.secs = append(m.probe.secs, s)
				m.probe.where = append(m.probe.where, Hop{Func: g.Loc.Func, File: g.Loc.File, Line: g.Loc.Line, Why: WhyProbe})
			}
		}
	}
	return m.probe.secs, m.probe.where
}

// probeGuard is the tracepoint guard as sections.
type probeGuard struct {
	secs  []rcueffects.Section
	where []Hop
}

// sectionOfEffects maps a lock-side primitive's effects to the section it
// opens.
func sectionOfEffects(e rcumodel.Effects) rcueffects.SectionKind {
	switch {
	case e.Delta > 0 && e.Counter == rcumodel.CounterRCU:
		return rcueffects.SecRCU
	case e.Delta > 0 && e.Counter == rcumodel.CounterTrace:
		return rcueffects.SecTrace
	case e.Delta > 0 && e.Counter == rcumodel.CounterSRCU:
		return rcueffects.SecSRCU
	case e.IRQ > 0:
		return rcueffects.SecIRQ
	case e.BH > 0:
		return rcueffects.SecBH
	case e.Preempt > 0:
		return rcueffects.SecSched
	}
	return rcueffects.SecNone
}
