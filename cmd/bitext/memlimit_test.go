package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1073741824": 1 << 30, "512MiB": 512 << 20, "2GiB": 2 << 30, "2gib": 2 << 30, "1.5GB": 1_500_000_000,
		"800MB": 800_000_000, "64 KiB": 64 << 10, "3G": 3 << 30, "100b": 100,
	} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "lots", "-5MiB", "5XB", "NaN", "1e400", "GiB"} {
		if _, err := parseSize(in); err == nil || !strings.Contains(err.Error(), "2GiB") {
			t.Errorf("parseSize(%q): error %v, want one that shows a size to give", in, err)
		}
	}
	for in, want := range map[string]memoryLimit{"auto": {auto: true}, "": {auto: true}, "off": {}, "0": {}, "1GiB": {bytes: 1 << 30}} {
		if got, err := parseMemoryLimit(in); err != nil || got != want {
			t.Errorf("parseMemoryLimit(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
}

// setter records the limits a command sets instead of setting them.
type setter struct {
	mu  sync.Mutex
	got []int64
}

func (s *setter) set(n int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, n)
	return 0
}

func (s *setter) values() []int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int64(nil), s.got...)
}

func TestMemoryLimitSetting(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	t.Setenv("OPENAI_BASE_URL", "")
	t.Setenv("OPENAI_API_KEY", "")
	runs := func(t *testing.T, args ...string) (int, string, []int64) {
		t.Helper()
		var s setter
		var out, errb bytes.Buffer
		db := filepath.Join(t.TempDir(), "x.db")
		code := runWith(context.Background(), append([]string{"--db", db}, args...), strings.NewReader(""), &out, &errb, s.set)
		return code, errb.String(), s.values()
	}
	file := filepath.Join(samples(t), "sco-statement.txt")
	t.Run("fixed", func(t *testing.T) {
		_, _, got := runs(t, "--memory-limit", "1GiB", "segment", file)
		if len(got) != 1 || got[0] != 1<<30 {
			t.Errorf("limits set %v, want [1 GiB]", got)
		}
	})
	t.Run("auto follows the run's text", func(t *testing.T) {
		_, _, got := runs(t, "run", "--out", t.TempDir(), file)
		if len(got) != 1 || got[0] != autoFloor {
			t.Errorf("limits set %v, want the floor once (the sample is small)", got)
		}
		var s setter
		l, err := newLimiter("auto", s.set)
		if err != nil {
			t.Fatal(err)
		}
		l.read(30 << 20)
		l.read(30 << 20)
		if got := s.values(); len(got) != 2 || got[0] != autoFloor || got[1] != autoFactor*(60<<20) {
			t.Errorf("limits %v after 30 MiB and 60 MiB of text, want %d then %d", got, autoFloor, autoFactor*(60<<20))
		}
	})
	t.Run("auto leaves other commands alone", func(t *testing.T) {
		if _, _, got := runs(t, "segment", file); len(got) != 0 {
			t.Errorf("segment set limits %v", got)
		}
	})
	t.Run("off", func(t *testing.T) {
		if _, _, got := runs(t, "--memory-limit", "off", "run", "--out", t.TempDir(), file); len(got) != 0 {
			t.Errorf("limits set %v with off", got)
		}
	})
	t.Run("GOMEMLIMIT wins over auto", func(t *testing.T) {
		t.Setenv("GOMEMLIMIT", "3GiB")
		if _, _, got := runs(t, "run", "--out", t.TempDir(), file); len(got) != 0 {
			t.Errorf("limits set %v although GOMEMLIMIT is set", got)
		}
	})
	t.Run("bad value", func(t *testing.T) {
		code, errOut, got := runs(t, "--memory-limit", "lots", "segment", file)
		if code != exitUsage || !strings.Contains(errOut, "--memory-limit") || len(got) != 0 {
			t.Errorf("code %d, stderr %q, limits %v", code, errOut, got)
		}
	})
}
