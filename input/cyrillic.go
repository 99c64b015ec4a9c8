package input

import (
	"math"
	"unicode"
)

// russianLetterFreq is the relative frequency, per thousand letters, of the
// lowercase Russian letters а…я in running text (ё counted separately below).
var russianLetterFreq = [32]float64{
	80.1, 15.9, 45.4, 17.0, 29.8, 84.5, 9.4, 16.5, // а б в г д е ж з
	73.5, 12.1, 34.9, 44.0, 32.1, 67.0, 109.7, 28.1, // и й к л м н о п
	47.3, 54.7, 62.6, 26.2, 2.6, 9.7, 4.8, 14.4, // р с т у ф х ц ч
	7.3, 3.6, 0.4, 19.0, 17.4, 3.2, 6.4, 20.1, // ш щ ъ ы ь э ю я
}

const freqYo = 0.4 // ё, per thousand (usually written е)

// Costs, in nats, added to a reading's score. They are log-probabilities of
// rough models of Russian text; only differences between readings matter.
const (
	costPunct     = -4.0  // « » — – … “ ” № and similar: common in releases
	costOtherCyr  = -8.0  // Ukrainian, Belarusian, Serbian letters
	costOddRune   = -14.0 // box drawing, math signs, undefined bytes
	costBadStart  = -6.0  // a word starting with ь, ъ or ы
	costTitleCase = -1.2  // a word written Capitalised
	costUpperCase = -2.0  // a word written in CAPITALS
	costMixedCase = -7.0  // пРИВЕТ, ПрИВЕТ: what the wrong code page produces

	// minScorePerLetter is the lowest average score per Russian letter of
	// a reading taken for Russian; Russian text scores about -3.
	minScorePerLetter = -6.5

	maxAbbrev        = 4    // longest all-capitals word taken for an abbreviation
	costAbbrevLetter = -3.4 // log(1/30): a letter of an abbreviation
)

// cyrScore is the score of one reading of single-byte text.
type cyrScore struct {
	total             float64 // higher is more like Russian
	letterTotal       float64 // the part of total that scores letters
	cyrillic          int     // Cyrillic letters seen
	cyrillicNearLatin int     // of those, letters touching a Latin letter
	high              int     // non-ASCII runes
	russianHigh       int     // of those, Russian letters and common punctuation
}

// plausible reports whether the reading looks like Russian text (or like
// text whose only non-ASCII characters are common punctuation).
func (s cyrScore) plausible() bool {
	if s.high == 0 || s.russianHigh*10 < s.high*9 {
		return false
	}
	if s.cyrillic == 0 {
		return true
	}
	return s.cyrillicNearLatin*5 < s.cyrillic && s.letterTotal/float64(s.cyrillic) > minScorePerLetter
}

// commonPunct are the non-ASCII signs that occur in Russian text typed in
// windows-1251 or KOI8-R.
func commonPunct(r rune) bool {
	switch r {
	case '«', '»', '—', '–', '…', '“', '”', '„', '‘', '’', '№', '•', '\u00A0', '§', '°', '±', '©', '®', '™', '·', '€':
		return true
	}
	return false
}

// scoreCyrillic scores sample as read through table t: how much it looks
// like Russian text.
func scoreCyrillic(sample []byte, t *[256]rune) cyrScore {
	var logFreq [33]float64
	for i, f := range russianLetterFreq {
		logFreq[i] = math.Log(f / 1000)
	}
	logFreq[32] = math.Log(freqYo / 1000)

	var s cyrScore
	// State of the current word of Cyrillic letters.
	var (
		wordLen    int
		upper      int  // capitals in the word
		firstUpper bool // first letter is a capital
		prevIdx    int  // index of the previous letter in the word
		prevLatin  bool // previous rune was a Latin letter
		prevCyr    bool // previous rune was a Cyrillic letter
	)
	var wordScore float64 // letter log-probabilities of the current word
	endWord := func() {
		if upper == wordLen && wordLen >= 2 && wordLen <= maxAbbrev {
			// Abbreviations (МИД, ВВП, ДТП) do not follow the letter
			// statistics of words.
			wordScore = max(wordScore, float64(wordLen)*costAbbrevLetter)
		}
		s.total += wordScore
		s.letterTotal += wordScore
		if wordLen >= 2 {
			switch {
			case upper == 0:
			case upper == wordLen:
				s.total += costUpperCase
			case upper == 1 && firstUpper:
				s.total += costTitleCase
			default:
				s.total += costMixedCase
			}
		} else if wordLen == 1 && upper == 1 {
			s.total += costTitleCase
		}
		wordLen, upper, firstUpper, wordScore = 0, 0, false, 0
	}
	for _, c := range sample {
		r := t[c]
		idx, isUp, ok := russianIndex(r)
		if !ok {
			latin := r < 0x80 && (r|0x20 >= 'a' && r|0x20 <= 'z')
			if latin && prevCyr {
				s.cyrillicNearLatin++
			}
			endWord()
			prevLatin, prevCyr = latin, false
			if r >= 0x80 {
				s.high++
			}
			switch {
			case r < 0x80:
			case commonPunct(r):
				s.russianHigh++
				s.total += costPunct
			case unicode.Is(unicode.Cyrillic, r):
				s.total += costOtherCyr
			default:
				s.total += costOddRune
			}
			continue
		}
		s.cyrillic++
		s.high++
		s.russianHigh++
		if prevLatin {
			s.cyrillicNearLatin++
		}
		lower := russianLower(idx)
		if wordLen == 0 {
			wordScore += logFreq[idx]
			firstUpper = isUp
			if lower == 'ь' || lower == 'ъ' || lower == 'ы' {
				s.total += costBadStart
			}
		} else {
			wordScore += float64(russianBigramLog[prevIdx][idx])
		}
		if isUp {
			upper++
		}
		wordLen++
		prevIdx = idx
		prevLatin, prevCyr = false, true
	}
	endWord()
	return s
}

// russianIndex maps a Russian letter to its index in the frequency tables
// (0–31 for а…я, 32 for ё) and tells whether it is a capital.
func russianIndex(r rune) (idx int, upper bool, ok bool) {
	switch {
	case r >= 'а' && r <= 'я':
		return int(r - 'а'), false, true
	case r >= 'А' && r <= 'Я':
		return int(r - 'А'), true, true
	case r == 'ё':
		return 32, false, true
	case r == 'Ё':
		return 32, true, true
	}
	return 0, false, false
}

func russianLower(idx int) rune {
	if idx == 32 {
		return 'ё'
	}
	return 'а' + rune(idx)
}

// unseenBigram is the log-probability given to letter pairs the bigram
// model never saw.
const unseenBigram = -12.0
