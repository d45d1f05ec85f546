//go:build go1.22

// Go 1.22's call-site caches on the workload of goheap's CallSiteBenchmark: x.(I) and a type switch with
// two interface cases, each compiled with a per-site cache (main..typeAssert.N / ..interfaceSwitch.N)
// that the runtime fills. Run with a Go 1.22 or later (benchmarks/compare.sh finds one through GO122);
// the build constraint keeps Go 1.19's runs of this package (bench.sh, gen.sh) as they were.
//
// 8 types C0..C7 (struct{ x int }, M() int; the even ones also N() int), CI { M() int },
// CJ { M() int; N() int }; the values cycle over C0..C7 (Cycle) or repeat C0 (One). Before the timer,
// 2^22 assertions fill the caches through the runtime's gates (1 rebuild in 1024 misses, fewer as a
// cache grows), so every timed call is a hit. `go test -c -gcflags=-S` shows the probe inline and
// CALL runtime.typeAssert / runtime.interfaceSwitch only on the miss path.
package ifacebench

import "testing"

type CI interface{ M() int }

type CJ interface {
	M() int
	N() int
}

type C0 struct{ x int }
type C1 struct{ x int }
type C2 struct{ x int }
type C3 struct{ x int }
type C4 struct{ x int }
type C5 struct{ x int }
type C6 struct{ x int }
type C7 struct{ x int }

func (c C0) M() int { return c.x }
func (c C1) M() int { return c.x }
func (c C2) M() int { return c.x }
func (c C3) M() int { return c.x }
func (c C4) M() int { return c.x }
func (c C5) M() int { return c.x }
func (c C6) M() int { return c.x }
func (c C7) M() int { return c.x }
func (c C0) N() int { return c.x }
func (c C2) N() int { return c.x }
func (c C4) N() int { return c.x }
func (c C6) N() int { return c.x }

// cvals is read through a package variable so that no assertion below is resolved at compile time.
var cvals = []any{C0{0}, C1{1}, C2{2}, C3{3}, C4{4}, C5{5}, C6{6}, C7{7}}

var (
	sinkCI   CI
	sinkCJ   CJ
	sinkCase int
)

// Both are noinline so that warm and the timed loop run one site: an inlined copy of a function gets a
// descriptor (and cache) of its own.

//go:noinline
func assertCI(e any) { sinkCI = e.(CI) }

//go:noinline
func switchCJCI(e any) {
	switch v := e.(type) {
	case CJ:
		sinkCJ = v
		sinkCase += 0
	case CI:
		sinkCI = v
		sinkCase++
	}
}

// warm runs f 2^22 times over the values: the caches fill before the timer starts.
func warm(f func(any)) {
	for i := 0; i < 1<<22; i++ {
		f(cvals[i&7])
	}
}

func BenchmarkCachedAssertE2IOne(b *testing.B) {
	warm(assertCI)
	e := cvals[0]
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		assertCI(e)
	}
}

func BenchmarkCachedAssertE2ICycle(b *testing.B) {
	warm(assertCI)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		assertCI(cvals[i&7])
	}
}

func BenchmarkCachedTypeSwitchCycle(b *testing.B) {
	warm(switchCJCI)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		switchCJCI(cvals[i&7])
	}
}
