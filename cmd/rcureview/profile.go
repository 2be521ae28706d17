package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"runtime/trace"
)

// Profiling of one run, for measuring rcureview itself (bench/, the
// performance notes), set in the environment so that every command has it:
//
//	RCUREVIEW_CPUPROFILE=FILE  CPU profile of the whole run (go tool pprof)
//	RCUREVIEW_MEMPROFILE=FILE  heap profile at exit (in-use and allocated)
//	RCUREVIEW_TRACE=FILE       execution trace (go tool trace)
const (
	envCPUProfile = "RCUREVIEW_CPUPROFILE"
	envMemProfile = "RCUREVIEW_MEMPROFILE"
	envTrace      = "RCUREVIEW_TRACE"
)

// startProfiles starts what the environment asks for; the returned
// function stops it and writes the profiles. Problems are reported on
// stderr and never fail the run.
func startProfiles(getenv func(string) string, stderr io.Writer) (stop func()) {
	var stops []func()
	if name := getenv(envCPUProfile); name != "" {
		if f, err := os.Create(name); err != nil {
			fmt.Fprintf(stderr, "rcureview: %s: %v\n", envCPUProfile, err)
		} else if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "rcureview: %s: %v\n", envCPUProfile, err)
			f.Close()
		} else {
			stops = append(stops, func() { pprof.StopCPUProfile(); f.Close() })
		}
	}
	if name := getenv(envTrace); name != "" {
		if f, err := os.Create(name); err != nil {
			fmt.Fprintf(stderr, "rcureview: %s: %v\n", envTrace, err)
		} else if err := trace.Start(f); err != nil {
			fmt.Fprintf(stderr, "rcureview: %s: %v\n", envTrace, err)
			f.Close()
		} else {
			stops = append(stops, func() { trace.Stop(); f.Close() })
		}
	}
	if name := getenv(envMemProfile); name == "" {
		// Without a heap profile to write, the runtime's sampling of
		// allocations (one stack walk and bucket per 512 KB, kept in a
		// 1.4 MB hash table touched at random) is pure cost. The linker
		// turns it off only in programs that cannot write a profile.
		runtime.MemProfileRate = 0
	} else {
		stops = append(stops, func() {
			f, err := os.Create(name)
			if err != nil {
				fmt.Fprintf(stderr, "rcureview: %s: %v\n", envMemProfile, err)
				return
			}
			defer f.Close()
			runtime.GC() // up-to-date in-use figures
			if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
				fmt.Fprintf(stderr, "rcureview: %s: %v\n", envMemProfile, err)
			}
		})
	}
	return func() {
		for _, s := range stops {
			s()
		}
	}
}
