package notrace

import (
	"github.com/rcureview/rcureview/analyzers/internal/realtest"
	"github.com/rcureview/rcureview/kconfig"
	"strings"
	"testing"
)

// TestHookOnlyUnderItsOwnConfig: preempt_count_add() is a debug hook only
// where it is the extern function (DEBUG_PREEMPT || TRACE_PREEMPT_TOGGLE);
// elsewhere it is a macro for __preempt_count_add() and no hook. The finding
// must carry the hook's condition, never its negation, and a .config
// without those options must drop it.
func TestHookOnlyUnderItsOwnConfig(t *testing.T) {
	src := "static notrace void trace_helper(void)\n{\n\tpreempt_disable();\n}\n"
	p, pass := miniPass(t, "kernel/trace/hookcfg.c", src)
	fs, err := realtest.Run(Analyzer, p, &pass)
	if err != nil {
		t.Fatal(err)
	}
	var hook int
	for _, f := range fs {
		if !strings.Contains(f.Message, "preempt_count_add") {
			continue
		}
		hook++
		cfg := strings.Join(f.Config, " && ")
		if !strings.Contains(cfg, "CONFIG_DEBUG_PREEMPT || CONFIG_TRACE_PREEMPT_TOGGLE") ||
			strings.Contains(cfg, "!(CONFIG_DEBUG_PREEMPT") {
			t.Errorf("hook finding under the wrong configuration: %s", cfg)
		}
	}
	if hook != 1 {
		t.Fatalf("want one preempt_count_add hook finding, got %d:\n%s", hook, dump(fs))
	}

	p, pass = miniPass(t, "kernel/trace/hookcfg.c", src)
	pass.Config = kconfig.FromMap(map[string]string{"CONFIG_PREEMPT_COUNT": "y", "CONFIG_DEBUG_PREEMPT": "n"})
	fs, err = realtest.Run(Analyzer, p, &pass)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if strings.Contains(f.Message, "preempt_count_add") {
			t.Errorf("without DEBUG_PREEMPT/TRACE_PREEMPT_TOGGLE there is no hook: %s %v", f.Message, f.Config)
		}
	}
}
