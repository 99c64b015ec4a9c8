package input

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

func TestDecodeFixtures(t *testing.T) {
	for _, tc := range encodedFixtures {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", "enc", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(filepath.Join("testdata", "src", tc.src))
			if err != nil {
				t.Fatal(err)
			}
			text, enc, err := Decode(b)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if enc != tc.encoding {
				t.Errorf("encoding = %q, want %q", enc, tc.encoding)
			}
			if got, want := Normalize(text), Normalize(string(want)); got != want {
				t.Errorf("text =\n%q\nwant\n%q", got, want)
			}
		})
	}
}

// russianLines returns the lines of testdata/russian.txt: titles, one-word
// lines, headings in capitals and ordinary sentences.
func russianLines(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("testdata/russian.txt")
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(b)), "\n")
}

// TestCyrillicCodePages encodes Russian texts in windows-1251 and KOI8-R and
// checks that each is decoded with the right code page, both ways round.
func TestCyrillicCodePages(t *testing.T) {
	lines := russianLines(t)
	texts := append(lines, strings.Join(lines, "\n"))
	koi8Safe := strings.NewReplacer("«", `"`, "»", `"`, "—", "-", "–", "-", "№", "N")
	for _, cp := range []struct {
		cm  *charmap.Charmap
		enc string
	}{{charmap.Windows1251, EncWindows1251}, {charmap.KOI8R, EncKOI8R}} {
		for _, text := range texts {
			if cp.enc == EncKOI8R {
				text = koi8Safe.Replace(text)
			}
			b := mustEncode(t, cp.cm, text)
			if isASCII(b) {
				continue
			}
			got, enc, err := Decode(b)
			if err != nil || enc != cp.enc || got != text {
				t.Errorf("%s %q: got %q as %s (err %v)", cp.enc, text, got, enc, err)
			}
		}
	}
}

// TestCyrillicCodePagesWMT does the same on every Russian line of the WMT
// evaluation data in /work/shared (skipped when absent).
func TestCyrillicCodePagesWMT(t *testing.T) {
	files, _ := filepath.Glob("/work/shared/bench/ruen-wmt/*/*/src.txt")
	if len(files) == 0 {
		t.Skip("WMT data not found in /work/shared/bench/ruen-wmt")
	}
	total, wrong := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(b), "\n") {
			for _, cp := range []struct {
				cm  *charmap.Charmap
				enc string
			}{{charmap.Windows1251, EncWindows1251}, {charmap.KOI8R, EncKOI8R}} {
				enc, err := cp.cm.NewEncoder().String(line)
				if err != nil || !strings.ContainsFunc(line, func(r rune) bool { return r >= 0x400 && r <= 0x4FF }) {
					continue // not encodable, or no Cyrillic
				}
				total++
				got, gotEnc, err := Decode([]byte(enc))
				if err != nil || gotEnc != cp.enc || got != line {
					wrong++
					t.Errorf("%s %q: got %s %v", cp.enc, line, gotEnc, err)
				}
			}
		}
	}
	t.Logf("%d WMT lines decoded, %d wrong", total, wrong)
}

