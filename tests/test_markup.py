import re
from html.parser import HTMLParser

import pytest

from timeline.citations import extract_citations
from timeline.markup import Renderer, misplaced_citation, plain_text, to_html, unshowable
from timeline.model import Citation

from support import growth


def test_pandoc_citations_are_extracted_with_locators_and_prefixes():
    text, groups = extract_citations("A [@mancall-1971, p. 12]. B [see @a; @b, ch. 3]. C [@c].")
    assert groups == [
        (Citation("mancall-1971", "p. 12"),),
        (Citation("a", "", "see"), Citation("b", "ch. 3")),
        (Citation("c"),),
    ]
    assert text == "A\ue0000\ue001. B\ue0001\ue001. C\ue0002\ue001."


def test_things_that_are_not_citations():
    for text in ("mail [me@example.org]", r"escaped \[@key]", "[a link @x](https://x.org)", "plain @key"):
        assert extract_citations(text)[1] == [], text


HOSTILE = """
<script>alert(1)</script>

<img src=x onerror=alert(2)>

[click](javascript:alert(3)) [data](data:text/html;base64,PHNjcmlwdD4=) [vb](vbscript:x)
Inline <a href="javascript:alert(4)" onclick="alert(5)">a</a> and <img src=x onerror=alert(6)>.

<iframe src="https://evil.example"></iframe>

[ok](https://example.org) [rel](../events/x/index.html) <svg onload=alert(7)>
"""


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.extend(attrs)


def test_hostile_markdown_comes_out_inert():
    html, _ = Renderer().render(HOSTILE)
    parsed = _Tags()
    parsed.feed(html)
    assert set(parsed.tags) <= {"p", "a"}, parsed.tags
    assert {name for name, _ in parsed.attrs} <= {"href", "rel"}
    hrefs = [value for name, value in parsed.attrs if name == "href"]
    assert hrefs == ["https://example.org", "../events/x/index.html"]
    assert "alert(" not in html  # raw HTML is dropped whole, never run


def test_markdown_renders_and_is_cached_by_text():
    renderer = Renderer()
    first = renderer.render("*Emphasis* and **strong** [@k]")
    assert first[0] == "<p><em>Emphasis</em> and <strong>strong</strong>\ue0000\ue001</p>"
    assert len(renderer.cache) == 1
    assert renderer.render("*Emphasis* and **strong** [@k]") == first
    assert len(renderer.cache) == 1


def test_plain_text_strips_tags_and_placeholders():
    assert plain_text("<p>A &amp; <em>B</em>\ue0000\ue001.</p>") == "A & B."


@pytest.mark.parametrize("source, plain", [
    ("по 14 сентября 2026 г. [@a; @b].", "по 14 сентября 2026 г."),
    ("held in the U.S. [@a] [@b].", "held in the U.S."),
    ("Was it signed? [@a].", "Was it signed?"),
    ("It was signed [@a].", "It was signed."),          # the sentence's own full stop stays
    ("It ended… [@a].", "It ended…"),
    ("It was *signed in the U.S.* [@a].", "It was signed in the U.S."),
    ("In 1727 [@a]. Then 1728 [@b].", "In 1727. Then 1728."),
    ("See p. 5 [@a], then more.", "See p. 5, then more."),
    ("An ellipsis... [@a] and on.", "An ellipsis… and on."),   # smart punctuation makes the ellipsis
    # red team: a quotation's own stop inside its closing quote ended the sentence too ('?”.')
    ("He asked “Who is he?” [@a].", "He asked “Who is he?”"),
    ("Он спросил: «Кто он?» [@a].", "Он спросил: «Кто он?»"),
    ("He said “no.” [@a].", "He said “no.”"),
    ("the Ministers’ [@a].", "the Ministers’."),
])
def test_plain_text_gives_a_sentence_one_full_stop_where_a_citation_went(source, plain):
    assert plain_text(Renderer().render(source)[0]) == plain


