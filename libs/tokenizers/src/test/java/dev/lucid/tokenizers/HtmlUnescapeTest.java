package dev.lucid.tokenizers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HtmlUnescapeTest {

    @Test
    void matchesPythonsHtmlUnescapeOnceAndTwice() throws IOException {
        List<String> lines = ClipBpeTokenizerTest.resourceLines("html_unescape_cases.jsonl");
        assertTrue(lines.size() >= 60, "fixture has " + lines.size() + " cases");
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode row = json.readTree(line);
            String text = row.get("text").asText();
            String once = HtmlUnescape.unescape(text);
            assertEquals(row.get("once").asText(), once, text);
            assertEquals(row.get("twice").asText(), HtmlUnescape.unescape(once), text);
        }
    }
}
