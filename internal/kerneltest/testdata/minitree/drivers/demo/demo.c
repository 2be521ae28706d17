// SPDX-License-Identifier: GPL-2.0
/* A small driver for rcureview's unit tests. */
#include <linux/rcupdate.h>
#include <linux/mutex.h>

struct demo_cfg {
	int val;
	struct rcu_head rcu;
};
static struct demo_cfg __rcu *demo_cfg;
static DEFINE_MUTEX(demo_mutex);

static void demo_lock_helper(void)
{
	mutex_lock(&demo_mutex);
}

int demo_read(void)
{
	struct demo_cfg *cfg;
	int val = 0;

	rcu_read_lock();
	cfg = rcu_dereference(demo_cfg);
	if (cfg)
		val = cfg->val;
	rcu_read_unlock();
	return val;
}

void demo_set(struct demo_cfg *new)
{
	struct demo_cfg *old;

	mutex_lock(&demo_mutex);
	old = rcu_replace_pointer(demo_cfg, new, lockdep_is_held(&demo_mutex));
	mutex_unlock(&demo_mutex);
	synchronize_rcu();
	kfree(old);
}
