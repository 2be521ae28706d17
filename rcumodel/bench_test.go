package rcumodel

import (
	"testing"
	"time"
)

// BenchmarkScenarios explores every embedded scenario; it reports states
// per exploration and states per second (bench/model.sh prints them).
func BenchmarkScenarios(b *testing.B) {
	infos, err := List()
	if err != nil {
		b.Fatal(err)
	}
	for _, in := range infos {
		s, err := Load(in.Name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(in.Name, func(b *testing.B) {
			states := 0
			start := time.Now()
			for i := 0; i < b.N; i++ {
				r, err := Check(s, Options{})
				if err != nil {
					b.Fatal(err)
				}
				states += r.States
			}
			b.ReportMetric(float64(states)/float64(b.N), "states/op")
			b.ReportMetric(float64(states)/time.Since(start).Seconds(), "states/s")
		})
	}
}
