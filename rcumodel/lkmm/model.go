package lkmm

// This file encodes the Linux-kernel memory model of Linux 6.12
// (tools/memory-model/linux-kernel.bell, lock.cat, linux-kernel.cat, with
// herd7's stdlib.cat and cos-opt.cat), definition by definition, in the
// order herd7 evaluates them. Comments give the cat text each line
// implements, so that the code reads side by side with the .cat files.

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

// execution is a candidate with a reads-from map for memory reads and
// concrete locations and values: what the bell and lock.cat see before
// the coherence order is generated.
type execution struct {
	cd  *candidate
	n   int
	loc []int // location index, -1 for fences
	val []val
	// herd7's event sets
	all, mem0, r0, w0, iw, f, lkr, lkw, ul, lf, rl, ru, syncSrcu bset
	once, release0, acquire0, noreturn, rmwSet                   bset
	srcuLock, srcuUnlock                                         bset
	mbF, wmbF, rmbF, barrierF, rcuLock, rcuUnlock, syncRcu       bset
	beforeAtomic, afterAtomic, afterSpinlock, afterUnlockLock    bset
	afterSrcuReadUnlock                                          bset
	po, sameLoc, intR, extR, poLoc                               mat
	rf0                                                          mat
	rmw0, addr0, data0, ctrl0                                    mat

	// bell and lock.cat, before co
	flags0               int
	rcuRscs, srcuRscs    mat
	marked, plain        bset
	addr, data, ctrl     mat
	lkRmw, rmw, critical mat
	unmatchedLKW         bset
	rfiLF                mat
	lfChoices            [][]int // per LF without rfi-lf: possible LKW
	lfEvents             []int
	ruChoices            [][]int
	ruEvents             []int
	r, w                 bset // R and W of lock.cat before UL joins W
	release, acquire     bset
	fenceStatic          *fences
}

// fences holds relations that depend only on po and the event sets.
type fences struct {
	rmb, wmb, mbBase, gp, poRel, acqPo, barrier mat
	fencerelRmbR4                               mat // [R4rmb] ; fencerel(Rmb) ; [~Noreturn]
	fencerelRmbNR                               mat // [~Noreturn] ; fencerel(Rmb) ; [R4rmb]
	r4rmb                                       bset
}

func (x *execution) idm(s bset) mat { return idOn(x.n, s) }

func seqs(ms ...mat) mat {
	out := ms[0]
	for _, m := range ms[1:] {
		out = out.seq(m)
	}
	return out
}

// fencerel(S) = (po & (_ * S)) ; po
func (x *execution) fencerel(s bset) mat {
	return x.po.restrict(x.all, s).seq(x.po)
}

