package input

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf16"

	"golang.org/x/text/encoding/charmap"
)

// encodedFixtures are the files under testdata/enc/, made from the UTF-8
// sources in testdata/src/ by TestGenerateFixtures.
var encodedFixtures = []struct {
	file     string // in testdata/enc
	src      string // in testdata/src
	encoding string // what Decode must report
}{
	{"sample.utf8.txt", "sample.txt", EncUTF8},
	{"sample.utf8bom.txt", "sample.txt", EncUTF8BOM},
	{"sample.utf16le.txt", "sample.txt", EncUTF16LE},
	{"sample.utf16be.txt", "sample.txt", EncUTF16BE},
	{"sample.utf16le-nobom.txt", "sample.txt", EncUTF16LE},
	{"sample.utf16be-nobom.txt", "sample.txt", EncUTF16BE},
	{"sample.cp1251.txt", "sample.txt", EncWindows1251},
	{"sample.koi8r.txt", "sample.koi8.txt", EncKOI8R},
	{"sample.crlf.cp1251.txt", "sample.txt", EncWindows1251},
	{"english.ascii.txt", "english-ascii.txt", EncASCII},
	{"english.cp1252.txt", "english.txt", EncWindows1252},
	{"english.utf16le-nobom.txt", "english.txt", EncUTF16LE},
}

// badFixtures are files Reader must refuse, with the kind of error.
var badFixtures = []struct {
	file string // in testdata/bad
	kind error
	hint string // part of the message
}{
	{"empty.txt", ErrEmpty, "0 bytes"},
	{"blank.txt", ErrEmpty, "only whitespace"},
	{"report.pdf", ErrBinary, "convert the PDF to text"},
	{"letter.docx", ErrDamaged, "save it as plain text"},
	{"scan.png", ErrBinary, "OCR"},
	{"data.bin", ErrBinary, "NUL bytes"},
	{"controls.txt", ErrBinary, "control bytes"},
	{"utf32.txt", ErrEncoding, "UTF-32"},
	{"mojibake.txt", ErrEncoding, "re-save it as UTF-8"},
}

func encodeUTF16(s string, bigEndian, bom bool) []byte {
	var b []byte
	units := utf16.Encode([]rune(s))
	if bom {
		units = append([]uint16{0xFEFF}, units...)
	}
	for _, u := range units {
		if bigEndian {
			b = append(b, byte(u>>8), byte(u))
		} else {
			b = append(b, byte(u), byte(u>>8))
		}
	}
	return b
}

func mustEncode(t *testing.T, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %s: %v", cm, err)
	}
	return b
}