func TestDecode(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want string
		enc  string
		err  error
	}{
		{"ascii", []byte("Hello"), "Hello", EncASCII, nil},
		{"utf8", []byte("Привет"), "Привет", EncUTF8, nil},
		{"utf8 bom", []byte("\xEF\xBB\xBFПривет"), "Привет", EncUTF8BOM, nil},
		{"utf8 bom only", []byte("\xEF\xBB\xBF"), "", EncUTF8BOM, nil},
		{"utf16le bom", encodeUTF16("Да, 2024", false, true), "Да, 2024", EncUTF16LE, nil},
		{"utf16be bom", encodeUTF16("Да, 2024", true, true), "Да, 2024", EncUTF16BE, nil},
		{"utf16le no bom", encodeUTF16("Hello, world", false, false), "Hello, world", EncUTF16LE, nil},
		{"utf16be no bom", encodeUTF16("Привет, мир и все", true, false), "Привет, мир и все", EncUTF16BE, nil},
		{"utf16 surrogate pair", encodeUTF16("a😀b", false, true), "a😀b", EncUTF16LE, nil},
		{"utf16 lone surrogate", []byte("\xFF\xFE\x00\xD8a\x00"), "\uFFFDa", EncUTF16LE, nil},
		{"utf16 odd length", []byte("\xFF\xFEa\x00b"), "a\uFFFD", EncUTF16LE, nil},
		{"cp1251 word", []byte("\xcf\xf0\xe8\xe2\xe5\xf2"), "Привет", EncWindows1251, nil},
		{"koi8 word", []byte("\xf0\xd2\xc9\xd7\xc5\xd4"), "Привет", EncKOI8R, nil},
		{"cp1251 with quotes", []byte("\xab\xc4\xe0\xbb"), "«Да»", EncWindows1251, nil},
		{"cp1252 accents", []byte("The caf\xe9 and the na\xefve r\xe9sum\xe9 of the day"), "The café and the naïve résumé of the day", EncWindows1252, nil},
		{"empty", nil, "", "", ErrEmpty},
		{"pdf", []byte("%PDF-1.4 ..."), "", "", ErrBinary},
		{"zip", []byte("PK\x03\x04rest"), "", "", ErrBinary},
		{"nul", []byte("abc\x00\x01\x02\xff\xfe\x00\x00\x00\x10"), "", "", ErrBinary},
		{"utf8 with stray nuls", []byte("Стороны\x00 обсудили\x00 вопросы МИБ.\n"), "", "", ErrBinary},
		{"utf8 with a nul, sniffed part ends inside a character", append([]byte("\x00"), bytes.Repeat([]byte("ж"), 40000)...), "", "", ErrBinary},
		{"controls", bytes.Repeat([]byte("\x01\x02\x03x"), 10), "", "", ErrBinary},
		{"utf32", []byte("\x00\x00\xFE\xFF\x00\x00\x00A"), "", "", ErrEncoding},
		{"bad utf8 after bom", []byte("\xEF\xBB\xBFab\xff"), "", "", ErrEncoding},
		{"mostly high bytes, not cyrillic", bytes.Repeat([]byte("\x93\xfa\x96\x7b\x8c\xea"), 5), "", "", ErrEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, enc, err := Decode(tc.in)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if got != tc.want || enc != tc.enc {
				t.Errorf("Decode = %q, %q; want %q, %q", got, enc, tc.want, tc.enc)
			}
		})
	}
}

func TestDecodeDoesNotAlias(t *testing.T) {
	b := []byte("Привет")
	s, _, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	b[0] = 'X'
	if s != "Привет" {
		t.Errorf("Decode result changed with its input: %q", s)
	}
}

func TestNormalize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"clean text unchanged", "Один.\n\nДва.", "Один.\n\nДва."},
		{"crlf", "a\r\nb\r\n\r\nc", "a\nb\n\nc"},
		{"lone cr", "a\rb\r\rc", "a\nb\n\nc"},
		{"mixed line ends", "a\r\n\rb\nc", "a\n\nb\nc"},
		{"nfc", "e\u0301 и\u0306", "é й"},
		{"nfc after removed soft hyphen", "e\u00AD\u0301", "é"},
		{"no-break space", "12\u00A0марта", "12 марта"},
		{"narrow no-break space", "10\u202F000", "10 000"},
		{"thin and figure spaces", "a\u2009b\u2007c", "a b c"},
		{"ideographic and em spaces", "a\u3000b\u2003c", "a b c"},
		{"zero-width space removed", "меж\u200Bдународный", "международный"},
		{"zero-width joiners removed", "a\u200Db\u200Cc\u2060d", "abcd"},
		{"soft hyphen removed", "инфор\u00ADмационной", "информационной"},
		{"bom inside removed", "\uFEFFa\uFEFFb", "ab"},
		{"bidi marks removed", "a\u200Eb\u202Bc\u202C", "abc"},
		{"tabs kept", "a\tb\n\tc", "a\tb\n\tc"},
		{"trailing spaces trimmed", "a  \nb\t\nc \u00A0", "a\nb\nc"},
		{"blank lines kept", "a\n\n\nb", "a\n\n\nb"},
		{"whitespace-only line becomes empty", "a\n   \nb", "a\n\nb"},
		{"leading blank lines dropped", "\n \n\ta\nb", "\ta\nb"},
		{"leading indentation kept", "  a", "  a"},
		{"trailing newlines dropped", "a\n\n", "a"},
		{"controls removed", "a\x00b\x07c\x1bd\x7fe\u0080f\u009fg", "abcdefg"},
		{"vertical tab and form feed break lines", "a\vb\fc", "a\nb\nc"},
		{"next line", "a\u0085b", "a\nb"},
		{"line and paragraph separators", "a\u2028b\u2029c", "a\nb\n\nc"},
		{"invalid utf8 replaced", "a\xffb", "a\uFFFDb"},
		{"only whitespace", " \n\t \u00A0\n", ""},
		{"empty", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := Normalize(tc.in)
			if got != tc.want {
				t.Errorf("Normalize(%q) = %q, want %q", tc.in, got, tc.want)
			}
			if again := Normalize(got); again != got {
				t.Errorf("Normalize is not idempotent: %q -> %q", got, again)
			}
		})
	}
}

