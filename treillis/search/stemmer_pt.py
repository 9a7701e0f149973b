"""lunr.pt.js's Portuguese stemmer (lunr-languages 1.22.0), ported line by line to Python.

snowballstemmer 2.2.0's Portuguese stemmer is a newer Snowball: lunr.pt.js's
still has Spanish endings in its table of standard suffixes (logía, ución for
logia, ução) and deletes the `i` of a final `ci` when the end of the word,
rather than the `i`, is in RV. The index must stem as the browser does, so
this is the JavaScript, on snowballstemmer's runtime (the same primitives as
lunr-languages' `SnowballProgram`), with the JavaScript's tables copied as
they are (the order matters: the search in them is binary). The tests stem
thousands of words in both and compare the tables with the pinned file.
"""

from __future__ import annotations

from snowballstemmer.among import Among
from snowballstemmer.basestemmer import BaseStemmer

# fmt: off
A_0 = [
    Among("", -1, 3),
    Among("\u00E3", 0, 1),
    Among("\u00F5", 0, 2),
]

A_1 = [
    Among("", -1, 3),
    Among("a~", 0, 1),
    Among("o~", 0, 2),
]

A_2 = [
    Among("ic", -1, -1),
    Among("ad", -1, -1),
    Among("os", -1, -1),
    Among("iv", -1, 1),
]

A_3 = [
    Among("ante", -1, 1),
    Among("avel", -1, 1),
    Among("\u00EDvel", -1, 1),
]

A_4 = [
    Among("ic", -1, 1),
    Among("abil", -1, 1),
    Among("iv", -1, 1),
]

A_5 = [
    Among("ica", -1, 1),
    Among("\u00E2ncia", -1, 1),
    Among("\u00EAncia", -1, 4),
    Among("ira", -1, 9),
    Among("adora", -1, 1),
    Among("osa", -1, 1),
    Among("ista", -1, 1),
    Among("iva", -1, 8),
    Among("eza", -1, 1),
    Among("log\u00EDa", -1, 2),
    Among("idade", -1, 7),
    Among("ante", -1, 1),
    Among("mente", -1, 6),
    Among("amente", 12, 5),
    Among("\u00E1vel", -1, 1),
    Among("\u00EDvel", -1, 1),
    Among("uci\u00F3n", -1, 3),
    Among("ico", -1, 1),
    Among("ismo", -1, 1),
    Among("oso", -1, 1),
    Among("amento", -1, 1),
    Among("imento", -1, 1),
    Among("ivo", -1, 8),
    Among("a\u00E7a~o", -1, 1),
    Among("ador", -1, 1),
    Among("icas", -1, 1),
    Among("\u00EAncias", -1, 4),
    Among("iras", -1, 9),
    Among("adoras", -1, 1),
    Among("osas", -1, 1),
    Among("istas", -1, 1),
    Among("ivas", -1, 8),
    Among("ezas", -1, 1),
    Among("log\u00EDas", -1, 2),
    Among("idades", -1, 7),
    Among("uciones", -1, 3),
    Among("adores", -1, 1),
    Among("antes", -1, 1),
    Among("a\u00E7o~es", -1, 1),
    Among("icos", -1, 1),
    Among("ismos", -1, 1),
    Among("osos", -1, 1),
    Among("amentos", -1, 1),
    Among("imentos", -1, 1),
    Among("ivos", -1, 8),
]

