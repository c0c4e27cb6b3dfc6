package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/windows"
)

// Lock takes the build lock of the directory: an exclusive, fail-immediately
// LockFileEx lock on the first byte of indexes/LOCK, held until unlock is
// called or the process exits (Windows drops the locks of a process that
// ends, even a killed one, so a crashed reindex never leaves a stale lock).
// Only the holder may make, finish, publish or clean builds. When another
// process, or another Lock call of this process (Windows locks belong to
// the handle, as flock(2) locks belong to the open file on Unix), holds
// it, Lock returns an ECONFLICT *missionsearch.Error at once.
func (d *Dir) Lock() (unlock func() error, err error) {
	f, err := os.OpenFile(filepath.Join(d.path, LockFile), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("index: lock: %w", err)
	}
	h := windows.Handle(f.Fd())
	// The range may lie past the end of the (empty) file; nothing reads
	// or writes LOCK, so the mandatory byte-range lock blocks no one.
	ol := new(windows.Overlapped)
	flags := uint32(windows.LOCKFILE_EXCLUSIVE_LOCK | windows.LOCKFILE_FAIL_IMMEDIATELY)
	if err := windows.LockFileEx(h, flags, 0, 1, 0, ol); err != nil {
		f.Close()
		if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
			return nil, errLocked(d.path)
		}
		return nil, fmt.Errorf("index: lock: %w", err)
	}
	return func() error {
		// Unlock before closing: Windows releases the locks of a closed
		// handle only later, when it gets round to it.
		uerr := windows.UnlockFileEx(h, 0, 1, 0, ol)
		if err := f.Close(); err != nil {
			return fmt.Errorf("index: unlock: %w", err)
		}
		if uerr != nil {
			return fmt.Errorf("index: unlock: %w", uerr)
		}
		return nil
	}, nil
}
