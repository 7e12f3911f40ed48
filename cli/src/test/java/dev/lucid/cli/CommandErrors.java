package dev.lucid.cli;

import picocli.CommandLine;

/** Runs a command the way {@link Lucid#main} does, keeping an execution error's message instead of printing it. */
final class CommandErrors {
    private CommandErrors() {
    }

    /** Executes {@code command} with {@code args}; the exit code, with any error message appended to {@code error}. */
    static int execute(Object command, StringBuilder error, String... args) {
        CommandLine cl = new CommandLine(command);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            error.append(e.getMessage());
            return 1;
        });
        return cl.execute(args);
    }
}
