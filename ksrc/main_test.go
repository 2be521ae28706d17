package ksrc

import (
	"testing"

	"github.com/rcureview/rcureview/internal/kerneltest"
)

// TestMain lets kerneltest remove the kernel git repository it may build.
func TestMain(m *testing.M) { kerneltest.Main(m) }
