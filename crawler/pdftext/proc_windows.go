package pdftext

import "os/exec"

// usePrlimit is false: Windows has no prlimit, so the tools run without
// an address-space or CPU-time limit, under the Extractor's deadline only.
const usePrlimit = false

// setProcessGroup does nothing: Windows has no process groups that a kill
// reaches, and pdftotext and pdfinfo start no children of their own.
func setProcessGroup(*exec.Cmd) {}

// killGroup kills cmd's process (TerminateProcess), not a group.
func killGroup(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return nil
	}
	return cmd.Process.Kill()
}

// classifySignal returns nil: no signal ends a process on Windows.
func classifySignal(string, error, *exec.ExitError, bool, string) error { return nil }
