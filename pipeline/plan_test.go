package pipeline

import (
	"path/filepath"
	"reflect"
	"testing"
)

func TestPlanPairs(t *testing.T) {
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	cases := []struct {
		name  string
		files []string
		pairs [][2]string
		want  []planned
	}{
		{"by name", []string{"d/a.en.txt", "d/a.ru.txt", "d/b.txt"}, nil,
			[]planned{{path: "d/a.ru.txt", en: "d/a.en.txt"}, {path: "d/b.txt"}}},
		{"different folders do not pair", []string{"x/a.ru.txt", "y/a.en.txt"}, nil,
			[]planned{{path: "x/a.ru.txt"}, {path: "y/a.en.txt"}}},
		{"explicit pair, also found in a folder", []string{abs("d/s.txt"), abs("d/t.txt"), "d/s.txt", "d/t.txt"},
			[][2]string{{"d/s.txt", "d/t.txt"}},
			[]planned{{path: abs("d/s.txt"), en: "d/t.txt"}}},
		{"english alone", []string{"d/a.en.txt"}, nil, []planned{{path: "d/a.en.txt"}}},
		{"html pair", []string{"r.ru.html", "r.en.html"}, nil, []planned{{path: "r.ru.html", en: "r.en.html"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			j := &Job{Config: JobConfig{Pairs: c.pairs}}
			got := j.pairUp(dedupe(c.files))
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("plan = %+v, want %+v", got, c.want)
			}
		})
	}
}
