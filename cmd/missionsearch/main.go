// Command missionsearch crawls a mission website, indexes it with French
// analysis and serves faceted search over HTTP.
//
// Usage:
//
//	missionsearch <command> [flags] [arguments]
//
// The commands are crawl, reindex, serve, search, export, eval and demo, and
// for benchmarks synth and load (BENCHMARKS.md); run
// `missionsearch <command> --help` for each one's flags. Exit codes: 0 ok,
// 1 failure, 2 usage error.
//
// Configuration comes from flags, then MISSIONSEARCH_* environment variables,
// then defaults. This is the only package that reads either.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := Run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// usageError marks an error in the command line: exit code 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// command is one subcommand: its name, a one-line summary for the general
// help, and its entry point.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *Env, args []string) error
}

var commands = []command{
	{"crawl", "crawl a site into the store, then update the index", runCrawl},
	{"config", "check a configuration file (config check FILE)", runConfig},
	{"reindex", "rebuild the index from the store and switch it live", runReindex},
	{"links", "list the dead links of the site and the pages carrying them (--broken)", runLinks},
	{"version", "print the version of the binary", runVersion},
	{"serve", "serve the JSON API and the French search page", runServe},
	{"search", "search the index from the command line", runSearch},
	{"export", "write the page records matching filters as JSONL or CSV", runExport},
	{"eval", "measure relevance (nDCG@10, MRR, recall@10) on judged queries", runEval},
	{"demo", "serve the built-in demo site, crawl it, index it and serve search", runDemo},
}

// benchCommands are the advanced commands for measuring at scale
// (BENCHMARKS.md), listed apart in the general help.
var benchCommands = []command{
	{"synth", "write N synthetic pages into the store, to measure reindex and serve", runSynth},
	{"load", "load-test a running serve: requests/s and latency per query type", runLoad},
}

// Env is what a command receives from the process: its output streams, its
// environment lookup and its logger. Tests build one with buffers.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Logger         *slog.Logger
	// Config is the configuration file (--config, MISSIONSEARCH_CONFIG),
	// nil when none.
	Config *loadedConfig
}

// Run runs the command line args (without the program name) and returns the
// process exit code: 0 ok, 1 failure, 2 usage error.
func Run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	// Log lines and progress share stderr: the console keeps them apart.
	stderr = newConsole(stderr)
	env := &Env{Stdout: stdout, Stderr: stderr, Getenv: getenv}
	args, cfgPath, err := configFlag(args, getenv)
	if err != nil {
		fmt.Fprintf(stderr, "missionsearch: %v\n", err)
		return 2
	}
	if cfgPath != "" && !(len(args) > 0 && args[0] == "config") {
		if env.Config, err = loadConfig(cfgPath); err != nil {
			fmt.Fprintf(stderr, "missionsearch: %v\n", err)
			return 2
		}
		getenv = env.Config.getenv(getenv)
	}
	args, logger, err := loggingFlags(args, getenv, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "missionsearch: %v\n", err)
		return 2
	}
	env.Logger = logger

	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		printUsage(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range append(commands[:len(commands):len(commands)], benchCommands...) {
		if c.name != args[0] {
			continue
		}
		err := c.run(ctx, env, args[1:])
		var ue usageError
		switch {
		case err == nil:
			return 0
		case errors.Is(err, flag.ErrHelp):
			return 0
		case errors.As(err, &ue):
			fmt.Fprintf(stderr, "missionsearch %s: %s\n", c.name, ue.msg)
			fmt.Fprintf(stderr, "Run 'missionsearch %s --help' for usage.\n", c.name)
			return 2
		default:
			fmt.Fprintf(stderr, "missionsearch %s: %v\n", c.name, err)
			return 1
		}
	}
	fmt.Fprintf(stderr, "missionsearch: unknown command %q\n\n", args[0])
	printUsage(stderr)
	return 2
}

