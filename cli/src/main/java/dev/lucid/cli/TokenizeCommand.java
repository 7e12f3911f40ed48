package dev.lucid.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lucid.tokenizers.ClipBpeTokenizer;
import dev.lucid.tokenizers.PromptTokenizer;
import dev.lucid.tokenizers.PromptTokenizers;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** Token ids of prompts, streamed: one JSON string per input line, one JSON object per output line. */
@Command(name = "tokenize", mixinStandardHelpOptions = true,
        description = {"Reads one JSON string per line on stdin and writes {\"text\": ..., \"ids\": [...]} per line"
                + " (ids without start/end tokens or padding), in input order.",
                "A line that is not a JSON string, or a text the tokenizer refuses, stops with an error naming its line."})
final class TokenizeCommand implements Callable<Integer> {
    /** Longest input line, in chars: room for the longest accepted text written with JSON escapes. */
    static final int MAX_LINE_CHARS = 8 * ClipBpeTokenizer.MAX_TEXT_CHARS;

    static final class Source {
        @Option(names = "--vocab", paramLabel = "FILE", description = "openai's CLIP BPE vocabulary (bpe_simple_vocab_16e6.txt.gz).")
        Path vocab;

        @Option(names = "--tokenizer", paramLabel = "PATH",
                description = "A tokenizer.json, a *.txt.gz vocabulary, or a diffusers tokenizer/ folder.")
        Path tokenizer;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    InputStream in = System.in;
    OutputStream out = System.out;

    @Override
    public Integer call() throws IOException {
        PromptTokenizer tokenizer = source.vocab != null
                ? ClipBpeTokenizer.openAiVocabulary(source.vocab, "!")
                : PromptTokenizers.load(source.tokenizer);
        ObjectMapper json = new ObjectMapper();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        try (JsonGenerator gen = new JsonFactory().createGenerator(writer)) {
            gen.configure(JsonGenerator.Feature.AUTO_CLOSE_TARGET, false);
            gen.setRootValueSeparator(null); // one object per line, nothing between them but the newline
            long lineNumber = 0;
            for (String line; (line = readLine(reader, lineNumber + 1)) != null; ) {
                lineNumber++;
                String text = text(json, line, lineNumber);
                int[] ids;
                try {
                    ids = tokenizer.ids(text);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
                }
                gen.writeStartObject();
                gen.writeStringField("text", text);
                gen.writeArrayFieldStart("ids");
                for (int id : ids) {
                    gen.writeNumber(id);
                }
                gen.writeEndArray();
                gen.writeEndObject();
                gen.writeRaw('\n');
            }
        } finally {
            writer.flush();
        }
        return 0;
    }

    private static String text(ObjectMapper json, String line, long lineNumber) {
        JsonNode node;
        try {
            node = json.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("line " + lineNumber + ": not JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException("line " + lineNumber + ": expected one JSON string, got "
                    + (node == null ? "nothing" : node.getNodeType().toString().toLowerCase()));
        }
        return node.textValue();
    }

    /** One line without its terminator, refusing lines over {@link #MAX_LINE_CHARS}; null at the end. */
    private static String readLine(BufferedReader reader, long lineNumber) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c = reader.read();
        if (c < 0) {
            return null;
        }
        while (c >= 0 && c != '\n') {
            if (sb.length() == MAX_LINE_CHARS) {
                throw new IllegalArgumentException("line " + lineNumber + ": longer than " + MAX_LINE_CHARS + " characters");
            }
            sb.append((char) c);
            c = reader.read();
        }
        int n = sb.length();
        return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
    }
}
