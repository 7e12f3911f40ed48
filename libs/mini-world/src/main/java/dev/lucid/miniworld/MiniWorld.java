package dev.lucid.miniworld;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The parts of the mini world's spec ({@code deploy/mini-world/world.json}) that Java code needs. */
public final class MiniWorld {
    /** A position objects can occupy, with its centre in pixels. */
    public record Slot(String name, double x, double y, String phrase) {
    }

    private final String version;
    private final List<String> colors = new ArrayList<>();
    private final List<String> shapes = new ArrayList<>();
    private final List<String> sizes = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final String conceptShape;
    private final JsonNode root;

    private MiniWorld(JsonNode root) {
        this.root = root;
        version = root.path("version").asText();
        root.path("colors").forEach(c -> colors.add(c.path("name").asText()));
        root.path("shapes").forEach(s -> shapes.add(s.path("name").asText()));
        root.path("sizes").forEach(s -> sizes.add(s.path("name").asText()));
        root.path("slots").forEach(s -> slots.add(new Slot(s.path("name").asText(), s.path("x").asDouble(),
                s.path("y").asDouble(), s.path("phrase").asText())));
        conceptShape = root.path("concept").path("shape").asText();
        if (colors.isEmpty() || shapes.isEmpty() || sizes.isEmpty() || slots.isEmpty() || conceptShape.isEmpty()) {
            throw new IllegalArgumentException("world spec lacks colors, shapes, sizes, slots or concept");
        }
    }

    /** Reads world.json. */
    public static MiniWorld load(Path file) throws IOException {
        return new MiniWorld(new ObjectMapper().readTree(file.toFile()));
    }

    public String version() {
        return version;
    }

    public List<String> colors() {
        return List.copyOf(colors);
    }

    public List<String> shapes() {
        return List.copyOf(shapes);
    }

    public List<String> sizes() {
        return List.copyOf(sizes);
    }

    public List<Slot> slots() {
        return List.copyOf(slots);
    }

    /** The shape that is the unsafe concept. */
    public String conceptShape() {
        return conceptShape;
    }

    /** The raw spec, for the parts without a typed accessor yet. */
    public JsonNode spec() {
        return root;
    }
}
