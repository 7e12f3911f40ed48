package dev.lucid.k8s;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Renders k8s/overlays/cpu and k8s/overlays/gpu with {@code kubectl kustomize}, reads every object into
 * fabric8's typed model (unknown fields refused) and checks what a deployment of Lucid needs.
 */
class OverlaysTest {
    static final List<String> MESH = List.of("sampler", "generator", "safety", "utility", "coordinator");
    static final String NAMESPACE = "lucid";
    static Path root;
    static RenderedOverlay cpu;
    static RenderedOverlay gpu;

    @BeforeAll
    static void render() throws Exception {
        root = Path.of(System.getProperty("lucid.repo.root", Path.of("").toAbsolutePath().getParent().toString()));
        var kubectl = RenderedOverlay.kubectl();
        if (kubectl.isEmpty()) {
            System.err.println("OverlaysTest SKIPPED: kubectl is not on this machine (PATH or /usr/bin/kubectl); "
                    + "the overlays were not rendered or checked");
        }
        if (kubectl.isPresent()) {
            cpu = RenderedOverlay.render(kubectl.get(), root.resolve("k8s/overlays/cpu"));
            gpu = RenderedOverlay.render(kubectl.get(), root.resolve("k8s/overlays/gpu"));
        }
    }

    /** Each test is reported as skipped (not dropped from the counts) where kubectl is absent. */
    @BeforeEach
    void requireRenderedOverlays() {
        Assumptions.assumeTrue(cpu != null && gpu != null, "kubectl is not on this machine: overlays not rendered");
    }

    static Stream<RenderedOverlay> both() {
        return Stream.of(cpu, gpu);
    }

