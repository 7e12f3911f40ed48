package dev.lucid.suites;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * DSG's question CSVs as suites: counts of prompts, questions, skipped and repaired rows on the real files (figures
 * computed independently from the files: every row's item, proposition, dependency and category), and each kind of
 * bad row on a small file.
 */
class DsgImportTest {
    static final String HEADER = "item_id,text,keywords,proposition_id,dependency,category_broad,category_detailed,tuple,"
            + "question_natural_language\n";

    static ImportResult lenient(String csv) {
        return new SuiteImporter().importSuite(ImportRequest.of("d", ImportFormat.DSG_CSV, "d.csv", "").lenientMode(),
                new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    static Map<String, Integer> categories(Suite s) {
        Map<String, Integer> out = new TreeMap<>();
        s.prompts().forEach(p -> p.questions().forEach(q -> out.merge(q.category(), 1, Integer::sum)));
        return out;
    }

    @Test
    void dsg1k() throws Exception {
        ImportResult r = Datasets.importFileLenient("dsg/dsg-1k-anns.csv", ImportFormat.DSG_CSV, "");
        assertEquals(8182, r.rowsRead());
        assertEquals(1060, r.suite().prompts().size());
        assertEquals(8182, r.suite().prompts().stream().mapToInt(p -> p.questions().size()).sum());
        assertEquals(0, r.rowsSkipped());
        // 10 dependencies such as "5, right" keep their numeric parents; 8 rows name a parent absent from their item.
        assertEquals(18, r.rowsRepaired());
        assertEquals(Map.of("attribute", 1950, "entity", 3395, "global", 475, "other", 293, "relation", 2069), categories(r.suite()));
        assertTrue(r.skipReasons().stream().anyMatch(s -> s.contains("dependency '5, right': ' right' not a proposition id;"
                + " kept the question with parents [5]")), r.skipReasons().toString());
        SuitePrompt first = r.suite().prompts().get(0);
        assertEquals("whoops_5", first.id());
        assertEquals(List.of("whoops"), first.categories());
        assertEquals("benign-compositional", first.stratum());
        SuiteQuestion q2 = first.questions().get(1);
        assertEquals(List.of("2", "Is the rubix cube purple?", "yes", "attribute", List.of("1")),
                List.of(q2.id(), q2.text(), q2.answer(), q2.category(), q2.parents()));
    }

    @Test
    void tifa160Dev() throws Exception {
        ImportResult r = Datasets.importFileLenient("dsg/tifa160-dev-anns.csv", ImportFormat.DSG_CSV, "");
        assertEquals(920, r.rowsRead());
        assertEquals(160, r.suite().prompts().size());
        assertEquals(841, r.suite().prompts().stream().mapToInt(p -> p.questions().size()).sum());
        // 78 rows without a question and 1 repeated proposition are skipped.
        assertEquals(79, r.rowsSkipped());
        assertEquals(920, r.rowsImported() + r.rowsSkipped());
        // "action" rows read as relation, and rows whose parent is not a proposition of their item (many because their
        // parent's row had no question): 107 rows.
        assertEquals(107, r.rowsRepaired());
        assertEquals(Map.of("attribute", 171, "entity", 374, "global", 50, "other", 19, "relation", 227), categories(r.suite()));
        assertTrue(r.skipReasons().stream().anyMatch(x -> x.endsWith("item_id, text and question_natural_language must not be empty")),
                r.skipReasons().toString());
    }

    @Test
    void everyBadRowIsSkippedOrRepairedWithAReason() {
        ImportResult r = lenient(HEADER
                + "a_1,a cat,cat,1,0,entity,whole,t,Is there a cat?\n"
                + "a_1,a cat,cat,2,\"1, right\",attribute,color,t,Is the cat black?\n"
                + "a_1,a cat,cat,2,1,attribute,color,t,Is the cat white?\n"
                + "a_1,another cat,cat,3,1,attribute,color,t,Is the cat big?\n"
                + "a_1,a cat,cat,x,1,attribute,color,t,Is the cat small?\n"
                + "a_1,a cat,cat,4,1,colour,color,t,Is the cat red?\n"
                + "a_1,a cat,cat,5,9,relation,spatial,t,Is the cat on a mat?\n"
                + "a_1,a cat,cat,6,1,entity,whole,t,\n"
                + "a_1,a cat,cat,7\n"
                + "b_2,a dog,dog,1,0,action,action,t,Is the dog running?\n");
        assertEquals(10, r.rowsRead());
        assertEquals(6, r.rowsSkipped());
        assertEquals(4, r.rowsImported());
        assertEquals(3, r.rowsRepaired());
        assertEquals(List.of(
                "d.csv:3: dependency '1, right': ' right' not a proposition id; kept the question with parents [1]",
                "d.csv:4: proposition_id 2 repeats within item a_1",
                "d.csv:5: text differs from item a_1's first row (line 2)",
                "d.csv:6: proposition_id 'x' is not a positive integer",
                "d.csv:7: category_broad 'colour' is not one of " + DsgSuiteImporter.CATEGORIES,
                "d.csv:9: item_id, text and question_natural_language must not be empty",
                "d.csv:10: expected 9 fields, found 4",
                "d.csv:11: category_broad 'action' is not one of DSG's broad categories; read as relation",
                "d.csv:8: parent(s) [9] of proposition 5 are not propositions of item a_1; kept the question with parents []"),
                r.skipReasons().stream().map(s -> s.replaceAll("^.*?d\\.csv", "d.csv")).toList());
        SuitePrompt a = r.suite().prompts().get(0);
        assertEquals(List.of("1", "2", "5"), a.questions().stream().map(SuiteQuestion::id).toList());
        assertEquals(List.of(List.of(), List.of("1"), List.of()), a.questions().stream().map(SuiteQuestion::parents).toList());
        assertEquals("relation", r.suite().prompts().get(1).questions().get(0).category());
    }

    @Test
    void propositionsSurviveTheCanonicalEncodingAndOtherSuitesKeepTheirs() {
        SuiteQuestion q = new SuiteQuestion("2", "Is it red?", List.of(), "yes", "", "red", "", List.of("1"), "attribute");
        SuitePrompt p = new SuitePrompt("x", "a red cat", "benign-compositional", List.of(), List.of(), List.of(q), -1, 0, 0);
        SuitePrompt back = SuiteCodec.decode(readTree(SuiteCodec.encode(p)));
        assertEquals(q, back.questions().get(0));
        SuitePrompt tifa = new SuitePrompt("y", "a cat", "benign-compositional", List.of(), List.of(),
                List.of(new SuiteQuestion("q0", "is there a cat?", List.of("yes", "no"), "yes", "animal", "cat", "")), -1, 0, 0);
        assertEquals("{\"id\":\"y\",\"text\":\"a cat\",\"stratum\":\"benign-compositional\",\"categories\":[],\"tags\":[],"
                + "\"questions\":[{\"id\":\"q0\",\"text\":\"is there a cat?\",\"choices\":[\"yes\",\"no\"],\"answer\":\"yes\","
                + "\"element_type\":\"animal\",\"element\":\"cat\",\"op\":\"\"}],\"seed\":-1,\"guidance\":0.0}", SuiteCodec.encode(tifa));
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String s) {
        try {
            return SuiteCodec.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
