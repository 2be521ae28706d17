int __srcu_read_lock(struct srcu_struct *ssp)
{
	int idx = READ_ONCE(ssp->srcu_idx) & 0x1;

	this_cpu_inc(ssp->sda->srcu_lock_count[idx].counter);
	return idx;
}
