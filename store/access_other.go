//go:build !unix

package store

import "os"

// writable reports whether path may be written, as far as its mode bits
// tell.
func writable(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.Mode().Perm()&0o200 != 0
}