func TestStripMarkdown(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"atx heading", "# Заявление\n\nТекст", "Заявление\n\nТекст"},
		{"closed heading", "## О встрече ##", "О встрече"},
		{"strong", "Это **важно** и __очень__.", "Это важно и очень."},
		{"em", "Это *важно* и _очень_ важно.", "Это важно и очень важно."},
		{"strong em", "***всё*** сразу", "всё сразу"},
		{"nested", "**a *b* c**", "a b c"},
		{"snake_case kept", "file_name_here и 2*3*4", "file_name_here и 2*3*4"},
		{"strike", "~~старое~~ новое", "старое новое"},
		{"link", "См. [сайт МИД](https://mid.ru/ \"МИД\") сегодня", "См. сайт МИД сегодня"},
		{"link with parens in url", "[ООН](https://en.wikipedia.org/wiki/UN_(org)).", "ООН."},
		{"image", "![Фото встречи](img.png)", "Фото встречи"},
		{"reference link", "[текст][1] дальше\n\n[1]: https://example.org \"t\"", "текст дальше\n\n"},
		{"autolink", "пишите <info@example.org> или <https://mid.ru>", "пишите info@example.org или https://mid.ru"},
		{"inline code kept verbatim", "run `a_b *c*` now", "run a_b *c* now"},
		{"fenced code kept", "```go\nx := *p*\n```\nпосле", "\nx := *p*\n\nпосле"},
		{"rule removed", "a\n\n---\n\nb", "a\n\n\n\nb"},
		{"setext underline removed", "Заголовок\n=========\nтекст", "Заголовок\n\nтекст"},
		{"list markers kept", "- первый\n* второй\n1. третий", "- первый\n* второй\n1. третий"},
		{"quote kept", "> цитата *важная*", "> цитата важная"},
		{"escapes", `\*не курсив\* и 5\_000`, "*не курсив* и 5_000"},
		{"unmatched markers kept", "a ** b * c _", "a ** b * c _"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := stripMarkdown(tc.in); got != tc.want {
				t.Errorf("stripMarkdown(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func TestReadMarkdownKeepsWords(t *testing.T) {
	in := "# Итоги\r\n\r\nМинистр **С.В. Лавров** провёл [переговоры](http://x/y).\r\n"
	doc, err := (&Reader{}).Read(context.Background(), "note.md", strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "Итоги\n\nМинистр С.В. Лавров провёл переговоры."
	if doc.Text != want || doc.Format != FormatMarkdown || doc.Encoding != EncUTF8 {
		t.Errorf("got %q (%s, %s), want %q", doc.Text, doc.Format, doc.Encoding, want)
	}
}

func TestReadFileErrors(t *testing.T) {
	r := &Reader{}
	ctx := context.Background()
	for _, tc := range badFixtures {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "bad", tc.file)
			_, err := r.ReadFile(ctx, path)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (%T), want *Error", err, err)
			}
			if !errors.Is(err, tc.kind) {
				t.Errorf("err = %v, want kind %v", err, tc.kind)
			}
			if fe.Path != path || !strings.HasPrefix(err.Error(), path+": ") || !strings.Contains(err.Error(), tc.hint) {
				t.Errorf("message %q should name %s and say %q", err, path, tc.hint)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		_, err := r.ReadFile(ctx, "testdata/no-such-file.txt")
		if !errors.Is(err, ErrUnreadable) || !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), "does not exist") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("directory", func(t *testing.T) {
		_, err := r.ReadFile(ctx, "testdata")
		if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "is a directory") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("root reads files whatever their permissions")
		}
		path := filepath.Join(t.TempDir(), "secret.txt")
		if err := os.WriteFile(path, []byte("текст"), 0o000); err != nil {
			t.Fatal(err)
		}
		_, err := r.ReadFile(ctx, path)
		if !errors.Is(err, ErrUnreadable) || !errors.Is(err, fs.ErrPermission) || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		small := &Reader{MaxBytes: 10}
		_, err := small.ReadFile(ctx, "testdata/enc/sample.utf8.txt")
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("ReadFile err = %v", err)
		}
		_, err = small.Read(ctx, "x.txt", strings.NewReader(strings.Repeat("a", 11)))
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("Read err = %v", err)
		}
		if _, err := small.Read(ctx, "x.txt", strings.NewReader(strings.Repeat("a", 10))); err != nil {
			t.Errorf("Read of exactly MaxBytes: %v", err)
		}
	})
}

