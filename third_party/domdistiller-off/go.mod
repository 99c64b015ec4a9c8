module github.com/markusmobius/go-domdistiller

go 1.26

require golang.org/x/net v0.30.0
