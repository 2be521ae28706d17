package finding

// RCUMap is the protection map of the RCU location a finding concerns, as
// "rcureview explain --location" and the HTML report show it: the
// location's readers, each path that reaches them with the read-side
// protection in force per flavour, and the retire paths of its old
// objects with their chains. Package rcumap builds it (Entry.Table);
// reports renders it. Not part of the JSON schema.
type RCUMap struct {
	// Location is the map's key: "struct tracepoint.funcs", a global, a
	// file-static name qualified by its path.
	Location string
	// Flavours are the protection columns the readers use, in a fixed
	// order (RCUFlavours), only those some reader path has.
	Flavours []string
	Readers  []RCUMapReader
	Retires  []RCUMapRetire
	// Unretired are publications and removals whose retire path was not
	// found ("rcu_assign_pointer() in f() at file:line"): listed, not
	// judged.
	Unretired []string
	// MoreReaders counts the readers beyond the table's limit (paths
	// beyond a reader's limit are counted in a row of their own).
	MoreReaders int
}

// RCUFlavours are the protection columns of an RCUMap, in order: the
// read-side section kinds a reader path can have.
var RCUFlavours = []string{"rcu", "bh", "preempt", "irq", "srcu", "tasks-trace"}

// RCUMapReader is one path that reaches a read of the location.
type RCUMapReader struct {
	Site      string // file:line of the read
	Function  string // the function or macro that reads
	Primitive string // rcu_dereference, list_for_each_entry_rcu, …
	// Protection has one cell per Flavours column: the section of that
	// kind open on the path and how it was opened ("rcu_read_lock() here",
	// "guard(rcu) here", "srcu_read_lock() by caller f() at file:line"),
	// "" for none.
	Protection []string
	// Lockdep is the condition the read names (rcu_dereference_check()).
	Lockdep string
	// Via is the call chain from the reader outwards ("f() <- g()"), ""
	// when the read's own function decides.
	Via string
	// Other says what the path is when it has no section: "callers not
	// known", "no reader (f() may block)".
	Other string
	// Covered says how the location's retire paths wait for the path:
	// "yes", "NOT by …", "only by accident (rcu_trace_implies_rcu_gp())",
	// "unknown" or "" (no retire path).
	Covered string
	// Finding marks the reader path the finding is about.
	Finding bool
}

// RCUMapRetire is one publication or removal with the grace periods that
// retire the old object.
type RCUMapRetire struct {
	Site      string // file:line of the publication or removal
	Function  string
	Primitive string // rcu_assign_pointer, list_del_rcu, …
	// Waits are the grace periods that retire the old object.
	Waits []RCUMapWait
	// Finding marks the retire path the finding is about.
	Finding bool
}

// RCUMapWait is one grace period of a retire path.
type RCUMapWait struct {
	// Wait is the wait or queue with its flavour: "call_rcu() [rcu] in
	// f() at file:line".
	Wait string
	// Chain leads from the publication to it through wrappers and
	// callbacks ("release_probes() (calls …) -> cb() (callback of
	// call_rcu())"), "" when the publishing function does it.
	Chain string
}
