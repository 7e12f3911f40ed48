package dev.lucid.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code lucid} command line. */
@Command(name = "lucid", mixinStandardHelpOptions = true, version = "lucid 0.1.0",
        description = "Evaluate safety-aligned text-to-image models: safety, coarse and structured utility, geometry.",
        subcommands = {DemoCommand.class, MeshCommands.Submit.class, MeshCommands.Watch.class,
                MeshCommands.ReportCommand.class, EvaluationCommands.Cancel.class, EvaluationCommands.ListCommand.class, GateCommand.class, ExportCommand.class, MeshCommands.Models.class, MeshCommands.Suites.class,
                SuiteCommands.Import.class, SuiteCommands.NearConcept.class, RiskCommand.class,
                BackendModelsCommand.class, GenerateCommand.class, FidCommand.class, FaithfulnessCommand.class, TokenizeCommand.class})
public final class Lucid implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--tls-ca", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "CA certificate that servers' certificates chain to: talk TLS (or set LUCID_TLS_CA).")
    void tlsCa(String path) {
        ClientTls.ca(path);
    }

    @Option(names = "--tls-cert", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "Client certificate for mutual TLS, with --tls-key (or set LUCID_TLS_CERT).")
    void tlsCert(String path) {
        ClientTls.cert(path);
    }

    @Option(names = "--tls-key", scope = ScopeType.INHERIT, paramLabel = "PEM",
            description = "Private key (PKCS#8) of --tls-cert (or set LUCID_TLS_KEY).")
    void tlsKey(String path) {
        ClientTls.key(path);
    }

    @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
            description = "Bearer token naming your tenant, sent to the coordinator (or set LUCID_TOKEN; prefer the"
                    + " variable: a command line is visible to other users of the machine).")
    void token(String value) {
        ClientToken.set(value);
    }

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
