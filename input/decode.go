package input

import (
	"bytes"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/encoding/charmap"
)

// sniffLen is how much of the start of a file the binary and UTF-16 checks
// look at (stray bytes later in a text file are dealt with by Normalize).
const sniffLen = 64 << 10

// magic is a known file signature with the reason and advice shown to users.
type magic struct {
	prefix string
	what   string
	advice string
	kind   error // nil means ErrBinary
}

// magics lists file types people mistake for text. Checked in order.
var magics = []magic{
	{"%PDF-", "is a PDF document", "convert the PDF to text first (e.g. pdftotext FILE FILE.txt) and read the .txt", nil},
	{"PK\x03\x04", "is a ZIP archive or an office document (ODT, XLSX, EPUB, or a DOCX without its .docx extension)", "a Word document is read when its name ends in .docx; anything else: open it and save it as plain text (.txt) or HTML, or unpack the archive", nil},
	{"PK\x05\x06", "is an empty ZIP archive", "give a text, Markdown or HTML file instead", nil},
	{"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", "is an old Microsoft Office document (DOC, XLS, PPT) or a password-protected one", "open it, remove any password, and save it as .docx or plain text (.txt)", nil},
	{"{\\rtf", "is an RTF document", "open it and save it as .docx or plain text (.txt)", nil},
	{"\x89PNG\r\n\x1a\n", "is a PNG image", "bitext reads text, not images: run OCR and give the text", nil},
	{"\xFF\xD8\xFF", "is a JPEG image", "bitext reads text, not images: run OCR and give the text", nil},
	{"GIF87a", "is a GIF image", "give a text file instead", nil},
	{"GIF89a", "is a GIF image", "give a text file instead", nil},
	{"II*\x00", "is a TIFF image", "bitext reads text, not images: run OCR and give the text", nil},
	{"MM\x00*", "is a TIFF image", "bitext reads text, not images: run OCR and give the text", nil},
	{"\x1F\x8B", "is a gzip-compressed file", "unpack it first (gunzip FILE)", nil},
	{"BZh", "is a bzip2-compressed file", "unpack it first (bunzip2 FILE)", nil},
	{"\xFD7zXZ\x00", "is an xz-compressed file", "unpack it first (unxz FILE)", nil},
	{"7z\xBC\xAF\x27\x1C", "is a 7-Zip archive", "unpack it first", nil},
	{"Rar!\x1A\x07", "is a RAR archive", "unpack it first", nil},
	{"\x7FELF", "is a program (ELF executable)", "give a text, Markdown or HTML file instead", nil},
	{"SQLite format 3\x00", "is an SQLite database", "give a text, Markdown or HTML file instead", nil},
	{"\x00\x00\xFE\xFF", "is UTF-32 (big-endian) text, which bitext does not read", "re-save it as UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)", ErrEncoding},
	{"\xFF\xFE\x00\x00", "is UTF-32 (little-endian) text, which bitext does not read", "re-save it as UTF-8 (e.g. iconv -f UTF-32 -t UTF-8)", ErrEncoding},
}

// Decode detects the encoding of b and returns its text as UTF-8 (not yet
// normalised) with the name of the encoding. It fails with an error matching
// ErrEmpty, ErrBinary or ErrEncoding. The result never shares memory with b.
func Decode(b []byte) (text string, encoding string, err error) {
	return decode(b, false)
}

// decode is Decode; with owned set, the returned string may share b's memory
// (the caller promises never to modify b again), saving a copy of big files.
func decode(b []byte, owned bool) (string, string, error) {
	if len(b) == 0 {
		return "", "", kindErrorf(ErrEmpty, "file is empty (0 bytes); check that it was saved or copied completely")
	}
	utf16, err := sniffBinary(b)
	if err != nil {
		return "", "", err
	}
	switch {
	case bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")):
		rest := b[3:]
		if !utf8.Valid(rest) {
			off := invalidUTF8Offset(rest) + 3
			return "", "", kindErrorf(ErrEncoding, "starts with a UTF-8 byte order mark but is not valid UTF-8 (bad byte at offset %d, line %d); re-save it as UTF-8", off, lineOf(b, off))
		}
		return bytesToString(rest, owned), EncUTF8BOM, nil
	case bytes.HasPrefix(b, []byte("\xFF\xFE")):
		return decodeUTF16(b[2:], false), EncUTF16LE, nil
	case bytes.HasPrefix(b, []byte("\xFE\xFF")):
		return decodeUTF16(b[2:], true), EncUTF16BE, nil
	case utf16 == EncUTF16LE:
		return decodeUTF16(b, false), EncUTF16LE, nil
	case utf16 == EncUTF16BE:
		return decodeUTF16(b, true), EncUTF16BE, nil
	}

	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return bytesToString(b, owned), EncASCII, nil
	}
	if utf8.Valid(b) {
		return bytesToString(b, owned), EncUTF8, nil
	}
	return decodeSingleByte(b)
}

