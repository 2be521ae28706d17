#define tracepoint_enabled(tp) static_key_false(&(__tracepoint_##tp).key)
#define static_key_false(k) arch_static_branch(k)
static __always_inline bool arch_static_branch(struct static_key *k) { return false; }