func TestReadFileFixtures(t *testing.T) {
	r := &Reader{}
	for _, tc := range encodedFixtures {
		path := filepath.Join("testdata", "enc", tc.file)
		doc, err := r.ReadFile(context.Background(), path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		want, _ := os.ReadFile(filepath.Join("testdata", "src", tc.src))
		if doc.Text != Normalize(string(want)) || doc.Encoding != tc.encoding || doc.Format != FormatText || doc.Name != tc.file || doc.Path != path {
			t.Errorf("%s: got %+v", path, doc)
		}
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct{ name, head, want string }{
		{"a.txt", "<html>", FormatText},
		{"a.MD", "x", FormatMarkdown},
		{"a.markdown", "x", FormatMarkdown},
		{"a.HTM", "x", FormatHTML},
		{"page", "\xEF\xBB\xBF  <!DOCTYPE html><html>", FormatHTML},
		{"page.dat", "\n<html lang=ru>", FormatHTML},
		{"notes", "Просто текст", FormatText},
	}
	for _, tc := range tests {
		if got := formatOf(tc.name, []byte(tc.head)); got != tc.want {
			t.Errorf("formatOf(%q, %q) = %q, want %q", tc.name, tc.head, got, tc.want)
		}
	}
}

func TestReadCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := (&Reader{}).Read(ctx, "a.txt", strings.NewReader("текст"))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestReadHTML checks the article text of the HTML fixtures against golden
// files (refresh with -update) and asserts what must and must not be there.
func TestReadHTML(t *testing.T) {
	tests := []struct {
		file     string
		encoding string
		first    string   // first paragraph: the headline
		has      []string // must be in the text
		hasNot   []string // menus, scripts, footers
		fallback bool     // trafilatura finds nothing: plain extraction logged
	}{
		{
			file: "ministry.html", encoding: EncUTF8,
			first:  "О консультациях по вопросам международной информационной безопасности",
			has:    []string{"11–12 марта в Женеве состоялись", "меры укрепления доверия в этой области", "противодействие использованию ИКТ", "Договорились продолжить контакты."},
			hasNot: []string{"Главная", "Поиск по сайту", "dataLayer", "track(", "Все права защищены", "Карта сайта", "font-family"},
		},
		{
			file: "statement-cp1251.htm", encoding: EncWindows1251,
			first:  "Заявление официального представителя МИД России",
			has:    []string{"Мы с сожалением констатируем", "Призываем партнёров к конструктивному диалогу."},
			hasNot: []string{"document.write", "Math.random", "Главная"},
		},
		{
			file: "nav-only.html", encoding: EncUTF8, first: "Раздел в разработке.", hasNot: []string{"var x", "Карта"},
		},
		{
			file: "bare.html", encoding: EncUTF8, first: "Раздел в разработке.\nЗаходите позже.", hasNot: []string{"var x", "Карта"}, fallback: true,
		},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			var logBuf bytes.Buffer
			r := &Reader{Log: slog.New(slog.NewTextHandler(&logBuf, nil))}
			doc, err := r.ReadFile(context.Background(), filepath.Join("testdata", "html", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if doc.Format != FormatHTML || doc.Encoding != tc.encoding {
				t.Errorf("format %s encoding %s, want html %s", doc.Format, doc.Encoding, tc.encoding)
			}
			paras := strings.Split(doc.Text, "\n\n")
			if paras[0] != tc.first {
				t.Errorf("first paragraph = %q, want %q", paras[0], tc.first)
			}
			for _, s := range tc.has {
				if !strings.Contains(doc.Text, s) {
					t.Errorf("text lacks %q", s)
				}
			}
			for _, s := range tc.hasNot {
				if strings.Contains(doc.Text, s) {
					t.Errorf("text has %q", s)
				}
			}
			if logged := strings.Contains(logBuf.String(), "plain tag-stripping"); logged != tc.fallback {
				t.Errorf("fallback logged = %v, want %v; log:\n%s", logged, tc.fallback, logBuf.String())
			}
			checkGolden(t, filepath.Join("testdata", "golden", tc.file+".txt"), doc.Text)
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s (run with -update after checking):\n%s", path, got)
	}
}

// TestNFCSafe checks the ranges Normalize trusts to be in NFC without
// asking the norm package: every rune in them must be unchanged by NFC and
// be a starter that never combines with what precedes it (a boundary
// before it), so any sequence of them is in NFC.
func TestNFCSafe(t *testing.T) {
	for r := rune(0); r < 0x3000; r++ {
		if !nfcSafe(r) {
			continue
		}
		p := norm.NFC.PropertiesString(string(r))
		if !p.BoundaryBefore() || p.CCC() != 0 || norm.NFC.String(string(r)) != string(r) {
			t.Errorf("%U is not NFC-safe", r)
		}
	}
}

// TestNormalizeOwned checks that the in-place variant gives the same result.
func TestNormalizeOwned(t *testing.T) {
	for _, s := range []string{
		"a \r\nb\u00A0\u200Bc\t\n\n\u2029d  ", "\n\n  e\u0301\r", "чистый текст", "x\u0085y\u2028z", "",
	} {
		buf := []byte(s)
		got := normalizeOwned(bytesToString(buf, true))
		if want := Normalize(s); got != want {
			t.Errorf("normalizeOwned(%q) = %q, want %q", s, got, want)
		}
	}
}
