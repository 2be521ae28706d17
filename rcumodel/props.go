package rcumodel

import (
	"fmt"
	"strings"

	"github.com/rcureview/rcureview/finding"
	"github.com/rcureview/rcureview/rcumodel/check"
)

// Property describes one checked property (research/rcu-model.md S.4).
type Property struct {
	ID      string // P1..P5, L1..L3
	Rule    string // stable rule ID (design.md)
	Summary string
}

// Properties lists the properties in report order.
var Properties = []Property{
	{"P1", finding.RuleGPEndsInReader, "grace-period guarantee: no GP ends while a reader that began before it is still inside"},
	{"P2", finding.RuleGPFlavorMismatch, "no use after free: an object is freed only after every reader that may hold it has ended"},
	{"P3", finding.RuleIllegalContext, "context legality: no sleeping in non-sleepable readers or atomic context, no synchronize in own reader, no update side in NMI, readers only where RCU watches, balanced primitives"},
	{"P4", finding.RuleSelfDeadlock, "no self-deadlock: no context spins on an rq/pi lock held lower on its own CPU"},
	{"P5", finding.RuleIRQWorkRecursion, "no unbounded recursion or interrupt livelock (IRQ work / softirq re-arming itself)"},
	{"L1", finding.RuleGPStall, "every started grace period eventually ends"},
	{"L2", finding.RuleDeferredQSLost, "every deferred quiescent state is eventually reported"},
	{"L3", finding.RuleBoostNotUndone, "every boosted task is eventually deboosted"},
}

// LookupProperty returns the property with the given ID.
func LookupProperty(id string) (Property, bool) {
	for _, p := range Properties {
		if p.ID == id {
			return p, true
		}
	}
	return Property{}, false
}

var safetyIDs = []string{"P1", "P2", "P3", "P4", "P5"}

// liveness builds the liveness properties. P5's livelock half is checked
// per CPU ("P5/cpuN"): a fair cycle in which CPU N only does forced
// interrupt-level work (and does some) — its task never advances.
func (m *Model) liveness(want map[string]bool) []check.Liveness[State] {
	var out []check.Liveness[State]
	if want["L1"] {
		out = append(out, check.Liveness[State]{Property: "L1",
			Pending: func(s *State) bool {
				for f := Flavour(0); f < numFlavours; f++ {
					if running(s.Seq[f]) {
						return true
					}
				}
				return false
			},
			Msg: m.stallReason})
	}
	if want["L2"] {
		out = append(out, check.Liveness[State]{Property: "L2",
			Pending: func(s *State) bool { return m.deferredCPU(s) >= 0 },
			Msg: func(s *State) string {
				c := m.deferredCPU(s)
				tk := &s.T[s.C[c].Curr]
				return fmt.Sprintf("CPU%d's deferred quiescent state is never reported (%s at nesting 0: %s, cpu_no_qs.b.exp=%d)",
					c, m.names[s.C[c].Curr], specialString(tk), s.C[c].NoQSE)
			}})
	}
	if want["L3"] {
		out = append(out, check.Liveness[State]{Property: "L3",
			Pending: func(s *State) bool { return m.boostedOutside(s) >= 0 },
			Msg: func(s *State) string {
				t := m.boostedOutside(s)
				return fmt.Sprintf("%s left its reader but stays boosted (owns rnp->boost_mtx; %s)", m.names[t], specialString(&s.T[t]))
			}})
	}
	if want["P5"] {
		for c := 0; c < m.ncpu; c++ {
			bit := uint32(1) << uint(c)
			cpu := c
			out = append(out, check.Liveness[State]{Property: fmt.Sprintf("P5/cpu%d", c),
				Pending:  func(*State) bool { return true },
				Progress: func(tags uint32) bool { return tags&check.TagStutter != 0 || tags&bit != 0 && tags&tagForced == 0 },
				Accept:   func(tags uint32) bool { return tags&bit != 0 && tags&tagForced != 0 },
				Msg: func(s *State) string {
					return fmt.Sprintf("CPU%d runs interrupt-level work forever (IRQ work / softirq / probe re-arming itself); %s never advances",
						cpu, m.names[s.C[cpu].Curr])
				}})
		}
	}
	return out
}

func (m *Model) deferredCPU(s *State) int {
	for c := 0; c < m.ncpu; c++ {
		if s.C[c].Dead == 1 {
			continue
		}
		tk := &s.T[s.C[c].Curr]
		if tk.Nest == 0 && (s.C[c].NoQSE == 1 || special(tk)) {
			return c
		}
	}
	return -1
}

func (m *Model) boostedOutside(s *State) int {
	for t := 0; t < m.ntask; t++ {
		if s.T[t].Boosted == 1 && s.T[t].Nest == 0 {
			return t
		}
	}
	return -1
}

// stallReason explains why the running grace periods cannot end.
func (m *Model) stallReason(s *State) string {
	var parts []string
	for f := Flavour(0); f < numFlavours; f++ {
		if !running(s.Seq[f]) {
			continue
		}
		var why []string
		switch f {
		case FlavourRCU:
			for c := 0; c < m.ncpu; c++ {
				if s.C[c].NoQS == 1 {
					why = append(why, fmt.Sprintf("CPU%d owes a QS", c))
				}
			}
			for t := 0; t < m.ntask; t++ {
				if s.T[t].GPBlk == 1 {
					why = append(why, m.names[t]+" blocks it (gp_tasks)")
				}
			}
			for l := 0; l < m.nleaves; l++ {
				if s.RootQS&(1<<l) != 0 && m.leafQSMask(s, l) == 0 && !m.leafBlocked(s, l) {
					why = append(why, fmt.Sprintf("the root still waits for leaf %d, which has nothing left to report", l))
				}
			}
		case FlavourRCUExp:
			for c := 0; c < m.ncpu; c++ {
				if s.C[c].ExpM == 1 {
					why = append(why, fmt.Sprintf("CPU%d owes an expedited QS (cpu_no_qs.b.exp=%d)", c, s.C[c].NoQSE))
				}
			}
			for t := 0; t < m.ntask; t++ {
				if s.T[t].ExpBlk == 1 {
					why = append(why, m.names[t]+" blocks it (exp_tasks)")
				}
			}
		default:
			if s.Hold[f] != 0 {
				why = append(why, "holdouts "+m.setString(s, s.Hold[f]))
			}
		}
		parts = append(parts, fmt.Sprintf("%s GP #%d never ends (%s)", f, s.Seq[f]/2+1, strings.Join(why, "; ")))
	}
	return strings.Join(parts, "; ")
}