    static List<Container> containers(PodSpec spec) {
        List<Container> all = new ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            all.addAll(spec.getInitContainers());
        }
        return all;
    }

    static List<PodTemplateSpec> templates(RenderedOverlay o) {
        List<PodTemplateSpec> t = new ArrayList<>();
        o.all(Deployment.class).forEach(d -> t.add(d.getSpec().getTemplate()));
        o.all(StatefulSet.class).forEach(s -> t.add(s.getSpec().getTemplate()));
        return t;
    }

    @Test
    void everyObjectIsTypedAndNamespaced() {
        both().forEach(o -> {
            assertTrue(o.objects().size() > 30, o.name() + " renders " + o.objects().size() + " objects");
            for (HasMetadata m : o.objects()) {
                if (!(m instanceof io.fabric8.kubernetes.api.model.Namespace)) {
                    assertEquals(NAMESPACE, m.getMetadata().getNamespace(), o.name() + ": " + m.getKind() + " " + m.getMetadata().getName());
                }
            }
        });
    }

    @Test
    void everyServiceHasADeploymentAndAServiceWithNamedPortsProbesAndResources() {
        Map<String, List<String>> services = Map.of("cpu", concat(MESH, "inference"), "gpu", concat(MESH, "triton"));
        both().forEach(o -> {
            Set<String> deployments = new TreeSet<>();
            o.all(Deployment.class).forEach(d -> deployments.add(d.getMetadata().getName()));
            assertEquals(new TreeSet<>(services.get(o.name())), deployments, o.name() + " deployments");
            for (String name : services.get(o.name())) {
                String where = o.name() + "/" + name;
                Deployment d = o.one(Deployment.class, name);
                Service s = o.one(Service.class, name);
                Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
                assertEquals(d.getSpec().getSelector().getMatchLabels(), s.getSpec().getSelector(), where + ": service selects the pods");
                assertTrue(podLabels.entrySet().containsAll(s.getSpec().getSelector().entrySet()), where);
                Container c = d.getSpec().getTemplate().getSpec().getContainers().get(0);
                Set<String> portNames = new HashSet<>();
                for (ContainerPort p : c.getPorts()) {
                    assertNotNull(p.getName(), where + ": container port " + p.getContainerPort() + " is named");
                    portNames.add(p.getName());
                }
                assertTrue(portNames.containsAll(Set.of("grpc", "http")), where + " ports " + portNames);
                for (ServicePort p : s.getSpec().getPorts()) {
                    assertNotNull(p.getName(), where + ": service port " + p.getPort() + " is named");
                    assertTrue(portNames.contains(p.getTargetPort().getStrVal()), where + ": service port " + p.getName()
                            + " targets a named container port");
                }
                for (Probe probe : List.of(c.getLivenessProbe(), c.getReadinessProbe(), c.getStartupProbe())) {
                    assertNotNull(probe, where + ": liveness, readiness and startup probes");
                    assertTrue(portNames.contains(probe.getHttpGet().getPort().getStrVal()), where + ": probe port");
                }
                String health = name.equals("triton") ? "/v2/health/" : "/q/health/";
                assertEquals(health + "live", c.getLivenessProbe().getHttpGet().getPath(), where);
                assertEquals(health + "ready", c.getReadinessProbe().getHttpGet().getPath(), where);
                for (String r : List.of("cpu", "memory")) {
                    Quantity req = c.getResources().getRequests().get(r);
                    Quantity lim = c.getResources().getLimits().get(r);
                    assertNotNull(req, where + " requests " + r);
                    assertNotNull(lim, where + " limits " + r);
                    assertTrue(lim.getNumericalAmount().compareTo(req.getNumericalAmount()) >= 0, where + ": limit >= request for " + r);
                }
                Map<String, String> ann = d.getSpec().getTemplate().getMetadata().getAnnotations();
                assertEquals("true", ann.get("prometheus.io/scrape"), where);
                int scrapePort = Integer.parseInt(ann.get("prometheus.io/port"));
                assertTrue(c.getPorts().stream().anyMatch(p -> p.getContainerPort() == scrapePort), where + ": scrape port is a container port");
                assertEquals(name.equals("triton") ? "/metrics" : "/q/metrics", ann.get("prometheus.io/path"), where);
                o.one(PodDisruptionBudget.class, name);
            }
        });
    }

    static List<String> concat(List<String> l, String extra) {
        List<String> out = new ArrayList<>(l);
        out.add(extra);
        return out;
    }

    @Test
    void meshPortsAreTheServicesConfiguredOnes() {
        Map<String, List<Integer>> ports = Map.of("sampler", List.of(9100, 8100), "generator", List.of(9101, 8101),
                "safety", List.of(9102, 8102), "utility", List.of(9103, 8103), "coordinator", List.of(9104, 8104),
                "inference", List.of(8001, 8002));
        ports.forEach((name, p) -> {
            RenderedOverlay o = name.equals("inference") ? cpu : gpu;
            Service s = o.one(Service.class, name);
            assertEquals(p.get(0), port(s, "grpc"), name + " grpc");
            assertEquals(p.get(1), port(s, "http"), name + " http");
        });
        Service triton = gpu.one(Service.class, "triton");
        assertEquals(List.of(8000, 8001, 8002), List.of(port(triton, "http"), port(triton, "grpc"), port(triton, "metrics")));
    }

    static int port(Service s, String name) {
        return s.getSpec().getPorts().stream().filter(p -> p.getName().equals(name)).findFirst().orElseThrow().getPort();
    }

    @Test
    void onlyTheGpuOverlayRequestsAGpuAndItsTritonIsConfigured() {
        Container triton = gpu.one(Deployment.class, "triton").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(new Quantity("1"), triton.getResources().getLimits().get("nvidia.com/gpu"));
        assertEquals(new Quantity("1"), triton.getResources().getRequests().get("nvidia.com/gpu"));
        assertTrue(triton.getImage().startsWith("nvcr.io/nvidia/tritonserver:"), triton.getImage());
        assertTrue(triton.getArgs().contains("--model-repository=/models"), triton.getArgs().toString());
        assertTrue(triton.getArgs().stream().anyMatch(a -> a.startsWith("--model-control-mode=")), triton.getArgs().toString());
        PodSpec spec = gpu.one(Deployment.class, "triton").getSpec().getTemplate().getSpec();
        String claim = spec.getVolumes().stream().filter(v -> v.getName().equals("models")).findFirst().orElseThrow()
                .getPersistentVolumeClaim().getClaimName();
        gpu.one(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, claim);
        // The generator reads the components models' tokenizers from a volume of their own.
        PodSpec generator = gpu.one(Deployment.class, "generator").getSpec().getTemplate().getSpec();
        String tokenizers = generator.getVolumes().stream().filter(v -> v.getName().equals("tokenizers")).findFirst()
                .orElseThrow().getPersistentVolumeClaim().getClaimName();
        gpu.one(io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class, tokenizers);
        for (PodTemplateSpec t : templates(cpu)) {
            for (Container c : containers(t.getSpec())) {
                assertFalse(c.getResources().getLimits().containsKey("nvidia.com/gpu"), "cpu overlay: " + c.getName());
            }
        }
        long gpuContainers = templates(gpu).stream().flatMap(t -> containers(t.getSpec()).stream())
                .filter(c -> c.getResources().getLimits().containsKey("nvidia.com/gpu")).count();
        assertEquals(1, gpuContainers, "only Triton takes a GPU");
    }

    @Test
    void generatorAndScorersTalkToTheOverlaysBackendAndTheAutoscalerScalesIt() {
        for (String worker : List.of("generator", "safety", "utility")) {
            String key = worker.equals("generator") ? "lucid.generator.backend-host=" : "lucid.scorers.backend-host=";
            assertTrue(cpu.generated(worker + "-config").getData().get("application.properties").contains(key + "inference\n"), worker);
            assertTrue(gpu.generated(worker + "-config").getData().get("application.properties").contains(key + "triton\n"), worker);
        }
        String coordinator = cpu.generated("coordinator-config").getData().get("application.properties");
        assertTrue(coordinator.contains("lucid.autoscaler.targets.backend.deployment=inference\n"));
        Container gpuCoordinator = gpu.one(Deployment.class, "coordinator").getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals("triton", gpuCoordinator.getEnv().stream().filter(e -> e.getName().equals("LUCID_AUTOSCALER_TARGETS_BACKEND_DEPLOYMENT"))
                .findFirst().orElseThrow().getValue());
        // the backend is what the coordinator owns; the workers belong to their HPAs
        assertEquals("backlog", cpu.one(Deployment.class, "inference").getMetadata().getAnnotations().get("lucid.dev/autoscale"));
        assertEquals("backlog", gpu.one(Deployment.class, "triton").getMetadata().getAnnotations().get("lucid.dev/autoscale"));
        for (String w : List.of("generator", "safety", "utility")) {
            assertEquals("hpa", cpu.one(Deployment.class, w).getMetadata().getAnnotations().get("lucid.dev/autoscale"));
        }
    }

    @Test
    void theBacklogComponentHandsTheWorkersFromTheirHpasToTheCoordinator() throws Exception {
        // kustomize wants relative paths: a throw-away overlay under k8s/target combining cpu and the component
        Path dir = root.resolve("k8s/target/component-check");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources:\n  - ../../overlays/cpu\ncomponents:\n  - ../../components/backlog-autoscaling\n");
        RenderedOverlay o = RenderedOverlay.render(RenderedOverlay.kubectl().orElseThrow(), dir);
        assertTrue(o.all(HorizontalPodAutoscaler.class).isEmpty(), "no HPA left");
        for (String w : List.of("generator", "safety", "utility", "inference")) {
            assertEquals("backlog", o.one(Deployment.class, w).getMetadata().getAnnotations().get("lucid.dev/autoscale"), w);
        }
        assertEquals("none", o.one(Deployment.class, "coordinator").getMetadata().getAnnotations().get("lucid.dev/autoscale"));
        String config = o.generated("coordinator-config").getData().get("application.properties");
        for (String w : List.of("generator", "safety", "utility")) {
            assertTrue(config.contains("lucid.autoscaler.targets." + w + ".deployment=" + w + "\n"), "the coordinator scales " + w);
        }
    }

    @Test
    void theMutualTlsComponentGivesEveryServiceAndRedisTheSecretsFiles() throws Exception {
        Path dir = root.resolve("k8s/target/mutual-tls-check");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\n"
                + "kind: Kustomization\nresources:\n  - ../../overlays/cpu\ncomponents:\n  - ../../components/mutual-tls\n");
        RenderedOverlay o = RenderedOverlay.render(RenderedOverlay.kubectl().orElseThrow(), dir);
        Map<String, String> expected = Map.of("LUCID_TLS_CA", "/etc/lucid/tls/ca.crt", "LUCID_TLS_CERT", "/etc/lucid/tls/tls.crt",
                "LUCID_TLS_KEY", "/etc/lucid/tls/tls.key", "LUCID_TLS_CLIENT_AUTH", "REQUIRED",
                "LUCID_TLS_TRUST_STORE", "/etc/lucid/tls/ca.p12");
        for (String name : List.of("sampler", "generator", "safety", "utility", "coordinator", "inference")) {
            PodSpec pod = o.one(Deployment.class, name).getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getSecret() != null && "lucid-tls".equals(v.getSecret().getSecretName())
                    && "tls".equals(v.getName())), name + " mounts the secret");
            assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getName().equals("tls") && m.getMountPath().equals("/etc/lucid/tls")
                    && Boolean.TRUE.equals(m.getReadOnly())), name);
            expected.forEach((k, v) -> assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals(k) && v.equals(e.getValue())), name + " " + k));
            var password = c.getEnv().stream().filter(e -> e.getName().equals("LUCID_TLS_TRUST_STORE_PASSWORD")).findFirst().orElseThrow();
            assertEquals(null, password.getValue(), "never a literal");
            assertEquals("lucid-tls", password.getValueFrom().getSecretKeyRef().getName());
            assertEquals("trust-store-password", password.getValueFrom().getSecretKeyRef().getKey());
            assertEquals("http", c.getReadinessProbe().getHttpGet().getPort().getStrVal(), name + ": probes stay plain HTTP");
            assertEquals(name.equals("coordinator"), c.getEnv().stream().anyMatch(e -> e.getName().equals("LUCID_COORDINATOR_REDIS_TLS")
                    && "true".equals(e.getValue())), name);
        }
        StatefulSet redis = o.one(StatefulSet.class, "redis");
        Container r = redis.getSpec().getTemplate().getSpec().getContainers().get(0);
        String args = String.join(" ", r.getArgs());
        assertTrue(args.contains("--port 0 --tls-port 6379") && args.contains("--tls-auth-clients yes")
                && args.contains("--appendonly yes"), args);
        for (Probe p : List.of(r.getLivenessProbe(), r.getReadinessProbe(), r.getStartupProbe())) {
            assertTrue(String.join(" ", p.getExec().getCommand()).startsWith("redis-cli --tls --cacert /etc/lucid/tls/ca.crt --cert"),
                    p.getExec().getCommand().toString());
        }
    }

    @Test
    void theCoordinatorMayReadDeploymentsAndPatchTheirScaleAndNothingElse() {
        both().forEach(o -> {
            List<Role> roles = o.all(Role.class);
            assertEquals(1, roles.size(), o.name() + ": one Role");
            Set<String> rules = new TreeSet<>();
            for (PolicyRule r : roles.get(0).getRules()) {
                assertTrue(r.getResourceNames() == null || r.getResourceNames().isEmpty());
                assertTrue(r.getNonResourceURLs() == null || r.getNonResourceURLs().isEmpty());
                for (String g : r.getApiGroups()) {
                    for (String res : r.getResources()) {
                        for (String v : r.getVerbs()) {
                            rules.add(g + "/" + res + ":" + v);
                        }
                    }
                }
            }
            assertEquals(new TreeSet<>(Set.of("apps/deployments:get", "apps/deployments:list", "apps/deployments:watch",
                    "apps/deployments/scale:get", "apps/deployments/scale:patch")), rules, o.name());
            RoleBinding b = o.one(RoleBinding.class, "coordinator-autoscaler");
            assertEquals("Role", b.getRoleRef().getKind());
            assertEquals(roles.get(0).getMetadata().getName(), b.getRoleRef().getName());
            assertEquals(1, b.getSubjects().size());
            assertEquals("ServiceAccount", b.getSubjects().get(0).getKind());
            assertEquals("coordinator", b.getSubjects().get(0).getName());
            assertEquals(NAMESPACE, b.getSubjects().get(0).getNamespace());
            o.one(io.fabric8.kubernetes.api.model.ServiceAccount.class, "coordinator");
            assertEquals(0, o.objects().stream().filter(m -> m.getKind().startsWith("Cluster")).count(), "nothing cluster-wide");
            for (Deployment d : o.all(Deployment.class)) {
                PodSpec spec = d.getSpec().getTemplate().getSpec();
                if (d.getMetadata().getName().equals("coordinator")) {
                    assertEquals("coordinator", spec.getServiceAccountName());
                } else {
                    assertEquals(Boolean.FALSE, spec.getAutomountServiceAccountToken(), d.getMetadata().getName() + " needs no API token");
                }
            }
        });
    }

    @Test
    void everyImageHasAPinnedTagAndEveryLucidImageADockerfile() {
        both().forEach(o -> {
            for (PodTemplateSpec t : templates(o)) {
                for (Container c : containers(t.getSpec())) {
                    String image = c.getImage();
                    String last = image.substring(image.lastIndexOf('/') + 1);
                    assertTrue(last.contains(":") || image.contains("@sha256:"), o.name() + ": " + image + " has no tag");
                    String tag = last.substring(last.indexOf(':') + 1);
                    assertFalse(tag.equals("latest") || tag.isBlank(), o.name() + ": " + image + " is not pinned");
                    if (image.startsWith("lucid/")) {
                        String service = last.substring(0, last.indexOf(':'));
                        Path dockerfile = root.resolve("services/" + service + "/src/main/docker/Dockerfile.jvm");
                        assertTrue(Files.isRegularFile(dockerfile), "no Dockerfile for " + image + " at " + dockerfile);
                    }
                }
            }
        });
    }

    @Test
    void redisKeepsAnAppendOnlyFileOnAVolumeClaim() {
        both().forEach(o -> {
            StatefulSet redis = o.one(StatefulSet.class, "redis");
            List<String> args = redis.getSpec().getTemplate().getSpec().getContainers().get(0).getArgs();
            assertEquals("yes", args.get(args.indexOf("--appendonly") + 1));
            assertEquals("/data", args.get(args.indexOf("--dir") + 1));
            assertEquals("data", redis.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName());
            assertEquals("/data", redis.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts().stream()
                    .filter(m -> m.getName().equals("data")).findFirst().orElseThrow().getMountPath());
            assertEquals(6379, port(o.one(Service.class, "redis"), "redis"));
        });
    }

    @Test
    void hpasScaleTheThinWorkersOnCpuAndEveryConfigMapVolumeExists() {
        both().forEach(o -> {
            Set<String> scaled = new TreeSet<>();
            for (HorizontalPodAutoscaler h : o.all(HorizontalPodAutoscaler.class)) {
                assertEquals("Deployment", h.getSpec().getScaleTargetRef().getKind());
                o.one(Deployment.class, h.getSpec().getScaleTargetRef().getName());
                assertEquals("cpu", h.getSpec().getMetrics().get(0).getResource().getName());
                assertTrue(h.getSpec().getMinReplicas() >= 1 && h.getSpec().getMaxReplicas() >= h.getSpec().getMinReplicas());
                scaled.add(h.getSpec().getScaleTargetRef().getName());
            }
            assertEquals(new TreeSet<>(Set.of("generator", "safety", "utility")), scaled, o.name());
            Set<String> configMaps = new HashSet<>();
            o.all(ConfigMap.class).forEach(c -> configMaps.add(c.getMetadata().getName()));
            for (PodTemplateSpec t : templates(o)) {
                if (t.getSpec().getVolumes() == null) {
                    continue;
                }
                t.getSpec().getVolumes().stream().filter(v -> v.getConfigMap() != null && !Boolean.TRUE.equals(v.getConfigMap().getOptional()))
                        .forEach(v -> assertTrue(configMaps.contains(v.getConfigMap().getName()), o.name() + ": ConfigMap "
                                + v.getConfigMap().getName()));
            }
        });
    }

    @Test
    void networkPoliciesDenyEverythingButTheMeshsOwnTraffic() {
        both().forEach(o -> {
            NetworkPolicy deny = o.one(NetworkPolicy.class, "default-deny");
            assertTrue(deny.getSpec().getPodSelector().getMatchLabels() == null || deny.getSpec().getPodSelector().getMatchLabels().isEmpty());
            assertEquals(List.of("Ingress", "Egress"), deny.getSpec().getPolicyTypes());
            assertTrue(deny.getSpec().getIngress() == null || deny.getSpec().getIngress().isEmpty());
            // the model backend admits gRPC from the generator and scorers only
            NetworkPolicy backend = o.one(NetworkPolicy.class, "model-backend-from-workers");
            assertEquals(Map.of("lucid.dev/role", "model-backend"), backend.getSpec().getPodSelector().getMatchLabels());
            assertEquals(List.of("generator", "safety", "utility"), backend.getSpec().getIngress().get(0).getFrom().get(0)
                    .getPodSelector().getMatchExpressions().get(0).getValues());
            String backendName = o.name().equals("cpu") ? "inference" : "triton";
            assertEquals("model-backend", o.one(Deployment.class, backendName).getSpec().getTemplate().getMetadata().getLabels()
                    .get("lucid.dev/role"));
            // Redis admits the coordinator only
            NetworkPolicy redis = o.one(NetworkPolicy.class, "redis-from-coordinator");
            assertEquals(Map.of("app.kubernetes.io/name", "coordinator"), redis.getSpec().getIngress().get(0).getFrom().get(0)
                    .getPodSelector().getMatchLabels());
        });
    }
}
