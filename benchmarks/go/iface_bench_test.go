// Go 1.19's own cost of the operations IfaceBenchmark measures in goheap, on the same machine:
// run by benchmarks/go/bench.sh (go test -bench . -count 5).
package ifacebench

import "testing"

type I interface{ M() int }

type T struct{ x int }

func (t T) M() int { return t.x }

var (
	sinkE any
	sinkI I
	sinkN int
)

func BenchmarkAssertE2I(b *testing.B) {
	var e any = T{1}
	for i := 0; i < b.N; i++ {
		sinkI = e.(I)
	}
}

func BenchmarkConvT64Small(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkE = uint64(i & 0xff)
	}
}

func BenchmarkConvT64Large(b *testing.B) {
	for i := 0; i < b.N; i++ {
		sinkE = uint64(1000 + i)
	}
}

func BenchmarkConvTstring(b *testing.B) {
	s := "abcdefgh"
	for i := 0; i < b.N; i++ {
		sinkE = s[:1+i&7]
	}
}

func BenchmarkCallThroughItab(b *testing.B) {
	var x I = T{3}
	for i := 0; i < b.N; i++ {
		sinkN += x.M()
	}
}
