package lkmm

// outcome is one execution the model allows.
type outcome struct {
	x     *execution
	rf    mat // final rf of lock.cat
	co    mat // final co of lock.cat
	flags int
}

// enumerate generates the executions lock.cat and cos-opt.cat generate for
// x (rf of failed trylocks and spin_is_locked, then the coherence order)
// and calls f for each one that satisfies every axiom.
func (x *execution) enumerate(f func(o *outcome) error) error {
	if !x.staticAxioms() {
		return nil
	}
	n := x.n
	nlf, nru := len(x.lfEvents), len(x.ruEvents)
	pick := make([]int, nlf+nru)
	for _, ws := range x.lfChoices {
		if len(ws) == 0 {
			return nil
		}
	}
	for _, ws := range x.ruChoices {
		if len(ws) == 0 {
			return nil
		}
	}
	for {
		// let rf = rf | rf-lf | rf-ru
		rf := x.rf0.or(x.rfiLF)
		for k, e := range x.lfEvents {
			rf.set(x.lfChoices[k][pick[k]], e)
		}
		for k, e := range x.ruEvents {
			rf.set(x.ruChoices[k][pick[nlf+k]], e)
		}
		if err := x.cos(rf, f); err != nil {
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
			break
		}
	}
	_ = n
	return nil
}

