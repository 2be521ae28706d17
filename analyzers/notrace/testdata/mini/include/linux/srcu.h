static inline notrace int srcu_read_lock_notrace(struct srcu_struct *ssp)
{
	int retval;

	retval = __srcu_read_lock(ssp);
	return retval;
}
