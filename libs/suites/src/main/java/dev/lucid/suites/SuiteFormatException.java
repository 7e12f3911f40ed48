package dev.lucid.suites;

/** A malformed import file: the message is {@code file:line: reason} (no line when the problem is the whole file). */
public final class SuiteFormatException extends IllegalArgumentException {
    private final String file;
    private final long line;
    private final String reason;

    public SuiteFormatException(String file, long line, String reason) {
        super(line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason);
        this.file = file;
        this.line = line;
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

    /** The reason without file and line. */
    public String reason() {
        return reason;
    }
}
