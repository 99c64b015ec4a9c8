//go:build unix

package pipeline

import (
	"errors"
	"syscall"
)

// processAlive reports whether a process with the id exists on this host
// (signal 0 checks without sending anything; EPERM means it exists but
// belongs to someone else).
func processAlive(pid int) bool {
	if pid <= 0 {
		return true
	}
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}
