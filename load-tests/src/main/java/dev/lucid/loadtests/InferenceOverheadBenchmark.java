package dev.lucid.loadtests;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.lucid.kserve.ClientOptions;
import dev.lucid.kserve.InferenceRequest;
import dev.lucid.kserve.KServeClient;
import dev.lucid.kserve.Tensor;
import dev.lucid.kserve.TensorShape;
import org.HdrHistogram.Histogram;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Random;

/**
 * Measures the inference server's overhead against calling ONNX Runtime in-process on the same
 * model file with the same session settings. Closed loop, one request at a time; direct and server
 * calls alternate in rounds so that both see the same machine state. Prints a Markdown table.
 *
 * <p>Usage: {@code InferenceOverheadBenchmark HOST PORT MODEL_DIR [ITERATIONS_PER_ROUND] [ROUNDS]}; the
 * model directory holds {@code 1/model.onnx} with one FP32 input {@code image [B,3,64,64]} (conv_stack).
 */
public final class InferenceOverheadBenchmark {
    private static final String MODEL = "conv_stack";
    private static final int THREADS = 2; // matches the model's intra_op_thread_count
    /** Warm-up per batch size, all three paths in turn (settable with -Dbench.warmup-seconds). */
    private static final long WARM_UP_NANOS = (long) (Double.parseDouble(System.getProperty("bench.warmup-seconds", "20")) * 1e9);

