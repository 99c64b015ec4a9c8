//go:build !unix

package pipeline

// processAlive cannot tell here: every process counts as alive, and only
// the age of a temporary file makes it stale.
func processAlive(pid int) bool { return true }
