// SPDX-License-Identifier: GPL-2.0
/*
 * Sample written for the diffparse tests: kernel-style C with the shapes
 * the function scan must recognise. { braces in comments } are ignored.
 */
#include <linux/rcupdate.h>
#define SAMPLE_BRACES(x) do { (x)++; } while (0)
#define SAMPLE_MULTI(x)	\
	({ int __y = (x);	\
	   __y; })

struct sample_node {
	struct rcu_head rh;
	int key;
};

static const struct sample_ops sample_ops = {
	.start = sample_start,
	.stop = sample_stop,
};

static DEFINE_PER_CPU(int, sample_count) = { 0 };

notrace void sample_read_lock(void)
{
	rcu_read_lock();
	pr_info("{ not a brace }");
	if (sample_ops.start == NULL) {
		char c = '{';

		(void)c;
	}
}

static __always_inline bool sample_inline(struct sample_node *n)
{
	return READ_ONCE(n->key) != 0;
}

static inline struct sample_node *
sample_lookup(struct list_head *head,
	      int key)
{
	struct sample_node *n;

	list_for_each_entry_rcu(n, head, list) {
		if (n->key == key)
			return n;
	}
	return NULL;
}

void sample_unlock(struct rcu_node *rnp)
	__releases(rnp->lock)
{
	raw_spin_unlock_rcu_node(rnp);
}

SYSCALL_DEFINE3(sample_call, int, cmd, unsigned int, flags, int, cpu_id)
{
	switch (cmd) {
	case 0:
		return 0;
	default:
		return -EINVAL;
	}
}

DEFINE_IDTENTRY_RAW(exc_sample)
{
	irqentry_state_t state = irqentry_enter(regs);

	irqentry_exit(regs, state);
}

#ifdef CONFIG_SAMPLE_DEBUG
static int __init __attribute__((cold)) sample_init(void)
{
	return 0;
}
#endif

EXPORT_SYMBOL_GPL(sample_read_lock);
