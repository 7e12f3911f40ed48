package dev.lucid.suites;

/**
 * A malformed import file: the message is {@code file:line:column: reason}, {@code file:line: reason} when the
 * problem is a whole line (a header without a column), or {@code file: reason} when it is the whole file.
 */
public final class SuiteFormatException extends IllegalArgumentException {
    private final String file;
    private final long line;
    private final long column;
    private final String reason;

    public SuiteFormatException(String file, long line, String reason) {
        this(file, line, 0, reason);
    }

    public SuiteFormatException(String file, long line, long column, String reason) {
        super(line > 0 ? file + ":" + line + (column > 0 ? ":" + column : "") + ": " + reason : file + ": " + reason);
        this.file = file;
        this.line = line;
        this.column = line > 0 ? column : 0;
        this.reason = reason;
    }

    /** The file name as the user gave it. */
    public String file() {
        return file;
    }

    /** 1-based line where the problem starts; 0 when it concerns the whole file. */
    public long line() {
        return line;
    }

    /** 1-based character column where the problem starts on its line; 0 when it concerns the whole line or file. */
    public long column() {
        return column;
    }

    /** The reason without file and line. */
    public String reason() {
        return reason;
    }
}
