//go:build unix

package index

import "syscall"

// freeBytes returns the room left for an unprivileged user on the file
// system of path.
func freeBytes(path string) (int64, bool) {
	var fs syscall.Statfs_t
	if syscall.Statfs(path, &fs) != nil {
		return 0, false
	}
	return int64(fs.Bavail) * int64(fs.Bsize), true
}