// TestGenerateFixtures writes the encoded and bad fixtures. Run with -update.
func TestGenerateFixtures(t *testing.T) {
	if !*update {
		t.Skip("run with -update to regenerate testdata/enc and testdata/bad")
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("testdata", "src", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	sample, english := read("sample.txt"), read("english.txt")
	// KOI8-R has no « » — №: texts typed in it use ASCII stand-ins.
	koi8 := strings.NewReplacer("«", `"`, "»", `"`, "—", "-", "№", "N").Replace(sample)
	if err := os.WriteFile(filepath.Join("testdata", "src", "sample.koi8.txt"), []byte(koi8), 0o644); err != nil {
		t.Fatal(err)
	}
	ascii := strings.NewReplacer("é", "e", "ï", "i", "—", "-", "“", `"`, "”", `"`).Replace(english)
	if err := os.WriteFile(filepath.Join("testdata", "src", "english-ascii.txt"), []byte(ascii), 0o644); err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"enc/sample.utf8.txt":           []byte(sample),
		"enc/sample.utf8bom.txt":        append([]byte("\xEF\xBB\xBF"), sample...),
		"enc/sample.utf16le.txt":        encodeUTF16(sample, false, true),
		"enc/sample.utf16be.txt":        encodeUTF16(sample, true, true),
		"enc/sample.utf16le-nobom.txt":  encodeUTF16(sample, false, false),
		"enc/sample.utf16be-nobom.txt":  encodeUTF16(sample, true, false),
		"enc/sample.cp1251.txt":         mustEncode(t, charmap.Windows1251, sample),
		"enc/sample.koi8r.txt":          mustEncode(t, charmap.KOI8R, koi8),
		"enc/sample.crlf.cp1251.txt":    mustEncode(t, charmap.Windows1251, strings.ReplaceAll(sample, "\n", "\r\n")),
		"enc/english.ascii.txt":         []byte(ascii),
		"enc/english.cp1252.txt":        mustEncode(t, charmap.Windows1252, english),
		"enc/english.utf16le-nobom.txt": encodeUTF16(english, false, false),
		"html/statement-cp1251.htm":     mustEncode(t, charmap.Windows1251, read("statement-cp1251.htm")),

		"bad/empty.txt":    {},
		"bad/blank.txt":    []byte(" \n\t\r\n\u00a0  \n"),
		"bad/report.pdf":   []byte("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"),
		"bad/letter.docx":  append([]byte("PK\x03\x04\x14\x00\x06\x00"), bytes.Repeat([]byte{0x08, 0x00, 0x21, 0x00}, 16)...),
		"bad/scan.png":     append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR"), make([]byte, 32)...),
		"bad/data.bin":     {0x01, 0x00, 0x00, 0x00, 0x10, 0x27, 0x00, 0x00, 0xFF, 0x7F, 0x00, 0x00, 0x00, 0x01, 0x02, 0x03},
		"bad/controls.txt": bytes.Repeat([]byte("ab\x01\x02\x03\x04cd\x05\x06\x07"), 20),
		"bad/utf32.txt":    append([]byte("\xFF\xFE\x00\x00"), []byte("A\x00\x00\x00")...),
		// Shift-JIS bytes: neither UTF-8 nor Cyrillic nor mostly Latin.
		"bad/mojibake.txt": bytes.Repeat([]byte("\x93\xfa\x96\x7b\x8c\xea\x82\xcc\x95\xb6\x8f\xcd\x81\x42"), 8),
	}
	files["docx/release.docx"] = docxFile(t, sampleDOCXBody, map[string]string{
		"word/_rels/document.xml.rels": documentRels, "word/footnotes.xml": footnotesXML})
	for name, b := range files {
		path := filepath.Join("testdata", filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleDOCXBody is the body of testdata/docx/release.docx: a press
// release as Word writes it, with a heading, sentences split over runs, a
// tracked change, a field, a table, a text box and a footnote.
const sampleDOCXBody = `<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>О российско-бразильских консультациях по вопросам международной информационной безопасности</w:t></w:r></w:p>` +
	`<w:p><w:r><w:t xml:space="preserve">14 мая в Бразилиа состоялся очередной раунд </w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>российско-бразильских</w:t></w:r>` +
	`<w:r><w:t xml:space="preserve"> консультаций по вопросам обеспечения международной информационной безопасности (МИБ).</w:t></w:r></w:p>` +
	`<w:p><w:r><w:t xml:space="preserve">Стороны </w:t></w:r><w:del w:id="1" w:author="Редактор"><w:r><w:delText xml:space="preserve">кратко </w:delText></w:r></w:del>` +
	`<w:ins w:id="2" w:author="Редактор"><w:r><w:t xml:space="preserve">подробно </w:t></w:r></w:ins>` +
	`<w:r><w:t>обсудили ход работы Рабочей группы открытого состава ООН по безопасности в сфере использования ИКТ и самих ИКТ</w:t></w:r>` +
	`<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr><w:footnoteReference w:id="1"/></w:r><w:r><w:t>.</w:t></w:r></w:p>` +
	`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>укрепление мер доверия в информационном пространстве;</w:t></w:r></w:p>` +
	`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>противодействие использованию ИКТ в преступных целях.</w:t></w:r></w:p>` +
	`<w:tbl><w:tblGrid><w:gridCol w:w="3000"/><w:gridCol w:w="6000"/></w:tblGrid>` +
	`<w:tr><w:tc><w:p><w:r><w:t>Российская делегация</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Специальный представитель Президента Российской Федерации по вопросам международного сотрудничества в области информационной безопасности</w:t></w:r></w:p></w:tc></w:tr>` +
	`<w:tr><w:tc><w:p><w:r><w:t>Бразильская делегация</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Директор Департамента по вопросам обороны и безопасности МИД Бразилии</w:t></w:r></w:p></w:tc></w:tr></w:tbl>` +
	`<w:p><w:r><w:t xml:space="preserve">Консультации прошли в конструктивной атмосфере. </w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic><a:graphicData><wps:wsp><wps:txbx><w:txbxContent>` +
	`<w:p><w:r><w:t>Следующий раунд намечено провести в Москве.</w:t></w:r></w:p></w:txbxContent></wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing></mc:Choice>` +
	`<mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>Следующий раунд намечено провести в Москве.</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r>` +
	`<w:r><w:t xml:space="preserve">Подробнее: </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> HYPERLINK "https://mid.ru/" </w:instrText></w:r>` +
	`<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>сайт МИД России</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>.</w:t></w:r></w:p>`