// sniffBinary rejects files that are not text: known binary signatures,
// NUL bytes not explained by UTF-16, many control bytes. For a file that
// looks like UTF-16 without a byte order mark it returns its encoding.
func sniffBinary(b []byte) (utf16 string, err error) {
	for _, m := range magics {
		if bytes.HasPrefix(b, []byte(m.prefix)) {
			kind := m.kind
			if kind == nil {
				kind = ErrBinary
			}
			return "", kindErrorf(kind, "%s; %s", m.what, m.advice)
		}
	}
	if bytes.HasPrefix(b, []byte("\xFF\xFE")) || bytes.HasPrefix(b, []byte("\xFE\xFF")) {
		return "", nil
	}
	head := b[:min(len(b), sniffLen)]
	if nul := bytes.IndexByte(head, 0); nul >= 0 {
		// Cyrillic UTF-8 read as UTF-16 turns into Hangul syllables, which
		// pass for text: stray NULs in UTF-8 must not make it UTF-16.
		if utf8WithMultibyte(head) {
			return "", kindErrorf(ErrBinary, "is UTF-8 text with NUL bytes in it (the first at offset %d, line %d); remove them (e.g. tr -d '\\000' < IN > OUT) and give the cleaned file", nul, lineOf(b, nul))
		}
		if be, ok := sniffUTF16(head); ok {
			if be {
				return EncUTF16BE, nil
			}
			return EncUTF16LE, nil
		}
		return "", kindErrorf(ErrBinary, "contains NUL bytes, so it is not a text file (or it is UTF-16/UTF-32 without a byte order mark); give a text file, or re-save it as UTF-8")
	}
	if n := controlBytes(head); n > 8 && n*100 > len(head) {
		return "", kindErrorf(ErrBinary, "has %d control bytes in its first %d bytes, so it is not a text file; give a text, Markdown or HTML file", n, len(head))
	}
	return "", nil
}

// decodeSingleByte handles bytes that are not valid UTF-8: windows-1251 or
// KOI8-R chosen by scoring, windows-1252 for mostly-Latin text, else an error.
func decodeSingleByte(b []byte) (string, string, error) {
	sample := b[:min(len(b), 256<<10)]
	cp1251 := byteTable(charmap.Windows1251)
	koi8 := byteTable(charmap.KOI8R)
	s1251 := scoreCyrillic(sample, &cp1251)
	sKOI8 := scoreCyrillic(sample, &koi8)

	best, bestTable, enc := s1251, &cp1251, EncWindows1251
	if sKOI8.total > s1251.total {
		best, bestTable, enc = sKOI8, &koi8, EncKOI8R
	}
	if best.plausible() {
		return decodeTable(b, bestTable), enc, nil
	}

	// Not Cyrillic. Accept windows-1252 only for text that is mostly ASCII
	// letters with a few accented letters or typographic signs.
	high, latin := 0, 0
	for _, c := range sample {
		switch {
		case c >= 0x80:
			high++
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			latin++
		}
	}
	if latin > 0 && high*3 <= latin {
		return decodeTable(b, ptr(byteTable(charmap.Windows1252))), EncWindows1252, nil
	}
	off := invalidUTF8Offset(b)
	return "", "", kindErrorf(ErrEncoding, "is neither UTF-8 nor Russian windows-1251/KOI8-R text (first bad UTF-8 byte at offset %d, line %d); re-save it as UTF-8", off, lineOf(b, off))
}

func ptr[T any](v T) *T { return &v }

// byteTable returns the rune each byte decodes to in a single-byte charmap.
func byteTable(cm *charmap.Charmap) [256]rune {
	var t [256]rune
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return t
}

// decodeTable decodes b byte by byte through t into a new string.
func decodeTable(b []byte, t *[256]rune) string {
	var enc [256][4]byte // UTF-8 of each byte's rune
	var size [256]uint8
	for i, r := range t {
		size[i] = uint8(utf8.EncodeRune(enc[i][:], r))
	}
	n := 0
	for _, c := range b {
		n += int(size[c])
	}
	out := make([]byte, n)
	j := 0
	for _, c := range b {
		if c < utf8.RuneSelf && size[c] == 1 {
			out[j] = c
			j++
			continue
		}
		j += copy(out[j:], enc[c][:size[c]])
	}
	return bytesToString(out[:j], true)
}

