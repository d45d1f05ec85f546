module example.com/ifacebench

go 1.19