A_6 = [
    Among("ada", -1, 1),
    Among("ida", -1, 1),
    Among("ia", -1, 1),
    Among("aria", 2, 1),
    Among("eria", 2, 1),
    Among("iria", 2, 1),
    Among("ara", -1, 1),
    Among("era", -1, 1),
    Among("ira", -1, 1),
    Among("ava", -1, 1),
    Among("asse", -1, 1),
    Among("esse", -1, 1),
    Among("isse", -1, 1),
    Among("aste", -1, 1),
    Among("este", -1, 1),
    Among("iste", -1, 1),
    Among("ei", -1, 1),
    Among("arei", 16, 1),
    Among("erei", 16, 1),
    Among("irei", 16, 1),
    Among("am", -1, 1),
    Among("iam", 20, 1),
    Among("ariam", 21, 1),
    Among("eriam", 21, 1),
    Among("iriam", 21, 1),
    Among("aram", 20, 1),
    Among("eram", 20, 1),
    Among("iram", 20, 1),
    Among("avam", 20, 1),
    Among("em", -1, 1),
    Among("arem", 29, 1),
    Among("erem", 29, 1),
    Among("irem", 29, 1),
    Among("assem", 29, 1),
    Among("essem", 29, 1),
    Among("issem", 29, 1),
    Among("ado", -1, 1),
    Among("ido", -1, 1),
    Among("ando", -1, 1),
    Among("endo", -1, 1),
    Among("indo", -1, 1),
    Among("ara~o", -1, 1),
    Among("era~o", -1, 1),
    Among("ira~o", -1, 1),
    Among("ar", -1, 1),
    Among("er", -1, 1),
    Among("ir", -1, 1),
    Among("as", -1, 1),
    Among("adas", 47, 1),
    Among("idas", 47, 1),
    Among("ias", 47, 1),
    Among("arias", 50, 1),
    Among("erias", 50, 1),
    Among("irias", 50, 1),
    Among("aras", 47, 1),
    Among("eras", 47, 1),
    Among("iras", 47, 1),
    Among("avas", 47, 1),
    Among("es", -1, 1),
    Among("ardes", 58, 1),
    Among("erdes", 58, 1),
    Among("irdes", 58, 1),
    Among("ares", 58, 1),
    Among("eres", 58, 1),
    Among("ires", 58, 1),
    Among("asses", 58, 1),
    Among("esses", 58, 1),
    Among("isses", 58, 1),
    Among("astes", 58, 1),
    Among("estes", 58, 1),
    Among("istes", 58, 1),
    Among("is", -1, 1),
    Among("ais", 71, 1),
    Among("eis", 71, 1),
    Among("areis", 73, 1),
    Among("ereis", 73, 1),
    Among("ireis", 73, 1),
    Among("\u00E1reis", 73, 1),
    Among("\u00E9reis", 73, 1),
    Among("\u00EDreis", 73, 1),
    Among("\u00E1sseis", 73, 1),
    Among("\u00E9sseis", 73, 1),
    Among("\u00EDsseis", 73, 1),
    Among("\u00E1veis", 73, 1),
    Among("\u00EDeis", 73, 1),
    Among("ar\u00EDeis", 84, 1),
    Among("er\u00EDeis", 84, 1),
    Among("ir\u00EDeis", 84, 1),
    Among("ados", -1, 1),
    Among("idos", -1, 1),
    Among("amos", -1, 1),
    Among("\u00E1ramos", 90, 1),
    Among("\u00E9ramos", 90, 1),
    Among("\u00EDramos", 90, 1),
    Among("\u00E1vamos", 90, 1),
    Among("\u00EDamos", 90, 1),
    Among("ar\u00EDamos", 95, 1),
    Among("er\u00EDamos", 95, 1),
    Among("ir\u00EDamos", 95, 1),
    Among("emos", -1, 1),
    Among("aremos", 99, 1),
    Among("eremos", 99, 1),
    Among("iremos", 99, 1),
    Among("\u00E1ssemos", 99, 1),
    Among("\u00EAssemos", 99, 1),
    Among("\u00EDssemos", 99, 1),
    Among("imos", -1, 1),
    Among("armos", -1, 1),
    Among("ermos", -1, 1),
    Among("irmos", -1, 1),
    Among("\u00E1mos", -1, 1),
    Among("ar\u00E1s", -1, 1),
    Among("er\u00E1s", -1, 1),
    Among("ir\u00E1s", -1, 1),
    Among("eu", -1, 1),
    Among("iu", -1, 1),
    Among("ou", -1, 1),
    Among("ar\u00E1", -1, 1),
    Among("er\u00E1", -1, 1),
    Among("ir\u00E1", -1, 1),
]

A_7 = [
    Among("a", -1, 1),
    Among("i", -1, 1),
    Among("o", -1, 1),
    Among("os", -1, 1),
    Among("\u00E1", -1, 1),
    Among("\u00ED", -1, 1),
    Among("\u00F3", -1, 1),
]

A_8 = [
    Among("e", -1, 1),
    Among("\u00E7", -1, 2),
    Among("\u00E9", -1, 1),
    Among("\u00EA", -1, 1),
]

G_V = [17, 65, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 19, 12, 2]
# fmt: on
_LOWEST, _HIGHEST = 97, 250  # the range of G_V, the vowels


