package input

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/text/encoding/charmap"
)

// russianCorpus returns about size bytes of Russian news text (UTF-8, CRLF
// line ends, some no-break spaces) built from the WMT sources in
// /work/shared; it skips the benchmark when they are absent.
func russianCorpus(b *testing.B, size int) string {
	b.Helper()
	files, _ := filepath.Glob("/work/shared/bench/ruen-wmt/*/*/src.txt")
	if len(files) == 0 {
		b.Skip("WMT data not found in /work/shared/bench/ruen-wmt")
	}
	var one strings.Builder
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		// Keep what windows-1251 can encode, so every variant has the same text.
		line := strings.Map(func(r rune) rune {
			if _, ok := charmap.Windows1251.EncodeRune(r); ok {
				return r
			}
			return ' '
		}, string(data))
		one.WriteString(strings.ReplaceAll(line, "\n", "\r\n"))
		one.WriteString("\r\n")
	}
	text := strings.ReplaceAll(one.String(), " г.", "\u00A0г.")
	return strings.Repeat(text, size/len(text)+1)[:size]
}

// BenchmarkDecodeNormalize measures Decode followed by Normalize on 4 MB of
// Russian text in each encoding (MB/s of input).
func BenchmarkDecodeNormalize(b *testing.B) {
	text := russianCorpus(b, 4<<20)
	text = strings.ToValidUTF8(text, "")
	cp1251, err := charmap.Windows1251.NewEncoder().String(text)
	if err != nil {
		b.Fatal(err)
	}
	koi8, err := charmap.KOI8R.NewEncoder().String(strings.Map(func(r rune) rune {
		if _, ok := charmap.KOI8R.EncodeRune(r); ok {
			return r
		}
		return '"'
	}, text))
	if err != nil {
		b.Fatal(err)
	}
	for _, v := range []struct{ name, data string }{{"utf-8", text}, {"windows-1251", cp1251}, {"koi8-r", koi8}} {
		b.Run(v.name, func(b *testing.B) {
			in := []byte(v.data)
			b.SetBytes(int64(len(in)))
			b.ReportAllocs()
			for b.Loop() {
				s, _, err := Decode(in)
				if err != nil {
					b.Fatal(err)
				}
				if Normalize(s) == "" {
					b.Fatal("empty")
				}
			}
		})
	}
}

// BenchmarkRead50MB reads a 50 MB file with Reader.ReadFile and reports the
// bytes allocated per read and the peak heap growth, both relative to the
// file size (the budget is 10×).
func BenchmarkRead50MB(b *testing.B) {
	dir := b.TempDir()
	sizes := write50MB(b, dir)
	runtime.GC() // the corpus strings are garbage now: measure the reader alone
	for _, name := range []string{"utf-8", "windows-1251"} {
		path := filepath.Join(dir, name+".txt")
		size := float64(sizes[name])
		b.Run(name, func(b *testing.B) {
			r := &Reader{}
			var peak atomic.Uint64
			var before runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() { samplePeakHeap(stop, &peak) })
			b.SetBytes(int64(size))
			b.ResetTimer()
			for b.Loop() {
				doc, err := r.ReadFile(context.Background(), path)
				if err != nil {
					b.Fatal(err)
				}
				if len(doc.Text) == 0 {
					b.Fatal("empty")
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N)/size, "alloc/size")
			b.ReportMetric(float64(peak.Load()-min(peak.Load(), before.HeapAlloc))/size, "peakheap/size")
		})
	}
}

// write50MB writes 50 MB of Russian text as dir/utf-8.txt and the same text
// as dir/windows-1251.txt, and returns their sizes.
func write50MB(b *testing.B, dir string) map[string]int {
	text := russianCorpus(b, 50<<20)
	cp1251, err := charmap.Windows1251.NewEncoder().String(strings.ToValidUTF8(text, ""))
	if err != nil {
		b.Fatal(err)
	}
	sizes := make(map[string]int)
	for name, data := range map[string]string{"utf-8": text, "windows-1251": cp1251} {
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
		sizes[name] = len(data)
	}
	return sizes
}

// samplePeakHeap records the largest live heap seen until stop is closed.
func samplePeakHeap(stop <-chan struct{}, peak *atomic.Uint64) {
	var m runtime.MemStats
	t := time.NewTicker(5 * time.Millisecond)
	defer t.Stop()
	for {
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > peak.Load() {
			peak.Store(m.HeapAlloc)
		}
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