    private InferenceOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        Path modelFile = Path.of(args[2]).resolve("1/model.onnx");
        int perRound = args.length > 3 ? Integer.parseInt(args[3]) : 40;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 5;

        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
        opts.setIntraOpNumThreads(THREADS);
        opts.setInterOpNumThreads(1);
        opts.addConfigEntry("session.intra_op.allow_spinning", "0"); // the server's session settings
        opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        System.out.printf("ONNX Runtime %s, model %s, %d intra-op threads, %.0f s warm-up, %d rounds x %d calls per mode%n%n",
                env.getVersion(), modelFile, THREADS, WARM_UP_NANOS / 1e9, rounds, perRound);
        System.out.println("| batch | in-process ORT p50 (ms) | server p50 (ms) | overhead p50 | in-process mean (ms) | server mean (ms) | overhead mean |");
        System.out.println("|---|---|---|---|---|---|---|");
        StringBuilder breakdown = new StringBuilder();
        StringBuilder throughput = new StringBuilder();
        StringBuilder shared = new StringBuilder();
        try (OrtSession session = env.createSession(modelFile.toString(), opts);
             KServeClient client = KServeClient.connect(host, port, ClientOptions.defaults());
             KServeClient shmClient = KServeClient.connect(host, port, ClientOptions.defaults().withSharedMemory(8 << 20))) {
            for (int batch : new int[]{1, 8}) {
                float[] input = new float[batch * 3 * 64 * 64];
                Random rnd = new Random(batch);
                for (int i = 0; i < input.length; i++) {
                    input[i] = rnd.nextFloat();
                }
                long[] shape = {batch, 3, 64, 64};
                InferenceRequest request = InferenceRequest.builder(MODEL)
                        .input(Tensor.ofFloats("image", TensorShape.of(shape), input)).build();
                Histogram direct = new Histogram(3);
                Histogram server = new Histogram(3);
                Histogram serverShm = new Histogram(3);
                // Warm-up of every path, by time: gRPC, protobuf and the server's own code run interpreted for
                // their first thousands of calls, and a few dozen calls would measure the JIT, not the server.
                long warmEnd = System.nanoTime() + WARM_UP_NANOS;
                for (int i = 0; i < 30 || System.nanoTime() < warmEnd; i++) {
                    runDirect(env, session, input, shape);
                    client.infer(request).output("features").floats();
                    shmClient.infer(request).output("features").floats();
                }
                var before = client.modelStatistics(MODEL).get(0).getInferenceStats();
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < perRound; i++) {
                        long t0 = System.nanoTime();
                        runDirect(env, session, input, shape);
                        direct.recordValue(System.nanoTime() - t0);
                    }
                    for (int i = 0; i < perRound; i++) {
                        long t0 = System.nanoTime();
                        client.infer(request).output("features").floats();
                        server.recordValue(System.nanoTime() - t0);
                    }
                    for (int i = 0; i < perRound; i++) {
                        long t0 = System.nanoTime();
                        shmClient.infer(request).output("features").floats();
                        serverShm.recordValue(System.nanoTime() - t0);
                    }
                }
                var after = client.modelStatistics(MODEL).get(0).getInferenceStats();
                long n = after.getSuccess().getCount() - before.getSuccess().getCount();
                breakdown.append(String.format("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", batch,
                        (after.getSuccess().getNs() - before.getSuccess().getNs()) / 1e6 / n,
                        (after.getQueue().getNs() - before.getQueue().getNs()) / 1e6 / n,
                        (after.getComputeInput().getNs() - before.getComputeInput().getNs()) / 1e6 / n,
                        (after.getComputeInfer().getNs() - before.getComputeInfer().getNs()) / 1e6 / n,
                        (after.getComputeOutput().getNs() - before.getComputeOutput().getNs()) / 1e6 / n));
                double d50 = direct.getValueAtPercentile(50) / 1e6;
                double s50 = server.getValueAtPercentile(50) / 1e6;
                double dm = direct.getMean() / 1e6;
                double sm = server.getMean() / 1e6;
                System.out.printf("| %d | %.2f | %.2f | %+.1f%% | %.2f | %.2f | %+.1f%% |%n", batch, d50, s50,
                        100 * (s50 - d50) / d50, dm, sm, 100 * (sm - dm) / dm);
                double h50 = serverShm.getValueAtPercentile(50) / 1e6;
                double hm = serverShm.getMean() / 1e6;
                shared.append(String.format("| %d | %s | %.2f | %+.1f%% | %.2f | %+.1f%% |%n", batch,
                        shmClient.usesSharedMemory() ? "yes" : "no (fell back to gRPC)", h50, 100 * (h50 - d50) / d50,
                        hm, 100 * (hm - dm) / dm));
                throughput.append(throughputRow(env, session, client, shmClient, request, input, shape, batch,
                        rounds * perRound));
            }
        }
        System.out.println();
        System.out.println("With system shared memory (client option withSharedMemory; tensors in /dev/shm regions):");
        System.out.println();
        System.out.println("| batch | shared memory used | server p50 (ms) | overhead p50 | server mean (ms) | overhead mean |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.print(shared);
        System.out.println();
        System.out.println("Throughput: in-process calls one after another vs " + IN_FLIGHT
                + " requests in flight to the server (transport overlaps compute):");
        System.out.println();
        System.out.println("| batch | in-process (items/s) | server (items/s) | server / in-process | server, shared memory (items/s) | shared memory / in-process |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.print(throughput);
        System.out.println();
        System.out.println("Server-side means per request during the latency rounds (ModelStatistics):");
        System.out.println();
        System.out.println("| batch | request (ms) | queue (ms) | compute input (ms) | compute infer (ms) | compute output (ms) |");
        System.out.println("|---|---|---|---|---|---|");
        System.out.print(breakdown);
    }

    private static final int IN_FLIGHT = 2;

    private static String throughputRow(OrtEnvironment env, OrtSession session, KServeClient client,
                                        KServeClient shmClient, InferenceRequest request, float[] input, long[] shape,
                                        int batch, int calls) throws Exception {
        long t0 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            runDirect(env, session, input, shape);
        }
        double direct = (double) calls * batch / ((System.nanoTime() - t0) / 1e9);
        double server = inFlightThroughput(client, request, batch, calls);
        double shm = inFlightThroughput(shmClient, request, batch, calls);
        return String.format("| %d | %.1f | %.1f | %.3f | %.1f | %.3f |%n", batch, direct, server, server / direct, shm,
                shm / direct);
    }

    /** Items per second with {@link #IN_FLIGHT} requests in flight. */
    private static double inFlightThroughput(KServeClient client, InferenceRequest request, int batch, int calls)
            throws Exception {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(IN_FLIGHT);
        java.util.List<java.util.concurrent.CompletableFuture<?>> all = new java.util.ArrayList<>();
        long t1 = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            window.acquire();
            all.add(client.inferAsync(request).whenComplete((r, e) -> window.release()));
        }
        for (java.util.concurrent.CompletableFuture<?> f : all) {
            f.get();
        }
        return (double) calls * batch / ((System.nanoTime() - t1) / 1e9);
    }

    /** What an in-process caller does: wrap the input, run, copy the output out. */
    private static float[] runDirect(OrtEnvironment env, OrtSession session, float[] input, long[] shape)
            throws Exception {
        try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(input), shape);
             OrtSession.Result r = session.run(java.util.Map.of("image", t))) {
            FloatBuffer fb = ((OnnxTensor) r.get(0)).getFloatBuffer();
            float[] out = new float[fb.remaining()];
            fb.get(out);
            return out;
        }
    }
}
