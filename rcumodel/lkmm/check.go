package lkmm

// outcome is one execution the model allows. Its relations live in the
// search's arena: they are valid during the callback only.
type outcome struct {
	x     *execution
	rf    mat // the final rf of lock.cat
	co    mat // the final co of lock.cat
	flags int
}

// enumerate generates the executions that lock.cat and cos-opt.cat
// generate for x (the rf of failed trylocks and of spin_is_locked, then
// the coherence orders) and calls f for each one that satisfies every
// axiom.
func (x *execution) enumerate(f func(o *outcome) error) error {
	if !x.ok {
		return nil
	}
	nlf := len(x.lfEvents)
	pick := make([]int, nlf+len(x.ruEvents))
	for _, ws := range x.lfChoices {
		if len(ws) == 0 {
			return nil // with rfe-lf from cross(...): no choice, no execution
		}
	}
	for _, ws := range x.ruChoices {
		if len(ws) == 0 {
			return nil
		}
	}
	for {
		mk := x.a.mark()
		// let rf = rf | rf-lf | rf-ru
		rf := x.rf0.or(x.rfiLF)
		for k, e := range x.lfEvents {
			rf.set(x.lfChoices[k][pick[k]], e)
		}
		for k, e := range x.ruEvents {
			rf.set(x.ruChoices[k][pick[nlf+k]], e)
		}
		err := x.cos(rf, f)
		x.a.release(mk)
		if err != nil {
			return err
		}
		k := len(pick) - 1
		for ; k >= 0; k-- {
			lim := 0
			if k < nlf {
				lim = len(x.lfChoices[k])
			} else {
				lim = len(x.ruChoices[k-nlf])
			}
			pick[k]++
			if pick[k] < lim {
				break
			}
			pick[k] = 0
		}
		if k < 0 {
			return nil
		}
	}
}

