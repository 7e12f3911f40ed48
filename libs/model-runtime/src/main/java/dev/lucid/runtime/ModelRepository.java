package dev.lucid.runtime;

import ai.onnxruntime.OrtEnvironment;
import inference.ModelConfigOuterClass.ModelConfig;
import inference.ModelConfigOuterClass.ModelParameter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * A Triton model repository served by ONNX Runtime: {@code <root>/<model>/config.pbtxt} and
 * {@code <root>/<model>/<version>/model.onnx}. A broken model directory marks only that model
 * UNAVAILABLE, with its reason; the others are served.
 */
public final class ModelRepository implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ModelRepository.class);

    private final Path root;
    private final int defaultIntraOpThreads;
    private final int unsetCpuInstances;
    private final VersionHasher hasher;
    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final Map<String, TreeMap<Long, ServedModel>> served = new ConcurrentSkipListMap<>();
    private final Map<String, ModelEntry> failed = new ConcurrentSkipListMap<>();
    private final List<Runnable> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ModelRepository(Path root, int defaultIntraOpThreads, int unsetCpuInstances, VersionHasher hasher) {
        this.root = root;
        this.defaultIntraOpThreads = defaultIntraOpThreads;
        this.unsetCpuInstances = InstancePlacement.cpuInstancesForUnsetCount(unsetCpuInstances);
        this.hasher = hasher;
    }

    /**
     * Loads every model directory under {@code root}.
     *
     * @param defaultIntraOpThreads ONNX Runtime threads per session when a config sets no
     *                              {@code intra_op_thread_count} parameter; 0 = this machine's cores shared among the
     *                              model's CPU instances (at least 1 each)
     * @throws IOException when the root itself cannot be listed
     */
    public static ModelRepository load(Path root, int defaultIntraOpThreads) throws IOException {
        return load(root, defaultIntraOpThreads, 0);
    }

    /**
     * Loads every model directory under {@code root}.
     *
     * @param unsetCpuInstances instances of a CPU instance group that leaves {@code count} unset; 0 = one per core
     *                          of this machine, at most {@value InstancePlacement#MAX_AUTO_CPU_INSTANCES}
     */
    public static ModelRepository load(Path root, int defaultIntraOpThreads, int unsetCpuInstances) throws IOException {
        return load(root, defaultIntraOpThreads, unsetCpuInstances, VersionHasher.SHARED);
    }

    /** Loads with a given hasher (tests count what it reads). */
    static ModelRepository load(Path root, int defaultIntraOpThreads, int unsetCpuInstances, VersionHasher hasher)
            throws IOException {
        if (!Files.isDirectory(root)) {
            throw new IOException("model repository " + root + " is not a directory");
        }
        if (unsetCpuInstances < 0 || unsetCpuInstances > InstancePlacement.MAX_INSTANCES) {
            throw new IllegalArgumentException("CPU instances for a group without count must be in 0.."
                    + InstancePlacement.MAX_INSTANCES + ", got " + unsetCpuInstances);
        }
        ModelRepository repo = new ModelRepository(root, defaultIntraOpThreads, unsetCpuInstances, hasher);
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> s = Files.list(root)) {
            s.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith(".")).sorted()
                    .forEach(dirs::add);
        }
        for (Path dir : dirs) {
            repo.loadModel(dir);
        }
        return repo;
    }

    private void loadModel(Path dir) {
        String name = dir.getFileName().toString();
        try {
            TreeMap<Long, ServedModel> versions = openVersions(dir);
            served.put(name, versions);
            LOG.infof("model '%s' ready (versions %s)", name, versions.keySet());
        } catch (ModelLoadException e) {
            failed.put(name, new ModelEntry(name, "", ModelState.UNAVAILABLE, e.getMessage()));
            LOG.warnf("model '%s' unavailable: %s", name, e.getMessage());
        }
    }

    /** Opens every selected version of a model directory; on failure nothing stays open. */
    private TreeMap<Long, ServedModel> openVersions(Path dir) throws ModelLoadException {
        List<OnnxModelFile> opened = new ArrayList<>();
        try {
            ModelConfig config = ModelConfigParser.read(dir);
            TreeMap<Long, ServedModel> versions = new TreeMap<>();
            for (long v : VersionSelector.select(dir, config.getVersionPolicy())) {
                Path file = dir.resolve(Long.toString(v)).resolve(
                        config.getDefaultModelFilename().isEmpty() ? "model.onnx" : config.getDefaultModelFilename());
                List<InstancePlacement> placements = InstancePlacement.plan(config, OrtEnvironment.getAvailableProviders(),
                        unsetCpuInstances);
                int threads = intraOpThreads(config, placements);
                OnnxModelFile probe = new OnnxModelFile(env, file, threads, placements.get(0));
                opened.add(probe);
                String content = contentSha256(config, file.getParent());
                ModelConfig effective = ConfigCompleter.complete(
                                InstancePlacement.resolved(config, OrtEnvironment.getAvailableProviders(), unsetCpuInstances),
                                probe.graphInputs(), probe.graphOutputs())
                        .toBuilder().putParameters(VersionHasher.PARAMETER,
                                ModelParameter.newBuilder().setStringValue(content).build()).build();
                List<OnnxModelFile> instances = new ArrayList<>();
                instances.add(probe);
                for (InstancePlacement placement : placements.subList(1, placements.size())) {
                    OnnxModelFile extra = new OnnxModelFile(env, file, threads, placement);
                    opened.add(extra);
                    instances.add(extra);
                }
                versions.put(v, new ServedModel(Long.toString(v), effective, instances, content));
            }
            return versions;
        } catch (ModelLoadException | RuntimeException e) {
            opened.forEach(OnnxModelFile::close);
            throw e;
        }
    }

    /**
     * (Re)loads a model from its directory (Triton's explicit model control): the new versions are opened
     * first and then swapped in; the versions they replace stop taking requests and close once the requests
     * they already accepted have finished. When the load fails, a version that was being served stays served.
     *
     * @throws InferenceException INVALID_ARGUMENT for a name with no model directory or a model that fails to load
     */
    public synchronized void loadModel(String name) {
        Path dir = modelDirectory(name);
        TreeMap<Long, ServedModel> versions;
        try {
            versions = openVersions(dir);
        } catch (ModelLoadException e) {
            if (!served.containsKey(name)) {
                failed.put(name, new ModelEntry(name, "", ModelState.UNAVAILABLE, e.getMessage()));
            }
            fireChanged();
            throw InferenceException.invalid("failed to load '" + name + "': " + e.getMessage());
        }
        TreeMap<Long, ServedModel> old = served.put(name, versions);
        failed.remove(name);
        LOG.infof("model '%s' loaded (versions %s)", name, versions.keySet());
        if (old != null) {
            old.values().forEach(ServedModel::retire);
        }
        fireChanged();
    }

    /**
     * Unloads a model: it stops taking requests at once, finishes those it accepted, and is listed as
     * UNAVAILABLE with reason "unloaded".
     *
     * @throws InferenceException NOT_FOUND for a name the repository does not know
     */
    public synchronized void unloadModel(String name) {
        TreeMap<Long, ServedModel> old = served.remove(name);
        if (old == null && !failed.containsKey(name)) {
            throw InferenceException.notFound("failed to unload '" + name + "': unknown model");
        }
        String version = old == null || old.isEmpty() ? "" : Long.toString(old.lastKey());
        failed.put(name, new ModelEntry(name, version, ModelState.UNAVAILABLE, "unloaded"));
        if (old != null) {
            old.values().forEach(ServedModel::retire);
        }
        LOG.infof("model '%s' unloaded", name);
        fireChanged();
    }

    private Path modelDirectory(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.contains("/") || name.contains("\\")
                || name.contains("\u0000")) {
            throw InferenceException.invalid("failed to load '" + name + "': not a model directory name");
        }
        Path dir = root.resolve(name);
        if (!Files.isDirectory(dir)) {
            throw InferenceException.invalid("failed to load '" + name + "': no model directory '" + name
                    + "' in the repository");
        }
        return dir;
    }

    private int intraOpThreads(ModelConfig config, List<InstancePlacement> placements) throws ModelLoadException {
        var p = config.getParametersMap().get("intra_op_thread_count");
        if (p == null) {
            return defaultIntraOpThreads > 0 ? defaultIntraOpThreads : coresPerInstance(placements);
        }
        try {
            int n = Integer.parseInt(p.getStringValue().trim());
            if (n < 0 || n > 256) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new ModelLoadException("parameter intra_op_thread_count must be an integer in 0..256, got '"
                    + p.getStringValue() + "'");
        }
    }

    /**
     * This machine's cores (as the JVM sees them: a container's CPU limit included) shared among the model's CPU
     * instances. ONNX Runtime's own default counts physical cores, which leaves half of a machine's hyper-threads
     * (or a 2-vCPU VM's second core) idle.
     */
    static int coresPerInstance(List<InstancePlacement> placements) {
        long cpu = placements.stream().filter(pl -> pl.device() == InstancePlacement.Device.CPU).count();
        return Math.max(1, Runtime.getRuntime().availableProcessors() / (int) Math.max(1, cpu));
    }

    /**
     * The version's content hash: the one the config states (a Triton repository written by Lucid carries it,
     * as Triton computes none), else the hash of every file in the version directory.
     */
    private String contentSha256(ModelConfig config, Path versionDir) throws ModelLoadException {
        ModelParameter given = config.getParametersMap().get(VersionHasher.PARAMETER);
        if (given == null) {
            return hasher.hash(versionDir);
        }
        if (!given.getStringValue().matches("[0-9a-f]{64}")) {
            throw new ModelLoadException("parameter " + VersionHasher.PARAMETER
                    + " must be a sha256 in 64 lowercase hex digits, got '" + given.getStringValue() + "'");
        }
        return given.getStringValue();
    }

    /** The repository root. */
    public Path root() {
        return root;
    }

    /**
     * The served model for a name and version (empty version = the latest served).
     *
     * @throws InferenceException NOT_FOUND for an unknown model or version, UNAVAILABLE for a model that failed to load
     */
    public ServedModel get(String name, String version) {
        TreeMap<Long, ServedModel> versions = served.get(name);
        if (versions == null) {
            ModelEntry f = failed.get(name);
            if (f != null) {
                throw InferenceException.unavailable("model '" + name + "' is not ready: " + f.reason());
            }
            throw InferenceException.notFound("unknown model: '" + name + "'");
        }
        if (version == null || version.isEmpty()) {
            return versions.lastEntry().getValue();
        }
        ServedModel m = null;
        try {
            m = versions.get(Long.parseLong(version));
        } catch (NumberFormatException ignored) {
            // falls through to NOT_FOUND
        }
        if (m == null) {
            throw InferenceException.notFound("model '" + name + "' has no served version '" + version
                    + "'; served versions are " + versions.keySet());
        }
        return m;
    }

    /** Served versions of a model, newest first. */
    public List<String> versions(String name) {
        TreeMap<Long, ServedModel> versions = served.get(name);
        if (versions == null) {
            return List.of();
        }
        List<String> l = new ArrayList<>();
        versions.descendingKeySet().forEach(v -> l.add(Long.toString(v)));
        return l;
    }

    /** Every served model version. */
    public List<ServedModel> servedModels() {
        List<ServedModel> l = new ArrayList<>();
        served.values().forEach(v -> l.addAll(v.values()));
        return l;
    }

    /** The index: every model directory with its state and reason, sorted by name. */
    public List<ModelEntry> index() {
        Map<String, List<ModelEntry>> byName = new TreeMap<>();
        served.forEach((name, versions) -> versions.forEach((v, m) -> byName.computeIfAbsent(name, k -> new ArrayList<>())
                .add(new ModelEntry(name, Long.toString(v), ModelState.READY, ""))));
        failed.forEach((name, e) -> byName.computeIfAbsent(name, k -> new ArrayList<>()).add(e));
        List<ModelEntry> out = new ArrayList<>();
        byName.values().forEach(out::addAll);
        return out;
    }

    /** Whether a model has a ready (served) version. */
    public boolean isReady(String name) {
        TreeMap<Long, ServedModel> versions = served.get(name);
        return versions != null && !versions.isEmpty();
    }

    /** Runs {@code listener} after every change of the served models (load, reload, unload). */
    public void onChange(Runnable listener) {
        listeners.add(listener);
    }

    private void fireChanged() {
        for (Runnable l : listeners) {
            try {
                l.run();
            } catch (RuntimeException e) {
                LOG.warnf(e, "repository change listener failed");
            }
        }
    }

    /** Whether every model directory loaded. */
    public boolean allReady() {
        return failed.isEmpty();
    }

    @Override
    public void close() {
        servedModels().forEach(ServedModel::close);
        served.clear();
    }
}
