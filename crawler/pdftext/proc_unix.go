//go:build unix

package pdftext

import (
	"os/exec"
	"syscall"
)

// usePrlimit says that the system has resource limits, which run sets
// through util-linux's prlimit when it is on PATH.
const usePrlimit = true

// setProcessGroup makes cmd the leader of a new process group, so that
// killGroup reaches the children it starts.
func setProcessGroup(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	setParentDeathSignal(cmd.SysProcAttr)
}

// killGroup sends SIGKILL to cmd's whole process group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
}

// classifySignal turns the failure of a tool that a signal ended into an
// *Error; it returns nil when no signal ended it. memory says that the
// tool's standard error speaks of memory, last is its last line.
func classifySignal(step string, err error, ee *exec.ExitError, memory bool, last string) error {
	ws, ok := ee.Sys().(syscall.WaitStatus)
	if !ok || !ws.Signaled() {
		return nil
	}
	sig := ws.Signal()
	switch {
	case sig == syscall.SIGXCPU:
		return &Error{Step: step, Kind: ErrTimeout, Detail: "CPU-time limit reached", Err: err}
	case sig == syscall.SIGKILL:
		// Not ours (ctx is live): the OOM killer, most likely.
		return &Error{Step: step, Kind: ErrTooLarge, Detail: "killed by the system (out of memory?)", Err: err}
	case memory:
		return &Error{Step: step, Kind: ErrTooLarge, Detail: "out of memory: " + last, Err: err}
	default:
		return &Error{Step: step, Kind: ErrBroken, Detail: "crashed with signal " + sig.String(), Err: err}
	}
}
