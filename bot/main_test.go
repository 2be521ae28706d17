package bot

import (
	"os"
	"sync"
	"testing"
)

// built is the command binary shared by the tests that run it as a
// separate process (see binary).
var built struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
	os.Exit(code)
}
