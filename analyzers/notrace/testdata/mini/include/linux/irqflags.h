#ifdef CONFIG_TRACE_IRQFLAGS
extern void trace_hardirqs_on(void);
extern void trace_hardirqs_off(void);
#define local_irq_save(flags) \
	do { \
		raw_local_irq_save(flags); \
		if (!raw_irqs_disabled_flags(flags)) \
			trace_hardirqs_off(); \
	} while (0)
#define local_irq_restore(flags) \
	do { \
		if (!raw_irqs_disabled_flags(flags)) \
			trace_hardirqs_on(); \
		raw_local_irq_restore(flags); \
	} while (0)
#else
#define local_irq_save(flags) do { raw_local_irq_save(flags); } while (0)
#define local_irq_restore(flags) do { raw_local_irq_restore(flags); } while (0)
#endif
#define raw_local_irq_save(flags) do { flags = arch_local_irq_save(); } while (0)
#define raw_local_irq_restore(flags) arch_local_irq_restore(flags)
#define raw_irqs_disabled_flags(flags) arch_irqs_disabled_flags(flags)
static __always_inline unsigned long arch_local_irq_save(void) { return native_save_fl(); }
static __always_inline void arch_local_irq_restore(unsigned long f) { }
static __always_inline int arch_irqs_disabled_flags(unsigned long f) { return !(f & 0x200); }
static __always_inline unsigned long native_save_fl(void) { unsigned long f; asm volatile("pushf ; pop %0" : "=rm" (f)); return f; }
