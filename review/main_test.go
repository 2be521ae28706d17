package review

import (
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// TestMain lets kerneltest remove the kernel git repository it may build
// (with RCUREVIEW_KERNEL_TREE set and RCUREVIEW_KERNEL_GIT not).
func TestMain(m *testing.M) { kerneltest.Main(m) }