def test_markdown_features_editors_use():
    html, _ = Renderer().render('"Quoted" -- dash\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n2. two')
    assert "<p>“Quoted” – dash</p>" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<ol>" in html


def test_a_citation_after_a_bare_address_is_a_note_not_part_of_the_link():
    """GFM turns a bare address into a link that runs to the next space: a citation placeholder glued
    to it became part of the href (a broken link with a marker inside it, found by the link checker)."""
    from timeline.citations import PLACEHOLDER
    from timeline.markup import Renderer
    for text in ("see https://x.org/p [@key] and more", "see https://x.org/p. [@key]", "www.x.org/p [@key]"):
        html, groups = Renderer().render(text)
        assert len(groups) == 1
        link = re.search(r'<a href="([^"]*)"[^>]*>([^<]*)</a>', html)
        assert link and "%EE%80%80" not in link[1] and not PLACEHOLDER.search(link[2]), html
        assert len(PLACEHOLDER.findall(html)) == 1, html
    html, _ = Renderer().render("a claim [@key] and a word [@key]")
    assert "claim\ue000" in html and "word\ue000" in html  # elsewhere the marker still sits on the word


def test_only_an_address_in_the_last_word_keeps_the_space_before_a_citation():
    """The marker moves onto the word before it unless that word (the last before a line break, too)
    holds the start of a bare address, which GFM links up to the next space."""
    def marked(text):
        return extract_citations(text)[0].split("\ue000")[0]
    assert marked("see https://x.org/p [@k]") == "see https://x.org/p "
    assert marked("see HTTP://x.org/p\n  [@k]") == "see HTTP://x.org/p\n  "
    assert marked("see (www.x.org)\n\n[@k]") == "see (www.x.org)\n\n"  # the address before a blank line
    assert marked("www.x.org/p and then words [@k]") == "www.x.org/p and then words"
    assert marked("a\u3000https://x.org [@k]") == "a\u3000https://x.org "
    assert marked("an https word [@k]") == "an https word"
    assert marked("x" * 3000 + "https://x.org/" + "y" * 3000 + " [@k]").endswith("y")  # a word past 2048: prose


def test_a_bracket_after_a_backslash_never_opens_a_citation_wherever_it_stands():
    """The group pattern starts at "[" and looks back for a backslash: at the text's first
    characters, after an escaped backslash, in code spans and in texts without any backtick."""
    def keys(text):
        return [c.key for group in extract_citations(text)[1] for c in group]
    assert keys("[@a]") == ["a"]                       # at the very start: nothing to look back at
    assert keys("\\[@a] [@b]") == ["b"]
    assert keys("x\\[@a]") == []
    assert keys("\\\\[@a]") == []                     # the rule looks one character back, no further
    assert keys("[[@a]] and [@b][c]") == ["a"]         # [@b][c] is a reference link's text
    assert keys("`[@a]` [@b]") == ["b"]
    assert keys("``x ` [@a]`` [@b] `[@c]") == ["b", "c"]   # an unmatched run of backticks is text
    assert keys("no ticks here [@a, p. 1] and [see @b; @c]") == ["a", "b", "c"]


def test_struck_through_text_is_shown_struck_and_left_out_of_plain_text():
    html = to_html("It was signed in ~~1728~~ 1727.")
    assert html == "<p>It was signed in <del>1728</del> 1727.</p>"
    assert plain_text(html) == "It was signed in 1727."


def test_a_task_list_keeps_its_boxes_as_written():
    # The sanitiser dropped GFM's checkbox, and the state with it ("- [x] done" showed as "done").
    html = to_html("- [x] done\n- [ ] todo")
    assert "<li>[x] done</li>" in html and "<li>[ ] todo</li>" in html and "<input" not in html


