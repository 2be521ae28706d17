package rcueffects

import (
	"strings"

	"github.com/rcureview/rcureview/kernelnames"
	"github.com/rcureview/rcureview/ksrc/index"
)

// Blocking says how a call may block.
type Blocking uint8

// Blocking kinds (a page fault is also a sleep; Faults is reported as such).
const (
	NoBlock Blocking = iota
	Sleeps           // may sleep (schedule, mutex, GFP with direct reclaim, …)
	Faults           // may take a page fault on user memory
)

// Hop is one step of a may-sleep chain.
type Hop struct {
	Name string
	File string
	Line int
	Why  string
}

// sleepRoots sleep by definition (smatch's check_sleep_info.c list,
// extended with the kernel's blocking primitives).
var sleepRoots = map[string]string{
	"might_sleep": "might_sleep()", "__might_sleep": "might_sleep()", "___might_sleep": "might_sleep()",
	"schedule": "schedule()", "schedule_timeout": "schedule()", "io_schedule": "schedule()",
	"schedule_timeout_interruptible": "schedule()", "schedule_timeout_uninterruptible": "schedule()",
	"schedule_timeout_killable": "schedule()", "schedule_hrtimeout": "schedule()",
	"msleep": "sleeps", "msleep_interruptible": "sleeps", "ssleep": "sleeps", "usleep_range": "sleeps",
	"usleep_range_state": "sleeps", "fsleep": "sleeps",
	"mutex_lock": "mutex", "mutex_lock_interruptible": "mutex", "mutex_lock_killable": "mutex",
	"mutex_lock_nested": "mutex", "mutex_lock_io": "mutex",
	"down": "semaphore", "down_interruptible": "semaphore", "down_killable": "semaphore", "down_timeout": "semaphore",
	"down_read": "rwsem", "down_write": "rwsem", "down_read_killable": "rwsem", "down_write_killable": "rwsem",
	"down_read_interruptible": "rwsem", "percpu_down_read": "rwsem", "percpu_down_write": "rwsem",
	"wait_for_completion": "waits", "wait_for_completion_interruptible": "waits",
	"wait_for_completion_timeout": "waits", "wait_for_completion_killable": "waits",
	"cond_resched": "cond_resched()", "vfree": "vfree() may sleep", "vmalloc": "vmalloc() sleeps",
	"vzalloc": "vmalloc() sleeps", "kvfree": "kvfree() may sleep", "flush_work": "waits",
	"flush_workqueue": "waits", "cancel_work_sync": "waits", "cancel_delayed_work_sync": "waits",
	"kthread_stop": "waits", "rcu_barrier": "waits for callbacks", "rcu_barrier_tasks_trace": "waits for callbacks",
	"srcu_barrier": "waits for callbacks", "msleep_killable": "sleeps",
}

// faultRoots access user memory (may fault, and so sleep).
var faultRoots = map[string]bool{
	"copy_from_user": true, "copy_to_user": true, "__copy_from_user": true, "__copy_to_user": true,
	"_copy_from_user": true, "_copy_to_user": true, "get_user": true, "put_user": true, "__get_user": true,
	"__put_user": true, "strncpy_from_user": true, "clear_user": true, "might_fault": true, "__might_fault": true,
	"copy_struct_from_user": true, "memdup_user": true, "memdup_user_nul": true, "strndup_user": true,
	"get_user_pages": true, "get_user_pages_fast": true, "pin_user_pages": true, "pin_user_pages_fast": true,
	"fault_in_readable": true, "fault_in_writeable": true, "copy_from_user_nofault": false,
}

// nonBlocking never block although a path below them might: the
// callback-queueing primitives (kfree_rcu() with an rcu_head, call_rcu(),
// but not kvfree_rcu_mightsleep()) and kfree()/printk().
func nonBlocking(name string) bool {
	if p, ok := kernelnames.GPPrimitives[name]; ok {
		return p.Kind == kernelnames.GPCall && !p.MaySleep
	}
	return name == "kfree" || name == "printk" || name == "_printk"
}

// allocators take a gfp_t; they may sleep when it allows direct reclaim.
var allocators = map[string]bool{
	"kmalloc": true, "kzalloc": true, "kcalloc": true, "kmalloc_array": true, "krealloc": true,
	"kvmalloc": true, "kvzalloc": true, "kvcalloc": true, "kmem_cache_alloc": true, "kmem_cache_zalloc": true,
	"alloc_pages": true, "__get_free_pages": true, "get_zeroed_page": true, "kstrdup": true, "kmemdup": true,
	"kmalloc_node": true, "kzalloc_node": true, "alloc_page": true, "kasprintf": true, "kstrndup": true,
	"kmalloc_obj": true, "kmem_cache_alloc_node": true, "mempool_alloc": true,
}

