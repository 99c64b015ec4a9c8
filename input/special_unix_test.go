//go:build unix

package input

import (
	"net"
	"path/filepath"
	"syscall"
	"testing"
)

// makeSpecialFiles makes a named pipe and a socket in dir and returns their
// names with what their skip reason must say. Opening the pipe would
// block, so the test hangs if Expand ever opens it.
func makeSpecialFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	made := map[string]string{}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.txt"), 0o644); err == nil {
		made["pipe.txt"] = "named pipe"
	}
	if l, err := net.Listen("unix", filepath.Join(dir, "sock")); err == nil {
		t.Cleanup(func() { l.Close() })
		made["sock"] = "socket"
	}
	return made
}
