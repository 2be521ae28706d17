package lkmm

// This file and check.go encode the Linux-kernel memory model of Linux
// 6.12 (tools/memory-model/linux-kernel.bell, lock.cat, linux-kernel.cat,
// with herd7's stdlib.cat, cos-opt.cat and cross.cat), definition by
// definition, in the order herd7 evaluates them. Comments give the cat
// text each line implements, so that the code reads side by side with the
// .cat files. What depends only on the events and program order is
// computed once per candidate (static); what depends on reads-from once
// per reads-from map (execution); what depends on the coherence order once
// per execution (check.go).

// flag bits, in herd7's printing order (by name).
const (
	fDataRace = 1 << iota
	fInvalidSleep
	fLockFinal
	fMixedAccesses
	fMixedLockAccesses
	fMultipleSrcuMatches
	fSrcuBadValueMatch
	fUnmatchedRcuLock
	fUnmatchedRcuUnlock
	fUnmatchedSrcuLock
	fUnmatchedSrcuUnlock
	fUnmatchedUnlock
	fUnpairedLKR
	fUnpairedLKW
	nFlags
)

var flagNames = [...]string{
	"data-race", "invalid-sleep", "lock-final", "mixed-accesses", "mixed-lock-accesses",
	"multiple-srcu-matches", "srcu-bad-value-match", "unmatched-rcu-lock",
	"unmatched-rcu-unlock", "unmatched-srcu-lock", "unmatched-srcu-unlock",
	"unmatched-unlock", "unpaired-LKR", "unpaired-LKW",
}

// static holds the sets and relations of a candidate that do not depend
// on reads-from or coherence: herd7's event sets, po, loc, int, ext, the
// dependencies of the C semantics, and what the bell, lock.cat and
// linux-kernel.cat derive from them alone.
type static struct {
	cd *candidate
	a  *arena
	n  int
	// location index of each event, -1 for fences
	loc []int

	// herd7's event sets
	all, mem0, r0, w0, iw, f, lkr, lkw, ul, lf, rl, ru, syncSrcu bset
	once, release0, acquire0, noreturn, rmwSet, srcuLock         bset
	srcuUnlock, mbF, wmbF, rmbF, barrierF, rcuLock, rcuUnlock    bset
	syncRcu, beforeAtomic, afterAtomic, afterSpinlock            bset
	afterUnlockLock, afterSrcuReadUnlock                         bset
	notSU                                                        bset // ~Srcu-unlock

	po, poOpt, sameLoc, intR, extR, poLoc mat
	addr0, data0, ctrl0, rmw0             mat
	idNotSU                               mat

	flags int // flags that depend on nothing else

	// linux-kernel.bell
	rcuRscs       mat
	marked, plain bset
	// lock.cat
	lkRmw, rmw, critical mat
	unmatchedLKW         bset
	rfiLF                mat
	lfEvents, ruEvents   []int
	lfChoices, ruChoices [][]int
	ok                   bool // lock-nest, nested-is-locked, unmatched-locks hold
	r, w, wUL, m         bset // R and W of lock.cat; W with UL; M = R | W
	release, acquire     bset
	allLocks             bset
	observedW            bset // memory writes to observed locations
	// linux-kernel.cat
	fences
	hasRCU, hasPlain, hasLocks bool
	idMarked, idUL, idLKR      mat
	idIWUL, idAfterULL         mat
	addrPlainWmb               mat // addr ; [Plain] ; wmb needs carry-dep: see execution
	rcuGP, srcuGP              mat
	rcuRscsi                   mat
	preRaseBase                mat // ext & ((Plain * M) | ((M \ IW) * Plain))
	markedW, wMarked           mat // Marked * W, W * Marked
	poLocNB                    mat // po-loc \ barrier
	plainW                     bset
}

// fences holds the fence relations that depend only on po and the sets.
type fences struct {
	rmb, wmb, mbBase, gp, poRel, acqPo, barrier mat
	fencerelRmbR4                               mat // [R4rmb] ; fencerel(Rmb) ; [~Noreturn]
	fencerelRmbNR                               mat // [~Noreturn] ; fencerel(Rmb) ; [R4rmb]
	r4rmb                                       bset
}

func (x *static) idm(s bset) mat { return x.a.idOn(x.n, s) }

