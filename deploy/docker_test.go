package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, COPY, ...
	args string
}

// parseDockerfile returns the instructions of the Dockerfile at path
// (comments dropped, lines ending in a backslash joined), split by stage.
func parseDockerfile(tb testing.TB, path string) [][]instruction {
	tb.Helper()
	var stages [][]instruction
	var cur strings.Builder
	for line := range strings.SplitSeq(mustRead(tb, path), "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "#") || (t == "" && cur.Len() == 0) {
			continue
		}
		if s, ok := strings.CutSuffix(t, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(t)
		cmd, args, _ := strings.Cut(strings.TrimSpace(cur.String()), " ")
		cur.Reset()
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		if in.cmd == "FROM" {
			stages = append(stages, nil)
		}
		if len(stages) == 0 {
			tb.Fatalf("%s: %s before FROM", path, in.cmd)
		}
		stages[len(stages)-1] = append(stages[len(stages)-1], in)
	}
	return stages
}

// shellWords splits s into words as sh does for the simple commands of a
// Dockerfile: on blanks, with double quotes grouping.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, quoted := false, false
	for _, r := range s {
		switch {
		case r == '"':
			quoted, in = !quoted, true
		case (r == ' ' || r == '\t') && !quoted:
			if in {
				words = append(words, w.String())
				w.Reset()
				in = false
			}
		default:
			w.WriteRune(r)
			in = true
		}
	}
	if in {
		words = append(words, w.String())
	}
	return words
}

// dockerignored reports whether the .dockerignore patterns exclude path.
// It knows only the patterns our file uses: names, /rooted names and
// *.ext globs.
func dockerignored(patterns []string, path string) bool {
	for _, p := range patterns {
		p = strings.TrimSuffix(strings.TrimPrefix(p, "/"), "/")
		if p == path || strings.HasPrefix(path, p+"/") {
			return true
		}
		if m, _ := filepath.Match(p, filepath.Base(path)); m {
			return true
		}
	}
	return false
}

