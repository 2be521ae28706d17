#ifdef CONFIG_DEBUG_LOCK_ALLOC
int rcu_read_lock_held(void)
{
	bool ret;

	if (rcu_read_lock_held_common(&ret))
		return ret;
	return lock_is_held(&rcu_lock_map);
}
#endif
