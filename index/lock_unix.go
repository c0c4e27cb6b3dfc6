//go:build unix

package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// Lock takes the build lock of the directory: an exclusive, non-blocking
// flock(2) on indexes/LOCK, held until unlock is called or the process
// exits (the kernel drops it on kill -9, so a crashed reindex never leaves a
// stale lock). Only the holder may make, finish, publish or clean builds.
// When another process, or another Lock call of this process, holds it,
// Lock returns an ECONFLICT *missionsearch.Error at once.
//
// On Windows the lock is a LockFileEx byte-range lock instead (see
// lock_windows.go), with the same contract.
func (d *Dir) Lock() (unlock func() error, err error) {
	f, err := os.OpenFile(filepath.Join(d.path, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("index: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errLocked(d.path)
		}
		return nil, fmt.Errorf("index: lock: %w", err)
	}
	return func() error {
		// Closing the descriptor releases the flock.
		return f.Close()
	}, nil
}