// sleepingGFP are gfp flags that include __GFP_DIRECT_RECLAIM.
var sleepingGFP = map[string]bool{
	"GFP_KERNEL": true, "GFP_KERNEL_ACCOUNT": true, "GFP_USER": true, "GFP_NOFS": true, "GFP_NOIO": true,
	"GFP_HIGHUSER": true, "GFP_HIGHUSER_MOVABLE": true, "__GFP_DIRECT_RECLAIM": true, "__GFP_RECLAIM": true,
}

// maxSleepDepth bounds the call depth of may-sleep propagation: long
// chains are where smatch's warnings turn into false positives, and a
// runtime condition on the way (invisible to the index) is likelier.
const maxSleepDepth = 3

// Blocks says whether a call site may sleep or fault, directly (by its
// name, or a gfp argument with direct reclaim) or through its callees,
// computed bottom-up through the index and memoised. The chain leads from
// the call to the blocking primitive.
// from is the file of the call site (static functions resolve within it).
func (z *Summarizer) Blocks(from string, c CallSite) (Blocking, []Hop) {
	if allocators[c.Name] {
		for _, a := range c.Args {
			for _, t := range a {
				if t.Kind == Ident && sleepingGFP[t.Text] {
					return Sleeps, []Hop{{Name: c.Name, Why: t.Text + " allows direct reclaim (may sleep)"}}
				}
			}
		}
		return NoBlock, nil
	}
	return z.blocks(c.Name, from, 0)
}

type blockMemo struct {
	b     Blocking
	chain []Hop
}

func (z *Summarizer) blocks(name, from string, depth int) (Blocking, []Hop) {
	if faultRoots[name] {
		return Faults, []Hop{{Name: name, Why: "accesses user memory (may fault)"}}
	}
	if why, ok := sleepRoots[name]; ok {
		return Sleeps, []Hop{{Name: name, Why: why}}
	}
	// Every synchronize_*() sleeps, grace-period wait or not
	// (synchronize_irq() waits for handlers).
	if strings.HasPrefix(name, "synchronize_") || strings.HasPrefix(name, "wait_event") {
		return Sleeps, []Hop{{Name: name, Why: "waits (sleeps)"}}
	}
	if depth >= maxSleepDepth || boundaries(name) || nonBlocking(name) || strings.HasSuffix(name, "_nofault") {
		return NoBlock, nil
	}
	if z.blockMemo == nil {
		z.blockMemo, z.noBlock = map[string]blockMemo{}, map[string]int{}
	}
	if m, ok := z.blockMemo[name]; ok {
		return m.b, m.chain
	}
	left := maxSleepDepth - depth
	if n, ok := z.noBlock[name]; ok && n >= left {
		return NoBlock, nil
	}
	z.noBlock[name] = left // cycle guard
	var best blockMemo
	for _, t := range z.Index.Resolve(from, index.Call{Name: name}) {
		if t.Kind != index.TargetFunc && t.Kind != index.TargetMacro {
			continue
		}
		if !z.condsHold(t.Conds) {
			continue
		}
		calls := t.Calls
		var facts *index.FileFacts = t.Facts
		if t.Func != nil {
			calls = t.Func.Calls
		}
		for _, c := range calls {
			if c.Kind != index.CallDirect || facts != nil && !z.condsHold(facts.CondSet(c.Cond)) {
				continue
			}
			b, ch := z.blocks(c.Name, t.File, depth+1)
			if b == NoBlock {
				continue
			}
			hop := Hop{Name: name, File: t.File, Line: int(c.Line), Why: "calls " + c.Name + "()"}
			chain := append([]Hop{hop}, ch...)
			if best.b == NoBlock || b == Faults && best.b != Faults || len(chain) < len(best.chain) && b == best.b {
				best = blockMemo{b: b, chain: chain}
			}
		}
	}
	if best.b != NoBlock {
		delete(z.noBlock, name)
		z.blockMemo[name] = best
	}
	return best.b, best.chain
}

func (z *Summarizer) condsHold(conds []string) bool { return index.CondsHold(conds, z.Config) }