class LunrPortugueseStemmer(BaseStemmer):
    """Stems exactly as lunr.pt.js does (its function names in comments)."""

    def __init__(self) -> None:
        super().__init__()
        self.p_v = self.p_1 = self.p_2 = 0

    def _vowel(self) -> bool:
        return self.in_grouping(G_V, _LOWEST, _HIGHEST)

    def _not_vowel(self) -> bool:
        return self.out_grouping(G_V, _LOWEST, _HIGHEST)

    def _rv(self) -> bool:
        return self.p_v <= self.cursor

    def _r1(self) -> bool:
        return self.p_1 <= self.cursor

    def _r2(self) -> bool:
        return self.p_2 <= self.cursor

    def _swap_nasals(self, table: list[Among], vowels: tuple[str, str]) -> None:
        """r_prelude (ã → a~, õ → o~) and r_postlude (back)."""
        while True:
            self.bra = self.cursor
            among_var = self.find_among(table)
            if not among_var:
                return
            self.ket = self.cursor
            if among_var in (1, 2):
                self.slice_from(vowels[among_var - 1])
                continue
            if self.cursor >= self.limit:
                return
            self.cursor += 1

    def _consonant_then_vowel(self) -> bool:  # habr2
        if self._not_vowel():
            while not self._vowel():
                if self.cursor >= self.limit:
                    return True
                self.cursor += 1
            return False
        return True

    def _vowel_then_consonant(self) -> bool:  # habr3
        if self._vowel():
            while not self._not_vowel():
                if self.cursor >= self.limit:
                    return False
                self.cursor += 1
        self.p_v = self.cursor
        return True

    def _mark_rv(self) -> None:  # habr4
        start = self.cursor
        if self._vowel():
            after = self.cursor
            if self._consonant_then_vowel():
                self.cursor = after
                if self._vowel_then_consonant():
                    return
            else:
                self.p_v = self.cursor
        self.cursor = start
        if self._not_vowel():
            after = self.cursor
            if self._consonant_then_vowel():
                self.cursor = after
                if not self._vowel() or self.cursor >= self.limit:
                    return
                self.cursor += 1
            self.p_v = self.cursor

    def _past_vowel_and_consonant(self) -> bool:  # habr5
        while not self._vowel():
            if self.cursor >= self.limit:
                return False
            self.cursor += 1
        while not self._not_vowel():
            if self.cursor >= self.limit:
                return False
            self.cursor += 1
        return True

    def _mark_regions(self) -> None:
        start = self.cursor
        self.p_v = self.p_1 = self.p_2 = self.limit
        self._mark_rv()
        self.cursor = start
        if self._past_vowel_and_consonant():
            self.p_1 = self.cursor
            if self._past_vowel_and_consonant():
                self.p_2 = self.cursor

    def _delete_after(self, table: list[Among]) -> None:
        """Cases 6 and 7 of r_standard_suffix: a further suffix, deleted in R2."""
        self.ket = self.cursor
        among_var = self.find_among_b(table)
        if among_var:
            self.bra = self.cursor
            if among_var == 1 and self._r2():
                self.slice_del()

    def _standard_suffix(self) -> bool:
        self.ket = self.cursor
        among_var = self.find_among_b(A_5)
        if not among_var:
            return False
        self.bra = self.cursor
        if among_var in (1, 2, 3, 4):
            if not self._r2():
                return False
            self.slice_from(("", "log", "u", "ente")[among_var - 1])
        elif among_var == 5:
            if not self._r1():
                return False
            self.slice_del()
            self.ket = self.cursor
            among_var = self.find_among_b(A_2)
            if among_var:
                self.bra = self.cursor
                if self._r2():
                    self.slice_del()
                    if among_var == 1:
                        self.ket = self.cursor
                        if self.eq_s_b("at"):
                            self.bra = self.cursor
                            if self._r2():
                                self.slice_del()
        elif among_var in (6, 7):
            if not self._r2():
                return False
            self.slice_del()
            self._delete_after(A_3 if among_var == 6 else A_4)
        elif among_var == 8:
            if not self._r2():
                return False
            self.slice_del()
            self.ket = self.cursor
            if self.eq_s_b("at"):
                self.bra = self.cursor
                if self._r2():
                    self.slice_del()
        elif among_var == 9:
            if not self._rv() or not self.eq_s_b("e"):
                return False
            self.slice_from("ir")
        return True

    def _verb_suffix(self) -> bool:
        if self.cursor < self.p_v:
            return False
        limit_backward = self.limit_backward
        self.limit_backward = self.p_v
        self.ket = self.cursor
        among_var = self.find_among_b(A_6)
        if among_var:
            self.bra = self.cursor
            if among_var == 1:
                self.slice_del()
        self.limit_backward = limit_backward
        return bool(among_var)

    def _residual_suffix(self) -> None:
        self.ket = self.cursor
        among_var = self.find_among_b(A_7)
        if among_var:
            self.bra = self.cursor
            if among_var == 1 and self._rv():
                self.slice_del()

    def _delete_if_after(self, letter: str, before: str) -> bool:  # habr6
        if self.eq_s_b(letter):
            self.bra = self.cursor
            from_end = self.limit - self.cursor
            if self.eq_s_b(before):
                self.cursor = self.limit - from_end
                if self._rv():
                    self.slice_del()
                return False
        return True

    def _residual_form(self) -> None:
        self.ket = self.cursor
        among_var = self.find_among_b(A_8)
        if among_var:
            self.bra = self.cursor
            if among_var == 1:
                if self._rv():
                    self.slice_del()
                    self.ket = self.cursor
                    if self._delete_if_after("u", "g"):
                        self._delete_if_after("i", "c")
            elif among_var == 2:
                self.slice_from("c")

    def _suffixes(self) -> None:  # habr1
        if not self._standard_suffix():
            self.cursor = self.limit
            if not self._verb_suffix():
                self.cursor = self.limit
                self._residual_suffix()
                return
        self.cursor = self.limit
        self.ket = self.cursor
        if self.eq_s_b("i"):
            self.bra = self.cursor
            if self.eq_s_b("c"):
                self.cursor = self.limit
                if self._rv():  # (at the end of the word, not at the i: as lunr.pt.js)
                    self.slice_del()

    def _stem(self) -> bool:
        start = self.cursor
        self._swap_nasals(A_0, ("a~", "o~"))
        self.cursor = start
        self._mark_regions()
        self.limit_backward = start
        self.cursor = self.limit
        self._suffixes()
        self.cursor = self.limit
        self._residual_form()
        self.cursor = self.limit_backward
        self._swap_nasals(A_1, ("\u00e3", "\u00f5"))
        return True