func seqs(ms ...mat) mat {
	out := ms[0]
	for _, m := range ms[1:] {
		out = out.seq(m)
	}
	return out
}

// fencerel(S) = (po & (_ * S)) ; po
func (x *static) fencerel(s bset) mat {
	return x.po.rngOn(s).seq(x.po)
}

// newStatic builds the static part of a candidate; loc gives the location
// of each event.
func newStatic(cd *candidate, a *arena, loc []int) *static {
	n := cd.n
	x := &static{cd: cd, a: a, n: n, loc: loc}
	set := func() bset { return newSet(n) }
	x.all, x.mem0, x.r0, x.w0, x.iw, x.f = set(), set(), set(), set(), set(), set()
	x.lkr, x.lkw, x.ul, x.lf, x.rl, x.ru, x.syncSrcu = set(), set(), set(), set(), set(), set(), set()
	x.once, x.release0, x.acquire0, x.noreturn, x.rmwSet = set(), set(), set(), set(), set()
	x.srcuLock, x.srcuUnlock = set(), set()
	x.mbF, x.wmbF, x.rmbF, x.barrierF, x.rcuLock, x.rcuUnlock, x.syncRcu = set(), set(), set(), set(), set(), set(), set()
	x.beforeAtomic, x.afterAtomic, x.afterSpinlock, x.afterUnlockLock, x.afterSrcuReadUnlock = set(), set(), set(), set(), set()
	for i := range cd.ev {
		e := &cd.ev[i]
		x.all.add(i)
		switch e.kind {
		case aR:
			x.mem0.add(i)
			x.r0.add(i)
		case aW:
			x.mem0.add(i)
			x.w0.add(i)
			if e.proc < 0 {
				x.iw.add(i)
			}
		case aF:
			x.f.add(i)
		case aLockR:
			x.lkr.add(i)
		case aLockW:
			x.lkw.add(i)
		case aUnlock:
			x.ul.add(i)
		case aTryFail:
			x.lf.add(i)
		case aReadLock:
			if e.ok {
				x.rl.add(i)
			} else {
				x.ru.add(i)
			}
		}
		if e.atomic {
			x.rmwSet.add(i)
		}
		t := e.tags
		for _, p := range []struct {
			bit tagset
			s   bset
		}{
			{tOnce, x.once}, {tRelease, x.release0}, {tAcquire, x.acquire0}, {tNoreturn, x.noreturn},
			{tSrcuLock, x.srcuLock}, {tSrcuUnlock, x.srcuUnlock}, {tMB, x.mbF}, {tWMB, x.wmbF},
			{tRMB, x.rmbF}, {tBarrier, x.barrierF}, {tRcuLock, x.rcuLock}, {tRcuUnlock, x.rcuUnlock},
			{tSyncRcu, x.syncRcu}, {tBeforeAtomic, x.beforeAtomic}, {tAfterAtomic, x.afterAtomic},
			{tAfterSpinlock, x.afterSpinlock}, {tAfterUnlockLock, x.afterUnlockLock},
			{tAfterSrcuReadUnlock, x.afterSrcuReadUnlock}, {tSyncSrcu, x.syncSrcu},
		} {
			if t&p.bit != 0 {
				p.s.add(i)
			}
		}
	}
	copyIn := func(m mat) mat {
		out := a.mat(n)
		copy(out.b, m.b)
		return out
	}
	x.po, x.addr0, x.data0, x.ctrl0, x.rmw0 = copyIn(cd.po), copyIn(cd.addr), copyIn(cd.data), copyIn(cd.ctrl), copyIn(cd.rmw)
	x.poOpt = x.po.opt()
	x.sameLoc, x.intR, x.extR = a.mat(n), a.mat(n), a.mat(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if loc[i] >= 0 && loc[i] == loc[j] {
				x.sameLoc.set(i, j)
			}
			pi, pj := cd.ev[i].proc, cd.ev[j].proc
			if pi >= 0 && pi == pj {
				x.intR.set(i, j)
			}
			if pi != pj {
				x.extR.set(i, j)
			}
		}
	}
	x.poLoc = x.po.and(x.sameLoc)
	x.notSU = x.all.minus(x.srcuUnlock)
	x.idNotSU = x.idm(x.notSU)
	x.observedW = newSet(n)
	x.w0.each(func(i int) {
		if l := loc[i]; l >= 0 && cd.c.observed[l] {
			x.observedW.add(i)
		}
	})
	x.bell()
	x.lockStatic()
	x.catStatic()
	return x
}