// loggingFlags takes the logging flags out of args, wherever they are before
// a "--" (they apply to every command): --log-format text|json, --log-level
// debug|info|warn|error, --quiet (warnings and errors only). Their
// defaults come from MISSIONSEARCH_LOG_FORMAT and MISSIONSEARCH_LOG_LEVEL
// (MISSIONSEARCH_DEBUG=1 means debug). It returns the other arguments and
// the logger, writing to stderr.
func loggingFlags(args []string, getenv func(string) string, stderr io.Writer) ([]string, *slog.Logger, error) {
	format, level := getenv("MISSIONSEARCH_LOG_FORMAT"), getenv("MISSIONSEARCH_LOG_LEVEL")
	if level == "" && getenv("MISSIONSEARCH_DEBUG") != "" {
		level = "debug"
	}
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || (name != "log-format" && name != "log-level" && name != "quiet") {
			rest = append(rest, a)
			continue
		}
		if name == "quiet" {
			level = "warn"
			continue
		}
		if !hasValue {
			if i+1 == len(args) {
				return nil, nil, fmt.Errorf("flag needs an argument: -%s", name)
			}
			i++
			value = args[i]
		}
		if name == "log-format" {
			format = value
		} else {
			level = value
		}
	}
	var lv slog.Level
	switch level {
	case "", "info":
		lv = slog.LevelInfo
	case "debug":
		lv = slog.LevelDebug
	case "warn", "warning":
		lv = slog.LevelWarn
	case "error":
		lv = slog.LevelError
	default:
		return nil, nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", level)
	}
	opts := &slog.HandlerOptions{Level: lv}
	switch format {
	case "", "text":
		return rest, slog.New(slog.NewTextHandler(stderr, opts)), nil
	case "json":
		return rest, slog.New(slog.NewJSONHandler(stderr, opts)), nil
	}
	return nil, nil, fmt.Errorf("--log-format %q: want text or json", format)
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "missionsearch: French-aware faceted search for a mission website.")
	fmt.Fprintln(w, "\nUsage:\n\n\tmissionsearch <command> [flags] [arguments]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nBenchmark commands (see BENCHMARKS.md):")
	for _, c := range benchCommands {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'missionsearch <command> --help' for a command's flags.")
	fmt.Fprintln(w, "Logging, for every command: --log-format text|json, --log-level debug|info|warn|error, --quiet.")
	fmt.Fprintln(w, "Environment: MISSIONSEARCH_DATA, MISSIONSEARCH_ADDR, MISSIONSEARCH_ADMIN_TOKEN, MISSIONSEARCH_LOG_FORMAT, MISSIONSEARCH_LOG_LEVEL, MISSIONSEARCH_DEBUG.")
}

// newFlagSet returns a flag set for command name whose errors and help go
// to env.Stderr, with a usage line naming the command's arguments.
func newFlagSet(env *Env, name, argsUsage, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	flagEnvs.Store(fs, env)
	fs.Usage = func() {
		fmt.Fprintf(env.Stderr, "Usage: missionsearch %s [flags] %s\n\n%s\n\nFlags:\n", name, argsUsage, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args, flags and arguments in any order (`export
// atelier --format csv` is `export --format csv atelier`); everything after
// a `--` is an argument, so a query word starting with '-' goes there
// (`search -- atelier -traite`). Flag errors become usage errors (exit 2)
// and -h flag.ErrHelp (exit 0). fs.Args() then holds the arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var rest []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			msg := err.Error()
			if len(rest) > 0 {
				msg += " (put arguments starting with '-', such as an excluded word, after --)"
			}
			return usageError{msg}
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			rest = append(rest, left...) // fs.Parse consumed a "--"
			break
		}
		if len(left) == 0 {
			break
		}
		// fs.Parse stopped at an argument: keep it, parse what follows.
		rest = append(rest, left[0])
		args = left[1:]
	}
	// fs.Args() must return the arguments: parse them as such.
	if err := fs.Parse(append([]string{"--"}, rest...)); err != nil {
		return err
	}
	if env, ok := flagEnvs.LoadAndDelete(fs); ok {
		return applySettings(env.(*Env), fs)
	}
	return nil
}

// flagEnvs maps each flag set of newFlagSet to its command's environment,
// for parseFlags to apply the environment and the configuration file.
var flagEnvs sync.Map

// envOr returns the environment variable key, or def when it is unset.
func envOr(env *Env, key, def string) string {
	if v := env.Getenv(key); v != "" {
		return v
	}
	return def
}

// dataFlag declares the --data flag shared by every command that uses the
// data directory.
func dataFlag(env *Env, fs *flag.FlagSet) *string {
	return fs.String("data", envOr(env, "MISSIONSEARCH_DATA", "./data"), "data directory holding store.db and indexes/ (env MISSIONSEARCH_DATA)")
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
