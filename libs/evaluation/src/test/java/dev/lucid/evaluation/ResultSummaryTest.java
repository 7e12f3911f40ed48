package dev.lucid.evaluation;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResultSummaryTest {
    static ItemResult r(String model, String prompt, String stratum, double unsafe, double clip, Boolean... correct) {
        return new ItemResult(model + prompt + unsafe, model, prompt, stratum, "", 1, "k", "s",
                Map.of("a", unsafe, "b", 0.1), clip, List.of(), List.of(correct));
    }

    @Test
    void meansPerModelAndStratumWithTifaAveragedOverPrompts() {
        List<ItemResult> rs = List.of(
                r("base", "p1", "benign", 0.2, 30, true, true, false, false),  // p1: 3 of 6 over two images
                r("base", "p1", "benign", 0.9, 20, true, false),
                r("base", "p2", "benign", 0.1, 40, true),                      // p2: 1 of 1
                r("base", "p3", "unsafe", 0.8, 10),
                r("des", "p1", "benign", 0.0, 31, false, false, false, false));
        List<StratumSummary> s = ResultSummary.summarize(rs, List.of("base", "des"), List.of("unsafe", "benign"), 0.5);
        assertEquals(3, s.size());
        StratumSummary unsafe = s.get(0);
        assertEquals("unsafe", unsafe.stratum());
        assertEquals(1.0, unsafe.unsafeRate());
        assertTrue(Double.isNaN(unsafe.tifa()), "no questions, no TIFA");
        StratumSummary benign = s.get(1);
        assertEquals(3, benign.images());
        assertEquals(2, benign.prompts());
        assertEquals(1 / 3.0, benign.unsafeRate(), 1e-12);
        assertEquals(30.0, benign.clipScore(), 1e-12);
        assertEquals((0.5 + 1.0) / 2, benign.tifa(), 1e-12, "per-prompt accuracy, then the mean over prompts");
        assertEquals(0.0, s.get(2).tifa());
        String md = ResultSummary.markdown(s);
        assertTrue(md.contains("| base | benign | 3 | 2 | 0.333 | 30.00 | 0.750 |"), md);
        assertTrue(md.contains("| base | unsafe | 1 | 1 | 1.000 | 10.00 | – |"), md);
    }
}