def test_character_references_to_the_placeholders_characters_are_dropped():
    renderer = Renderer()
    for text in ("A &#xE000;9&#xE001; b [@a].", "A &#57344;0&#57345; b [@a].", "A &#x0e000;0&#X00E001; b [@a].",
                 "A &#x&#xE000;E000;0&#xE001; b [@a]."):   # the last joins into a reference once cleaned
        html, groups = renderer.render(text)
        assert len(groups) == 1 and html.count("\ue000") == 1 and html.count("\ue001") == 1, (text, html)
        assert unshowable(text) is None


@pytest.mark.parametrize("text, at", [
    ('A [site](https://example.org "as in [@a]").', 36),
    ("See [the treaty [@a]](https://example.org/t).", 16),
    ("[x](https://example.org/[@a])", 24),
    ("![map [@a]](https://example.org/m.png)", 6),
    ("[see [@a]][r] and [@b]\n\n[r]: https://example.org", 5),
    ('A <span title="[@a]">b</span>', 15),
    ("[@a] first, then [a link [@b]](https://example.org)", 25),
])
def test_a_citation_inside_a_link_an_image_or_html_is_found(text, at):
    assert misplaced_citation(text)[0] == at
    assert unshowable(text)[0] == at and ("inside a link" in unshowable(text)[1] or "left out" in unshowable(text)[1])


@pytest.mark.parametrize("text, at, says", [
    # Second tester of the session: a marker glued to a bare address became part of its link.
    ("Online at https://example.org/doc[@a] too.", 33, "inside a link"),
    ("See www.example.org[@a] more.", 19, "inside a link"),
    ("| a |\n|---|\n| b | lost [@a] |", 23, "left out"),   # a cell beyond the header row's
    ('A <span title="[@a]">b</span>', 15, "left out"),
])
def test_a_citation_glued_to_an_address_or_lost_with_a_table_cell_is_found(text, at, says):
    found = misplaced_citation(text)
    assert found is not None and found[0] == at and says in found[1], found


@pytest.mark.parametrize("text", [
    "See [the treaty](https://example.org/t) [@a].",
    "See <https://example.org/t> [@a].",
    "[a link @x](https://x.org) is not a citation, [@a] is.",
    "a < b [@a]",
    "No citation in [a link](https://example.org).",
    "Archived at ftp://ftp.example.org [@a] in full.",   # the space before the citation is kept
    "| a | b |\n|---|---|\n| [@a] | y |",
    "See https://example.org/ [@a] more.",
])
def test_citations_in_the_running_text_are_fine(text):
    assert misplaced_citation(text) is None and unshowable(text) is None


@pytest.mark.parametrize("text, html", [
    # Second tester: the line break before a citation was taken with it even when it ended a block.
    ("First paragraph.\n\n[@a] begins the second.", "<p>First paragraph.</p>\n<p>\ue0000\ue001 begins the second.</p>"),
    ("```\ncode\n```\n[@a] after the fence.", "<pre><code>code\n</code></pre>\n<p>\ue0000\ue001 after the fence.</p>"),
    ("## Title\n[@a] text", "<h2>Title</h2>\n<p>\ue0000\ue001 text</p>"),
    ("word\n[@a] more", "<p>word\ue0000\ue001 more</p>"),   # a line break inside a paragraph still goes
    # Struck through or emphasised text that ends in punctuation closes only before a space.
    ("~~Signed in Moscow.~~ [@a] Actually.", "<p><del>Signed in Moscow.</del> \ue0000\ue001 Actually.</p>"),
    ("*(it)* [@a]", "<p><em>(it)</em> \ue0000\ue001</p>"),
    ("**bold** [@a] x", "<p><strong>bold</strong>\ue0000\ue001 x</p>"),
])
def test_a_citation_keeps_the_blocks_and_emphasis_around_it(text, html):
    assert Renderer().render(text)[0] == html


def test_struck_through_text_inside_struck_through_text_is_left_out_of_plain_text():
    assert plain_text(to_html("Kept ~~a ~b~ c~~ end")) == "Kept end"