// cos is cos-opt.cat: the coherence orders that extend cobase.
func (x *execution) cos(rf mat, f func(o *outcome) error) error {
	n := x.n
	invrf := rf.inv()
	// obsco
	ww := x.poLoc.restrict(x.w, x.w)
	rw := rf.seq(x.poLoc.restrict(x.r, x.w))
	wr := x.poLoc.restrict(x.w, x.r).seq(invrf)
	rr := seqs(rf, x.poLoc.restrict(x.r, x.r), invrf)
	obsco := ors(ww, rw, wr, rr)
	for i := 0; i < n; i++ {
		obsco.b[i*obsco.w+i>>6] &^= 1 << uint(i&63) // \ id for wr and rr
	}
	// co0 = loc & (IW * (W \ IW)) | ([IW] ; loc ; [LKW]) |
	//	(([LKW] ; loc ; [UNMATCHED-LKW]) \ [UNMATCHED-LKW]); the final
	// writes of herd7's co0 are the co-last ones (all of them in turn).
	co0 := x.sameLoc.restrict(x.iw, x.w0.minus(x.iw).or(x.lkw))
	um := x.sameLoc.restrict(x.lkw, x.unmatchedLKW)
	x.unmatchedLKW.each(func(i int) { um.b[i*um.w+i>>6] &^= 1 << uint(i&63) })
	co0.orIn(um)
	cobase := obsco.or(co0)
	// acyclic cobase as ConsCo
	if !cobase.acyclic() {
		return nil
	}
	// Linearisations, location by location.
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
	co := newMat(n)
	var perLoc func(g int) error
	perLoc = func(g int) error {
		if g == len(groups) {
			return x.finish(rf, co, f)
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

// finish completes lock.cat for one coherence order and checks
// linux-kernel.cat.
func (x *execution) finish(rf0, co0 mat, f func(o *outcome) error) error {
	n := x.n
	// let co = (co | critical | (critical^-1 ; co))+
	co := ors(co0, x.critical, x.critical.inv().seq(co0)).plus()
	// let rf = rf | ([IW | UL] ; singlestep(co) ; lk-rmw^-1)
	step := co.minus(co.seq(co))
	rf := rf0.or(seqs(x.idm(x.iw.or(x.ul)), step, x.lkRmw.inv()))
	rfe := rf.and(x.extR)
	rfi := rf.and(x.intR)
	// let fr = rf^-1 ; co
	fr := rf.inv().seq(co)
	w := x.w.or(x.ul)
	m := x.r.or(w)
	mk := x.idm(x.marked)
	fs := x.fenceStatic

	// Coherence: acyclic po-loc | com
	com := ors(rf, co, fr)
	if !x.poLoc.or(com).acyclic() {
		return nil
	}
	// Atomicity: empty rmw & (fre ; coe)
	fre := fr.and(x.extR)
	coe := co.and(x.extR)
	if !x.rmw.and(fre.seq(coe)).isEmpty() {
		return nil
	}
	// let po-unlock-lock-po = po ; [UL] ; (po|rf) ; [LKR] ; po
	pulp := seqs(x.po, x.idm(x.ul), x.po.or(rf), x.idm(x.lkr), x.po)
	// mb's po-unlock-lock-po term
	mb := fs.mbBase.or(seqs(pulp, x.idm(x.afterUnlockLock), x.po).restrict(m, m))
	strongFence := mb.or(fs.gp)
	nonrwFence := ors(strongFence, fs.poRel, fs.acqPo)
	fence := ors(nonrwFence, fs.wmb, fs.rmb)
	// ppo
	dep := x.addr.or(x.data)
	rwdep := dep.or(x.ctrl).restrict(x.all, w)
	overwrite := co.or(fr)
	toW := ors(rwdep, overwrite.and(x.intR), seqs(x.addr, x.idm(x.plain), fs.wmb))
	toR := x.addr.restrict(x.all, x.r).or(seqs(dep, mk, rfi))
	ppo := ors(toR, toW, fence.and(x.intR), pulp.and(x.intR))
	// let A-cumul(r) = (rfe ; [Marked])? ; r
	rfeM := rfe.seq(mk).opt()
	// let rmw-sequence = (rf ; rmw)*
	rmwSeq := rf.seq(x.rmw).star()
	// let cumul-fence = [Marked] ; (A-cumul(strong-fence | po-rel) | wmb |
	//	po-unlock-lock-po) ; [Marked] ; rmw-sequence
	cumulFence := seqs(mk, ors(rfeM.seq(strongFence.or(fs.poRel)), fs.wmb, pulp), mk, rmwSeq)
	// let prop = [Marked] ; (overwrite & ext)? ; cumul-fence* ; [Marked] ; rfe? ; [Marked]
	cfStar := cumulFence.star()
	prop := seqs(mk, overwrite.and(x.extR).opt(), cfStar, mk, rfe.opt(), mk)
	// let hb = [Marked] ; (ppo | rfe | ((prop \ id) & int)) ; [Marked]
	propNoID := prop.clone()
	for i := 0; i < n; i++ {
		propNoID.b[i*propNoID.w+i>>6] &^= 1 << uint(i&63)
	}
	hb := seqs(mk, ors(ppo, rfe, propNoID.and(x.intR)), mk)
	if !hb.acyclic() {
		return nil
	}
	hbStar := hb.star()
	// let pb = prop ; strong-fence ; hb* ; [Marked]
	pb := seqs(prop, strongFence, hbStar, mk)
	if !pb.acyclic() {
		return nil
	}
	pbStar := pb.star()
	// RCU
	var rcuFence mat
	hasRCU := !x.syncRcu.empty() || !x.syncSrcu.empty()
	if hasRCU {
		// let rcu-link = po? ; hb* ; pb* ; prop ; po
		rcuLink := seqs(x.po.opt(), hbStar, pbStar, prop, x.po)
		rcuGP := x.idm(x.syncRcu)
		srcuGP := x.idm(x.syncSrcu)
		rcuRscsi := x.rcuRscs.inv()
		srcuRscsi := x.srcuRscs.inv()
		l := x.sameLoc
		gpLink := rcuGP.seq(rcuLink)
		sgpLink := srcuGP.seq(rcuLink)
		rLink := rcuRscsi.seq(rcuLink)
		srLink := srcuRscsi.seq(rcuLink)
		base := ors(rcuGP, srcuGP, gpLink.seq(rcuRscsi), sgpLink.seq(srcuRscsi).and(l),
			rLink.seq(rcuGP), srLink.seq(srcuGP).and(l))
		order := base
		for {
			ol := order.seq(rcuLink)
			next := ors(base,
				seqs(gpLink, ol, rcuRscsi),
				seqs(sgpLink, ol, srcuRscsi).and(l),
				seqs(rLink, ol, rcuGP),
				seqs(srLink, ol, srcuGP).and(l),
				ol.seq(order))
			if equalMat(next, order) {
				break
			}
			order = next
		}
		// let rcu-fence = po ; rcu-order ; po?
		rcuFence = seqs(x.po, order, x.po.opt())
		// let rb = prop ; rcu-fence ; hb* ; pb* ; [Marked] ; irreflexive rb
		rb := seqs(prop, rcuFence, hbStar, pbStar, mk)
		if !rb.irreflexive() {
			return nil
		}
		fence = fence.or(rcuFence)
		strongFence = strongFence.or(rcuFence)
		// xbstar needs rb
		return x.plainAccesses(f, rf, co, fr, rfe, fence, strongFence, nonrwFence, cumulFence, cfStar, hb, pb, rb, rmwSeq)
	}
	return x.plainAccesses(f, rf, co, fr, rfe, fence, strongFence, nonrwFence, cumulFence, cfStar, hb, pb, newMat(n), rmwSeq)
}

// plainAccesses is the last part of linux-kernel.cat: the plain-coherence
// axiom and the data-race and mixed-accesses flags.
func (x *execution) plainAccesses(f func(o *outcome) error, rf, co, fr, rfe, fence, strongFence, nonrwFence, cumulFence, cfStar, hb, pb, rb, rmwSeq mat) error {
	flags := x.flags0
	fs := x.fenceStatic
	w := x.w.or(x.ul)
	m := x.r.or(w)
	mk := x.idm(x.marked)
	plainW := x.plain.and(w)
	// flag ~empty mixed-accesses
	poLocNB := x.poLoc.minus(fs.barrier)
	if !poLocNB.restrict(plainW, x.marked).isEmpty() || !poLocNB.restrict(x.marked, plainW).isEmpty() {
		flags |= fMixedAccesses
	}
	needPlain := !x.plain.empty()
	if needPlain {
		xbstar := ors(hb, pb, rb).star()
		// let vis = cumul-fence* ; rfe? ; [Marked] ;
		//	((strong-fence ; [Marked] ; xbstar) | (xbstar & int))
		vis := seqs(cfStar, rfe.opt(), mk, seqs(strongFence, mk, xbstar).or(xbstar.and(x.intR)))
		// let w-pre-bounded = [Marked] ; (addr | fence)?
		wPre := mk.seq(x.addr.or(fence).opt())
		// let r-pre-bounded = [Marked] ; (addr | nonrw-fence |
		//	([R4rmb] ; fencerel(Rmb) ; [~Noreturn]))?
		rPre := mk.seq(ors(x.addr, nonrwFence, fs.fencerelRmbR4).opt())
		// let w-post-bounded = fence? ; [Marked] ; rmw-sequence
		wPost := seqs(fence.opt(), mk, rmwSeq)
		// let r-post-bounded = (nonrw-fence | ([~Noreturn] ; fencerel(Rmb) ;
		//	[R4rmb]))? ; [Marked]
		rPost := nonrwFence.or(fs.fencerelRmbNR).opt().seq(mk)
		sfx := strongFence.seq(xbstar)
		wwVis := ors(fence, sfx.seq(wPre), seqs(wPost, vis, wPre))
		wrVis := ors(fence, sfx.seq(rPre), seqs(wPost, vis, rPre))
		rwXbstar := fence.or(seqs(rPost, xbstar, wPre))
		// let pre-race = ext & ((Plain * M) | ((M \ IW) * Plain))
		preRace := cross(x.n, x.plain, m).or(cross(x.n, m.minus(x.iw), x.plain)).and(x.extR)
		// empty (wr-incoh | rw-incoh | ww-incoh) as plain-coherence
		wrIncoh := preRace.and(rf).and(rwXbstar.inv())
		rwIncoh := preRace.and(fr).and(wrVis.inv())
		wwIncoh := preRace.and(co).and(wwVis.inv())
		if !ors(wrIncoh, rwIncoh, wwIncoh).isEmpty() {
			return nil
		}
		// let ww-nonrace = ww-vis & ((Marked * W) | rw-xbstar) & ((W * Marked) | wr-vis)
		wwNonrace := wwVis.and(cross(x.n, x.marked, w).or(rwXbstar)).and(cross(x.n, w, x.marked).or(wrVis))
		wwRace := preRace.and(co).minus(wwNonrace)
		wrRace := preRace.and(co.opt().seq(rf)).minus(wrVis).minus(rwXbstar.inv())
		rwRace := preRace.and(fr).minus(rwXbstar)
		if !ors(wwRace, wrRace, rwRace).isEmpty() {
			flags |= fDataRace
		}
	}
	// flag ~empty [FW] ; loc ; [ALL-LOCKS] as lock-final: FW are the
	// co-last memory writes of the locations the test observes (herd7
	// chooses final writes for those only).
	allLocks := x.lkr.or(x.lkw).or(x.ul).or(x.lf).or(x.ru).or(x.srcuLock).or(x.srcuUnlock).or(x.syncSrcu)
	fw := x.finalWrites(co).and(x.cd.c.observedWrites(x))
	if !x.sameLoc.restrict(fw, allLocks).isEmpty() {
		flags |= fLockFinal
	}
	return f(&outcome{x: x, rf: rf, co: co, flags: flags})
}

// finalWrites returns, per location, the co-last memory write.
func (x *execution) finalWrites(co mat) bset {
	fw := newSet(x.n)
	x.w0.each(func(i int) {
		last := true
		co.row(i).each(func(j int) {
			if x.w0.has(j) {
				last = false
			}
		})
		if last {
			fw.add(i)
		}
	})
	return fw
}

// observedWrites is the set of memory writes to the shared locations the
// condition, the filter or the locations clause names.
func (c *compiled) observedWrites(x *execution) bset {
	s := newSet(x.n)
	x.w0.each(func(i int) {
		if l := x.loc[i]; l >= 0 && c.observed[l] {
			s.add(i)
		}
	})
	return s
}
