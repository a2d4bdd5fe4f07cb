"""English special cases (kept or split exactly as listed) and whole-token patterns."""
from ...attrs import NORM, ORTH
from ..punctuation import compile_full_match

# Clitics that may stand alone as a chunk ("it 's"), with their norms.
_CLITICS = {"'s": "'s", "'ll": "will", "'re": "are", "'ve": "have", "'d": "'d", "'m": "am",
            "n't": "not"}

# Contractions written without an apostrophe: surface -> [(piece, norm), ...].
_NO_APOSTROPHE = {
    "dont": [("do", "do"), ("nt", "not")],
    "doesnt": [("does", "does"), ("nt", "not")],
    "didnt": [("did", "did"), ("nt", "not")],
    "isnt": [("is", "is"), ("nt", "not")],
    "arent": [("are", "are"), ("nt", "not")],
    "wasnt": [("was", "was"), ("nt", "not")],
    "werent": [("were", "were"), ("nt", "not")],
    "hasnt": [("has", "has"), ("nt", "not")],
    "havent": [("have", "have"), ("nt", "not")],
    "hadnt": [("had", "had"), ("nt", "not")],
    "couldnt": [("could", "could"), ("nt", "not")],
    "wouldnt": [("would", "would"), ("nt", "not")],
    "shouldnt": [("should", "should"), ("nt", "not")],
    "mustnt": [("must", "must"), ("nt", "not")],
    "neednt": [("need", "need"), ("nt", "not")],
    "mightnt": [("might", "might"), ("nt", "not")],
    "cant": [("ca", "can"), ("nt", "not")],
    "wont": [("wo", "will"), ("nt", "not")],
    "aint": [("ai", "am"), ("nt", "not")],
    "arnt": [("ar", "are"), ("nt", "not")],
    "im": [("i", "i"), ("m", "am")],
    "ive": [("i", "i"), ("ve", "have")],
    "youre": [("you", "you"), ("re", "are")],
    "youve": [("you", "you"), ("ve", "have")],
    "youll": [("you", "you"), ("ll", "will")],
    "theyre": [("they", "they"), ("re", "are")],
    "theyve": [("they", "they"), ("ve", "have")],
    "theyll": [("they", "they"), ("ll", "will")],
    "weve": [("we", "we"), ("ve", "have")],
    "thats": [("that", "that"), ("s", "'s")],
    "whats": [("what", "what"), ("s", "'s")],
    "theres": [("there", "there"), ("s", "'s")],
    "heres": [("here", "here"), ("s", "'s")],
    "hes": [("he", "he"), ("s", "'s")],
    "shes": [("she", "she"), ("s", "'s")],
    "whos": [("who", "who"), ("s", "'s")],
    "wheres": [("where", "where"), ("s", "'s")],
    "couldve": [("could", "could"), ("ve", "have")],
    "wouldve": [("would", "would"), ("ve", "have")],
    "shouldve": [("should", "should"), ("ve", "have")],
}

# Fused informal forms, split as the UD English treebanks do.
_FUSED = {
    "cannot": [("can", "can"), ("not", "not")],
    "gonna": [("gon", "going"), ("na", "to")],
    "wanna": [("wan", "want"), ("na", "to")],
    "gotta": [("got", "got"), ("ta", "to")],
    "gimme": [("gim", "give"), ("me", "me")],
    "lemme": [("lem", "let"), ("me", "me")],
    "hafta": [("haf", "have"), ("ta", "to")],
    "outta": [("out", "out"), ("ta", "of")],
    "kinda": [("kind", "kind"), ("a", "of")],
    "sorta": [("sort", "sort"), ("a", "of")],
    "alot": [("a", "a"), ("lot", "lot")],
}

# Apostrophe contractions that the suffix rules cannot split by themselves.
_APOSTROPHE_WORDS = {
    "y'all": [("y'", "you"), ("all", "all")],
    "o'clock": [("o'clock", "o'clock")],
    "ma'am": [("ma'am", "madam")],
    "'cause": [("'cause", "because")],
    "'em": [("'em", "them")],
    "w/": [("w/", "with")],
    "w/o": [("w/o", "without")],
    "'n'": [("'n'", "and")],
    "rock'n'roll": [("rock'n'roll", "rock and roll")],
}

