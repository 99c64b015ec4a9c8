package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// BenchmarkRunPeakRSS measures the peak resident memory of the real binary
// running `bitext run` over one large Russian file (50 MB and 200 MB,
// generated), against the fake endpoint (`bitext endpoint fake`, in a
// process of its own) and without an endpoint (the run reads, stores and
// waits). It reports the peak in MiB and as a multiple of the input size.
// It takes minutes and gigabytes of disk, so it runs only when asked for by
// name:
//
//	go test -tags sqlite_fts5 -run '^$' -bench RunPeakRSS -benchtime 1x ./cmd/bitext/
//	go test -tags sqlite_fts5 -run '^$' -bench 'RunPeakRSS/50MB' -benchtime 1x ./cmd/bitext/
func BenchmarkRunPeakRSS(b *testing.B) {
	if f := flag.Lookup("test.bench"); f == nil || !strings.Contains(f.Value.String(), "PeakRSS") {
		b.Skip("runs for minutes: name it in -bench (RunPeakRSS) to run it")
	}
	bin := buildBinary(b)
	base := startFakeEndpoint(b, bin)
	for _, mb := range []int{50, 200} {
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			in := filepath.Join(b.TempDir(), fmt.Sprintf("ru%d.txt", mb))
			size := writeReleases(b, in, int64(mb)<<20)
			for _, ep := range []struct{ name, url string }{{"fake-endpoint", base}, {"no-endpoint", ""}} {
				b.Run(ep.name, func(b *testing.B) {
					var peak int64
					for range b.N {
						peak = max(peak, peakRSS(b, bin, in, ep.url))
					}
					b.ReportMetric(float64(peak)/(1<<20), "peak-MiB")
					b.ReportMetric(float64(peak)/float64(size), "x-input")
				})
			}
		})
	}
}

// peakRSS runs `bitext run` over in, against the endpoint at url (none when
// empty), and returns the peak resident memory of the process in bytes.
func peakRSS(b *testing.B, bin, in, url string) int64 {
	b.Helper()
	dir := b.TempDir()
	cmd := exec.Command(bin, "--db", filepath.Join(dir, "x.db"), "--log-level", "warn", "run", "--out", filepath.Join(dir, "out"), in)
	cmd.Env = benchEnv(url)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	var exit *exec.ExitError
	switch {
	case url != "" && err != nil:
		b.Fatalf("run against the fake endpoint: %v\n%s", err, stderr.String())
	case url == "" && !(errors.As(err, &exit) && exit.ExitCode() == exitPartial):
		b.Fatalf("run without an endpoint: %v (want exit code 1, waiting)\n%s", err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		b.Skip("no resource usage on this system")
	}
	return ru.Maxrss << 10 // kilobytes on Linux
}

// benchEnv is the environment without the caller's endpoint settings,
// with the fake endpoint's when url is not empty.
func benchEnv(url string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "BITEXT_") && !strings.HasPrefix(kv, "OPENAI_") && !strings.HasPrefix(kv, "GOMEMLIMIT=") {
			env = append(env, kv)
		}
	}
	if url != "" {
		env = append(env, "OPENAI_BASE_URL="+url, "BITEXT_MODEL=fake-model")
	}
	return env
}

// startFakeEndpoint starts `bitext endpoint fake` and returns its base URL;
// the process is killed when the benchmark ends.
func startFakeEndpoint(b *testing.B, bin string) string {
	b.Helper()
	cmd := exec.Command(bin, "endpoint", "fake")
	cmd.Env = benchEnv("")
	out, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		for _, f := range strings.Fields(sc.Text()) {
			if url, ok := strings.CutPrefix(f, "OPENAI_BASE_URL="); ok {
				go io.Copy(io.Discard, out)
				return url
			}
		}
	}
	b.Fatalf("the fake endpoint printed no OPENAI_BASE_URL (%v)", sc.Err())
	return ""
}

// writeReleases writes about size bytes of Russian prose in the style of
// Foreign Ministry releases to path: paragraphs of four sentences, each
// numbered so that no two are the same (the translation memory must not
// make the run trivial). It returns the size written.
func writeReleases(b *testing.B, path string, size int64) int64 {
	b.Helper()
	subjects := []string{"Министерство иностранных дел Российской Федерации", "Российская сторона",
		"Делегация Российской Федерации", "Заместитель Министра иностранных дел",
		"Специальный представитель Президента по вопросам международного сотрудничества",
		"Постоянный представитель России при ООН"}
	verbs := []string{"последовательно призывает к", "придаёт первостепенное значение", "уделяет особое внимание",
		"настойчиво содействует", "неизменно способствует", "вновь призывает партнёров к"}
	objects := []string{"укреплению международной информационной безопасности",
		"выработке универсальных правил ответственного поведения государств в сфере использования ИКТ",
		"недопущению милитаризации информационного пространства", "развитию мер укрепления доверия между государствами",
		"созданию постоянного механизма регулярного институционального диалога под эгидой ООН",
		"противодействию использованию ИКТ в преступных целях"}
	places := []string{"в ходе консультаций, состоявшихся в Москве", "на заседании рабочей группы открытого состава",
		"в рамках двусторонних переговоров", "с учётом итогов предыдущей сессии",
		"в интересах всех государств — членов ООН", "на основе принципов суверенного равенства"}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	w := bufio.NewWriter(f)
	var written int64
	for para, n := 1, 0; written < size; para++ {
		for k := range 4 {
			n++
			sep := " "
			if k == 3 {
				sep = "\n\n"
			}
			c, _ := fmt.Fprintf(w, "%s %s %s %s (пункт %d.%d).%s", subjects[n%len(subjects)], verbs[(n/6)%len(verbs)],
				objects[(n/36)%len(objects)], places[(n/7)%len(places)], para, k+1, sep)
			written += int64(c)
		}
	}
	if err := w.Flush(); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
	return written
}
