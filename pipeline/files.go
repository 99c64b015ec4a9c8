package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Output files are written through a temporary file in the same folder and
// a rename, so that a crash never leaves half a file and a reader never
// sees one. Several runs may write into one output folder at once: each
// temporary file is named after the host and process that writes it,
//
//	.NAME.bitext-tmp-HOST-PID-RANDOM
//
// and a run removes only the ones that are provably abandoned: written on
// this host by a process that no longer exists, or older than staleAge.

// tempMark marks the temporary files of writeFileAtomic.
const tempMark = ".bitext-tmp-"

// staleAge is the age after which any temporary file of ours is abandoned:
// one lives only while one output file is being written.
const staleAge = time.Hour

// tempOwner names the writer in its temporary files: the host, made safe
// for a file name, and the process id.
func tempOwner() string {
	return hostTag() + "-" + strconv.Itoa(os.Getpid())
}

// hostTag is the host name reduced to letters, digits, '.' and '_' (at
// most 32 bytes), or "" when the host name is unknown.
func hostTag() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return ""
	}
	var b strings.Builder
	for _, r := range h {
		if b.Len() >= 32 {
			break
		}
		switch {
		case r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.'):
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

// parseTemp reads the host tag and process id from a temporary file's
// name. ok is false for names of another form (such as those of bitext
// versions before the process id was part of the name).
func parseTemp(name string) (host string, pid int, ok bool) {
	i := strings.LastIndex(name, tempMark)
	if i < 0 {
		return "", 0, false
	}
	rest := name[i+len(tempMark):] // HOST-PID-RANDOM
	j := strings.LastIndexByte(rest, '-')
	if j < 0 {
		return "", 0, false
	}
	rest = rest[:j]
	j = strings.LastIndexByte(rest, '-')
	if j < 0 {
		return "", 0, false
	}
	pid, err := strconv.Atoi(rest[j+1:])
	if err != nil || pid <= 0 {
		return "", 0, false
	}
	return rest[:j], pid, true
}

// abandoned reports whether the temporary file name, last modified at
// mod, belongs to no live writer: it is older than staleAge, or it was
// written on this host by a process that has ended. The files of this
// process are never abandoned (another job of the same process may be
// writing them).
func abandoned(name string, mod, now time.Time, host string, self int) bool {
	if now.Sub(mod) > staleAge {
		return true
	}
	h, pid, ok := parseTemp(name)
	if !ok || host == "" || h != host || pid == self {
		return false
	}
	return !processAlive(pid)
}

// removeStaleTemps deletes, in dir and the folders under it, the
// temporary output files that interrupted runs left behind; those of runs
// still writing are left alone.
func removeStaleTemps(dir string, log *slog.Logger) {
	host, self, now := hostTag(), os.Getpid(), time.Now()
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasPrefix(d.Name(), ".") || !strings.Contains(d.Name(), tempMark) {
			return nil
		}
		info, err := d.Info()
		if err != nil || !abandoned(d.Name(), info.ModTime(), now, host, self) {
			return nil
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) && log != nil {
			log.Warn("cannot remove a temporary file of an earlier run", "file", p, "error", err)
		}
		return nil
	})
}

// writeFileAtomic writes data to path through a temporary file and a
// rename, creating the folder if needed. The file and the folders get the
// permissions the umask gives (0666 and 0777 without the umask's bits),
// like any the user creates.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("write %s: %w (check that the output folder can be created and written)", path, err)
	}
	f, tmp, err := createTemp(dir, filepath.Base(path))
	if err != nil {
		return fmt.Errorf("write %s: %w (check that the output folder is writable)", path, err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w (is the disk full?)", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w (is the disk full?)", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// createTemp creates a new temporary file for the output base in dir.
// Unlike os.CreateTemp (mode 0600) it lets the umask decide the mode.
func createTemp(dir, base string) (*os.File, string, error) {
	prefix := "." + clipName(base, 100) + tempMark + tempOwner() + "-"
	var err error
	for range 100 {
		name := filepath.Join(dir, prefix+strconv.FormatUint(rand.Uint64(), 36))
		var f *os.File
		f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", err
}

// clipName shortens a file name to at most n bytes, on a character
// boundary, so that the temporary file's name stays within the file
// system's limit.
func clipName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// CheckOutDir makes sure that outputs can be written into dir before any
// work is paid for: it creates the folder if needed, then creates and
// removes a probe file in it. The error says what to do.
func CheckOutDir(dir string) error {
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return fmt.Errorf("output folder %s cannot be created: %w; give a folder you can write to with --out", dir, err)
	}
	f, probe, err := createTemp(dir, "probe")
	if err != nil {
		return fmt.Errorf("output folder %s is not writable: %w; give a folder you can write to with --out, or change its permissions", dir, err)
	}
	errs := []error{f.Close(), os.Remove(probe)}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("output folder %s: the probe file %s could not be closed and removed: %w; check the folder", dir, probe, err)
	}
	return nil
}

// atomicFile is an output file being written: a temporary file in the same
// folder, renamed over the real one by commit, so that a crash never
// leaves half a file.
type atomicFile struct {
	path string
	f    *os.File
	w    *bufio.Writer
}

// createAtomic starts writing path.
func createAtomic(path string) (*atomicFile, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return nil, fmt.Errorf("write %s: %w (check that the output folder can be created and written)", path, err)
	}
	f, _, err := createTemp(dir, filepath.Base(path)) // the umask decides the mode; owner-marked name
	if err != nil {
		return nil, fmt.Errorf("write %s: %w (check that the output folder is writable)", path, err)
	}
	return &atomicFile{path: path, f: f, w: bufio.NewWriterSize(f, 64<<10)}, nil
}

// commit flushes the file and puts it in place.
func (a *atomicFile) commit() error {
	if err := a.w.Flush(); err != nil {
		a.abort()
		return err
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	return a.place()
}

// finish flushes and closes the file without putting it in place (see
// place); on failure the temporary file is gone.
func (a *atomicFile) finish() error {
	if err := a.w.Flush(); err != nil {
		a.abort()
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	if err := a.f.Close(); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w (is the disk full?)", a.path, err)
	}
	return nil
}

// place renames a finished file into place.
func (a *atomicFile) place() error {
	if err := os.Rename(a.f.Name(), a.path); err != nil {
		os.Remove(a.f.Name())
		return fmt.Errorf("write %s: %w", a.path, err)
	}
	return nil
}

// abort drops the temporary file.
func (a *atomicFile) abort() {
	a.f.Close()
	os.Remove(a.f.Name())
}

// writeFileWith writes path through fill, which writes the content piece
// by piece through a buffer, so that a large output is never held in
// memory whole. Nothing replaces path unless fill succeeds.
func writeFileWith(path string, fill func(w *bufio.Writer) error) error {
	a, err := createAtomic(path)
	if err != nil {
		return err
	}
	if err := fill(a.w); err != nil {
		a.abort()
		return err
	}
	return a.commit()
}
