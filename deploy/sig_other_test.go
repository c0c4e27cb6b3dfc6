//go:build !unix

package deploy

import "os"

// sigterm is never sent: TestUnitCommands skips where there is no SIGTERM.
var sigterm = os.Kill
