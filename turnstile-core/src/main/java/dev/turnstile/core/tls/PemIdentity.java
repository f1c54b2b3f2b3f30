package dev.turnstile.core.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server identity read from PEM files as operators have them: a certificate chain (leaf first,
 * as an ACME client or {@code openssl req -x509} writes it) and the leaf's private key in PKCS#8
 * ({@code -----BEGIN PRIVATE KEY-----}; RSA, EC, Ed25519 or Ed448). The traditional OpenSSL forms
 * ({@code BEGIN RSA PRIVATE KEY}, {@code BEGIN EC PRIVATE KEY}) and encrypted keys are refused
 * with the {@code openssl pkcs8 -topk8 -nocrypt} line that converts them. The key is checked
 * against the certificate (a signature made with one is verified with the other), so a
 * mismatched pair fails at start, not at the first handshake.
 *
 * <p>Stateless; each call reads the files again.
 */
public final class PemIdentity {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([\\s\\S]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS", "EdDSA"};

    private PemIdentity() {
    }

    /**
     * A PKCS#12-style in-memory key store holding one entry, alias {@code server}, with the key
     * from {@code keyFile} under {@code password} and the chain from {@code certificateFile}.
     *
     * @throws TlsSetupException naming the file and what is wrong with it
     */
    public static KeyStore load(Path certificateFile, Path keyFile, char[] password) {
        List<X509Certificate> chain = certificates(certificateFile);
        PrivateKey key = privateKey(keyFile);
        requireMatch(key, chain.getFirst(), certificateFile, keyFile);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, password, chain.toArray(new Certificate[0]));
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot hold the key from " + keyFile + " with the certificate from "
                    + certificateFile + ": " + e.getMessage(), e);
        }
    }

    /** The certificates in a PEM file, in file order; at least one. */
    static List<X509Certificate> certificates(Path file) {
        String text = read(file, "certificate");
        List<X509Certificate> chain = new ArrayList<>();
        CertificateFactory factory;
        try {
            factory = CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException("the JDK has no X.509 certificate factory", e);
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            if (!m.group(1).equals("CERTIFICATE")) {
                continue; // a key or parameters in the same file: not ours to read here
            }
            try {
                chain.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m, file))));
            } catch (CertificateException e) {
                throw new TlsSetupException("the certificate file " + file + " holds a certificate that cannot be read: "
                        + e.getMessage(), e);
            }
        }
        if (chain.isEmpty()) {
            throw new TlsSetupException("the certificate file " + file + " holds no PEM certificate"
                    + " (-----BEGIN CERTIFICATE-----)");
        }
        return chain;
    }

    /** The one private key in a PEM file, PKCS#8 unencrypted. */
    static PrivateKey privateKey(Path file) {
        String text = read(file, "private key");
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            switch (type) {
                case "PRIVATE KEY" -> {
                    return pkcs8(decode(m, file), file);
                }
                case "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw new TlsSetupException("the key file " + file
                        + " holds a traditional OpenSSL key (" + type + "); turnstile reads PKCS#8 keys. Convert it"
                        + " with: openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem");
                case "ENCRYPTED PRIVATE KEY" -> throw new TlsSetupException("the key file " + file
                        + " holds an encrypted key; give an unencrypted PKCS#8 key (keep it readable by the server only):"
                        + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key-pkcs8.pem, or use a PKCS#12 key store");
                default -> {
                    // a certificate or parameters next to the key: skip
                }
            }
        }
        throw new TlsSetupException("the key file " + file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
                // not this algorithm: try the next
            }
        }
        throw new TlsSetupException("the key file " + file + " holds a PKCS#8 key of no supported algorithm"
                + " (RSA, EC, Ed25519, Ed448)");
    }

    /** Signs a few bytes with the key and verifies them with the certificate's public key. */
    private static void requireMatch(PrivateKey key, X509Certificate leaf, Path certificateFile, Path keyFile) {
        PublicKey publicKey = leaf.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> null; // its parameters live in the key; the handshake checks it
            default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA sign under their own names
        };
        if (algorithm == null) {
            return;
        }
        boolean matches;
        try {
            byte[] probe = "turnstile key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            matches = false; // a key of another algorithm than the certificate's
        }
        if (!matches) {
            throw new TlsSetupException("the private key in " + keyFile + " does not belong to the first certificate in "
                    + certificateFile + " (" + leaf.getSubjectX500Principal().getName() + ")");
        }
    }

    private static byte[] decode(Matcher m, Path file) {
        try {
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new TlsSetupException("the PEM file " + file + " has a " + m.group(1) + " block that is not base64", e);
        }
    }

    private static String read(Path file, String what) {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new TlsSetupException("the " + what + " file " + file + " does not exist", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new TlsSetupException("the " + what + " file " + file + " cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new TlsSetupException("the " + what + " file " + file + " cannot be read: " + e.getMessage(), e);
        }
    }
}
