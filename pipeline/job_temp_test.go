package pipeline

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bitext/bitext"
)

// deadPID is a process id no process can have (Linux's pid_max is at most
// 2^22).
const deadPID = 1 << 30

func TestWriteFileAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "x.en.txt")
	for _, content := range []string{"one", "two"} {
		if err := writeFileAtomic(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(path); string(b) != "two" {
		t.Fatalf("content %q, want the last write", b)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files in the folder, want only x.en.txt", len(entries))
	}
}

// TestWriteFileAtomicMode: outputs get the mode the umask gives a new
// file, not os.CreateTemp's 0600.
func TestWriteFileAtomicMode(t *testing.T) {
	umask, ok := processUmask(t)
	if !ok {
		t.Skip("the umask cannot be read without changing it (no /proc/self/status)")
	}
	path := filepath.Join(t.TempDir(), "x.en.txt")
	if err := writeFileAtomic(path, []byte("x")); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := info.Mode().Perm(), os.FileMode(0o666)&^umask; got != want {
		t.Errorf("mode %o, want %o (umask %03o)", got, want, umask)
	}
}

// processUmask reads the umask from /proc/self/status (Linux 4.7 and
// later); syscall.Umask would change it for every goroutine meanwhile.
func processUmask(t *testing.T) (os.FileMode, bool) {
	t.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			return os.FileMode(m), err == nil
		}
	}
	return 0, false
}

// TestRemoveStaleTemps: only the temporary files of writers that are
// provably gone are removed; another live run's are left alone.
func TestRemoveStaleTemps(t *testing.T) {
	host := hostTag()
	if host == "" {
		t.Skip("no host name: only the age of a temporary file counts")
	}
	temp := func(host string, pid int) string {
		return ".x.en.txt" + tempMark + host + "-" + strconv.Itoa(pid) + "-abc123"
	}
	old := time.Now().Add(-2 * staleAge)
	cases := []struct {
		name   string
		file   string
		mod    time.Time // zero: now
		remove bool
	}{
		{"a live run on this host", temp(host, os.Getppid()), time.Time{}, false},
		{"this process (another job)", temp(host, os.Getpid()), time.Time{}, false},
		{"a run that ended", temp(host, deadPID), time.Time{}, true},
		{"a run on another host", temp("elsewhere", deadPID), time.Time{}, false},
		{"a live run, long ago", temp(host, os.Getppid()), old, true},
		{"an older bitext's temporary file", ".x.en.txt" + tempMark + "123456", time.Time{}, false},
		{"an older bitext's, long ago", ".y.en.txt" + tempMark + "123456", old, true},
		{"a host name with dashes", temp(host+"-a-b", deadPID), time.Time{}, false},
		{"a user's hidden file", ".notes", old, false},
		{"an output", "x.en.txt", old, false},
	}
	dir := t.TempDir()
	for i, c := range cases {
		sub := filepath.Join(dir, strconv.Itoa(i)) // in folders under the output folder too
		if err := os.MkdirAll(sub, 0o755); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(sub, c.file)
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
		if !c.mod.IsZero() {
			if err := os.Chtimes(p, c.mod, c.mod); err != nil {
				t.Fatal(err)
			}
		}
	}
	removeStaleTemps(dir, nil)
	for i, c := range cases {
		_, err := os.Stat(filepath.Join(dir, strconv.Itoa(i), c.file))
		if gone := os.IsNotExist(err); gone != c.remove {
			t.Errorf("%s (%s): removed %v, want %v", c.name, c.file, gone, c.remove)
		}
	}
}

// TestPairsTSVHasNoControls: the TSV writer drops control characters and
// escape sequences whatever the segments hold (a last guard: replies are
// cleaned when parsed), so each pair stays one line of six fields.
func TestPairsTSVHasNoControls(t *testing.T) {
	j := &Job{Config: JobConfig{OutDir: t.TempDir()}}
	pairs := []bitext.Pair{
		{ID: 1, Src: []int{0}, Tgt: []int{0}, State: "verified", Status: "draft", RU: "Москва\x00", EN: "\x1b[31mMoscow\x1b[0m\tcity\r\nline"},
		{ID: 2, Src: []int{1}, Tgt: []int{1}, State: "failed", Status: "draft", RU: "Текст", Reason: "bad\x07 reply\x1b]0;t\x07"},
	}
	out, err := j.writePairs("d", PairsFile{Document: "d"}, slices.Values(pairs))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out[1])
	if err != nil {
		t.Fatal(err)
	}
	want := "id\tbead\tconfidence\tstate\tstatus\tru\ten\tviolations\n" +
		"1\t[0]:[0]\t0.000\tverified\tdraft\tМосква\tMoscow city line\t\n" +
		"2\t[1]:[1]\t0.000\tfailed\tdraft\tТекст\t[untranslated: bad reply]\t\n"
	if string(b) != want {
		t.Errorf("TSV\n%q\nwant\n%q", b, want)
	}
}

// TestOutputFolderMode: folders created for outputs get the umask's mode.
func TestOutputFolderMode(t *testing.T) {
	umask, ok := processUmask(t)
	if !ok {
		t.Skip("the umask cannot be read without changing it (no /proc/self/status)")
	}
	dir := filepath.Join(t.TempDir(), "out")
	if err := CheckOutDir(dir); err != nil {
		t.Fatal(err)
	}
	if err := writeFileAtomic(filepath.Join(dir, "a", "x.en.txt"), []byte("x")); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{dir, filepath.Join(dir, "a")} {
		info, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := info.Mode().Perm(), os.FileMode(0o777)&^umask; got != want {
			t.Errorf("%s: mode %o, want %o (umask %03o)", d, got, want, umask)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("the probe file was left: %v", entries)
	}
}