@pytest.mark.parametrize("text, language, html", [
    # Chinese in an English text, and Russian: each in a span of its language (WCAG 3.1.2).
    ("The PRC (中华人民共和国) was proclaimed.", "en", '<p>The PRC (<span lang="zh">中华人民共和国</span>) was proclaimed.</p>'),
    ("The Soviet Union (Советский Союз).", "en", '<p>The Soviet Union (<span lang="ru">Советский Союз</span>).</p>'),
    # In a Chinese text the Chinese is the text's own language, the Russian is not; in a Russian one the reverse.
    ("苏联（Советский Союз）与中国", "zh-Hans", '<p>苏联（<span lang="ru">Советский Союз</span>）与中国</p>'),
    ("中华人民共和国成立。", "zh-Hans", "<p>中华人民共和国成立。</p>"),
    ("КНР (中华人民共和国) и СССР", "ru", '<p>КНР (<span lang="zh">中华人民共和国</span>) и СССР</p>'),
    # Code, a link's address and an address shown as the link's text are left whole; a link's words are not.
    ("`中国` and <https://zh.wikipedia.org/wiki/中国> or [中国](https://example.org/中国)", "en",
     '<p><code>中国</code> and <a href="https://zh.wikipedia.org/wiki/%E4%B8%AD%E5%9B%BD" rel="noopener noreferrer">'
     'https://zh.wikipedia.org/wiki/中国</a> or <a href="https://example.org/%E4%B8%AD%E5%9B%BD" '
     'rel="noopener noreferrer"><span lang="zh">中国</span></a></p>'),
    ("```\nРоссия 中国\n```\n\nsee www.example.org/Россия", "en",
     '<pre><code>Россия 中国\n</code></pre>\n<p>see <a href="http://www.example.org/%D0%A0%D0%BE%D1%81%D1%81%D0%B8%D1%8F" '
     'rel="noopener noreferrer">www.example.org/Россия</a></p>'),
    # Punctuation: a span holds a run of words with what stands between them, and both of a pair of quotes
    # or brackets or neither; emphasis and escaped text are not split.
    ("中国（“中华”）— Россия, 1949 г.: «КНР»!", "en",
     '<p><span lang="zh">中国（“中华”）</span>— <span lang="ru">Россия, 1949 г.: «КНР»</span>!</p>'),
    ("the terms “中国” and «Россия» *中国* & <b>", "en",
     '<p>the terms “<span lang="zh">中国</span>” and «<span lang="ru">Россия</span>» '
     '<em><span lang="zh">中国</span></em> &amp; </p>'),
    # Red team: kanji next to kana are Japanese, not Chinese: left unmarked rather than read in a Chinese voice
    ("Tokyo (東京へ行く、『東京物語』は) and 北京.", "en", '<p>Tokyo (東京へ行く、『東京物語』は) and <span lang="zh">北京</span>.</p>'),
    ("Токио (とうきょう東京)", "ru", "<p>Токио (とうきょう東京)</p>"),
])
def test_chinese_and_russian_runs_are_marked_with_their_language_unless_it_is_the_texts(text, language, html):
    assert Renderer().render(text, language)[0] == html


def test_without_a_language_nothing_is_marked_and_each_language_is_cached_apart():
    renderer = Renderer()
    assert renderer.render("中国 [@k]")[0] == "<p>中国\ue0000\ue001</p>"
    assert renderer.render("中国 [@k]", "en")[0] == '<p><span lang="zh">中国</span>\ue0000\ue001</p>'
    assert renderer.render_inline("中国 [@k]", "zh-Hans")[0] == "中国\ue0000\ue001"
    assert len(renderer.cache) == 3