// bell evaluates the static part of linux-kernel.bell.
func (x *static) bell() {
	n := x.n
	// let rcu-rscs = let rec
	//	unmatched-locks = Rcu-lock \ domain(matched)
	//  and unmatched-unlocks = Rcu-unlock \ range(matched)
	//  and unmatched = unmatched-locks | unmatched-unlocks
	//  and unmatched-po = [unmatched] ; po ; [unmatched]
	//  and unmatched-locks-to-unlocks = [unmatched-locks] ; po ; [unmatched-unlocks]
	//  and matched = matched | (unmatched-locks-to-unlocks \
	//	(unmatched-po ; unmatched-po))
	//  in matched
	matched := x.a.mat(n)
	if !x.rcuLock.empty() || !x.rcuUnlock.empty() {
		for {
			unmatchedLocks := x.rcuLock.minus(matched.domain())
			unmatchedUnlocks := x.rcuUnlock.minus(matched.rng())
			unmatched := unmatchedLocks.or(unmatchedUnlocks)
			unmatchedPo := x.po.restrict(unmatched, unmatched)
			locksToUnlocks := x.po.restrict(unmatchedLocks, unmatchedUnlocks)
			next := matched.or(locksToUnlocks.minus(unmatchedPo.seq(unmatchedPo)))
			if equalMat(next, matched) {
				break
			}
			matched = next
		}
	}
	x.rcuRscs = matched
	x.rcuRscsi = matched.inv()
	// flag ~empty Rcu-lock \ domain(rcu-rscs) as unmatched-rcu-lock
	if !x.rcuLock.minus(matched.domain()).empty() {
		x.flags |= fUnmatchedRcuLock
	}
	// flag ~empty Rcu-unlock \ range(rcu-rscs) as unmatched-rcu-unlock
	if !x.rcuUnlock.minus(matched.rng()).empty() {
		x.flags |= fUnmatchedRcuUnlock
	}
	// let Marked = (~M) | IW | Once | Release | Acquire | domain(rmw) |
	//	range(rmw) | LKR | LKW | UL | LF | RL | RU | Srcu-lock | Srcu-unlock
	x.marked = x.all.minus(x.mem0).or(x.iw).or(x.once).or(x.release0).or(x.acquire0).
		or(x.rmw0.domain()).or(x.rmw0.rng()).or(x.lkr).or(x.lkw).or(x.ul).or(x.lf).
		or(x.rl).or(x.ru).or(x.srcuLock).or(x.srcuUnlock)
	// let Plain = M \ Marked
	x.plain = x.mem0.minus(x.marked)
}

func equalMat(a, b mat) bool {
	for i := range a.b {
		if a.b[i] != b.b[i] {
			return false
		}
	}
	return true
}