// newExecution builds the execution of a candidate whose values are solved.
func newExecution(cd *candidate, s *solver) *execution {
	n := cd.n
	x := &execution{cd: cd, n: n, loc: make([]int, n), val: make([]val, n)}
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
		x.loc[i] = -1
		if e.kind != aF && e.kind != aTooFar {
			l, _ := s.get(e.loc)
			x.loc[i] = l.sym()
		}
		if e.kind == aR || e.kind == aW || e.kind == aRegR || e.kind == aRegW || e.kind == aSRCU && e.e != nil && e.e.hasV {
			v, ok := s.get(e.v)
			if !ok {
				v = undet
			}
			x.val[i] = v
		}
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
	x.po, x.addr0, x.data0, x.ctrl0, x.rmw0 = cd.po, cd.addr, cd.data, cd.ctrl, cd.rmw
	x.sameLoc, x.intR, x.extR = newMat(n), newMat(n), newMat(n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			if x.loc[i] >= 0 && x.loc[i] == x.loc[j] {
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
	x.rf0 = newMat(n)
	for _, r := range cd.reads {
		x.rf0.set(cd.rfw[r], r)
	}
	x.bell()
	x.lockStatic()
	return x
}

// bell evaluates linux-kernel.bell.
func (x *execution) bell() {
	n := x.n
	// let rcu-rscs = let rec ... in matched
	matched := newMat(n)
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
	x.rcuRscs = matched
	// flag ~empty Rcu-lock \ domain(rcu-rscs) as unmatched-rcu-lock
	if !x.rcuLock.minus(matched.domain()).empty() {
		x.flags0 |= fUnmatchedRcuLock
	}
	if !x.rcuUnlock.minus(matched.rng()).empty() {
		x.flags0 |= fUnmatchedRcuUnlock
	}
	// let carry-srcu-data = (data ; [~ Srcu-unlock] ; rf)*
	notSU := x.all.minus(x.srcuUnlock)
	carrySrcu := seqs(x.data0, x.idm(notSU), x.rf0).star()
	// let srcu-rscs = ([Srcu-lock] ; carry-srcu-data ; data ; [Srcu-unlock]) & loc
	x.srcuRscs = seqs(x.idm(x.srcuLock), carrySrcu, x.data0, x.idm(x.srcuUnlock)).and(x.sameLoc)
	if !x.srcuLock.minus(x.srcuRscs.domain()).empty() {
		x.flags0 |= fUnmatchedSrcuLock
	}
	if !x.srcuUnlock.minus(x.srcuRscs.rng()).empty() {
		x.flags0 |= fUnmatchedSrcuUnlock
	}
	// flag ~empty (srcu-rscs^-1 ; srcu-rscs) \ id as multiple-srcu-matches
	mm := x.srcuRscs.inv().seq(x.srcuRscs)
	for i := 0; i < n; i++ {
		r := mm.row(i)
		if r.count() > 1 || r.count() == 1 && !r.has(i) {
			x.flags0 |= fMultipleSrcuMatches
		}
	}
	// flag ~empty rcu-rscs & (po ; [Sync-srcu] ; po) as invalid-sleep
	if !x.rcuRscs.and(seqs(x.po, x.idm(x.syncSrcu), x.po)).isEmpty() {
		x.flags0 |= fInvalidSleep
	}
	// flag ~empty different-values(srcu-rscs) as srcu-bad-value-match
	for i := 0; i < n; i++ {
		x.srcuRscs.row(i).each(func(j int) {
			if x.val[i] != x.val[j] {
				x.flags0 |= fSrcuBadValueMatch
			}
		})
	}
	// let Marked = (~M) | IW | Once | Release | Acquire | domain(rmw) |
	//	range(rmw) | LKR | LKW | UL | LF | RL | RU | Srcu-lock | Srcu-unlock
	x.marked = x.all.minus(x.mem0).or(x.iw).or(x.once).or(x.release0).or(x.acquire0).
		or(x.rmw0.domain()).or(x.rmw0.rng()).or(x.lkr).or(x.lkw).or(x.ul).or(x.lf).
		or(x.rl).or(x.ru).or(x.srcuLock).or(x.srcuUnlock)
	// let Plain = M \ Marked
	x.plain = x.mem0.minus(x.marked)
	// let carry-dep = (data ; [~ Srcu-unlock] ; rfi)*
	rfi := x.rf0.and(x.intR)
	carryDep := seqs(x.data0, x.idm(notSU), rfi).star()
	x.addr = carryDep.seq(x.addr0)
	x.ctrl = carryDep.seq(x.ctrl0)
	x.data = carryDep.seq(x.data0)
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
func (x *execution) lockStatic() {
	n := x.n
	// let LF = LF | RL
	lf := x.lf.or(x.rl)
	x.lf = lf
	// let ALL-LOCKS = LKR | LKW | UL | LF | RU | Srcu-lock | Srcu-unlock | Sync-srcu
	allLocks := x.lkr.or(x.lkw).or(x.ul).or(lf).or(x.ru).or(x.srcuLock).or(x.srcuUnlock).or(x.syncSrcu)
	// flag ~empty [M \ IW \ ALL-LOCKS] ; loc ; [ALL-LOCKS] as mixed-lock-accesses
	if !x.sameLoc.restrict(x.mem0.minus(x.iw).minus(allLocks), allLocks).isEmpty() {
		x.flags0 |= fMixedLockAccesses
	}
	// let lk-rmw = ([LKR] ; po-loc ; [LKW]) \ (po ; po)
	x.lkRmw = x.poLoc.restrict(x.lkr, x.lkw).minus(x.po.seq(x.po))
	// let rmw = rmw | lk-rmw
	x.rmw = x.rmw0.or(x.lkRmw)
	if !x.lkw.minus(x.lkRmw.rng()).empty() {
		x.flags0 |= fUnpairedLKW
	}
	if !x.lkr.minus(x.lkRmw.domain()).empty() {
		x.flags0 |= fUnpairedLKR
	}
	// let R = R | LKR | LF | RU ; let W = W | LKW
	x.r = x.r0.or(x.lkr).or(lf).or(x.ru)
	x.w = x.w0.or(x.lkw)
	// let Release = Release | UL ; let Acquire = Acquire | LKR
	x.release = x.release0.or(x.ul)
	x.acquire = x.acquire0.or(x.lkr)
	// let critical = ([LKW] ; po-loc ; [UL]) \ (po-loc ; [LKW | UL] ; po-loc)
	x.critical = x.poLoc.restrict(x.lkw, x.ul).minus(seqs(x.poLoc, x.idm(x.lkw.or(x.ul)), x.poLoc))
	if !x.ul.minus(x.critical.rng()).empty() {
		x.flags0 |= fUnmatchedUnlock
	}
	// let UNMATCHED-LKW = LKW \ domain(critical)
	x.unmatchedLKW = x.lkw.minus(x.critical.domain())
	// let rfi-lf = ([LKW] ; po-loc ; [LF]) \ ([LKW] ; po-loc ; [UL] ; po-loc)
	x.rfiLF = x.poLoc.restrict(x.lkw, lf).minus(seqs(x.idm(x.lkw), x.poLoc, x.idm(x.ul), x.poLoc))
	// rfe-lf: each LF outside rfi-lf reads from one LKW of another thread.
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
	// rf-ru: each RU reads from the last po-previous UL, or from a UL of
	// another thread or the initial write.
	ulPoUl := seqs(x.idm(x.ul), x.poLoc, x.idm(x.ul), x.poLoc)
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
	x.fenceStatic = x.fenceRels()
}

// staticAxioms checks the axioms of lock.cat that do not depend on rf or co.
func (x *execution) staticAxioms() bool {
	// empty ([LKW] ; po-loc ; [LKR]) \ (po-loc ; [UL] ; po-loc) as lock-nest
	ulBetween := seqs(x.poLoc, x.idm(x.ul), x.poLoc)
	if !x.poLoc.restrict(x.lkw, x.lkr).minus(ulBetween).isEmpty() {
		return false
	}
	// empty ([LKW] ; po-loc ; [RU]) \ (po-loc ; [UL] ; po-loc) as nested-is-locked
	if !x.poLoc.restrict(x.lkw, x.ru).minus(ulBetween).isEmpty() {
		return false
	}
	// empty ([UNMATCHED-LKW] ; loc ; [UNMATCHED-LKW]) \ id as unmatched-locks
	um := x.sameLoc.restrict(x.unmatchedLKW, x.unmatchedLKW)
	for i := 0; i < x.n; i++ {
		r := um.row(i)
		if r.count() > 1 || r.count() == 1 && !r.has(i) {
			return false
		}
	}
	return true
}

// fenceRels computes the fence relations of linux-kernel.cat that depend
// only on po and the event sets (the M, R and W of lock.cat, with UL).
func (x *execution) fenceRels() *fences {
	fs := &fences{}
	w := x.w.or(x.ul)
	m := x.r.or(w)
	// let R4rmb = R \ Noreturn
	fs.r4rmb = x.r.minus(x.noreturn)
	// let rmb = [R4rmb] ; fencerel(Rmb) ; [R4rmb]
	frRmb := x.fencerel(x.rmbF)
	fs.rmb = frRmb.restrict(fs.r4rmb, fs.r4rmb)
	// let wmb = [W] ; fencerel(Wmb) ; [W]
	fs.wmb = x.fencerel(x.wmbF).restrict(w, w)
	// mb, without the po-unlock-lock-po term (it needs rf)
	poOpt := x.po.opt()
	mb := x.fencerel(x.mbF).restrict(m, m)
	mb.orIn(seqs(x.fencerel(x.beforeAtomic), x.idm(x.rmwSet), poOpt).restrict(m, m))
	mb.orIn(seqs(poOpt, x.idm(x.rmwSet), x.fencerel(x.afterAtomic)).restrict(m, m))
	mb.orIn(seqs(poOpt, x.idm(x.lkw), x.fencerel(x.afterSpinlock)).restrict(m, m))
	mb.orIn(seqs(poOpt, x.idm(x.srcuUnlock), x.fencerel(x.afterSrcuReadUnlock)).restrict(m, m))
	fs.mbBase = mb
	// let gp = po ; [Sync-rcu | Sync-srcu] ; po?
	fs.gp = seqs(x.po, x.idm(x.syncRcu.or(x.syncSrcu)), poOpt)
	// let po-rel = [M] ; po ; [Release] ; let acq-po = [Acquire] ; po ; [M]
	fs.poRel = x.po.restrict(m, x.release)
	fs.acqPo = x.po.restrict(x.acquire, m)
	// let barrier = fencerel(Barrier | Rmb | Wmb | Mb | Sync-rcu | Sync-srcu |
	//	Before-atomic | After-atomic | Acquire | Release | Rcu-lock |
	//	Rcu-unlock | Srcu-lock | Srcu-unlock) | (po ; [Release]) | ([Acquire] ; po)
	bs := x.barrierF.or(x.rmbF).or(x.wmbF).or(x.mbF).or(x.syncRcu).or(x.syncSrcu).
		or(x.beforeAtomic).or(x.afterAtomic).or(x.acquire).or(x.release).or(x.rcuLock).
		or(x.rcuUnlock).or(x.srcuLock).or(x.srcuUnlock)
	fs.barrier = x.fencerel(bs).or(x.po.restrict(x.all, x.release)).or(x.po.restrict(x.acquire, x.all))
	notNR := x.all.minus(x.noreturn)
	fs.fencerelRmbR4 = frRmb.restrict(fs.r4rmb, notNR)
	fs.fencerelRmbNR = frRmb.restrict(notNR, fs.r4rmb)
	return fs
}
