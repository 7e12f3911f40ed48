package dev.lucid.suites;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Imports a suite from a public benchmark file, streaming: rows are parsed one at a time and each resulting prompt
 * is written to the suite's file in a work directory, so the heap holds only an index of the prompts. Input must be
 * UTF-8 (an invalid byte sequence is an error, never replaced silently).
 */
public final class SuiteImporter {
    private final ImportLimits limits;
    private final Path workDir;

    /** Writes suites' prompt files to {@code workDir}; a suite's file is deleted by {@link PromptTable#discard()}. */
    public SuiteImporter(ImportLimits limits, Path workDir) {
        this.limits = limits;
        this.workDir = workDir;
    }

    /** Writes suites' prompt files to the system's temporary directory, deleted when the JVM exits. */
    public SuiteImporter(ImportLimits limits) {
        this(limits, null);
    }

    public SuiteImporter() {
        this(ImportLimits.DEFAULT);
    }

    /** Imports one file. */
    public ImportResult importSuite(ImportRequest request, InputStream in) {
        return importSuite(request, in, null, "");
    }

    /**
     * Imports a file and, for TIFA, an optional question–answer file joined to its text inputs by id.
     *
     * @throws SuiteFormatException for malformed input ({@code file:line: reason})
     */
    public ImportResult importSuite(ImportRequest request, InputStream in, InputStream questions, String questionsFile) {
        if (questions != null && request.format() != ImportFormat.TIFA_JSON) {
            throw new IllegalArgumentException("questions: only the tifa format takes a question-answer file");
        }
        ImportContext ctx = new ImportContext(request, limits, promptFile());
        Reader r = new Utf8Reader(in, request.fileName());
        try {
            return switch (request.format()) {
                case I2P_CSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.i2p());
                case COCO30K_CSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.coco30k());
                case PARTIPROMPTS_TSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.partiPrompts());
                case ATTACK_CSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.attack());
                case PAIRS_CSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.pairs());
                case GENERIC_CSV -> CsvSuiteImporter.read(ctx, r, CsvLayout.generic());
                case TIFA_JSON -> JsonSuiteImporter.tifa(ctx, r, questions == null ? null : utf8(questions, questionsFile), questionsFile);
                case GENEVAL_JSONL -> JsonSuiteImporter.geneval(ctx, r);
                case GENERIC_JSONL -> JsonSuiteImporter.genericJsonl(ctx, r);
                case T2I_COMPBENCH_TXT -> textList(ctx, r);
                case DSG_CSV -> DsgSuiteImporter.read(ctx, r);
            };
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.charset.CharacterCodingException) {
                throw new SuiteFormatException(request.fileName(), 0, "not UTF-8 text (invalid byte sequence)");
            }
            throw e;
        } finally {
            ctx.close(); // a failed import leaves no file
        }
    }

    private Path promptFile() {
        try {
            if (workDir != null) {
                return Files.createTempFile(Files.createDirectories(workDir), "import-", ".jsonl");
            }
            Path f = Files.createTempFile("lucid-import-", ".jsonl");
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the suite's prompt file", e);
        }
    }

    private static Reader utf8(InputStream in, String file) {
        return new Utf8Reader(in, file == null || file.isEmpty() ? "questions" : file);
    }

    /**
     * The category of a T2I-CompBench list from its file name: the stem up to {@code _train} / {@code _val}
     * ({@code color_val_seen.txt} -> color); the rest is the split.
     */
    static String[] compBenchCategory(String fileName) {
        String name = fileName.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1);
        if (name.endsWith(".txt")) {
            name = name.substring(0, name.length() - 4);
        }
        for (String split : List.of("_train", "_val")) {
            int i = name.indexOf(split);
            if (i > 0) {
                return new String[] {name.substring(0, i), name.substring(i + 1)};
            }
        }
        return new String[] {name, "full"};
    }

    private static ImportResult textList(ImportContext ctx, Reader in) {
        String[] cs = compBenchCategory(ctx.file());
        LineReader lines = new LineReader(in, ctx.file(), ctx.limits.maxFieldChars());
        long index = 0;
        for (String l = lines.next(); l != null; l = lines.next()) {
            if (l.isBlank()) {
                continue; // the lists count non-empty lines
            }
            ctx.rowRead(lines.lineNumber());
            List<String> tags = new ArrayList<>(List.of("split=" + cs[1]));
            ctx.add(new SuitePrompt(Long.toString(index++), l.strip(), ctx.request.defaultStratum(), List.of(cs[0]), tags,
                    List.of(), -1, 0, lines.lineNumber()));
        }
        return ctx.finish("t2i-compbench", "MIT (Karine-Huang/T2I-CompBench)",
                "T2I-CompBench " + cs[0] + " prompts (" + cs[1] + ")");
    }
}
