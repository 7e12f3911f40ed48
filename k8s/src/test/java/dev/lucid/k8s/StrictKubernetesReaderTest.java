package dev.lucid.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The reader the overlay checks rely on refuses what the Kubernetes API would not know. */
class StrictKubernetesReaderTest {
    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: generator
            spec:
              selector:
                matchLabels: {app: g}
              template:
                metadata:
                  labels: {app: g}
                spec:
                  containers:
                    - name: g
                      image: lucid/generator:0.1.0
                      %s:
                        httpGet: {path: /q/health/live, port: http}
            """;

    @Test
    void aValidDocumentIsTyped() throws IOException {
        List<HasMetadata> objects = new StrictKubernetesReader().read(DEPLOYMENT.formatted("livenessProbe") + "---\n");
        assertEquals(1, objects.size());
        Deployment d = (Deployment) objects.get(0);
        assertEquals("/q/health/live", d.getSpec().getTemplate().getSpec().getContainers().get(0).getLivenessProbe()
                .getHttpGet().getPath());
    }

    @Test
    void aMisspeltFieldIsRefusedWithItsName() {
        IOException e = assertThrows(IOException.class,
                () -> new StrictKubernetesReader().read(DEPLOYMENT.formatted("livenessProbes")));
        assertTrue(e.getMessage().startsWith("apps/v1/Deployment generator: "), e.getMessage());
        assertTrue(e.getMessage().contains("\"livenessProbes\""), e.getMessage());
    }

    @Test
    void anUnknownKindIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new StrictKubernetesReader()
                .read("apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: x}\n"));
        assertEquals("unexpected kind monitoring.coreos.com/v1/ServiceMonitor (x)", e.getMessage());
    }
}
