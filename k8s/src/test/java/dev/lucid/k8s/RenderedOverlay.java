package dev.lucid.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** An overlay rendered by {@code kubectl kustomize} (offline) and read into fabric8's typed model. */
record RenderedOverlay(String name, List<HasMetadata> objects) {
    /** kubectl on the PATH or at /usr/bin/kubectl; empty where this machine has none. */
    static Optional<Path> kubectl() {
        for (String dir : (System.getenv().getOrDefault("PATH", "") + java.io.File.pathSeparator + "/usr/bin")
                .split(java.io.File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "kubectl");
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    static RenderedOverlay render(Path kubectl, Path overlay) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(kubectl.toString(), "kustomize", overlay.toString()).redirectErrorStream(false).start();
        byte[] out;
        byte[] err;
        try (InputStream o = p.getInputStream(); InputStream e = p.getErrorStream()) {
            out = o.readAllBytes();
            err = e.readAllBytes();
        }
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kubectl kustomize " + overlay + " did not finish in 60 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + overlay + " failed (" + p.exitValue() + "): "
                    + new String(err, StandardCharsets.UTF_8));
        }
        return new RenderedOverlay(overlay.getFileName().toString(),
                new StrictKubernetesReader().read(new String(out, StandardCharsets.UTF_8)));
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> T one(Class<T> type, String name) {
        List<T> found = all(type).stream().filter(o -> o.getMetadata().getName().equals(name)).toList();
        if (found.size() != 1) {
            throw new AssertionError(this.name + ": expected one " + type.getSimpleName() + " named " + name + ", found " + found.size());
        }
        return found.get(0);
    }

    /** The ConfigMap that kustomize generated from {@code base} (its name carries a content hash suffix). */
    io.fabric8.kubernetes.api.model.ConfigMap generated(String base) {
        List<io.fabric8.kubernetes.api.model.ConfigMap> found = all(io.fabric8.kubernetes.api.model.ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().matches(java.util.regex.Pattern.quote(base) + "-[a-z0-9]{10}")).toList();
        if (found.size() != 1) {
            throw new AssertionError(name + ": expected one generated ConfigMap " + base + "-<hash>, found " + found.size());
        }
        return found.get(0);
    }
}
