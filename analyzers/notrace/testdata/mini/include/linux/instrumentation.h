#ifdef CONFIG_NOINSTR_VALIDATION
#define instrumentation_begin() __instrumentation_begin(__COUNTER__)
#define instrumentation_end() __instrumentation_end(__COUNTER__)
#else
#define instrumentation_begin() do { } while (0)
#define instrumentation_end() do { } while (0)
#endif
#define WRITE_ONCE(x, val) do { *(volatile typeof(x) *)&(x) = (val); } while (0)
