package dev.lucid.runtime;

import inference.ModelConfigOuterClass.ModelVersionPolicy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Chooses the version directories to serve under a model's version policy (default: the latest one). */
final class VersionSelector {
    private VersionSelector() {
    }

    static List<Long> select(Path modelDir, ModelVersionPolicy policy) throws ModelLoadException {
        List<Long> available = new ArrayList<>();
        try (Stream<Path> s = Files.list(modelDir)) {
            s.filter(Files::isDirectory).forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("[0-9]{1,18}")) {
                    available.add(Long.parseLong(n));
                }
            });
        } catch (IOException e) {
            throw new ModelLoadException("cannot list model directory: " + e.getMessage(), e);
        }
        if (available.isEmpty()) {
            throw new ModelLoadException("no version directory (a numeric folder such as 1/) in " + modelDir.getFileName());
        }
        available.sort(Comparator.reverseOrder());
        List<Long> chosen = new ArrayList<>();
        switch (policy.getPolicyChoiceCase()) {
            case ALL -> chosen.addAll(available);
            case SPECIFIC -> {
                for (long v : policy.getSpecific().getVersionsList()) {
                    if (!available.contains(v)) {
                        throw new ModelLoadException("version policy asks for version " + v + " which does not exist");
                    }
                    chosen.add(v);
                }
            }
            default -> {
                int n = Math.max(1, policy.getLatest().getNumVersions());
                chosen.addAll(available.subList(0, Math.min(n, available.size())));
            }
        }
        chosen.sort(Comparator.reverseOrder());
        return chosen;
    }
}
