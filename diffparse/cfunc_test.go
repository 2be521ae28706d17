package diffparse

import (
	"os"
	"reflect"
	"testing"
)

func TestFunctionsSample(t *testing.T) {
	src, err := os.ReadFile("testdata/sample_rcu.c")
	if err != nil {
		t.Fatal(err)
	}
	got := Functions(src)
	want := []Func{
		{Name: "sample_read_lock", Start: 24, BodyStart: 25, End: 33},
		{Name: "sample_inline", Start: 35, BodyStart: 36, End: 38},
		{Name: "sample_lookup", Start: 40, BodyStart: 43, End: 51},
		{Name: "sample_unlock", Start: 53, BodyStart: 55, End: 57},
		{Name: "sys_sample_call", Start: 59, BodyStart: 60, End: 67},
		{Name: "exc_sample", Start: 69, BodyStart: 70, End: 74},
		{Name: "sample_init", Start: 77, BodyStart: 78, End: 80},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Functions:\n got %+v\nwant %+v", got, want)
	}
}

func TestEnclosingFunction(t *testing.T) {
	src, err := os.ReadFile("testdata/sample_rcu.c")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		line int
		want string
	}{
		{"line after a string holding a brace", 28, "sample_read_lock"},
		{"char literal brace does not close the block", 31, "sample_read_lock"},
		{"second line of a multi-line signature", 41, "sample_lookup"},
		{"inside a nested loop block", 46, "sample_lookup"},
		{"trailing __releases attribute line", 54, "sample_unlock"},
		{"syscall body", 63, "sys_sample_call"},
		{"struct definition is not a function", 13, ""},
		{"initializer is not a function", 18, ""},
		{"macro with braces is not a function", 7, ""},
		{"blank line between functions", 34, ""},
		{"function under #ifdef with __attribute__", 79, "sample_init"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			name, _, _ := EnclosingFunction(src, tc.line)
			if name != tc.want {
				t.Errorf("line %d: got %q, want %q", tc.line, name, tc.want)
			}
		})
	}
}

func TestFunctionName(t *testing.T) {
	for _, tc := range []struct {
		name, head, want string
	}{
		{"plain", "void foo(void)", "foo"},
		{"pointer return", "static struct list_head *next_entry(struct task_struct *t)", "next_entry"},
		{"notrace", "notrace void rcu_read_unlock_notrace(void)", "rcu_read_unlock_notrace"},
		{"compat syscall", "COMPAT_SYSCALL_DEFINE2(foo, int, a, int, b)", "compat_sys_foo"},
		{"bpf section macro", `SEC("kprobe") int BPF_PROG(handle, int x)`, "handle"},
		{"bpf helper macro", "BPF_CALL_2(bpf_sample_helper, void *, a, u64, b)", "bpf_sample_helper"},
		{"initializer", "struct foo bar = ", ""},
		{"array", "int tbl[] ", ""},
		{"struct", "struct foo ", ""},
		{"unbalanced", "void foo(int", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := functionName(tc.head)
			if got != tc.want {
				t.Errorf("functionName(%q) = %q, want %q", tc.head, got, tc.want)
			}
		})
	}
}
