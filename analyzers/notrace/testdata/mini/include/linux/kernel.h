#define trace_printk(fmt, ...) __trace_bprintk(_THIS_IP_, fmt, ##__VA_ARGS__)
#define static_call(name) __static_call(name)
