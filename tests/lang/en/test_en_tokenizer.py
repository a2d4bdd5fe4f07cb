"""English rules: prefixes, suffixes, infixes, special cases, URLs, numbers, emoticons."""
import pytest


def words(tokenizer, text):
    return [t.text for t in tokenizer(text)]


@pytest.mark.parametrize("text,expected", [
    ('"Hello', ['"', "Hello"]),
    ("(see", ["(", "see"]),
    ("$5", ["$", "5"]),
    ("...well", ["...", "well"]),
    ("<<Enron", ["<<", "Enron"]),
    ("-Russia", ["-", "Russia"]),
    ("#1", ["#", "1"]),
])
def test_prefixes(en_tokenizer, text, expected):
    assert words(en_tokenizer, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("end.", ["end", "."]),
    ("this,", ["this", ","]),
    ("what?!?", ["what", "?!?"]),
    ("wow!!!", ["wow", "!!!"]),
    ("see)", ["see", ")"]),
    ("word...", ["word", "..."]),
    ("students'", ["students", "'"]),
    ('said."', ["said", ".", '"']),
    ("5%", ["5", "%"]),
    ("10km", ["10", "km"]),
    ("7:30PM", ["7:30", "PM"]),
    ("65k", ["65", "k"]),
    ("1990s", ["1990s"]),
])
def test_suffixes(en_tokenizer, text, expected):
    assert words(en_tokenizer, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("long-term", ["long", "-", "term"]),
    ("15-year", ["15", "-", "year"]),
    ("3-4", ["3", "-", "4"]),
    ("and/or", ["and", "/", "or"]),
    ("word--word", ["word", "--", "word"]),
    ("account(s)", ["account", "(", "s", ")"]),
    ("hello,world", ["hello", ",", "world"]),
    ("wait...what", ["wait", "...", "what"]),
    ("non-violence", ["non-violence"]),
    ("e-mail", ["e-mail"]),
    ("713-853-3989", ["713-853-3989"]),
    ("11-20-2000", ["11-20-2000"]),
    ("38,000", ["38,000"]),
    ("3.14", ["3.14"]),
    ("l/c", ["l/c"]),
])
def test_infixes(en_tokenizer, text, expected):
    assert words(en_tokenizer, text) == expected


@pytest.mark.parametrize("text,expected", [
    ("don't", ["do", "n't"]),
    ("can't", ["ca", "n't"]),
    ("won't", ["wo", "n't"]),
    ("DON'T", ["DO", "N'T"]),
    ("I'm", ["I", "'m"]),
    ("they're", ["they", "'re"]),
    ("we've", ["we", "'ve"]),
    ("you'll", ["you", "'ll"]),
    ("he'd", ["he", "'d"]),
    ("Bush's", ["Bush", "'s"]),
    ("it’s", ["it", "’s"]),
    ("1990's", ["1990's"]),
    ("dont", ["do", "nt"]),
    ("Cant", ["Ca", "nt"]),
    ("im", ["i", "m"]),
    ("cannot", ["can", "not"]),
    ("gonna", ["gon", "na"]),
    ("Wanna", ["Wan", "na"]),
    ("y'all", ["y'", "all"]),
    ("(don't)", ["(", "do", "n't", ")"]),
])
def test_contractions(en_tokenizer, text, expected):
    assert words(en_tokenizer, text) == expected


def test_contraction_norms(en_tokenizer):
    doc = en_tokenizer("I don't wanna")
    assert [t.norm_ for t in doc] == ["i", "do", "not", "want", "to"]


@pytest.mark.parametrize("text", ["Mr.", "Dr.", "etc.", "Inc.", "U.S.", "e.g.", "p.m.", "Jan.",
                                  "M.", "vs."])
def test_abbreviations_keep_period(en_tokenizer, text):
    assert words(en_tokenizer, text) == [text]
    assert words(en_tokenizer, text + ",") == [text, ","]


def test_sentence_period_splits_but_initial_stays(en_tokenizer):
    assert words(en_tokenizer, "Jennifer M. Anderson left.") == \
        ["Jennifer", "M.", "Anderson", "left", "."]


@pytest.mark.parametrize("text", [
    "http://www.example.com/path?q=1&x=2", "https://example.org", "www.google.com",
    "example.com/page", "ftp://files.example.net/a.txt", "Newsfeed.Com",
])
def test_urls(en_tokenizer, text):
    assert words(en_tokenizer, text) == [text]
    assert words(en_tokenizer, f"({text}).") == ["(", text, ")", "."]


@pytest.mark.parametrize("text", ["john.smith@enron.com", "a+b@mail.example.co.uk"])
def test_emails(en_tokenizer, text):
    assert words(en_tokenizer, f"<{text}>") == ["<", text, ">"]



@pytest.mark.parametrize("text", [":)", ":-)", ";)", ":D", "<3", "^_^", ":'(", "XD"])
def test_emoticons(en_tokenizer, text):
    assert words(en_tokenizer, text) == [text]
    assert words(en_tokenizer, f"great {text}") == ["great", text]


def test_emoticon_before_period(en_tokenizer):
    assert words(en_tokenizer, ":).") == [":)", "."]


@pytest.mark.parametrize("text,expected", [
    ("@user", ["@user"]),
    ("#topic", ["#topic"]),
    ("====", ["===="]),
    ("|---->", ["|---->"]),
])
def test_symbol_runs_and_handles(en_tokenizer, text, expected):
    assert words(en_tokenizer, text) == expected


def test_run_on_sentence_splits_at_period(en_tokenizer):
    assert words(en_tokenizer, "it.The") == ["it", ".", "The"]
