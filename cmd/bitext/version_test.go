package main

import (
	"runtime/debug"
	"strings"
	"testing"
)

var versionCases = []struct {
	name    string
	info    *debug.BuildInfo
	line    string
	details []string // lines versionDetails must hold
}{
	{"go build in a clone with changes", &debug.BuildInfo{GoVersion: "go1.26.8",
		Main: debug.Module{Path: "github.com/bitext/bitext", Version: "v0.0.0-20261202165608-bb466e9d8713+dirty"},
		Settings: []debug.BuildSetting{{Key: "-tags", Value: "sqlite_fts5"}, {Key: "CGO_ENABLED", Value: "1"},
			{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "amd64"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "bb466e9d8713cc14869676724746bec7bf1fb222"}, {Key: "vcs.time", Value: "2026-12-02T16:56:08Z"},
			{Key: "vcs.modified", Value: "true"}}},
		"bitext v0.0.0-20261202165608-bb466e9d8713+dirty (commit bb466e9d8713 2026-12-02T16:56:08Z with uncommitted changes, go1.26.8)",
		[]string{"bitext    v0.0.0-20261202165608-bb466e9d8713+dirty", "module    github.com/bitext/bitext",
			"commit    bb466e9d8713cc14869676724746bec7bf1fb222 (with uncommitted changes)", "time      2026-12-02T16:56:08Z",
			"go        go1.26.8 linux/amd64", "tags      sqlite_fts5", "cgo       1"}},
	{"a release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/bitext/bitext", Version: "v1.2.0"}},
		"bitext v1.2.0 (go1.26.8)", []string{"bitext    v1.2.0", "commit    not recorded"}},
	{"no VCS information", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/bitext/bitext", Version: "(devel)"}},
		"bitext devel (go1.26.8)", []string{"bitext    devel", "commit    not recorded"}},
	{"no build information", nil, "bitext (version unknown: built without module information)", []string{"version unknown"}},
}

func TestVersion(t *testing.T) {
	for _, tc := range versionCases {
		t.Run(tc.name, func(t *testing.T) {
			if got := versionLine(tc.info); got != tc.line {
				t.Errorf("versionLine = %q, want %q", got, tc.line)
			}
			d := versionDetails(tc.info)
			for _, l := range tc.details {
				if !strings.Contains(d, l) {
					t.Errorf("versionDetails lacks %q:\n%s", l, d)
				}
			}
		})
	}
	// The commands themselves.
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, stdout, stderr := cli(t, "", args...)
		if code != exitOK || !strings.HasPrefix(stdout, "bitext ") || !strings.Contains(stdout, "go1") {
			t.Errorf("%v: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
}

// TestVersionFlag: --version answers through the same path main takes.
func TestVersionFlag(t *testing.T) {
	var out, errb strings.Builder
	if code := runWith(t.Context(), []string{"--version"}, strings.NewReader(""), &out, &errb, func(int64) int64 { return 0 }); code != exitOK || !strings.HasPrefix(out.String(), "bitext ") {
		t.Errorf("--version: exit %d, %q %q", code, out.String(), errb.String())
	}
}
