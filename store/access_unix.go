//go:build unix

package store

import "syscall"

// writable reports whether this process may write path (a file or a
// folder): permissions, and a file system mounted read-only.
func writable(path string) bool {
	return syscall.Access(path, 0x2 /* W_OK */) == nil
}
