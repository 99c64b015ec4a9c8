package store

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"testing"
)

// TestImportTM: units go in with their key; the same Russian again
// updates or leaves the entry; a failing source imports nothing.
func TestImportTM(t *testing.T) {
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "tm.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	units := []TMEntry{{Source: "Раз.", Target: "One."}, {Source: "Два.", Target: "Two."}, {Source: " Раз. ", Target: "One."},
		{Source: "Три.", Target: ""}, {Source: "Два.", Target: "Two!"}}
	st, err := db.ImportTM(ctx, "a.tmx", "ann", feed(units, nil))
	if err != nil || st != (TMImport{Added: 2, Updated: 1, Unchanged: 1}) {
		t.Fatalf("import: %+v %v", st, err)
	}
	got, err := db.FindTM(ctx, []string{"Два.", "  Раз.", "Нет."})
	if err != nil || len(got) != 2 || got[HumanKey("Два.")].Target != "Two!" || got[HumanKey("Раз.")].File != "a.tmx" {
		t.Fatalf("find: %+v %v", got, err)
	}
	boom := errors.New("malformed at line 7")
	if _, err := db.ImportTM(ctx, "b.tmx", "ann", feed([]TMEntry{{Source: "Четыре.", Target: "Four."}}, boom)); !errors.Is(err, boom) {
		t.Fatalf("a failing source: %v", err)
	}
	if got, _ := db.FindTM(ctx, []string{"Четыре."}); len(got) != 0 {
		t.Fatal("a failed import left units behind")
	}
}

// feed gives the units one by one, then fails with err (nil: ends).
func feed(units []TMEntry, err error) func() (TMEntry, bool, error) {
	i := 0
	return func() (TMEntry, bool, error) {
		if i < len(units) {
			i++
			return units[i-1], true, nil
		}
		return TMEntry{}, false, err
	}
}

// BenchmarkImportTM100k imports 100,000 units generated on the fly and
// reports the peak heap (go test -tags sqlite_fts5 -run '^$' -bench
// ImportTM -benchtime 1x ./store/): memory stays bounded.
func BenchmarkImportTM100k(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		db, err := Open(ctx, filepath.Join(b.TempDir(), "tm.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		var peak uint64
		var ms runtime.MemStats
		n := 0
		st, err := db.ImportTM(ctx, "big.tmx", "bench", func() (TMEntry, bool, error) {
			if n == 100000 {
				return TMEntry{}, false, nil
			}
			n++
			if n%10000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
			return TMEntry{Source: fmt.Sprintf("Предложение номер %d о международной информационной безопасности.", n),
				Target: fmt.Sprintf("Sentence number %d on international information security.", n), TUID: fmt.Sprint(n)}, true, nil
		})
		if err != nil || st.Added != 100000 {
			b.Fatalf("%+v %v", st, err)
		}
		b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		db.Close()
	}
}
