from timeline import dates
from timeline.model import Name, Source
from timeline.sources import bibliography, note, sort_key


def src(**kw):
    base = dict(key="k", type="book", title="Russia and China", fields={}, authors=(), issued=None)
    base.update(kw)
    return Source(**base)


BOOK = src(authors=(Name("Mancall", "Mark"),), issued=dates.parse(1971),
           fields={"publisher": "Harvard University Press", "publisher-place": "Cambridge, MA"})


def test_book_note_and_bibliography_follow_chicago():
    assert note(BOOK, "p. 12") == ("Mark Mancall, <cite>Russia and China</cite> (Cambridge, MA: Harvard "
                                   "University Press, 1971), p. 12.")
    assert bibliography(BOOK) == ("Mancall, Mark. <cite>Russia and China</cite>. Cambridge, MA: Harvard "
                                  "University Press, 1971.")


def test_newspaper_article_with_url_and_access_date():
    s = src(type="article-newspaper", title="A headline", authors=(Name(literal="Reporter One"),),
            issued=dates.parse("2024-02-28"), accessed=dates.parse("2026-11-28"),
            fields={"container-title": "Financial Times", "URL": "https://www.ft.com/x"})
    assert note(s) == ("Reporter One, “A headline,” <cite>Financial Times</cite>, 28 February 2024, "
                       '<a href="https://www.ft.com/x">https://www.ft.com/x</a> (accessed 28 November 2026).')


def test_fields_are_escaped():
    s = src(title="<script>x</script>", authors=(Name(literal="A & B"),))
    assert "<script>" not in note(s) and "&lt;script&gt;" in note(s) and "A &amp; B" in note(s)


def test_many_authors_shorten_in_notes_only():
    names = tuple(Name(f"F{i}", f"G{i}") for i in range(4))
    s = src(authors=names)
    assert note(s).startswith("G0 F0 et al., ")
    assert bibliography(s).startswith("F0, G0, G1 F1, G2 F2, and G3 F3. ")


def test_sorting_by_author_then_title():
    a = src(key="a", authors=(Name("Zed", "A"),))
    b = src(key="b", title="Alpha")
    assert sorted([a, b], key=sort_key) == [b, a]


def test_a_short_note_made_from_its_kept_head_is_the_short_note(site):
    """index._Notes keeps each source's short_head: the notes made from it are short_note's own."""
    from timeline.sources import short_head, short_note, words
    for code in ("en", "ru", "zh"):
        w = words(code)
        for source in site.timeline.content.sources.values():
            for locator, prefix in (("", ""), ("p. 12", ""), ("", "see"), ("ch. 3", "cf.")):
                assert short_note(source, locator, prefix, w, short_head(source, w)) == \
                    short_note(source, locator, prefix, w)


def test_chinese_and_russian_in_a_source_are_marked_with_their_language():
    # A screen reader reads a page in its language's voice: a Chinese or Russian title in an English
    # note, unmarked, is read as nonsense or skipped (WCAG 3.1.2). The English around it stays unmarked,
    # and so does the script of the edition's own language in its notes.
    s = src(type="entry-encyclopedia", title="尼布楚條約 (Treaty of Nerchinsk)",
            authors=(Name(literal="樊明方 (Fan Mingfang)"),),
            fields={"container-title": "Большая российская энциклопедия (электронная версия)",
                    "note": "Cited for the <figure> of 1689"})
    zh = '<span lang="zh">尼布楚條約</span> (Treaty of Nerchinsk)'
    ru = '<cite><span lang="ru">Большая российская энциклопедия</span> (<span lang="ru">электронная версия</span>)</cite>'
    for text in (note(s), bibliography(s)):
        assert zh in text and ru in text and '<span lang="zh">樊明方</span> (Fan Mingfang)' in text
        assert "Cited for the &lt;figure&gt; of 1689" in text
    assert zh in note(s, code="ru") and "<cite>Большая российская энциклопедия (электронная версия)</cite>" in note(s, code="ru")
    assert ru in bibliography(s, "zh-Hans") and "尼布楚條約 (Treaty" in bibliography(s, "zh-Hans")
    assert "<span" not in note(BOOK) + bibliography(BOOK)


def test_an_address_in_a_sources_fields_is_never_cut_by_a_span():
    # A span inside an address would show it cut in two and read its halves in two voices.
    s = src(type="book", title="Title", fields={"note": "At https://ru.wikipedia.org/wiki/Нерчинский_договор "
                                                        "(Нерчинский договор), or mail редактор@пример.рф."})
    expected = ("<cite>Title</cite>. At https://ru.wikipedia.org/wiki/Нерчинский_договор "
                '(<span lang="ru">Нерчинский договор</span>), or mail редактор@пример.рф.')
    assert note(s) == expected and bibliography(s, "zh-Hans") == expected


