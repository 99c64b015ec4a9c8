package glossary

import "strings"

// Inflection tables for one-word terms. The Snowball stemmer merges words of
// different parts of speech (безопасность and безопасный both become
// «безопасн»), which is harmless inside a multi-word term but makes one-word
// terms over-match. One-word terms are therefore matched against the explicit
// set of case and number forms of their lemma, generated from the lemma's
// ending. The tables are deliberately generous within a declension (a form
// that no word has costs nothing) and never cross into another part of
// speech. Irregular forms (fleeting vowels, suppletion) go into the entry's
// Russian variants.
var paradigms = []struct {
	suffix  string   // lemma ending replaced by each of endings
	endings []string // endings that replace suffix
}{
	// nouns in -ость/-есть and other feminine -ь: безопасность
	{"ость", []string{"ость", "ости", "остью", "остей", "остям", "остями", "остях"}},
	{"есть", []string{"есть", "ести", "естью", "естей", "естям", "естями", "естях"}},
	// -ия: конвенция, стратегия
	{"ия", []string{"ия", "ии", "ию", "ией", "иею", "ий", "иям", "иями", "иях"}},
	// -ие: сотрудничество has -ство below; соглашение, развитие
	{"ие", []string{"ие", "ия", "ию", "ием", "ии", "ий", "иям", "иями", "иях"}},
	// adjectives (substantivised or flagged one-word terms)
	{"ый", adjEndings},
	{"ий", append([]string{"ий", "ия", "ию", "ием", "ии", "иев", "иям", "иями", "иях"}, adjEndings...)},
	{"ой", adjEndings},
	{"ая", adjEndings},
	{"ое", adjEndings},
	// -а: группа, палата
	{"а", []string{"а", "ы", "и", "е", "у", "ой", "ою", "", "ам", "ами", "ах"}},
	// -я: неделя
	{"я", []string{"я", "и", "е", "ю", "ей", "ею", "ь", "й", "ям", "ями", "ях"}},
	// -о: агентство, киберпространство
	{"о", []string{"о", "а", "у", "ом", "е", "", "ам", "ами", "ах"}},
	// -е: поле
	{"е", []string{"е", "я", "ю", "ем", "и", "ей", "ям", "ями", "ях"}},
	// -ь (masculine and feminine): секретарь, сеть
	{"ь", []string{"ь", "я", "ю", "ем", "е", "и", "ью", "ей", "ям", "ями", "ях"}},
	// plural-only and plural lemmas: Основы, технологии, Минцифры stays as is
	{"ии", []string{"ии", "ий", "иям", "иями", "иях"}},
	{"ы", []string{"ы", "", "ов", "ам", "ами", "ах"}},
	{"и", []string{"и", "ей", "ам", "ям", "ами", "ями", "ах", "ях", ""}},
	// -й: музей
	{"й", []string{"й", "я", "ю", "ем", "е", "и", "ев", "ям", "ями", "ях"}},
}

var adjEndings = []string{"ый", "ий", "ой", "ого", "его", "ому", "ему", "ым", "им", "ом", "ем",
	"ая", "яя", "ую", "юю", "ое", "ее", "ые", "ие", "ых", "их", "ыми", "ими", "ей"}

// consonantEndings inflect masculine nouns ending in a consonant: терроризм.
var consonantEndings = []string{"", "а", "у", "ом", "ем", "е", "ы", "и", "ов", "ев", "ей", "ам", "ям", "ами", "ями", "ах", "ях"}

// wordForms returns the lower-case, ё-folded forms of a one-word term.
func wordForms(lemma string) []string {
	w := fold(lemma)
	forms := []string{w}
	if !isCyrillicWord(w) {
		return forms
	}
	for _, p := range paradigms {
		if strings.HasSuffix(w, p.suffix) {
			base := w[:len(w)-len(p.suffix)]
			for _, e := range p.endings {
				forms = append(forms, base+e)
			}
			return dedupe(forms)
		}
	}
	for _, e := range consonantEndings {
		forms = append(forms, w+e)
	}
	return dedupe(forms)
}

func isCyrillicWord(w string) bool {
	for _, r := range w {
		if (r < 'а' || r > 'я') && r != 'ё' {
			return false
		}
	}
	return w != ""
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	out := in[:0]
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
