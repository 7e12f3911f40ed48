package dev.lucid.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code lucid faithfulness} on hand-made files and, when present, on DSG's released mPLUG answers. */
class FaithfulnessCommandTest {
    static final Path ROOT = Path.of(System.getProperty("lucid.repo.root", ".."));
    static final Path REFERENCE = ROOT.resolve("libs/metrics/src/test/resources/faithfulness/dsg_tifa160_mplug_reference.json");
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Runs the command; returns {exit code, stdout, error message}. */
    static String[] run(String... args) {
        FaithfulnessCommand command = new FaithfulnessCommand();
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        command.out = new PrintStream(buf, true, StandardCharsets.UTF_8);
        StringBuilder error = new StringBuilder();
        int rc = CommandErrors.execute(command, error, args);
        return new String[]{Integer.toString(rc), buf.toString(StandardCharsets.UTF_8), error.toString()};
    }

    static Path dsgData() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("../shared/datasets/dsg").normalize();
            if (Files.isRegularFile(candidate.resolve("mplug_dsg.csv"))) {
                return candidate;
            }
        }
        return null;
    }

    @Test
    void figuresOnDsgsMplugAnswersEqualTheIndependentReference() throws IOException {
        Path data = dsgData();
        assumeTrue(data != null, "../shared/datasets/dsg is absent: skipping the comparison with the reference figures");
        String[] r = run("--answers", data.resolve("mplug_dsg.csv").toString(), "--questions",
                data.resolve("dsg-1k-anns.csv").toString(), "--human", data.resolve("tifa160-likert-anns.csv").toString(),
                "--split", "tifa160");
        assertEquals("0", r[0], r[2]);
        JsonNode lucid = JSON.readTree(r[1]);
        JsonNode ref = JSON.readTree(REFERENCE.toFile());
        assertEquals(fieldNames(ref.get("models")), fieldNames(lucid.get("models")));
        for (String model : fieldNames(ref.get("models"))) {
            JsonNode want = ref.get("models").get(model);
            JsonNode got = lucid.get("models").get(model);
            assertEquals(want.get("score").asDouble(), got.get("score").asDouble(), 1e-9, model);
            assertEquals(want.get("images").asInt(), got.get("images").asInt(), model);
            assertEquals(want.get("questions").asInt(), got.get("questions").asInt(), model);
            JsonNode ci = got.get("ci");
            assertTrue(ci.get(0).asDouble() < got.get("score").asDouble() && got.get("score").asDouble() < ci.get(1).asDouble(), model);
            assertEquals(fieldNames(want.get("by_category")), fieldNames(got.get("by_category")), model);
            for (String c : fieldNames(want.get("by_category"))) {
                assertEquals(want.get("by_category").get(c).get("accuracy").asDouble(),
                        got.get("by_category").get(c).get("accuracy").asDouble(), 1e-9, model + " " + c);
                assertEquals(want.get("by_category").get(c).get("questions").asInt(),
                        got.get("by_category").get(c).get("questions").asInt(), model + " " + c);
            }
        }
        JsonNode h = lucid.get("human_agreement");
        assertEquals(ref.get("human_agreement").get("spearman").asDouble(), h.get("spearman").asDouble(), 1e-9);
        assertEquals(ref.get("human_agreement").get("kendall").asDouble(), h.get("kendall").asDouble(), 1e-9);
        assertEquals(ref.get("human_agreement").get("images").asInt(), h.get("images").asInt());
        assertEquals(ref.get("human_agreement").get("rated_images_without_answers").asInt(), h.get("rated_images_without_answers").asInt());
        assertEquals(ref.get("answers").get("rows_used").asInt(), lucid.get("answers").get("rows_used").asInt());
        assertEquals(ref.get("answers").get("not_yes_or_no").asInt(), lucid.get("answers").get("not_yes_or_no").asInt());
        assertEquals(ref.get("repaired_rows").asInt(), lucid.get("repaired_rows").get("count").asInt());
        assertEquals(ref.get("skipped_rows").asInt(), lucid.get("skipped_rows").get("count").asInt());
    }

    @Test
    void handMadeFilesScoreCountSkipsAndCorrelate() throws IOException {
        Path answers = write("a.csv", """
                dsg_prompt_split,qg_model,t2i_model,item_id,question,question_id,dependency_id,answer
                s,dsg,m1,p1,Is there a dog?,1,0,yes
                s,dsg,m1,p1,Is the dog red?,2,1,Yes.
                s,dsg,m1,p2,Is there a cat?,1,0,no
                s,dsg,m1,p2,Is the cat black?,2,"1, black",yes
                s,dsg,m1,p3,Is there a car?,1,0,yes
                s,dsg,m1,p3,Is the car blue?,2,0,no
                s,dsg,m1,p3,Is the car blue?,2,0,yes
                s,dsg,m1,p3,Is it?,x,0,yes
                s,dsg,m1,p3,short row
                t,dsg,m1,p9,Is there a cow?,1,0,yes
                """);
        Path questions = write("q.csv", """
                item_id,proposition_id,category_broad
                p1,1,entity
                p1,2,attribute
                p2,1,entity
                p2,2,attribute
                p3,1,entity
                p3,2,attribute
                """);
        Path human = write("h.csv", """
                t2i_model,item_id,answer
                m1,p1,5
                m1,p1,4
                m1,p2,1
                m1,p3,3
                m1,p3,seven
                """);
        String[] r = run("--answers", answers.toString(), "--questions", questions.toString(), "--human", human.toString(),
                "--split", "s");
        assertEquals("0", r[0], r[2]);
        JsonNode out = JSON.readTree(r[1]);
        JsonNode m1 = out.get("models").get("m1");
        // p1: 1 and 1 -> 1; p2: parent "no" zeroes the child -> 0; p3: 1 and 0 -> 0.5.
        assertEquals(0.5, m1.get("score").asDouble(), 1e-15);
        assertEquals(3, m1.get("images").asInt());
        assertEquals(1.0, m1.get("by_category").get("attribute").get("accuracy").asDouble() * 3, 1e-12);
        assertEquals(2 / 3.0, m1.get("by_category").get("entity").get("accuracy").asDouble(), 1e-12);
        assertEquals(3, out.get("human_agreement").get("images").asInt());
        assertEquals(1.0, out.get("human_agreement").get("spearman").asDouble(), 1e-12);
        assertEquals(1.0, out.get("human_agreement").get("kendall").asDouble(), 1e-12);
        JsonNode skipped = out.get("skipped_rows");
        assertEquals(4, skipped.get("count").asInt());
        assertEquals(Map.of("question_id repeated for the same t2i_model and item_id", 1,
                "question_id is not a positive integer", 1, "has 5 fields, the header has 8", 1,
                "rating is not an integer 1..5", 1), JSON.convertValue(skipped.get("reasons"), Map.class));
        assertEquals(9, skipped.get("first").get(0).get("line").asInt());
        assertEquals(1, out.get("repaired_rows").get("count").asInt());
        assertEquals(5, out.get("repaired_rows").get("first").get(0).get("line").asInt());
        assertEquals(1, out.get("answers").get("filtered_by_split").asInt());

        // Seeded: the same inputs give the same intervals, byte for byte.
        assertEquals(r[1], run("--answers", answers.toString(), "--questions", questions.toString(), "--human",
                human.toString(), "--split", "s")[1]);

        String md = run("--answers", answers.toString(), "--split", "s", "--format", "md")[1];
        assertTrue(md.startsWith("| t2i model | DSG score | 95% CI | images | questions |\n|---|---|---|---|---|\n| m1 | 0.5000 | ["), md);
        assertTrue(md.contains("Skipped rows: 3; "), md);
    }

    @Test
    void badInputExitsOneNamingTheFileAndColumn() throws IOException {
        Path noAnswer = write("bad.csv", "t2i_model,item_id,question_id,dependency_id\nm,p,1,0\n");
        String[] r = run("--answers", noAnswer.toString());
        assertEquals("1", r[0]);
        assertEquals(noAnswer + ": missing column 'answer' (header: [t2i_model, item_id, question_id, dependency_id])", r[2]);
        Path missing = dir.resolve("nope.csv");
        r = run("--answers", missing.toString());
        assertEquals("1", r[0]);
        assertEquals("cannot read " + missing + ": no such file", r[2]);
        Path unterminated = write("q.csv", "t2i_model,item_id,question_id,dependency_id,answer\nm,p,1,\"0,yes\n");
        r = run("--answers", unterminated.toString());
        assertEquals("1", r[0]);
        assertTrue(r[2].contains(unterminated.toString()) && r[2].contains("unterminated"), r[2]);
        Path onlyBad = write("b.csv", "t2i_model,item_id,question_id,dependency_id,answer\nm,p,zero,0,yes\n");
        r = run("--answers", onlyBad.toString());
        assertEquals("1", r[0]);
        assertEquals(onlyBad + ": no usable answer rows", r[2]);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }
}