// lockStatic evaluates the parts of lock.cat that precede the generation
// of rf for LF and RU events and of co.
func (x *static) lockStatic() {
	n := x.n
	// let LF = LF | RL
	x.lf = x.lf.or(x.rl)
	lf := x.lf
	// let ALL-LOCKS = LKR | LKW | UL | LF | RU | Srcu-lock | Srcu-unlock | Sync-srcu
	x.allLocks = x.lkr.or(x.lkw).or(x.ul).or(lf).or(x.ru).or(x.srcuLock).or(x.srcuUnlock).or(x.syncSrcu)
	// flag ~empty [M \ IW \ ALL-LOCKS] ; loc ; [ALL-LOCKS] as mixed-lock-accesses
	if !x.sameLoc.restrict(x.mem0.minus(x.iw).minus(x.allLocks), x.allLocks).isEmpty() {
		x.flags |= fMixedLockAccesses
	}
	// let lk-rmw = ([LKR] ; po-loc ; [LKW]) \ (po ; po)
	x.lkRmw = x.poLoc.restrict(x.lkr, x.lkw).minus(x.po.seq(x.po))
	// let rmw = rmw | lk-rmw
	x.rmw = x.rmw0.or(x.lkRmw)
	// flag ~empty LKW \ range(lk-rmw) as unpaired-LKW
	if !x.lkw.minus(x.lkRmw.rng()).empty() {
		x.flags |= fUnpairedLKW
	}
	// flag ~empty LKR \ domain(lk-rmw) as unpaired-LKR
	if !x.lkr.minus(x.lkRmw.domain()).empty() {
		x.flags |= fUnpairedLKR
	}
	// let R = R | LKR | LF | RU ; let W = W | LKW
	x.r = x.r0.or(x.lkr).or(lf).or(x.ru)
	x.w = x.w0.or(x.lkw)
	// let Release = Release | UL ; let Acquire = Acquire | LKR
	x.release = x.release0.or(x.ul)
	x.acquire = x.acquire0.or(x.lkr)
	// let critical = ([LKW] ; po-loc ; [UL]) \ (po-loc ; [LKW | UL] ; po-loc)
	x.critical = x.poLoc.restrict(x.lkw, x.ul).minus(x.poLoc.rngOn(x.lkw.or(x.ul)).seq(x.poLoc))
	// flag ~empty UL \ range(critical) as unmatched-unlock
	if !x.ul.minus(x.critical.rng()).empty() {
		x.flags |= fUnmatchedUnlock
	}
	// let UNMATCHED-LKW = LKW \ domain(critical)
	x.unmatchedLKW = x.lkw.minus(x.critical.domain())
	// let rfi-lf = ([LKW] ; po-loc ; [LF]) \ ([LKW] ; po-loc ; [UL] ; po-loc)
	ulBetween := x.poLoc.rngOn(x.ul).seq(x.poLoc)
	x.rfiLF = x.poLoc.restrict(x.lkw, lf).minus(ulBetween.dom(x.lkw))
	// Possible rfe-lf edges: each LF outside rfi-lf reads from one LKW of
	// another thread (all-possible-rfe-lf, crossed).
	inRfi := x.rfiLF.rng()
	lf.each(func(e int) {
		if inRfi.has(e) {
			return
		}
		var ws []int
		x.lkw.each(func(w int) {
			if x.sameLoc.get(w, e) && x.extR.get(w, e) {
				ws = append(ws, w)
			}
		})
		x.lfEvents = append(x.lfEvents, e)
		x.lfChoices = append(x.lfChoices, ws)
	})
	// let possible-rf-ru e = (((UL * {e}) & po-loc) \ ([UL] ; po-loc ; [UL] ; po-loc)) |
	//	(((UL | IW) * {e}) & loc & ext)
	ulPoUl := ulBetween.dom(x.ul)
	x.ru.each(func(e int) {
		var ws []int
		for w := 0; w < n; w++ {
			if x.ul.has(w) && x.poLoc.get(w, e) && !ulPoUl.get(w, e) {
				ws = append(ws, w)
			} else if (x.ul.has(w) || x.iw.has(w)) && x.sameLoc.get(w, e) && x.extR.get(w, e) {
				ws = append(ws, w)
			}
		}
		x.ruEvents = append(x.ruEvents, e)
		x.ruChoices = append(x.ruChoices, ws)
	})
	// The axioms of lock.cat that depend on nothing else:
	x.ok = true
	// empty ([LKW] ; po-loc ; [LKR]) \ (po-loc ; [UL] ; po-loc) as lock-nest
	if !x.poLoc.restrict(x.lkw, x.lkr).minus(ulBetween).isEmpty() {
		x.ok = false
	}
	// empty ([LKW] ; po-loc ; [RU]) \ (po-loc ; [UL] ; po-loc) as nested-is-locked
	if !x.poLoc.restrict(x.lkw, x.ru).minus(ulBetween).isEmpty() {
		x.ok = false
	}
	// empty ([UNMATCHED-LKW] ; loc ; [UNMATCHED-LKW]) \ id as unmatched-locks
	if !x.sameLoc.restrict(x.unmatchedLKW, x.unmatchedLKW).noID().isEmpty() {
		x.ok = false
	}
	// let W = W | UL ; let M = R | W
	x.wUL = x.w.or(x.ul)
	x.m = x.r.or(x.wUL)
	x.hasLocks = !x.lkw.empty() || !x.ul.empty() || !x.lkr.empty()
}