# Abbreviations that end in a period (the period stays on the token).
_ABBREVIATIONS = """
Mr. Mrs. Ms. Mx. Dr. Prof. Rev. Fr. Sr. Jr. St. Mt. Ft. Gen. Col. Lt. Maj. Capt. Cmdr.
Sgt. Cpl. Pvt. Adm. Gov. Sen. Rep. Reps. Pres. Supt. Hon. Messrs. Mme. Mlle. Esq.
Inc. Corp. Co. Ltd. Bros. Assn. Assoc. Dept. Div. Univ. Inst. Natl. Intl. Govt. Admin.
Jan. Feb. Mar. Apr. Jun. Jul. Aug. Sep. Sept. Oct. Nov. Dec.
Mon. Tue. Tues. Wed. Thu. Thur. Thurs. Fri. Sat. Sun.
Ala. Ariz. Ark. Calif. Colo. Conn. Del. Fla. Ga. Ill. Ind. Kan. Kans. Ky. La. Md. Mass.
Mich. Minn. Miss. Mo. Mont. Neb. Nev. Okla. Ore. Pa. Penn. Tenn. Tex. Va. Vt. Wash.
Wis. Wyo.
etc. vs. viz. cf. approx. appt. apt. est. min. max. misc. no. No. Nos. nos. vol. Vol.
pp. pg. p. fig. Fig. ed. eds. al. ca. cca. Ave. Blvd. Rd. Hwy. Ste. Apt. Bldg. Attn. attn.
Spec. Arrv. Dept. Jr. ext. Ext. tel. Tel. Mgr. mgr. Asst. asst. yr. yrs. hr. hrs. mins.
sec. secs. oz. lb. lbs. ft. sq. tbsp. tsp. doz. govt. incl. excl. ref. Ref. Re. re.
"""

EMOTICONS = """
:) :-) :)) :-)) :( :-( :(( :-(( ;) ;-) :D :-D ;D :P :-P :p :-p ;P ;p :O :-O :o :-o
:/ :-/ :\\ :-\\ :| :-| :* :-* :S :-S :$ :@ :'( :') :'-( =) =( =D =P =/ =] =[ :] :[
:> :< 8) 8-) B) B-) XD xD XP xP X-D <3 </3 <33 ^_^ ^^ ^-^ -_- o_O O_o o.O O.o >.< >_<
(: ): (; (= )= ;] :} :{ \\o/ \\m/ ¯\\_(ツ)_/¯ (-: )-: (-; :')
"""


def _variants(word):
    return {word, word.capitalize(), word.upper()}


def _case_pieces(surface, pieces):
    """Recase the pieces of a lower-case split to follow `surface`'s case."""
    out = []
    pos = 0
    for piece, norm in pieces:
        out.append({ORTH: surface[pos:pos + len(piece)], NORM: norm})
        pos += len(piece)
    return out


def _build():
    exc = {}
    for clitic, norm in _CLITICS.items():
        for form in {clitic, clitic.upper(), clitic.replace("'", "’"),
                     clitic.upper().replace("'", "’")}:
            exc[form] = [{ORTH: form, NORM: norm}]
    exc["`s"] = [{ORTH: "`s", NORM: "'s"}]
    for table in (_NO_APOSTROPHE, _FUSED, _APOSTROPHE_WORDS):
        for word, pieces in table.items():
            for form in _variants(word):
                exc[form] = _case_pieces(form, pieces)
                if "'" in form:
                    curly = form.replace("'", "’")
                    exc[curly] = _case_pieces(curly, pieces)
    for abbr in _ABBREVIATIONS.split():
        exc[abbr] = [{ORTH: abbr}]
    for emoticon in EMOTICONS.split():
        exc[emoticon] = [{ORTH: emoticon}]
    return exc


TOKENIZER_EXCEPTIONS = _build()

_BOUND_PREFIXES = (
    "e|non|pre|post|anti|pro|co|re|ex|mid|multi|semi|sub|neo|cross|counter|over|"
    "socio|psycho|arch|intra|inter|micro|macro|mega|mini|ultra|super|hyper|bi|tri|un|"
    "quasi|pseudo|trans|extra|infra"
)

TOKEN_MATCH_PATTERNS = [
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",                   # e-mail address
    r"(?:[^\W\d_]\.){2,}",                             # U.S., e.g., p.m.
    r"[A-Z]\.",                                        # an initial: "M."
    rf"(?i:{_BOUND_PREFIXES})-[^\W\d_]+",              # non-violence, e-mail
    r"(?:\+?1-)?\d{3}-\d{3}-\d{4}",                    # phone numbers
    r"\d{3}-\d{4}",
    r"\d{1,2}-\d{1,2}-(?:\d{4}|\d{2})",                # dates
    r"\d{4}-\d{2}-\d{2}",
    r"@\w+",                                          # handles
    r"#[^\W\d]\w*",                                    # hashtags
    r"\d-\d{4}",                                       # phone extensions
]
TOKEN_MATCH = compile_full_match(TOKEN_MATCH_PATTERNS).fullmatch

# Top-level domains that are not also common English words ("it", "in", "me", "no").
_TLDS = (
    "com|org|net|edu|gov|mil|info|biz|io|uk|ca|au|de|fr|es|nl|se|ru|jp|cn|br|mx|ch|dk|fi|"
    "ie|nz|za|tv|ly|eu|asia|mobi|aero|coop|museum"
)
URL_PATTERNS = [
    r"(?:https?|ftp|file|sftp)://\S+",
    r"(?:mailto|ymsgr|aim|skype|tel):\S+",
    r"www\d?\.[\w-]+(?:\.[\w-]+)+(?:[/?#:]\S*)?",
    rf"(?:[\w-]+\.)+(?i:{_TLDS})(?::\d+)?(?:[/?#]\S*)?",
]
URL_MATCH = compile_full_match(URL_PATTERNS, flags=0).fullmatch