// TestDockerfile checks the image's contract: a builder whose Go is the
// module's, the runtime with poppler-utils, the non-root user, the data
// volume, the port, the entry point, and COPY sources that exist in the
// build context.
func TestDockerfile(t *testing.T) {
	stages := parseDockerfile(t, "../Dockerfile")
	if len(stages) != 2 {
		t.Fatalf("Dockerfile has %d stages, want 2 (builder, runtime)", len(stages))
	}
	var ignore []string
	for line := range strings.SplitSeq(mustRead(t, "../.dockerignore"), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			ignore = append(ignore, line)
		}
	}

	builder, runtime := stages[0], stages[1]
	from := strings.Fields(builder[0].args)
	goMod := mustRead(t, "../go.mod")
	if len(from) != 3 || from[2] != "build" || !strings.HasPrefix(from[0], "golang:") {
		t.Errorf("builder FROM %s, want golang:… AS build", builder[0].args)
	} else if tag := strings.TrimPrefix(from[0], "golang:"); !strings.Contains(goMod, "\ngo "+tag) {
		t.Errorf("builder image golang:%s is not the Go of go.mod", tag)
	}
	for _, stage := range stages {
		for _, in := range stage {
			if in.cmd != "COPY" || strings.Contains(in.args, "--from=") {
				continue
			}
			srcs := strings.Fields(in.args)
			for _, src := range srcs[:len(srcs)-1] {
				if src == "." {
					continue
				}
				if _, err := os.Stat(filepath.Join("..", src)); err != nil {
					t.Errorf("COPY %s: %v", in.args, err)
				}
				if dockerignored(ignore, src) {
					t.Errorf("COPY %s: %s is excluded by .dockerignore", in.args, src)
				}
			}
		}
	}
	for _, need := range []string{"go.mod", "go.sum", "cmd/missionsearch/main.go", "internal/demosite/site.go"} {
		if dockerignored(ignore, need) {
			t.Errorf(".dockerignore excludes %s, which the build needs", need)
		}
	}

	got := map[string][]string{}
	for _, in := range runtime {
		got[in.cmd] = append(got[in.cmd], in.args)
	}
	last := func(cmd string) string {
		if v := got[cmd]; len(v) > 0 {
			return v[len(v)-1]
		}
		return ""
	}
	if !strings.HasPrefix(runtime[0].args, "debian:") {
		t.Errorf("runtime FROM %s, want debian:…", runtime[0].args)
	}
	runs := strings.Join(got["RUN"], "\n")
	for _, pkg := range []string{"poppler-utils", "ca-certificates"} {
		if !strings.Contains(runs, pkg) {
			t.Errorf("the runtime stage does not install %s", pkg)
		}
	}
	if !strings.Contains(runs, "--uid 10001") {
		t.Errorf("the runtime stage makes no user of uid 10001")
	}
	if user := last("USER"); user == "" || user == "root" || strings.HasPrefix(user, "0") ||
		strings.HasPrefix(user, "root:") {
		t.Errorf("USER = %q, want a non-root user", user)
	} else if user != "10001:10001" && user != "missionsearch" {
		t.Errorf("USER = %q, want 10001:10001", user)
	}
	if v := last("VOLUME"); v != unitData {
		t.Errorf("VOLUME %s, want %s", v, unitData)
	}
	if !slices.Contains(got["ENV"], "MISSIONSEARCH_DATA="+unitData) {
		t.Errorf("ENV %q, want MISSIONSEARCH_DATA=%s", got["ENV"], unitData)
	}
	if v := last("EXPOSE"); v != "8080" {
		t.Errorf("EXPOSE %s, want 8080", v)
	}
	var entry, cmd []string
	if err := json.Unmarshal([]byte(last("ENTRYPOINT")), &entry); err != nil || !slices.Equal(entry, []string{"missionsearch"}) {
		t.Errorf("ENTRYPOINT %s (%v), want [\"missionsearch\"]", last("ENTRYPOINT"), err)
	}
	if err := json.Unmarshal([]byte(last("CMD")), &cmd); err != nil || !slices.Equal(cmd, []string{"serve", "--addr", "0.0.0.0:8080"}) {
		t.Errorf("CMD %s (%v), want [\"serve\",\"--addr\",\"0.0.0.0:8080\"]", last("CMD"), err)
	}
	var copied bool
	for _, c := range got["COPY"] {
		if c == "--from=build /out/missionsearch /usr/local/bin/missionsearch" {
			copied = true
		}
	}
	if !copied {
		t.Errorf("COPY %q, want the binary from the build stage at /usr/local/bin/missionsearch", got["COPY"])
	}
}

// TestDockerBuildCommand runs the builder stage's go build line on this
// clone, VERSION set, and checks that the binary is where the runtime
// stage copies it from and reports that version.
func TestDockerBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	var line string
	for _, in := range parseDockerfile(t, "../Dockerfile")[0] {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			line = in.args
		}
	}
	words := shellWords(line)
	if len(words) < 3 || words[0] != "CGO_ENABLED=0" || words[1] != "go" || words[2] != "build" {
		t.Fatalf("builder RUN %q, want CGO_ENABLED=0 go build …", line)
	}
	const version = "v0.0.0-dockertest"
	out := filepath.Join(t.TempDir(), "missionsearch")
	args := words[2:]
	for i, w := range args {
		args[i] = strings.ReplaceAll(w, "$VERSION", version)
		if i > 0 && args[i-1] == "-o" {
			if w != "/out/missionsearch" {
				t.Errorf("go build -o %s, want /out/missionsearch (the runtime stage copies it)", w)
			}
			args[i] = out
		}
		if strings.HasPrefix(w, "./") {
			args[i] = "." + w // from deploy/, the clone is ..
		}
	}
	build := exec.Command("go", args...)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	b, err := exec.Command(out, "version").CombinedOutput()
	if err != nil || !strings.Contains(string(b), "missionsearch "+version) {
		t.Errorf("missionsearch version = %q (%v), want %s", b, err, version)
	}
}
