package dev.lucid.kserve;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * The PEM files of one end of a TLS link: the certificate authority that peers' certificates must chain to,
 * and this end's own certificate and PKCS#8 private key. A client needs the CA (or trusts the JDK's roots without
 * one) and presents its certificate for mutual TLS; a server needs its certificate and key, and the CA to check
 * client certificates.
 *
 * @param ca   CA certificate(s) to trust; null = the JDK's default roots
 * @param cert this end's certificate chain; null = none (a client without mutual TLS)
 * @param key  the private key of {@code cert}; null exactly when {@code cert} is
 */
public record TlsFiles(Path ca, Path cert, Path key) {
    /** The settings every Lucid service reads ({@code lucid.tls.*}, env {@code LUCID_TLS_*}). */
    public static final String CA = "lucid.tls.ca";
    public static final String CERT = "lucid.tls.cert";
    public static final String KEY = "lucid.tls.key";

    public TlsFiles {
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("TLS: a certificate needs its private key and a key its certificate"
                    + " (got " + (cert == null ? "a key only" : "a certificate only") + ")");
        }
        if (ca == null && cert == null) {
            throw new IllegalArgumentException("TLS: neither a CA nor a certificate given");
        }
        for (Path p : new Path[]{ca, cert, key}) {
            if (p != null && !Files.isReadable(p)) {
                throw new IllegalArgumentException("TLS: file " + p + " does not exist or is not readable");
            }
        }
    }

    /** TLS files from three optional paths (blank = unset); empty when all three are unset (plain text). */
    public static Optional<TlsFiles> of(String ca, String cert, String key) {
        Path c = path(ca);
        Path crt = path(cert);
        Path k = path(key);
        if (c == null && crt == null && k == null) {
            return Optional.empty();
        }
        return Optional.of(new TlsFiles(c, crt, k));
    }

    /** TLS files from the {@code lucid.tls.*} settings as a service's configuration resolves them. */
    public static Optional<TlsFiles> fromSettings(Function<String, Optional<String>> setting) {
        return of(setting.apply(CA).orElse(null), setting.apply(CERT).orElse(null), setting.apply(KEY).orElse(null));
    }

    private static Path path(String s) {
        return s == null || s.isBlank() ? null : Path.of(s.trim());
    }

    /** For gRPC clients: trusts {@link #ca}, presents {@link #cert} when there is one (mutual TLS). */
    public SslContext forGrpcClient() {
        try {
            SslContextBuilder b = GrpcSslContexts.forClient();
            if (ca != null) {
                b.trustManager(ca.toFile());
            }
            if (cert != null) {
                b.keyManager(cert.toFile(), key.toFile());
            }
            return b.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS: cannot use " + this + ": " + e.getMessage(), e);
        }
    }

    /** For gRPC servers: serves {@link #cert}; with {@code requireClientCertificates}, only clients whose certificate chains to {@link #ca}. */
    public SslContext forGrpcServer(boolean requireClientCertificates) {
        if (cert == null) {
            throw new IllegalArgumentException("TLS: a server needs a certificate and key (" + CERT + ", " + KEY + ")");
        }
        if (requireClientCertificates && ca == null) {
            throw new IllegalArgumentException("TLS: mutual TLS needs the CA that client certificates chain to (" + CA + ")");
        }
        try {
            SslContextBuilder b = GrpcSslContexts.configure(SslContextBuilder.forServer(cert.toFile(), key.toFile()));
            if (ca != null) {
                b.trustManager(ca.toFile());
            }
            return b.clientAuth(requireClientCertificates ? ClientAuth.REQUIRE : ClientAuth.NONE).build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS: cannot use " + this + ": " + e.getMessage(), e);
        }
    }

    /** For plain TCP clients (Redis): the same trust and client certificate as a JDK socket factory. */
    public SSLSocketFactory socketFactory() {
        try {
            SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK);
            if (ca != null) {
                b.trustManager(ca.toFile());
            }
            if (cert != null) {
                b.keyManager(cert.toFile(), key.toFile());
            }
            return ((JdkSslContext) b.build()).context().getSocketFactory();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException("TLS: cannot use " + this + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TLS files (ca " + ca + ", certificate " + cert + ", key " + (key == null ? "none" : "set") + ")";
    }
}
