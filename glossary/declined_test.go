package glossary

import (
	"slices"
	"testing"
)

// TestDeclinedAbbreviations: an abbreviation read as a word takes case
// endings («МИДом России»); other words that start with capitals do not
// become the abbreviation.
func TestDeclinedAbbreviations(t *testing.T) {
	entries := []Entry{
		{ID: "mfa", RU: "МИД", EN: "Ministry of Foreign Affairs", Abbreviation: true, CaseSensitive: true, Status: Preferred},
		{ID: "mfa-russia", RU: "МИД России", EN: "Russian Foreign Ministry", Status: Preferred},
		{ID: "un", RU: "ООН", EN: "UN", Abbreviation: true, CaseSensitive: true, Status: Preferred},
	}
	m, err := NewMatcher(entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		text string
		want []string
	}{
		{"Заявление МИДа России.", []string{"mfa-russia", "mfa"}},
		{"Поручение дано МИДу России.", []string{"mfa-russia", "mfa"}},
		{"Совместно с МИДом России.", []string{"mfa-russia", "mfa"}},
		{"В МИДе состоялась встреча.", []string{"mfa"}},
		{"МИДовские чиновники.", nil},
		{"ООНовские структуры.", nil},
		{"Мида и Мидом.", nil},
		{"Письмо в ООН.", []string{"un"}},
	} {
		var got []string
		for _, mt := range m.Match(c.text) {
			got = append(got, mt.ID)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("Match(%q) = %v, want %v", c.text, got, c.want)
		}
	}
}
