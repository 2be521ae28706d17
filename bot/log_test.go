package bot

import (
	"log/slog"
	"os"
	"testing"
)

// testLogger logs to the test output with -v and RCUREVIEW_TEST_LOG=1.
func testLogger(t testing.TB) *slog.Logger {
	level := slog.LevelWarn + 100
	if os.Getenv("RCUREVIEW_TEST_LOG") != "" {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: level}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(string(p))
	return len(p), nil
}
