#!/usr/bin/python3
"""Independent reference of CLIP's byte-level BPE tokenizer (openai/CLIP's algorithm), used to make the
edge-case fixture that the Java tokenizer is tested against.

Text cleaning as the reference does it, with ftfy's fix_text taken as the identity: html.unescape twice,
strip, collapse \\s+ (the `regex` module's \\s) to one space, strip, str.lower(). Then the split pattern
(`regex` module, IGNORECASE), UTF-8 bytes mapped to printable symbols, and BPE merges by rank.

Usage (from the repository root, Debian's python3-regex installed):
  /usr/bin/python3 libs/tokenizers/scripts/clip_reference.py check    # all of reference_ids.jsonl
  /usr/bin/python3 libs/tokenizers/scripts/clip_reference.py fixture  # writes the edge-case fixture
"""
import gzip
import html
import json
import os
import sys

import regex

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
SHARED = os.path.join(ROOT, "..", "shared", "tokenizers", "clip")
VOCAB_GZ = os.path.join(SHARED, "bpe_simple_vocab_16e6.txt.gz")
REFERENCE = os.path.join(SHARED, "reference_ids.jsonl")
FIXTURE = os.path.join(ROOT, "libs", "tokenizers", "src", "test", "resources", "clip_edge_cases.jsonl")
HTML_FIXTURE = os.path.join(ROOT, "libs", "tokenizers", "src", "test", "resources", "html_unescape_cases.jsonl")

MERGE_COUNT = 48894
SPLIT = regex.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+",
                      regex.IGNORECASE)
SPACES = regex.compile(r"\s+")


def byte_symbols():
    """Byte value -> printable symbol: printable Latin-1 bytes stand for themselves, the others are
    shifted to 256 + n in byte order."""
    keep = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table = {b: chr(b) for b in keep}
    shifted = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + shifted)
            shifted += 1
    return table, [table[b] for b in keep] + [table[b] for b in range(256) if b not in keep]


class Reference:
    def __init__(self, gz_path):
        with gzip.open(gz_path) as f:
            lines = f.read().decode("utf-8").split("\n")
        merges = [tuple(line.split()) for line in lines[1:1 + MERGE_COUNT]]
        self.symbol_of_byte, ordered = byte_symbols()
        tokens = ordered + [s + "</w>" for s in ordered] + ["".join(m) for m in merges]
        tokens += ["<|startoftext|>", "<|endoftext|>"]
        self.id_of = {t: i for i, t in enumerate(tokens)}
        self.rank_of = {m: i for i, m in enumerate(merges)}
        self.memo = {}

    def merge_word(self, word):
        if word in ("<|startoftext|>", "<|endoftext|>"):
            return [word]
        if word in self.memo:
            return self.memo[word]
        parts = list(word[:-1]) + [word[-1] + "</w>"]
        while len(parts) > 1:
            best = None
            for a, b in zip(parts, parts[1:]):
                r = self.rank_of.get((a, b))
                if r is not None and (best is None or r < best[0]):
                    best = (r, a, b)
            if best is None:
                break
            _, a, b = best
            joined, k = [], 0
            while k < len(parts):
                if k + 1 < len(parts) and parts[k] == a and parts[k + 1] == b:
                    joined.append(a + b)
                    k += 2
                else:
                    joined.append(parts[k])
                    k += 1
            parts = joined
        self.memo[word] = parts
        return parts

    def encode(self, text):
        text = html.unescape(html.unescape(text)).strip()
        text = SPACES.sub(" ", text).strip().lower()
        ids = []
        for piece in SPLIT.findall(text):
            word = "".join(self.symbol_of_byte[b] for b in piece.encode("utf-8"))
            ids.extend(self.id_of[p] for p in self.merge_word(word))
        return ids