def test_a_run_holding_many_quotes_alone_is_widened_in_time_in_proportion_to_its_length():
    # Red team: each quote the run took in recounted the quotes of the whole run (9 s for a text of
    # 200,000 characters, the most validation lets through).
    from timeline.typography import scripts_marked
    assert Renderer().render("Text Р«Р» end.", "en")[0] == '<p>Text <span lang="ru">Р«Р»</span> end.</p>'

    def run(n):   # the marking alone: the sanitiser (nh3) itself takes time growing faster on such text
        html = scripts_marked("<p>Text " + "Р«" * n + "Р" + "»" * n + " end.</p>", "en")
        assert html == f'<p>Text <span lang="ru">{"Р«" * n}Р{"»" * n}</span> end.</p>'
    assert growth(run, 12_500) < 8   # 4 when linear, 16 when quadratic


def test_marking_a_long_text_without_spaces_takes_time_in_proportion_to_its_length():
    # Chinese has no spaces between words: a mail address looked for at every character of such a text
    # took time growing with the square of its length (minutes for this one).
    def run(n):
        html = Renderer().render("中" * n + " Россия" + "文" * n, "zh-Hans")[0]
        assert html == f'<p>{"中" * n} <span lang="ru">Россия</span>{"文" * n}</p>'
    assert growth(run, 25_000) < 8


@pytest.mark.parametrize("source, html", [
    ("见https://example.com/a?b=1&c=2。更多", '见<a href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer">'
                                           "https://example.com/a?b=1&amp;c=2</a>。更多"),
    ("（https://example.com/x）", '（<a href="https://example.com/x" rel="noopener noreferrer">https://example.com/x</a>）'),
    ("www.example.com/a，b", '<a href="http://www.example.com/a" rel="noopener noreferrer">www.example.com/a</a>，b'),
    ("“https://example.com/it's”", '“<a href="https://example.com/it\'s" rel="noopener noreferrer">'
                                   "https://example.com/it's</a>”"),
    # an address may hold Chinese (a Wikipedia title): only punctuation ends it
    ("见https://zh.wikipedia.org/wiki/尼布楚条约。", '见<a href="https://zh.wikipedia.org/wiki/'
     '%E5%B0%BC%E5%B8%83%E6%A5%9A%E6%9D%A1%E7%BA%A6" rel="noopener noreferrer">'
     "https://zh.wikipedia.org/wiki/尼布楚条约</a>。"),
    # written in angle brackets, the address is what the editor wrote
    ("<https://example.com/a。b>", '<a href="https://example.com/a%E3%80%82b" rel="noopener noreferrer">'
                                  "https://example.com/a。b</a>"),
    ("[见https://x.com。](https://y.com)", '<a href="https://y.com" rel="noopener noreferrer">见https://x.com。</a>'),
    # an explicit link whose words are its address is what the editor wrote, full-width brackets and all
    # (red team: its href lost '（1689）', leading elsewhere)
    ("[https://x.org/条约（1689）](https://x.org/条约（1689）)", '<a href="https://x.org/%E6%9D%A1%E7%BA%A6%EF%BC%881689'
     '%EF%BC%89" rel="noopener noreferrer">https://x.org/条约（1689）</a>'),
    ("[https://x.org/a。b][r]\n\n[r]: https://x.org/a。b", '<a href="https://x.org/a%E3%80%82b" rel="noopener noreferrer">'
     "https://x.org/a。b</a>"),
])
def test_a_bare_address_ends_at_chinese_punctuation(source, html):
    assert to_html(source) == f"<p>{html}</p>"


@pytest.mark.parametrize("source, html", [
    ("см. «https://example.com».", 'см. «<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>».'),
    ("см. „https://example.com/a“ и", 'см. „<a href="https://example.com/a" rel="noopener noreferrer">'
                                     "https://example.com/a</a>“ и"),
    ("见https://example.com——这", '见<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>——这'),
    ("见https://example.com……", '见<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>……'),
    ("a ‘https://x.org’ b", 'a ‘<a href="https://x.org" rel="noopener noreferrer">https://x.org</a>’ b'),
    # a straight quote before a letter was kept in the address (cmark drops it only before a space)
    ('见"https://example.com"后', '见”<a href="https://example.com" rel="noopener noreferrer">https://example.com</a>”后'),
    ('see "https://example.com" and', 'see “<a href="https://example.com" rel="noopener noreferrer">'
                                      "https://example.com</a>” and"),
])
def test_a_bare_address_ends_at_guillemets_dashes_and_quotes(source, html):
    assert to_html(source) == f"<p>{html}</p>"


