//go:build !unix

package input

import "testing"

// makeSpecialFiles makes nothing where there are no named pipes.
func makeSpecialFiles(t *testing.T, dir string) map[string]string { return nil }