// catStatic computes the relations of linux-kernel.cat that depend only on
// po and the event sets.
func (x *static) catStatic() {
	m, w := x.m, x.wUL
	fs := &x.fences
	// let R4rmb = R \ Noreturn
	fs.r4rmb = x.r.minus(x.noreturn)
	// let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]
	frRmb := x.fencerel(x.rmbF)
	fs.rmb = frRmb.restrict(fs.r4rmb, fs.r4rmb)
	// let wmb = [W] ; fencerel(Wmb) ; [W]
	fs.wmb = x.fencerel(x.wmbF).restrict(w, w)
	// let mb = ([M] ; fencerel(Mb) ; [M]) |
	//	([M] ; fencerel(Before-atomic) ; [RMW] ; po? ; [M]) |
	//	([M] ; po? ; [RMW] ; fencerel(After-atomic) ; [M]) |
	//	([M] ; po? ; [LKW] ; fencerel(After-spinlock) ; [M]) |
	//	([M] ; po-unlock-lock-po ; [After-unlock-lock] ; po ; [M]) |
	//	([M] ; po? ; [Srcu-unlock] ; fencerel(After-srcu-read-unlock) ; [M])
	// (the po-unlock-lock-po term needs rf: check.go adds it)
	mb := x.fencerel(x.mbF).restrict(m, m)
	mb.orIn(x.fencerel(x.beforeAtomic).rngOn(x.rmwSet).seq(x.poOpt).restrict(m, m))
	mb.orIn(x.poOpt.rngOn(x.rmwSet).seq(x.fencerel(x.afterAtomic)).restrict(m, m))
	mb.orIn(x.poOpt.rngOn(x.lkw).seq(x.fencerel(x.afterSpinlock)).restrict(m, m))
	mb.orIn(x.poOpt.rngOn(x.srcuUnlock).seq(x.fencerel(x.afterSrcuReadUnlock)).restrict(m, m))
	fs.mbBase = mb
	// let gp = po ; [Sync-rcu | Sync-srcu] ; po?
	fs.gp = x.po.rngOn(x.syncRcu.or(x.syncSrcu)).seq(x.poOpt)
	// let po-rel = [M] ; po ; [Release] ; let acq-po = [Acquire] ; po ; [M]
	fs.poRel = x.po.restrict(m, x.release)
	fs.acqPo = x.po.restrict(x.acquire, m)
	// let barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu |
	//	Before-atomic | After-atomic | Acquire | Release | Rcu-lock |
	//	Rcu-unlock | Srcu-lock | Srcu-unlock) | (po ; [Release]) | ([Acquire] ; po)
	bs := x.barrierF.or(x.rmbF).or(x.wmbF).or(x.mbF).or(x.syncRcu).or(x.syncSrcu).
		or(x.beforeAtomic).or(x.afterAtomic).or(x.acquire).or(x.release).or(x.rcuLock).
		or(x.rcuUnlock).or(x.srcuLock).or(x.srcuUnlock)
	fs.barrier = x.fencerel(bs).or(x.po.rngOn(x.release)).or(x.po.dom(x.acquire))
	notNR := x.all.minus(x.noreturn)
	fs.fencerelRmbR4 = frRmb.restrict(fs.r4rmb, notNR)
	fs.fencerelRmbNR = frRmb.restrict(notNR, fs.r4rmb)

	x.idMarked = x.idm(x.marked)
	x.idUL = x.idm(x.ul)
	x.idLKR = x.idm(x.lkr)
	x.idIWUL = x.idm(x.iw.or(x.ul))
	x.idAfterULL = x.idm(x.afterUnlockLock)
	x.hasRCU = !x.syncRcu.empty() || !x.syncSrcu.empty()
	x.rcuGP = x.idm(x.syncRcu)
	x.srcuGP = x.idm(x.syncSrcu)
	x.hasPlain = !x.plain.empty()
	// let pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
	x.preRaseBase = x.a.cross(x.n, x.plain, m).or(x.a.cross(x.n, m.minus(x.iw), x.plain)).and(x.extR)
	x.markedW = x.a.cross(x.n, x.marked, w)
	x.wMarked = x.a.cross(x.n, w, x.marked)
	x.plainW = x.plain.and(w)
	x.poLocNB = x.poLoc.minus(fs.barrier)
	// flag ~empty mixed-accesses, where
	// let mixed-accesses = ([Plain & W] ; (po-loc \ barrier) ; [Marked]) |
	//	([Marked] ; (po-loc \ barrier) ; [Plain & W])
	if !x.poLocNB.restrict(x.plainW, x.marked).isEmpty() || !x.poLocNB.restrict(x.marked, x.plainW).isEmpty() {
		x.flags |= fMixedAccesses
	}
}

