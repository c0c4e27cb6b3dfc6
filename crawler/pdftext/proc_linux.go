package pdftext

import "syscall"

// setParentDeathSignal has the kernel kill the child when the thread that
// started it dies, so that a crashed crawler leaves no tool running.
func setParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