// cos is cos-opt.cat: every coherence order that extends cobase.
func (x *execution) cos(rf mat, f func(o *outcome) error) error {
	n := x.n
	// let invrf = rf^-1
	invrf := rf.inv()
	// let obsco =
	//	let ww = po-loc & (W * W)
	//	and rw = rf ; (po-loc & (R * W))
	//	and wr = ((po-loc & (W * R)) ; invrf) \ id
	//	and rr = (rf ; (po-loc & (R * R)) ; invrf) \ id in
	//	(ww|rw|wr|rr)
	ww := x.poLoc.restrict(x.w, x.w)
	rw := rf.seq(x.poLoc.restrict(x.r, x.w))
	wr := x.poLoc.restrict(x.w, x.r).seq(invrf).noID()
	rr := seqs(rf, x.poLoc.restrict(x.r, x.r), invrf).noID()
	// let rmwco = rf & (W * (R & W)): empty, the Linux RMWs are two events.
	// let co0 = loc & ((IW * (W\IW)) | ((W\FW) * FW)), with
	//	co0 | ([IW] ; loc ; [LKW]) | (([LKW] ; loc ; [UNMATCHED-LKW]) \ [UNMATCHED-LKW])
	// from lock.cat. herd7 fixes the final writes (FW) first and
	// generates the orders that end with them; generating every order is
	// the same, so the FW term is left out here.
	co0 := x.sameLoc.restrict(x.iw, x.w0.minus(x.iw).or(x.lkw))
	co0.orIn(x.sameLoc.restrict(x.lkw, x.unmatchedLKW).noID())
	// let cobase = obsco|rmwco|co0 ; acyclic cobase as ConsCo
	cobase := ors(ww, rw, wr, rr, co0)
	if !cobase.acyclic() {
		return nil
	}
	// with co from generate_cos(cobase): the linearisations of cobase,
	// location by location, crossed.
	var groups [][]int
	seen := map[int]int{}
	x.w.each(func(i int) {
		l := x.loc[i]
		g, ok := seen[l]
		if !ok {
			g = len(groups)
			seen[l] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	})
	co := x.a.mat(n)
	var perLoc func(g int) error
	perLoc = func(g int) error {
		if g == len(groups) {
			if err := x.cd.c.tick(); err != nil {
				return err
			}
			mk := x.a.mark()
			err := x.finish(rf, co, f)
			x.a.release(mk)
			return err
		}
		ws := groups[g]
		placed := make([]bool, len(ws))
		order := make([]int, 0, len(ws))
		var lin func() error
		lin = func() error {
			if len(order) == len(ws) {
				for a := 0; a < len(order); a++ {
					for b := a + 1; b < len(order); b++ {
						co.set(order[a], order[b])
					}
				}
				err := perLoc(g + 1)
				for a := 0; a < len(order); a++ {
					for b := a + 1; b < len(order); b++ {
						co.b[order[a]*co.w+order[b]>>6] &^= 1 << uint(order[b]&63)
					}
				}
				return err
			}
			for k, e := range ws {
				if placed[k] {
					continue
				}
				minimal := true
				for k2, e2 := range ws {
					if !placed[k2] && k2 != k && cobase.get(e2, e) {
						minimal = false
						break
					}
				}
				if !minimal {
					continue
				}
				placed[k] = true
				order = append(order, e)
				if err := lin(); err != nil {
					return err
				}
				order = order[:len(order)-1]
				placed[k] = false
			}
			return nil
		}
		return lin()
	}
	return perLoc(0)
}

// finish completes lock.cat for one coherence order and checks the axioms
// of linux-kernel.cat.
func (x *execution) finish(rf0, co0 mat, f func(o *outcome) error) error {
	fs := &x.fences
	var co, rf mat
	if x.hasLocks {
		// let co = (co | critical | (critical^-1 ; co))+
		co = ors(co0, x.critical, x.critical.inv().seq(co0)).plus()
		// let rf = rf | ([IW | UL] ; singlestep(co) ; lk-rmw^-1),
		// singlestep(co) = co \ (co ; co)
		step := co.minus(co.seq(co))
		rf = rf0.or(seqs(x.idIWUL, step, x.lkRmw.inv()))
	} else {
		co, rf = co0, rf0
	}
	// let rfe = rf & ext ; let rfi = rf & int ; let fr = rf^-1 ; co
	rfe := rf.and(x.extR)
	rfi := rf.and(x.intR)
	fr := rf.inv().seq(co)

	// let com = rf | co | fr ; acyclic po-loc | com as coherence
	if !ors(x.poLoc, rf, co, fr).acyclic() {
		return nil
	}
	// empty rmw & (fre ; coe) as atomic
	if !x.rmw.and(fr.and(x.extR).seq(co.and(x.extR))).isEmpty() {
		return nil
	}
	// let po-unlock-lock-po = po ; [UL] ; (po|rf) ; [LKR] ; po
	var pulp mat
	strongFence := fs.mbBase.or(fs.gp)
	if x.hasLocks {
		pulp = seqs(x.po.rngOn(x.ul), x.po.or(rf), x.idLKR, x.po)
		// the po-unlock-lock-po term of mb
		strongFence.orIn(seqs(pulp, x.idAfterULL, x.po).restrict(x.m, x.m))
	} else {
		pulp = x.a.mat(x.n)
	}
	// let strong-fence = mb | gp
	// let nonrw-fence = strong-fence | po-rel | acq-po
	nonrwFence := ors(strongFence, fs.poRel, fs.acqPo)
	// let fence = nonrw-fence | wmb | rmb
	fence := ors(nonrwFence, fs.wmb, fs.rmb)
	// let overwrite = co | fr
	overwrite := co.or(fr)
	// let to-w = rwdep | (overwrite & int) | (addr ; [Plain] ; wmb)
	toW := ors(x.rwdep, overwrite.and(x.intR), x.addrPlainWmb)
	// let to-r = (addr ; [R]) | (dep ; [Marked] ; rfi)
	toR := x.toRAddr.or(x.dep.rngOn(x.marked).seq(rfi))
	// let ppo = to-r | to-w | (fence & int) | (po-unlock-lock-po & int)
	ppo := ors(toR, toW, fence.and(x.intR), pulp.and(x.intR))
	// let A-cumul(r) = (rfe ; [Marked])? ; r
	// let rmw-sequence = (rf ; rmw)*
	rmwSeq := rf.seq(x.rmw).star()
	// let cumul-fence = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb |
	//	po-unlock-lock-po) ; [Marked] ; rmw-sequence
	aCumul := rfe.rngOn(x.marked).opt().seq(strongFence.or(fs.poRel))
	cumulFence := ors(aCumul, fs.wmb, pulp).restrict(x.marked, x.marked).seq(rmwSeq)
	// let prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ;
	//	rfe? ; [Marked]
	cfStar := cumulFence.star()
	prop := overwrite.and(x.extR).opt().dom(x.marked).seq(cfStar).rngOn(x.marked).seq(rfe.opt()).rngOn(x.marked)
	// let hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
	// acyclic hb as happens-before
	hb := ors(ppo, rfe, prop.clone().noID().and(x.intR)).restrict(x.marked, x.marked)
	if !hb.acyclic() {
		return nil
	}
	hbStar := hb.star()
	// let pb = prop ; strong-fence ; hb* ; [Marked] ; acyclic pb as propagation
	pb := seqs(prop, strongFence, hbStar).rngOn(x.marked)
	if !pb.acyclic() {
		return nil
	}
	rb := x.a.mat(x.n)
	if x.hasRCU {
		pbStar := pb.star()
		// let rcu-link = po? ; hb* ; pb* ; prop ; po
		rcuLink := seqs(x.poOpt, hbStar, pbStar, prop, x.po)
		// let rec rcu-order = rcu-gp | srcu-gp |
		//	(rcu-gp ; rcu-link ; rcu-rscsi) |
		//	((srcu-gp ; rcu-link ; srcu-rscsi) & loc) |
		//	(rcu-rscsi ; rcu-link ; rcu-gp) |
		//	((srcu-rscsi ; rcu-link ; srcu-gp) & loc) |
		//	(rcu-gp ; rcu-link ; rcu-order ; rcu-link ; rcu-rscsi) |
		//	((srcu-gp ; rcu-link ; rcu-order ; rcu-link ; srcu-rscsi) & loc) |
		//	(rcu-rscsi ; rcu-link ; rcu-order ; rcu-link ; rcu-gp) |
		//	((srcu-rscsi ; rcu-link ; rcu-order ; rcu-link ; srcu-gp) & loc) |
		//	(rcu-order ; rcu-link ; rcu-order)
		l := x.sameLoc
		gpLink := x.rcuGP.seq(rcuLink)
		sgpLink := x.srcuGP.seq(rcuLink)
		rLink := x.rcuRscsi.seq(rcuLink)
		srLink := x.srcuRscsi.seq(rcuLink)
		base := ors(x.rcuGP, x.srcuGP, gpLink.seq(x.rcuRscsi), sgpLink.seq(x.srcuRscsi).and(l),
			rLink.seq(x.rcuGP), srLink.seq(x.srcuGP).and(l))
		order := base
		for {
			ol := order.seq(rcuLink)
			next := ors(base,
				seqs(gpLink, ol, x.rcuRscsi),
				seqs(sgpLink, ol, x.srcuRscsi).and(l),
				seqs(rLink, ol, x.rcuGP),
				seqs(srLink, ol, x.srcuGP).and(l),
				ol.seq(order))
			if equalMat(next, order) {
				break
			}
			order = next
		}
		// let rcu-fence = po ; rcu-order ; po?
		rcuFence := seqs(x.po, order, x.poOpt)
		// let rb = prop ; rcu-fence ; hb* ; pb* ; [Marked] ; irreflexive rb as rcu
		rb = seqs(prop, rcuFence, hbStar, pbStar).rngOn(x.marked)
		if !rb.irreflexive() {
			return nil
		}
		// let fence = fence | rcu-fence ; let strong-fence = strong-fence | rcu-fence
		fence = fence.or(rcuFence)
		strongFence = strongFence.or(rcuFence)
	}
	flags := x.flags
	if x.hasPlain {
		// Plain accesses and data races.
		// let xbstar = (hb | pb | rb)*
		xbstar := ors(hb, pb, rb).star()
		// let vis = cumul-fence* ; rfe? ; [Marked] ;
		//	((strong-fence ; [Marked] ; xbstar) | (xbstar & int))
		vis := cfStar.seq(rfe.opt()).rngOn(x.marked).seq(strongFence.rngOn(x.marked).seq(xbstar).or(xbstar.and(x.intR)))
		// let w-pre-bounded = [Marked] ; (addr | fence)?
		wPre := x.addr.or(fence).opt().dom(x.marked)
		// let r-pre-bounded = [Marked] ; (addr | nonrw-fence |
		//	([R4rmb] ; fencerel(Rmb) ; [~Noreturn]))?
		rPre := ors(x.addr, nonrwFence, fs.fencerelRmbR4).opt().dom(x.marked)
		// let w-post-bounded = fence? ; [Marked] ; rmw-sequence
		wPost := fence.opt().rngOn(x.marked).seq(rmwSeq)
		// let r-post-bounded = (nonrw-fence | ([~Noreturn] ; fencerel(Rmb) ;
		//	[R4rmb]))? ; [Marked]
		rPost := nonrwFence.or(fs.fencerelRmbNR).opt().rngOn(x.marked)
		// let ww-vis = fence | (strong-fence ; xbstar ; w-pre-bounded) |
		//	(w-post-bounded ; vis ; w-pre-bounded)
		sfx := strongFence.seq(xbstar)
		postVis := wPost.seq(vis)
		wwVis := ors(fence, sfx.seq(wPre), postVis.seq(wPre))
		// let wr-vis = fence | (strong-fence ; xbstar ; r-pre-bounded) |
		//	(w-post-bounded ; vis ; r-pre-bounded)
		wrVis := ors(fence, sfx.seq(rPre), postVis.seq(rPre))
		// let rw-xbstar = fence | (r-post-bounded ; xbstar ; w-pre-bounded)
		rwXbstar := fence.or(seqs(rPost, xbstar, wPre))
		preRace := x.preRaseBase
		// let wr-incoh = pre-race & rf & rw-xbstar^-1
		// let rw-incoh = pre-race & fr & wr-vis^-1
		// let ww-incoh = pre-race & co & ww-vis^-1
		// empty (wr-incoh | rw-incoh | ww-incoh) as plain-coherence
		rwXbstarInv := rwXbstar.inv()
		if !ors(preRace.and(rf).and(rwXbstarInv), preRace.and(fr).and(wrVis.inv()), preRace.and(co).and(wwVis.inv())).isEmpty() {
			return nil
		}
		// let ww-nonrace = ww-vis & ((Marked * W) | rw-xbstar) & ((W * Marked) | wr-vis)
		// let ww-race = (pre-race & co) \ ww-nonrace
		// let wr-race = (pre-race & (co? ; rf)) \ wr-vis \ rw-xbstar^-1
		// let rw-race = (pre-race & fr) \ rw-xbstar
		// flag ~empty (ww-race | wr-race | rw-race) as data-race
		wwNonrace := wwVis.and(x.markedW.or(rwXbstar)).and(x.wMarked.or(wrVis))
		wwRace := preRace.and(co).minus(wwNonrace)
		wrRace := preRace.and(co.opt().seq(rf)).minus(wrVis).minus(rwXbstarInv)
		rwRace := preRace.and(fr).minus(rwXbstar)
		if !ors(wwRace, wrRace, rwRace).isEmpty() {
			flags |= fDataRace
		}
	}
	// flag ~empty [FW] ; loc ; [ALL-LOCKS] as lock-final: FW are the
	// co-last memory writes of the locations the test observes (herd7
	// picks final writes for those only).
	if !x.allLocks.empty() {
		fw := x.finalWrites(co).and(x.observedW)
		if !x.sameLoc.restrict(fw, x.allLocks).isEmpty() {
			flags |= fLockFinal
		}
	}
	return f(&outcome{x: x, rf: rf, co: co, flags: flags})
}

// finalWrites returns, per location, the co-last memory write.
func (x *execution) finalWrites(co mat) bset {
	fw := newSet(x.n)
	x.w0.each(func(i int) {
		if !co.rowHas(i, x.w0) {
			fw.add(i)
		}
	})
	return fw
}
