package main

type Xer interface {
	A() int
	B() int
}

type data struct {
	x, y int
}

func (d data) A() int { return d.x }
func (d data) B() int { return d.y }

// A package-level conversion: the compiler emits the static itab go.itab.main.data,main.Xer
// (sink is used, so it is not dropped).
var sink Xer = data{1, 2}

//go:noinline
func use(x Xer) int { return x.A() + x.B() }

func main() {
	println(use(sink))
}
