package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// VersionCmd prints what the binary was built from.
type VersionCmd struct{}

// Help shows what is printed.
func (c *VersionCmd) Help() string {
	return `Prints the version of bitext: the module version, the commit it was built
from (with its time, and whether the checkout had uncommitted changes), the
build tags and the Go version. 'bitext --version' prints the first line only.

Examples:
  bitext version
  bitext --version`
}

// Run prints the version.
func (c *VersionCmd) Run(app *App) error {
	fmt.Fprint(app.Stdout, versionDetails(buildInfo()))
	return nil
}

// buildSettings are the settings of a build that versionLine and
// versionDetails use.
type buildSettings struct {
	revision, time, tags, cgo, goos, goarch string
	modified                                bool
}

func settingsOf(info *debug.BuildInfo) buildSettings {
	var s buildSettings
	for _, kv := range info.Settings {
		switch kv.Key {
		case "vcs.revision":
			s.revision = kv.Value
		case "vcs.time":
			s.time = kv.Value
		case "vcs.modified":
			s.modified = kv.Value == "true"
		case "-tags":
			s.tags = kv.Value
		case "CGO_ENABLED":
			s.cgo = kv.Value
		case "GOOS":
			s.goos = kv.Value
		case "GOARCH":
			s.goarch = kv.Value
		}
	}
	return s
}

// moduleVersion is the main module's version, or "devel" for a build
// that carries none (go build -buildvcs=false, go run, tests).
func moduleVersion(info *debug.BuildInfo) string {
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	return "devel"
}

// shortRev is the first 12 digits of a commit hash.
func shortRev(rev string) string {
	if len(rev) > 12 {
		return rev[:12]
	}
	return rev
}

// versionLine is the one line 'bitext --version' prints (without the
// newline): the module version, then the commit, its time and whether
// the checkout was modified, and the Go version.
func versionLine(info *debug.BuildInfo) string {
	if info == nil {
		return "bitext (version unknown: built without module information)"
	}
	s := settingsOf(info)
	var parts []string
	if s.revision != "" {
		c := "commit " + shortRev(s.revision)
		if s.time != "" {
			c += " " + s.time
		}
		if s.modified {
			c += " with uncommitted changes"
		}
		parts = append(parts, c)
	}
	parts = append(parts, info.GoVersion)
	return fmt.Sprintf("bitext %s (%s)", moduleVersion(info), strings.Join(parts, ", "))
}

// versionDetails is what 'bitext version' prints, one fact per line.
func versionDetails(info *debug.BuildInfo) string {
	if info == nil {
		return versionLine(nil) + "\n"
	}
	s := settingsOf(info)
	var b strings.Builder
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%-9s %s\n", k, v)
		}
	}
	row("bitext", moduleVersion(info))
	row("module", info.Main.Path)
	if s.revision != "" {
		c := s.revision
		if s.modified {
			c += " (with uncommitted changes)"
		}
		row("commit", c)
		row("time", s.time)
	} else {
		row("commit", "not recorded (go build records it in a git clone unless GOFLAGS has -buildvcs=false)")
	}
	row("go", strings.TrimSpace(info.GoVersion+" "+strings.Trim(s.goos+"/"+s.goarch, "/")))
	row("tags", s.tags)
	row("cgo", s.cgo)
	return b.String()
}
