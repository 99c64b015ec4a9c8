package pipeline

import (
	"slices"
	"testing"

	"github.com/bitext/bitext/glossary"
)

// TestGlossaryConcepts: the aligner's dictionary finds an entry in an
// English sentence when its term or a variant occurs from a word start,
// whatever the case, and not inside another word.
func TestGlossaryConcepts(t *testing.T) {
	g, err := NewGlossary([]glossary.Entry{
		{ID: "un", RU: "ООН", EN: "UN", Status: glossary.Preferred},
		{ID: "iis", RU: "международная информационная безопасность", EN: "international information security",
			ENVariants: []string{"international ICT security"}, Status: glossary.Preferred},
		{ID: "old", RU: "старый", EN: "old term", Status: glossary.Deprecated},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		en   string
		want []string
	}{
		{"The UN discussed International Information Security.", []string{"iis", "un"}},
		{"Under the (UN) charter.", []string{"un"}},
		{"Fundamental rights; international ICT security!", []string{"iis"}},
		{"international information", nil},
		{"An old term stays out.", nil},
		{"", nil},
	}
	for _, tc := range tests {
		if got := g.Concepts(tc.en, false); !slices.Equal(got, tc.want) {
			t.Errorf("Concepts(%q) = %v, want %v", tc.en, got, tc.want)
		}
	}
	if got := g.Concepts("Стороны обсудили вопросы МИБ в ООН.", true); !slices.Contains(got, "un") {
		t.Errorf("Russian side: %v, want un among them", got)
	}
}
