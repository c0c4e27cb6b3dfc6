//go:build unix

package deploy

import "syscall"

// sigterm is what systemctl stop sends.
var sigterm = syscall.SIGTERM
