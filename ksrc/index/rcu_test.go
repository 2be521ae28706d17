package index

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const rcuSrc = `struct foo {
	int x;
	struct bar __rcu *b;
	union {
		void __rcu *anon;
	};
	struct list_head list;
};

static struct foo __rcu *gfoo;
struct foo __rcu *pubfoo;
static LIST_HEAD(foo_list);

int read_it(struct foo *f, void *data)
{
	struct bar *b = rcu_dereference(f->b);
	struct foo *g, *h = NULL;
	struct foo *pos;

	g = rcu_dereference(gfoo);
	h = rcu_dereference(pubfoo);
	list_for_each_entry_rcu(pos, &foo_list, list)
		b = rcu_dereference_check(pos->b, lockdep_is_held(&m));
	b = rcu_dereference(data->b);
	b = rcu_dereference(h->b);
	return b != NULL;
}

static void set_it(struct foo *f, struct bar *nb)
{
	struct bar *old = rcu_replace_pointer(f->b, nb, true);
	call_rcu(&old->rcu, free_bar_rcu);
	list_del_rcu(&f->list);
	kfree_rcu(f, rcu);
}

#define READ_TP(tp) rcu_dereference_raw((&__tp_##tp)->funcs)
`

func TestSkimRCUFacts(t *testing.T) {
	ff := SkimC("kernel/demo.c", []byte(rcuSrc))
	got := map[string][]string{}
	for _, fn := range ff.Funcs {
		for _, s := range fn.RCU {
			got[fn.Name] = append(got[fn.Name], s.Name+" "+s.Loc)
		}
	}
	for _, m := range ff.Macros {
		for _, s := range m.RCU {
			got[m.Name] = append(got[m.Name], s.Name+" "+s.Loc)
		}
	}
	want := map[string][]string{
		"read_it": {
			"rcu_dereference kernel/demo.c:struct foo.b", // struct foo is defined in this .c file
			"rcu_dereference kernel/demo.c:gfoo",         // static global
			"rcu_dereference pubfoo",
			"list_for_each_entry_rcu kernel/demo.c:struct foo.list",
			"rcu_dereference_check kernel/demo.c:struct foo.b",
			"rcu_dereference ?.b", // data is a void *: the type is not known
			"rcu_dereference kernel/demo.c:struct foo.b",
		},
		"set_it": {
			"rcu_replace_pointer kernel/demo.c:struct foo.b",
			"call_rcu struct bar.rcu",
			"list_del_rcu kernel/demo.c:struct foo.list",
			"kfree_rcu kernel/demo.c:struct foo",
		},
		"READ_TP": {"rcu_dereference_raw ?.funcs"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sites:\n got %q\nwant %q", got, want)
	}
	wantFields := []RCUField{{"struct foo", "b", 3}, {"struct foo", "anon", 5}}
	if !reflect.DeepEqual(ff.RCUFields, wantFields) {
		t.Errorf("fields %+v, want %+v", ff.RCUFields, wantFields)
	}
	wantVars := []RCUVar{{"gfoo", 10, true}, {"pubfoo", 11, false}}
	if !reflect.DeepEqual(ff.RCUVars, wantVars) {
		t.Errorf("vars %+v, want %+v", ff.RCUVars, wantVars)
	}
	for _, s := range ff.Funcs[1].RCU {
		if s.Name == "call_rcu" && !reflect.DeepEqual(s.Args, []string{"free_bar_rcu"}) {
			t.Errorf("call_rcu args %q", s.Args)
		}
	}

	// The facts survive the pack record and are found by location.
	dec, err := decodeFacts(encodeFacts(nil, ff))
	if err != nil {
		t.Fatal(err)
	}
	dec.Key, ff.Key = "", ""
	if !reflect.DeepEqual(dec, ff) {
		t.Fatalf("record round trip differs")
	}
	ix := New("test", []*FileFacts{ff})
	if fs := ix.RCUFiles("kernel/demo.c:struct foo.b"); len(fs) != 1 {
		t.Errorf("RCUFiles: %d files", len(fs))
	}
	if fs := ix.RCUFiles(RCUFieldKey("anon")); len(fs) != 1 {
		t.Errorf("RCUFiles(__rcu:anon): %d files", len(fs))
	}
	var buf bytes.Buffer
	if err := writePack(&buf, "t", []*FileFacts{ff}); err != nil {
		t.Fatal(err)
	}
}

// BenchmarkSkimRCUFacts measures what the RCU facts add to skimming:
// kernel/ and net/core/ of the real tree, with and without them.
func BenchmarkSkimRCUFacts(b *testing.B) {
	dir := os.Getenv("RCUREVIEW_KERNEL_TREE")
	if dir == "" {
		b.Skip("RCUREVIEW_KERNEL_TREE not set")
	}
	var files [][2]string
	for _, top := range []string{"kernel", "net/core"} {
		filepath.WalkDir(filepath.Join(dir, top), func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".c") || strings.HasSuffix(p, ".h")) {
				if data, err := os.ReadFile(p); err == nil {
					files = append(files, [2]string{p, string(data)})
				}
			}
			return nil
		})
	}
	for _, noRCU := range []bool{true, false} {
		name := "with"
		if noRCU {
			name = "without"
		}
		b.Run(name, func(b *testing.B) {
			var n int64
			for i := 0; i < b.N; i++ {
				sk := Skimmer{noRCU: noRCU}
				for _, f := range files {
					sk.SkimC(f[0], []byte(f[1]))
					n += int64(len(f[1]))
				}
			}
			b.SetBytes(n / int64(b.N))
		})
	}
}