def edge_cases():
    """Prompts users bring that the 1,950 reference prompts do not cover."""
    cases = [
        "", "   ", "a", "A photo of a CAT", "\u201cquoted\u201d \u2014 dash \u2026 ellipsis \u2018single\u2019",
        "\u00abguillemets\u00bb \u00bfqu\u00e9? \u00a1s\u00ed!", "price: \u20ac5, \u00a33, \u00a5100, 50%",
        "IT'S JOHN'S DOG'S BONE", "they'RE we'VE i'M you'LL he'D don'T", "'s 's's ''s 'x", "it\u2019s curly",
        "\u017f long s: 'ſ and <|ſtartoftext|>", "a cat <|startoftext|> and <|endoftext|> here",
        "<|STARTOFTEXT|>x<|EndOfText|>", ".<|endoftext|>", "<|endoftext|", "<|endoftext|><|endoftext|>",
        "emoji \U0001F600\U0001F602 \U0001F916", "family \U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466",
        "thumbs \U0001F44D\U0001F3FD and \U0001F44B\U0001F3FF", "flag \U0001F1FA\U0001F1F8 \U0001F3F3\uFE0F\u200D\U0001F308",
        "heart \u2764\uFE0F keycap 1\uFE0F\u20E3", "\U0001D400\U0001D401 math bold \U0001D7CE\U0001D7CF",
        "&amp; &lt;b&gt; &quot;x&quot; &#39;s &apos;", "&amp;amp; &amp;lt; &amp;amp;amp;",
        "&ampfoo &notit; &notin; &copy2024 &COPY &Amp;", "&#65;&#x42;&#X43; &#0; &#13; &#128; &#x80; &#150;",
        "&#xD800; &#1114112; &#99999999999999999999; &#x110000; &#1; &#x7f; &#xFDD0; &#xFFFE; &#x1FFFF;",
        "&#; &#x; &# &; & &&amp; &nbsp;x&nbsp ; &thinsp;&zwj;", "&unknownentity; &abcdefghijklmnopqrstuvwxyzabcdefghij;",
        "&lt&gt&amp &LT;&GT; &hellip; &mdash;&ndash;", "&NewLine;&Tab;tab", "&#x1F600; &#128512;",
        "\u732b\u306e\u5199\u771f \u4e00\u5339\u72d7 \u6771\u4eac\u30bf\u30ef\u30fc", "\ud55c\uad6d\uc5b4 \ud14c\uc2a4\ud2b8",
        "\u0642\u0637\u0629 \u0639\u0644\u0649 \u0627\u0644\u0633\u0637\u062d \u0661\u0662\u0663",
        "\u05d7\u05ea\u05d5\u05dc \u05e2\u05dc \u05d4\u05d2\u05d2", "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e",
        "cafe\u0301 na\u0308ive caf\u00e9 \u00c9COLE e\u0300\u0323", "\u0399\u0345 ypogegrammeni a\u0345b",
        "\u039f\u0394\u039f\u03a3 \u039f\u03a3\u039f\u03a3. \u03a3 A\u03a3", "\u0130stanbul \u0049I \u212a kelvin",
        "tab\there\nnew line\r\nCRLF", "nbsp\u00a0here ideographic\u3000space em\u2003space",
        "zero\u200bwidth \u200c\u200d joiners \ufeffbom", "\x1c\x1d\x1e\x1f unit separators \x0b\x0c",
        "\u2028line\u2029para \x85nel", "  leading and trailing  \t\n", "digits 1234567890 3.14159 1e10 \u00bd \u2167",
        "\u0660\u0661\u0662 \u0966\u0967 \uff11\uff12\uff13 \u2460\u2461", "fullwidth \uff21\uff22\uff23 \uff41\uff42",
        "control \x00 \x07 \x7f \u0080 char", "private \ue000 \U000F0000 use", "noncharacter \ufffe \uffff",
        "tokens!!! ??? ... --- *** ### @@@", "a.b.c a,b,c a-b-c a_b_c a/b\\c", "snake_case camelCase kebab-case",
        "http://example.com/path?query=1&x=2", "user@example.com #hashtag @mention", "(parens) [brackets] {braces}",
        "a" * 300, "ab" * 200, " ".join(["word"] * 100),
        " ".join("the quick brown fox jumps over the lazy dog".split() * 20),
        "\u00c5ngstr\u00f6m \u00df \u1e9e STRASSE \ufb01 \ufb00 \ufb05", "\u0131 dotless \u0049\u0307 dotted",
        "mixed \u4e2d\u6587English\u65e5\u672c\u8a9e123\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
        "\u1f00\u1f08 \u1fbc \u1f88 greek", "\u24b6\u24b7 circled \u24d0", "\u2160\u2161 roman \u2170",
        "\U00010400\U00010428 deseret", "\U0001E900\U0001E922 adlam", "\U00010570\U00010597 vithkuqi",
    ]
    return cases