def test_a_title_in_latin_letters_is_marked_with_its_language_where_the_engine_knows_it():
    # The source's `language:` says a title as published is Spanish; a description that stands in for a
    # title is the editors' English (the English edition leaves it plain). Nothing says what language a
    # title without `language:` is in, so it is left unmarked; and a value that is no language tag is no attribute.
    spanish = src(type="article-newspaper", title="Primera visita a Moscú",
                  fields={"container-title": "El País", "language": "es"})
    described = src(type="webpage", title="Report on the talks.", fields={"language": "de", "descriptive-title": True})
    for code in ("en", "zh-Hans", "ru"):
        assert note(spanish, code=code) == '“<span lang="es">Primera visita a Moscú</span>,” <cite>El País</cite>.'
    assert bibliography(described) == "Report on the talks."
    # The entry's full stop stays outside the span (it is not doubled).
    assert bibliography(described, "ru") == bibliography(described, "zh-Hans") == '<span lang="en">Report on the talks</span>.'
    bad = src(type="book", title="Title", fields={"language": 'es" onclick="x'})
    assert "<span" not in note(BOOK, code="zh-Hans") + note(bad, code="ru")


def test_a_note_ending_in_an_abbreviation_or_a_question_takes_no_second_full_stop():
    ru = src(type="article-newspaper", title="Заголовок", issued=dates.parse("1996-05-02"),
             fields={"container-title": "Правда", "note": "Seen in print."})
    assert note(ru, code="ru").endswith("2 мая 1996\u202fг. Seen in print.")
    asked = src(type="article-newspaper", title="Who is he?", fields={"container-title": "Pravda"})
    assert note(asked) == "“Who is he?” <cite>Pravda</cite>."
    assert note(src(type="webpage", title="Is it over?")) == "“Is it over?”"
    assert note(src(type="webpage", title="Stop it!", fields={"note": "Headline"})) == "“Stop it!” Headline."
    assert note(src(type="webpage", title="Over", fields={"note": "Headline"})) == "“Over.” Headline."
    assert note(src(title="Annual report", fields={"publisher": "Example Inc."})) == \
        "<cite>Annual report</cite> (Example Inc.)."


def test_a_bibliography_entry_keeps_a_titles_question_mark_as_its_full_stop():
    asked = src(type="article-newspaper", title="Who is he?", fields={"container-title": "Pravda"})
    assert bibliography(asked) == "“Who is he?” <cite>Pravda</cite>."


def test_citations_joined_in_one_note_keep_an_abbreviations_and_a_questions_stop():
    from timeline.sources import join_notes, note_from_parts, note_parts, words
    ru = words("ru")
    dated = src(key="d", type="article-newspaper", title="Final Protocol", issued=dates.parse("1901-09-07"),
                fields={"container-title": "Правда"})
    asked = src(key="q", type="article-newspaper", title="Who is he?", fields={"container-title": "Pravda"})
    made = [note_from_parts(note_parts(s, ru), w=ru, stop=False) for s in (dated, asked, BOOK)]
    assert join_notes(made) == ("“Final Protocol,” <cite>Правда</cite>, 7 сентября 1901\u202fг.; “Who is he?” <cite>Pravda</cite>; "
                                "Mark Mancall, <cite>Russia and China</cite> (Cambridge, MA: Harvard University Press, "
                                "1971).")


def test_a_titles_question_mark_is_seen_through_its_language_span_and_italics():
    """Red team: the fixes for '?,”' and '?.”' looked at the text's last characters only, so a title marked
    with its language (“<span lang="de">Wer ist er?</span>,”), an italic title (<cite>Who is he?</cite>.)
    and a short note (Doe, “Who is he?,” 7) still doubled the question's stop."""
    from timeline.sources import short_note
    german = src(type="article-journal", title="Wer ist er?", issued=dates.parse(1990),
                 fields={"container-title": "Zeitschrift", "language": "de"})
    assert note(german) == '“<span lang="de">Wer ist er?</span>” <cite>Zeitschrift</cite> (1990).'
    assert bibliography(german) == '“<span lang="de">Wer ist er?</span>” <cite>Zeitschrift</cite> (1990).'
    assert note(src(type="webpage", title="Wer ist er?", fields={"language": "de"})) == \
        '“<span lang="de">Wer ist er?</span>”'
    assert bibliography(src(title="Who is he?", fields={"publisher": "Pub"})) == "<cite>Who is he?</cite> Pub."
    asked = src(type="article-newspaper", title="Who is he?", authors=(Name("Doe", "Jane"),),
                fields={"container-title": "Pravda"})
    assert short_note(asked, "7") == "Doe, “Who is he?” 7."
