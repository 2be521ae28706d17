static __always_inline void __preempt_count_add(int val) { raw_cpu_add_4(__preempt_count, val); }
static __always_inline void __preempt_count_sub(int val) { raw_cpu_add_4(__preempt_count, -val); }
static __always_inline bool __preempt_count_dec_and_test(void) { return raw_cpu_dec_4(__preempt_count) == 0; }
#define __preempt_count_inc() __preempt_count_add(1)
#define __preempt_count_dec() __preempt_count_sub(1)
#define __preempt_schedule_notrace() preempt_schedule_notrace()
#define raw_cpu_add_4(v, n) ((v) += (n))
#define raw_cpu_dec_4(v) (--(v))
#define barrier() __asm__ __volatile__("" : : : "memory")
#define unlikely(x) __builtin_expect(!!(x), 0)
static __always_inline void set_preempt_need_resched(void) { raw_cpu_and_4(__preempt_count, ~1); }
#define raw_cpu_and_4(v, n) ((v) &= (n))