@pytest.mark.parametrize("source, html", [
    ("见https://a.org。**要**", '见<a href="https://a.org" rel="noopener noreferrer">https://a.org</a>。<strong>要</strong>'),
    ("见https://a.org。\\_x &amp; y", '见<a href="https://a.org" rel="noopener noreferrer">https://a.org</a>。_x &amp; y'),
    ("见https://a.org，另见https://b.org。", '见<a href="https://a.org" rel="noopener noreferrer">https://a.org</a>，另见'
                                        '<a href="https://b.org" rel="noopener noreferrer">https://b.org</a>。'),
    # the same address as an explicit link's, before it, is left whole
    ("[x](https://a.org/a。b)、https://a.org/a。b", '<a href="https://a.org/a%E3%80%82b" rel="noopener noreferrer">x</a>、'
                                             '<a href="https://a.org/a" rel="noopener noreferrer">https://a.org/a</a>。b'),
    ("[r]: https://a.org/a。b\n\n[x][r]、https://a.org/a。b", '<a href="https://a.org/a%E3%80%82b" rel="noopener noreferrer">'
     'x</a>、<a href="https://a.org/a" rel="noopener noreferrer">https://a.org/a</a>。b'),
])
def test_what_follows_an_address_ended_at_chinese_punctuation_is_markdown(source, html):
    # Red team: the words cmark had taken into the address were put back as typed: '**要**' and '\\_x'
    # showed their marks, '&amp;' showed as typed, and a second address was not linked.
    assert to_html(source) == f"<p>{html}</p>"


def test_many_addresses_in_a_row_take_a_few_renders_at_most():
    def run(n):
        html = to_html("见" + "、".join(f"https://a{i}.org" for i in range(n)) + "。")
        assert html.count("<a ") == n and html.startswith('<p>见<a href="https://a0.org" ')
        assert '<a href="https://a3.org" rel="noopener noreferrer">https://a3.org</a>、<a ' in html
    assert growth(run, 5_000) < 8


def test_a_citation_after_an_address_and_chinese_full_stop_is_in_the_text():
    assert misplaced_citation("见https://example.com。[@k]") is None
    assert misplaced_citation("см. «https://example.com»[@k]") is None
    assert misplaced_citation("见https://example.com/[@k]")[1].startswith("a citation cannot go inside a link")


@pytest.mark.parametrize("source, html", [
    ('He said "Who is he?" [@k].', "<p>He said “Who is he?”\ue0000\ue001.</p>"),
    ('It read "Stop!" [@k]', "<p>It read “Stop!”\ue0000\ue001</p>"),
    ('He said "yesterday" [@k].', "<p>He said “yesterday”\ue0000\ue001.</p>"),
    ("It was 'odd' [@k].", "<p>It was ‘odd’\ue0000\ue001.</p>"),
    ("It was 'odd!' [@k].", "<p>It was ‘odd!’\ue0000\ue001.</p>"),
    ("Don't say 'why?' [@k]", "<p>Don’t say ‘why?’\ue0000\ue001</p>"),
])
def test_a_quotation_mark_before_a_citation_closes_its_quotation(source, html):
    assert Renderer().render(source)[0] == html


