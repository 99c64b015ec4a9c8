// Command bitext translates Russian documents into English through a
// configurable model endpoint, aligns them sentence by sentence with the
// originals and enforces a terminology glossary kept in SQLite.
//
// main only parses the command line and wires the packages together; every
// subcommand is a type with a Run method in its own file.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/alecthomas/kong"
)

// Exit codes shared by every command.
const (
	exitOK      = 0 // everything done
	exitPartial = 1 // some inputs failed, the rest done
	exitUsage   = 2 // usage or configuration error
)

// CLI is the whole command line.
type CLI struct {
	DB       string `help:"SQLite database file." env:"BITEXT_DB" default:"bitext.db" type:"path"`
	LogLevel string `help:"Log level: debug, info, warn, error." env:"BITEXT_LOG" default:"info" enum:"debug,info,warn,error"`
	// MemoryLimit is a process-wide setting, applied by main only.
	MemoryLimit string `name:"memory-limit" help:"Soft limit of bitext's memory, such as 2GiB: near it memory is reclaimed more often (it is not a hard cap). auto: for run, 7 times the text of the documents read (at least 256 MiB), none for the other commands, or GOMEMLIMIT when that is set; off: no limit." env:"BITEXT_MEMORY_LIMIT" default:"auto"`

	Detect    DetectCmd    `cmd:"" help:"Detect the language of files (and of each paragraph)."`
	Segment   SegmentCmd   `cmd:"" help:"Split a file into sentences, one per line."`
	Ingest    IngestCmd    `cmd:"" help:"Read, detect, segment and store files or folders."`
	Run       RunCmd       `cmd:"" help:"The main job: ingest files or folders and process them."`
	Align     AlignCmd     `cmd:"" help:"Align two texts sentence by sentence."`
	Eval      EvalCmd      `cmd:"" help:"Evaluate bitext against benchmark sets."`
	Glossary  GlossaryCmd  `cmd:"" help:"Maintain the terminology glossary."`
	Docs      DocsCmd      `cmd:"" help:"List the stored documents with their review progress."`
	Pairs     PairsCmd     `cmd:"" help:"Review aligned pairs: list, approve, reject, edit, merge, split, shift, retranslate, undo, history."`
	Serve     ServeCmd     `cmd:"" help:"Serve the review web app (documents, review, glossary) and its JSON API."`
	QA        QACmd        `cmd:"" name:"qa" help:"Check translations: numbers, dates, names, untranslated text, lengths, consistency, form, glossary."`
	Export    ExportCmd    `cmd:"" help:"Export stored pairs: XLIFF 1.2, TMX 1.4b, TSV, JSON lines."`
	Import    ImportCmd    `cmd:"" help:"Apply a reviewed XLIFF file back to the stored pairs."`
	Translate TranslateCmd `cmd:"" help:"Translate one file to stdout."`
	Endpoint  EndpointCmd  `cmd:"" help:"Check the model endpoint, or serve a fake one."`
	Versions  VersionCmd   `cmd:"" name:"version" help:"Print the version: module, commit, build tags, Go."`
}

// App carries what every command needs: the streams, a logger and the
// global options. It is bound into each command's Run method.
type App struct {
	Ctx    context.Context
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Log    *slog.Logger
	CLI    *CLI
	// Limit applies --memory-limit; its automatic limit follows the text
	// a run reads.
	Limit *limiter
}

// exitError carries an exit code other than 1 through a command's error.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// usageErrorf reports a usage or configuration error (exit code 2).
func usageErrorf(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// partialError reports that some inputs failed while the rest were done.
func partialError(format string, args ...any) error {
	return &exitError{code: exitPartial, err: fmt.Errorf(format, args...)}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runWith(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr, debug.SetMemoryLimit)
	stop()
	os.Exit(code)
}

// run parses args and runs the selected command, returning the exit code.
// It leaves the process's memory limit alone (tests run commands in their
// own process).
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return runWith(ctx, args, stdin, stdout, stderr, nil)
}

// runWith is run with the function that sets the process's memory limit
// (runtime/debug.SetMemoryLimit), or nil to leave it alone.
func runWith(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, setMemoryLimit func(int64) int64) int {
	// --version is read here, not by kong: 'glossary edit' has a
	// --version flag of its own (the entry's version), and kong refuses a
	// global flag of the same name.
	if len(args) == 1 && args[0] == "--version" {
		fmt.Fprintln(stdout, versionLine(buildInfo()))
		return exitOK
	}
	var cli CLI
	exited := -1
	parser, err := kong.New(&cli,
		kong.Name("bitext"),
		kong.Description("Translate Russian documents into English, align them sentence by sentence and enforce a glossary. 'bitext --version' prints the version."),
		kong.Writers(stdout, stderr),
		kong.Exit(func(code int) {
			if exited < 0 {
				exited = code
			}
		}),
		kong.ConfigureHelp(kong.HelpOptions{Compact: true}),
	)
	if err != nil {
		fmt.Fprintf(stderr, "bitext: %v\n", err)
		return exitUsage
	}
	kctx, err := parser.Parse(args)
	if exited >= 0 { // --help
		return exited
	}
	if err != nil {
		fmt.Fprintf(stderr, "bitext: %v\n", err)
		if cmd := commandOf(parser, kctx, args); cmd != "" {
			fmt.Fprintf(stderr, "run 'bitext %s --help' for usage\n", cmd)
		} else {
			fmt.Fprintln(stderr, "run 'bitext --help' for usage")
		}
		return exitUsage
	}
	lim, err := newLimiter(cli.MemoryLimit, setMemoryLimit)
	if err != nil {
		fmt.Fprintf(stderr, "bitext: --memory-limit: %v\n", err)
		return exitUsage
	}
	app := &App{Ctx: ctx, Stdin: stdin, Stdout: stdout, Stderr: stderr, CLI: &cli, Log: newLogger(stderr, cli.LogLevel), Limit: lim}
	if err := kctx.Run(app); err != nil {
		fmt.Fprintf(stderr, "bitext: %v\n", err)
		var ee *exitError
		if errors.As(err, &ee) {
			return ee.code
		}
		return exitPartial
	}
	return exitOK
}

// commandOf names the command a failed parse was for, as far as it got.
func commandOf(parser *kong.Kong, kctx *kong.Context, args []string) string {
	if kctx != nil {
		if c := kctx.Command(); c != "" {
			return strings.Fields(c)[0]
		}
	}
	for _, a := range args {
		for _, n := range parser.Model.Children {
			if n.Name == a {
				return a
			}
		}
	}
	return ""
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// buildInfo is the binary's build information, or nil when it has none.
func buildInfo() *debug.BuildInfo {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return nil
	}
	return info
}
