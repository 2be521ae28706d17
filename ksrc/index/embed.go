package index

import (
	"bytes"
	"compress/gzip"
	_ "embed" // the embedded fact set
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"sync"
)

// embeddedFacts is the compact fact set of the subsystems RCU and tracing
// reach, generated from linux-source-6.12 by rcureview itself:
//
//	go run ./cmd/rcureview index --tree $RCUREVIEW_KERNEL_TREE --embedded \
//	    --out ksrc/index/embedded.facts.gz
//
// (EmbeddedPrefixes lists what it covers; every Kconfig file is included
// too, for the constraint model.)
//
//go:embed embedded.facts.gz
var embeddedFacts []byte

// EmbeddedPrefixes are the tree paths the embedded facts cover.
var EmbeddedPrefixes = []string{
	"kernel/rcu", "kernel/trace", "kernel/sched", "kernel/locking", "kernel/softirq.c",
	"kernel/irq_work.c", "kernel/smp.c", "kernel/entry", "kernel/context_tracking.c",
	"kernel/Makefile", "kernel/panic.c", "kernel/printk", "kernel/irq", "kernel/time",
	"include/linux", "include/trace", "include/asm-generic", "arch/x86/include",
	"arch/x86/kernel/irq_work.c", "arch/x86/kernel/Makefile", "lib/smp_processor_id.c", "lib/Makefile",
	// the makefiles kbuild descends through to them (build conditions)
	"Kbuild", "Makefile", "arch/x86/Kbuild", "arch/x86/Makefile",
}

// EmbeddedSource names the embedded facts in reports.
const EmbeddedSource = "embedded:6.12"

type embeddedHeader struct {
	Version  int
	Source   string
	Prefixes []string
}

// WriteFacts writes a compressed fact set (the embedded format).
func WriteFacts(w io.Writer, source string, prefixes []string, files []*FileFacts) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	enc := gob.NewEncoder(zw)
	if err := enc.Encode(embeddedHeader{cacheVersion, source, prefixes}); err != nil {
		return fmt.Errorf("write facts: %w", err)
	}
	if err := enc.Encode(files); err != nil {
		return fmt.Errorf("write facts: %w", err)
	}
	return zw.Close()
}

// ReadFacts reads a fact set written by WriteFacts as a partial index.
func ReadFacts(r io.Reader) (*Index, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	dec := gob.NewDecoder(zr)
	var h embeddedHeader
	if err := dec.Decode(&h); err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	if h.Version != cacheVersion {
		return nil, fmt.Errorf("read facts: version %d, want %d (regenerate them)", h.Version, cacheVersion)
	}
	var files []*FileFacts
	if err := dec.Decode(&files); err != nil {
		return nil, fmt.Errorf("read facts: %w", err)
	}
	ix := New(EmbeddedSource, files)
	ix.Partial, ix.Covers, ix.Arch = true, h.Prefixes, "x86"
	return ix, nil
}

// ErrNoEmbedded is returned (wrapped) when an index is asked for without a
// tree and the binary, or the provider, carries no embedded facts.
var ErrNoEmbedded = errors.New("no embedded kernel facts in this build")

// Embedded returns a loader of the embedded facts; the facts are decoded
// once, on first use.
func Embedded() func() (*Index, error) {
	return sync.OnceValues(func() (*Index, error) {
		if len(embeddedFacts) == 0 {
			return nil, ErrNoEmbedded
		}
		return ReadFacts(bytes.NewReader(embeddedFacts))
	})
}