// sniffUTF16 reports whether head (which contains NUL bytes) looks like
// UTF-16 without a byte order mark, and in which byte order. Text in UTF-16
// has zero bytes in one position of the pairs only (high bytes of ASCII
// characters) and decodes to letters, digits, punctuation and spaces.
func sniffUTF16(head []byte) (bigEndian bool, ok bool) {
	pairs := len(head) / 2
	if pairs == 0 {
		return false, false
	}
	zeroEven, zeroOdd := 0, 0
	for i := 0; i+1 < len(head); i += 2 {
		if head[i] == 0 {
			zeroEven++
		}
		if head[i+1] == 0 {
			zeroOdd++
		}
	}
	// In big-endian text the zero is the first byte of the pair.
	switch {
	case zeroEven*20 >= pairs && zeroOdd*100 <= pairs:
		bigEndian = true
	case zeroOdd*20 >= pairs && zeroEven*100 <= pairs:
		bigEndian = false
	default:
		return false, false
	}
	text := decodeUTF16(head[:pairs*2], bigEndian)
	good, total := 0, 0
	for _, r := range text {
		total++
		if unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsPunct(r) || unicode.IsSpace(r) || unicode.IsSymbol(r) || unicode.IsMark(r) {
			good++
		}
	}
	return bigEndian, total > 0 && good*100 >= total*95
}

// decodeUTF16 decodes b as UTF-16; unpaired surrogates and a dangling odd
// byte become U+FFFD.
func decodeUTF16(b []byte, bigEndian bool) string {
	out := make([]byte, 0, len(b)+len(b)/2)
	unit := func(i int) rune {
		if bigEndian {
			return rune(b[i])<<8 | rune(b[i+1])
		}
		return rune(b[i+1])<<8 | rune(b[i])
	}
	i := 0
	for ; i+1 < len(b); i += 2 {
		r := unit(i)
		switch {
		case r < 0xD800 || r > 0xDFFF:
			if r < utf8.RuneSelf {
				out = append(out, byte(r))
			} else {
				out = utf8.AppendRune(out, r)
			}
		case r <= 0xDBFF && i+3 < len(b):
			r2 := unit(i + 2)
			if r2 >= 0xDC00 && r2 <= 0xDFFF {
				out = utf8.AppendRune(out, 0x10000+(r-0xD800)<<10+(r2-0xDC00))
				i += 2
			} else {
				out = utf8.AppendRune(out, utf8.RuneError)
			}
		default:
			out = utf8.AppendRune(out, utf8.RuneError)
		}
	}
	if i < len(b) {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return bytesToString(out, true)
}

// controlBytes counts C0 control bytes that do not occur in text files
// (everything below 0x20 but tab, LF, VT, FF, CR, ESC and SUB).
func controlBytes(b []byte) int {
	n := 0
	for _, c := range b {
		if c < 0x20 {
			switch c {
			case '\t', '\n', '\v', '\f', '\r', 0x1B, 0x1A:
			default:
				n++
			}
		}
	}
	return n
}

// utf8WithMultibyte reports whether head is valid UTF-8 (a sequence cut by
// the end of head aside) with at least one character beyond ASCII. UTF-16
// text almost never is: its ASCII characters put a zero beside each byte.
func utf8WithMultibyte(head []byte) bool {
	multi := false
	for i := 0; i < len(head); {
		if head[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(head[i:])
		if r == utf8.RuneError && n == 1 {
			return len(head)-i < utf8.UTFMax && !utf8.FullRune(head[i:]) && multi
		}
		multi = true
		i += n
	}
	return multi
}

// invalidUTF8Offset returns the offset of the first byte of b that is not
// part of a valid UTF-8 sequence, or len(b).
func invalidUTF8Offset(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return len(b)
}

// lineOf returns the 1-based line number of offset off in b.
func lineOf(b []byte, off int) int {
	return bytes.Count(b[:min(off, len(b))], []byte{'\n'}) + 1
}

// bytesToString converts b to a string, without a copy when the caller owns
// b and will never modify it again.
func bytesToString(b []byte, owned bool) string {
	if !owned {
		return string(b)
	}
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
