package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/bitext/bitext/input"
	"github.com/bitext/bitext/pipeline"
)

// The --memory-limit setting: a soft limit on the memory of the Go runtime
// (runtime/debug.SetMemoryLimit). Near it the garbage collector runs more
// often instead of letting the heap double; it is not a hard cap (a run
// that needs more still gets it, at the cost of more collection).
const (
	// autoFactor is how many times the text of its documents a run may
	// hold before collecting harder: a run holds about four to five times
	// its text (the text, its sentences and segments, their translations,
	// the alignment check), and the default collector lets the heap grow
	// to twice what it holds.
	autoFactor = 7
	// autoFloor is the smallest automatic limit: small runs are never
	// slowed down by it.
	autoFloor = 256 << 20
)

// memoryLimit is a parsed --memory-limit: auto, off, or a size in bytes.
type memoryLimit struct {
	auto  bool
	bytes int64 // 0 with auto false: no limit
}

// parseMemoryLimit reads "auto", "off" (or "0"), or a size such as
// "512MiB", "2GiB", "1.5GB", "800MB" or a number of bytes.
func parseMemoryLimit(s string) (memoryLimit, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "auto":
		return memoryLimit{auto: true}, nil
	case "off", "0", "none":
		return memoryLimit{}, nil
	}
	n, err := parseSize(s)
	if err != nil {
		return memoryLimit{}, err
	}
	return memoryLimit{bytes: n}, nil
}

// parseSize reads a size in bytes with an optional unit: B, KB, MB, GB
// (powers of 1000) or KiB, MiB, GiB (powers of 1024), case-insensitive.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	num := strings.TrimRightFunc(t, func(r rune) bool { return r < '0' || r > '9' && r != '.' })
	unit := strings.ToLower(strings.TrimSpace(t[len(num):]))
	mult := map[string]float64{"": 1, "b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30,
		"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}[unit]
	v, err := strconv.ParseFloat(num, 64)
	if err != nil || mult == 0 || v < 0 || math.IsInf(v, 0) || v*mult > math.MaxInt64/2 {
		return 0, fmt.Errorf("%q is not a size: give bytes with a unit, such as 512MiB, 2GiB or 1.5GB, or auto or off", s)
	}
	return int64(v * mult), nil
}

// limiter applies the --memory-limit setting through set
// (runtime/debug.SetMemoryLimit in the program; nil in tests of the
// commands, which run in the test's process).
type limiter struct {
	set   func(int64) int64
	limit memoryLimit
	text  atomic.Int64 // text read so far, for auto
}

// newLimiter applies a fixed limit at once; an automatic one follows the
// text the run reads (see limiter.reader). GOMEMLIMIT in the environment
// takes the place of auto.
func newLimiter(setting string, set func(int64) int64) (*limiter, error) {
	m, err := parseMemoryLimit(setting)
	if err != nil {
		return nil, err
	}
	if m.auto && os.Getenv("GOMEMLIMIT") != "" {
		m.auto = false
		set = nil // the runtime applied it already
	}
	l := &limiter{set: set, limit: m}
	if l.set != nil && m.bytes > 0 {
		l.set(m.bytes)
	}
	return l, nil
}

// read records n more bytes of text held by the run and raises the
// automatic limit to match.
func (l *limiter) read(n int) {
	if l == nil || l.set == nil || !l.limit.auto {
		return
	}
	total := l.text.Add(int64(n))
	l.set(max(autoFloor, autoFactor*total))
}

// reader wraps the analyzer's reader so that every document read moves
// the automatic limit.
func (l *limiter) reader(r pipeline.FileReader) pipeline.FileReader {
	if l == nil || l.set == nil || !l.limit.auto {
		return r
	}
	return limitedReader{r, l}
}

type limitedReader struct {
	r pipeline.FileReader
	l *limiter
}

func (lr limitedReader) ReadFile(ctx context.Context, path string) (*input.Doc, error) {
	d, err := lr.r.ReadFile(ctx, path)
	if err == nil {
		lr.l.read(len(d.Text))
	}
	return d, err
}