def html_cases():
    """Strings for html.unescape alone: every rule of Python's reference parser."""
    return [
        "no ampersand", "&amp;", "&amp", "&AMP;", "&Amp;", "&ampx", "&amp;amp;", "&lt;&gt;&quot;&apos;", "&notit;",
        "&notin;", "&not", "&copy2024", "&frac12;&frac12", "&#65;", "&#65", "&#x41;", "&#X41", "&#x;", "&#;",
        "&#", "&", "&;", "& amp;", "&&amp;", "&#0;", "&#13;", "&#x80;", "&#128;", "&#x9F;", "&#x81;",
        "&#xD800;", "&#xDFFF;", "&#x10FFFF;", "&#x110000;", "&#1114112;", "&#00000065;",
        "&#99999999999999999999999999;", "&#x0000000000000000041;", "&#1;", "&#11;", "&#x7F;", "&#xFDD0;",
        "&#xFFFE;", "&#x1FFFF;", "&#x10FFFE;", "&#x1F600;", "&#128512;", "&abcdefghijklmnopqrstuvwxyz0123456;",
        "&abcdefghijklmnopqrstuvwxyz01234567;", "&amp" + "x" * 40, "&\U0001F600;", "&\u00e9t\u00e9;",
        "&nbsp&nbsp;&nbsp", "&NewLine;", "&Tab;", "&ThickSpace;", "&fjlig;", "&nGt;", "a &amp b &lt c",
        "&lt\t&gt", "&lt\n", "&unknown", "&u", "&a;", "&ab", "&#x41g", "&#12a", "&ampamp;amp;",
    ]


def main():
    mode = sys.argv[1] if len(sys.argv) > 1 else "check"
    ref = Reference(VOCAB_GZ)
    if mode == "check":
        count = 0
        with open(REFERENCE, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                row = json.loads(line)
                got = ref.encode(row["text"])
                if got != row["ids"]:
                    sys.exit("line %d differs: %r\n  expected %s\n  got      %s" % (n, row["text"], row["ids"], got))
                count += 1
        print("all %d reference prompts match" % count)
    elif mode == "fixture":
        with open(FIXTURE, "w", encoding="utf-8", newline="\n") as out:
            for text in edge_cases():
                out.write(json.dumps({"text": text, "ids": ref.encode(text)}, ensure_ascii=True) + "\n")
        print("wrote %d cases to %s" % (len(edge_cases()), os.path.relpath(FIXTURE, ROOT)))
        with open(HTML_FIXTURE, "w", encoding="utf-8", newline="\n") as out:
            for text in html_cases():
                once = html.unescape(text)
                out.write(json.dumps({"text": text, "once": once, "twice": html.unescape(once)}, ensure_ascii=True) + "\n")
        print("wrote %d cases to %s" % (len(html_cases()), os.path.relpath(HTML_FIXTURE, ROOT)))
    else:
        sys.exit("usage: clip_reference.py check|fixture")


if __name__ == "__main__":
    main()