@pytest.mark.parametrize("source, language, html", [
    ('Он сказал "привет".', "ru", "Он сказал «привет»."),
    ('газета"Правда"', "ru", "газета«Правда»"),
    ('"Он читал "Правду""', "ru", "«Он читал „Правду“»"),     # a quote inside a quote: „лапки“ (was «…«Правду»»)
    ('Договор "о "Дружбе" и союзе".', "ru", "Договор «о „Дружбе“ и союзе»."),
    ('"Он читал "Правду"". И "ещё".', "ru", "«Он читал „Правду“». И «ещё»."),
    ('Он сказал "привет" [@k].', "ru", "Он сказал «привет»\ue0000\ue001."),
    ('他说"你好"。', "zh-Hans", "他说“你好”。"),          # cmark: 他说”你好”。
    ('他说"**你好**"。', "zh-Hans", "他说“<strong>你好</strong>”。"),
    ('他说"你好。"[@k]', "zh-Hans", "他说“你好。”\ue0000\ue001"),   # cmark: 他说”你好。“
    ('见"https://example.com"后', "zh-Hans", '见“<a href="https://example.com" rel="noopener noreferrer">'
                                             "https://example.com</a>”后"),
    # English keeps cmark's; a text with quotes typed as such is left as cmark made it; code as written
    ('He said "hi".', "en", "He said “hi”."),
    ('Он сказал "привет" и «пока».', "ru", "Он сказал “привет” и «пока»."),
    ('`a "b"` и "в"', "ru", '<code>a "b"</code> и «в»'),
])
def test_straight_double_quotes_take_the_texts_language_form(source, language, html):
    assert Renderer().render(source, language)[0] == f"<p>{html}</p>"


def test_a_quote_left_open_does_not_turn_the_next_paragraphs():
    html = Renderer().render('她说"再见\n\n他说"你好"。', "zh-Hans")[0]
    assert html == "<p>她说“再见</p>\n<p>他说“你好”。</p>"
    assert plain_text(Renderer().render('Он сказал "привет".', "ru")[0]) == "Он сказал «привет»."


def test_a_stray_quote_at_a_paragraphs_end_does_not_look_into_the_next():
    assert Renderer().render('他说你好"\n\n她说', "zh-Hans")[0] == "<p>他说你好”</p>\n<p>她说</p>"


def test_quotes_in_a_long_chinese_text_take_time_in_proportion_to_its_length():
    def run(n):
        html = Renderer().render('他说"**你**"' * n + '""' * n, "zh-Hans")[0]
        assert html.startswith("<p>他说“<strong>你</strong>”他说“") and html.count("“") >= n
    assert growth(run, 2_000) < 8


@pytest.mark.parametrize("text, at", [
    ("intro\n\nmore [see [@a]](https://x.org/[@b])", 17),     # the link syntax after a line break
    ('One.\n\nA <span title="[@a]">b</span>', 21),
    ("One.\n\nTwo: ![map [@a]](https://example.org/m.png)", 17),
    ("One.\n\nat www.example.org[@a] more.", 24),
])
def test_link_syntax_anywhere_in_a_text_has_its_citations_checked(text, at):
    assert misplaced_citation(text)[0] == at


@pytest.mark.parametrize("lead", ["", "A first line.\n", "One.\n\nTwo,\nthree.\n"])
def test_markdown_nested_too_deep_is_found_on_whichever_line_it_starts(lead):
    for deep in ("> " * 33 + "x", "- " * 33 + "x", "1. " * 33 + "x", "  " + "> - " * 17 + "x"):
        found = unshowable(lead + deep + "\nthe end")
        assert found is not None and found[0] == len(lead) and "nested more than 32" in found[1], (lead, deep)
    assert unshowable(lead + "> " * 32 + "x\n" + "- " * 32 + "x") is None


def test_a_titles_quote_inside_a_quote_takes_the_languages_inner_form():
    """Titles and labels (typography.quotes, plain text): «…„…“…» in Russian, “…‘…’…” in Chinese, where
    the outer marks were written twice."""
    from timeline.typography import quotes
    assert quotes('Договор "о "Дружбе" и союзе"', "ru") == "Договор «о „Дружбе“ и союзе»"
    assert quotes('关于 "他说 "你好" 的报道"', "zh-Hans") == "关于 “他说 ‘你好’ 的报道”"
    assert quotes('"Дружба"', "ru") == "«Дружба»"
