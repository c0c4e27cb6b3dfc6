// Package deploy holds no code: it is the home of the deployment files,
// the systemd units in deploy/systemd and (at the repository root) the
// Dockerfile, and of the tests that check them against the real binary.
//
// The tests build cmd/missionsearch, run systemd-analyze verify on the
// units (skipped with a message when systemd-analyze is not on PATH,
// failed instead when the environment variable CI is set), run each
// unit's ExecStart command line on a temporary data directory against a
// small local site, and check the Dockerfile: a non-root USER, the data
// VOLUME, the files it copies, and its build command.
package deploy