// execution is a candidate with a reads-from map for the memory reads and
// concrete values: what the bell sees, before lock.cat generates the rf of
// LF and RU events and cos-opt.cat the coherence order.
type execution struct {
	*static
	cd  *candidate
	val []val
	rf0 mat
	// bell definitions that depend on rf
	flags            int
	srcuRscs         mat
	srcuRscsi        mat
	addr, data, ctrl mat
	dep, toRAddr     mat // addr | data ; addr ; [R]
	rwdep            mat // (dep | ctrl) ; [W]
	addrPlainWmb     mat // addr ; [Plain] ; wmb
}

// newExecution adds the reads-from map and the values of the solver.
func newExecution(st *static, cd *candidate, s *solver) *execution {
	n := cd.n
	x := &execution{static: st, cd: cd, val: make([]val, n), flags: st.flags}
	for i := range cd.ev {
		e := &cd.ev[i]
		if e.kind == aR || e.kind == aW || e.kind == aSRCU && e.e != nil && e.e.hasV {
			v, ok := s.get(e.v)
			if !ok {
				v = undet
			}
			x.val[i] = v
		}
	}
	x.rf0 = st.a.mat(n)
	for _, r := range cd.reads {
		x.rf0.set(cd.rfw[r], r)
	}
	if !st.srcuLock.empty() || !st.srcuUnlock.empty() {
		// let carry-srcu-data = (data ; [~ Srcu-unlock] ; rf)*
		carrySrcu := seqs(st.data0, st.idNotSU, x.rf0).star()
		// let srcu-rscs = ([Srcu-lock] ; carry-srcu-data ; data ; [Srcu-unlock]) & loc
		x.srcuRscs = carrySrcu.dom(st.srcuLock).seq(st.data0).rngOn(st.srcuUnlock).and(st.sameLoc)
		// flag ~empty Srcu-lock \ domain(srcu-rscs) as unmatched-srcu-lock
		if !st.srcuLock.minus(x.srcuRscs.domain()).empty() {
			x.flags |= fUnmatchedSrcuLock
		}
		// flag ~empty Srcu-unlock \ range(srcu-rscs) as unmatched-srcu-unlock
		if !st.srcuUnlock.minus(x.srcuRscs.rng()).empty() {
			x.flags |= fUnmatchedSrcuUnlock
		}
		// flag ~empty (srcu-rscs^-1 ; srcu-rscs) \ id as multiple-srcu-matches
		if !x.srcuRscs.inv().seq(x.srcuRscs).noID().isEmpty() {
			x.flags |= fMultipleSrcuMatches
		}
		// flag ~empty different-values(srcu-rscs) as srcu-bad-value-match
		for i := 0; i < n; i++ {
			x.srcuRscs.row(i).each(func(j int) {
				if x.val[i] != x.val[j] {
					x.flags |= fSrcuBadValueMatch
				}
			})
		}
	} else {
		x.srcuRscs = st.a.mat(n)
	}
	x.srcuRscsi = x.srcuRscs.inv()
	// flag ~empty rcu-rscs & (po ; [Sync-srcu] ; po) as invalid-sleep
	if !st.syncSrcu.empty() && !st.rcuRscs.and(st.po.rngOn(st.syncSrcu).seq(st.po)).isEmpty() {
		x.flags |= fInvalidSleep
	}
	// let carry-dep = (data ; [~ Srcu-unlock] ; rfi)*
	// let addr = carry-dep ; addr ; let ctrl = carry-dep ; ctrl
	// let data = carry-dep ; data
	carry := seqs(st.data0, st.idNotSU, x.rf0.and(st.intR))
	if carry.isEmpty() {
		x.addr, x.data, x.ctrl = st.addr0, st.data0, st.ctrl0
	} else {
		cd := carry.star()
		x.addr, x.data, x.ctrl = cd.seq(st.addr0), cd.seq(st.data0), cd.seq(st.ctrl0)
	}
	// let dep = addr | data ; let rwdep = (dep | ctrl) ; [W]
	x.dep = x.addr.or(x.data)
	x.rwdep = x.dep.or(x.ctrl).rngOn(st.wUL)
	x.toRAddr = x.addr.rngOn(st.r)
	x.addrPlainWmb = x.addr.rngOn(st.plain).seq(st.fences.wmb)
	return x
}
