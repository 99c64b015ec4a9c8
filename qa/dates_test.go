package qa

import (
	"strings"
	"testing"

	"github.com/bitext/bitext"
)

func dateKeys(ds []Date) string {
	var ks []string
	for _, d := range ds {
		ks = append(ks, d.Key())
	}
	return strings.Join(ks, " ")
}

func TestDatesRussian(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"23 сентября 2021 г. состоялась встреча", "2021-09-23"},
		{"23 сентября в формате видеоконференции", "--09-23"},
		{"16-17 сентября 2021 года", "2021-09-16 2021-09-17"},
		{"с 1 по 3 июня", "--06-01 --06-03"},
		{"в сентябре", "--09"},
		{"в сентябре 2021 г.", "2021-09"},
		{"сентябрь 2021", "2021-09"},
		{"23.12.2024", "2024-12-23"},
		{"1 мая", "--05-01"},
		{"27 июля - 2 августа 2020 года", "--07-27 2020-08-02"},
		{"30 марта", "--03-30"},
		{"May 2020 Update", "2020-05"},
		{"в 2021 году", ""},
	} {
		if got := dateKeys(Dates(c.in, bitext.Russian)); got != c.want {
			t.Errorf("Dates(%q, ru) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDatesEnglish(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"on 23 September 2021", "2021-09-23"},
		{"on September 23, 2021", "2021-09-23"},
		{"the 23rd of September", "--09-23"},
		{"23rd September", "--09-23"},
		{"September 16-17, 2021", "2021-09-16 2021-09-17"},
		{"16–17 September 2021", "2021-09-16 2021-09-17"},
		{"from 1 to 3 June", "--06-01 --06-03"},
		{"in September", "--09"},
		{"in September 2021", "2021-09"},
		{"Sept. 23", "--09-23"},
		{"2024-12-23", "2024-12-23"},
		{"23.12.2024", "2024-12-23"},
		{"12/23/2024", "2024-12-23"},
		{"You may go", ""},
		{"May 5", "--05-05"},
		{"in May", "--05"},
		{"May I ask", ""},
		{"the march of time", ""},
		{"July 27–August 2", "--07-27 --08-02"},
	} {
		if got := dateKeys(Dates(c.in, bitext.English)); got != c.want {
			t.Errorf("Dates(%q, en) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestDateSwap(t *testing.T) {
	ds := Dates("on 03/04/2021", bitext.English)
	if len(ds) != 1 || !ds[0].Swap {
		t.Fatalf("03/04/2021: %+v", ds)
	}
	if fs := Check("4 марта 2021 г.", "03/04/2021"); hasError(fs) {
		t.Errorf("US order: %v", fs)
	}
	if fs := Check("3 апреля 2021 г.", "03/04/2021"); hasError(fs) {
		t.Errorf("day first: %v", fs)
	}
}
