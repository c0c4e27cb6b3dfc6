package index

import "github.com/missionsearch/missionsearch"

// errLocked is the error of a Lock call that finds the build lock of the
// directory at path held, on every system.
func errLocked(path string) error {
	return missionsearch.Errorf(missionsearch.ECONFLICT, "another reindex is running on %s", path)
}
