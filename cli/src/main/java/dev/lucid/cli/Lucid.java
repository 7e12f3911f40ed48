package dev.lucid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lucid} command line. */
@Command(name = "lucid", mixinStandardHelpOptions = true, version = "lucid 0.1.0",
        description = "Evaluate safety-aligned text-to-image models: safety, coarse and structured utility, geometry.",
        subcommands = {DemoCommand.class, MeshCommands.Submit.class, MeshCommands.Watch.class,
                MeshCommands.ReportCommand.class, EvaluationCommands.Cancel.class, EvaluationCommands.ListCommand.class, GateCommand.class, ExportCommand.class, MeshCommands.Models.class, MeshCommands.Suites.class,
                SuiteCommands.Import.class, SuiteCommands.NearConcept.class,
                BackendModelsCommand.class, GenerateCommand.class, FidCommand.class, FaithfulnessCommand.class, TokenizeCommand.class})
public final class Lucid implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new Lucid());
        // Errors are one line for the user: the gRPC status and its description, or the refusal's message.
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof io.grpc.StatusRuntimeException s) {
                System.err.println("lucid: " + s.getStatus().getCode() + ": " + s.getStatus().getDescription());
            } else if (e instanceof IllegalArgumentException || e instanceof java.io.IOException) {
                System.err.println("lucid: " + e.getMessage());
            } else {
                throw e;
            }
            return 1;
        });
        System.exit(cl.execute(args));
    }
}
