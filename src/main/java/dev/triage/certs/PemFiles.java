package dev.triage.certs;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.pkcs.RSAPrivateKey;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemHeader;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * Reads and writes certificates and private keys as PEM files, the form Kubernetes secrets,
 * cert-manager, OpenSSL and Vert.x all use.
 *
 * <p>Content problems are reported as {@link TlsMaterialException} with a message naming the file;
 * I/O problems (missing file, no permission) stay {@link IOException}s.
 */
public final class PemFiles {
  private static final String CERTIFICATE = "CERTIFICATE";
  private static final String PKCS8_KEY = "PRIVATE KEY";
  private static final String PKCS1_RSA_KEY = "RSA PRIVATE KEY";
  private static final String SEC1_EC_KEY = "EC PRIVATE KEY";
  private static final String ENCRYPTED_PKCS8_KEY = "ENCRYPTED PRIVATE KEY";
  // `openssl ecparam -genkey` writes the curve in a block of its own before the key.
  private static final String EC_PARAMETERS = "EC PARAMETERS";
  private static final Set<String> KEY_TYPES = Set.of(PKCS8_KEY, PKCS1_RSA_KEY, SEC1_EC_KEY, ENCRYPTED_PKCS8_KEY);

  private static final String EXPECTED_CERTIFICATE = "a certificate (-----BEGIN CERTIFICATE-----)";
  private static final String EXPECTED_KEY =
      "a private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)";

  private static final Set<PosixFilePermission> OWNER_READ_WRITE =
      Set.copyOf(PosixFilePermissions.fromString("rw-------"));
  private static final Set<PosixFilePermission> WORLD_READABLE =
      Set.copyOf(PosixFilePermissions.fromString("rw-r--r--"));

  private PemFiles() {}

  /** Writes the certificates, in order, as {@code CERTIFICATE} blocks, replacing {@code file}. */
  public static void writeCertificates(Path file, List<X509Certificate> certificates) throws IOException {
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("No certificates to write to " + file);
    }
    replaceFile(file, encodeCertificates(certificates), WORLD_READABLE);
  }

  /** The certificates, in order, as {@code CERTIFICATE} blocks: what a {@code caBundle} or {@code tls.crt} holds. */
  public static byte[] encodeCertificates(List<X509Certificate> certificates) {
    StringWriter pem = new StringWriter();
    try (PemWriter writer = new PemWriter(pem)) {
      for (X509Certificate certificate : certificates) {
        writer.writeObject(new PemObject(CERTIFICATE, certificate.getEncoded()));
      }
    } catch (CertificateEncodingException e) {
      throw new IllegalArgumentException("Cannot encode certificate " + subjectOf(certificates.get(0)), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return pem.toString().getBytes(US_ASCII);
  }

  /**
   * Writes the key as an unencrypted PKCS#8 {@code PRIVATE KEY} block, replacing {@code file}. On
   * POSIX file systems the file is readable and writable by its owner only (0600) from the moment
   * it is created.
   */
  public static void writePrivateKey(Path file, PrivateKey key) throws IOException {
    replaceFile(file, encodePrivateKey(key), OWNER_READ_WRITE);
  }

  /** The key as an unencrypted PKCS#8 {@code PRIVATE KEY} block. */
  public static byte[] encodePrivateKey(PrivateKey key) {
    byte[] pkcs8 = key.getEncoded();
    if (pkcs8 == null || !"PKCS#8".equals(key.getFormat())) {
      throw new IllegalArgumentException("The " + key.getAlgorithm() + " key cannot be exported as PKCS#8"
          + " (its format is " + key.getFormat() + ")");
    }
    StringWriter pem = new StringWriter();
    try (PemWriter writer = new PemWriter(pem)) {
      writer.writeObject(new PemObject(PKCS8_KEY, pkcs8));
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return pem.toString().getBytes(US_ASCII);
  }

  /**
   * Reads every {@code CERTIFICATE} block in {@code file}, in file order. Other blocks (for example
   * a key in a combined file) are skipped.
   *
   * @throws TlsMaterialException if the file is empty, not PEM, or holds no certificate
   */
  public static List<X509Certificate> readCertificates(Path file) throws IOException {
    return parseCertificates(file.toString(), read(file, EXPECTED_CERTIFICATE));
  }

  /**
   * Like {@link #readCertificates(Path)}, for PEM held in memory (for example a Secret's data).
   *
   * @param file names the source in messages
   */
  public static List<X509Certificate> parseCertificates(String file, byte[] pem) {
    List<PemObject> blocks = pemBlocks(file, pem, EXPECTED_CERTIFICATE,
        "openssl x509 -inform der -in " + file + " -out " + file + ".pem");
    CertificateFactory factory = x509Factory();
    List<X509Certificate> certificates = new ArrayList<>();
    for (PemObject block : blocks) {
      if (!CERTIFICATE.equals(block.getType())) {
        continue;
      }
      try {
        certificates.add((X509Certificate) factory.generateCertificate(
            new ByteArrayInputStream(block.getContent())));
      } catch (CertificateException e) {
        throw new TlsMaterialException("Certificate #" + (certificates.size() + 1) + " in " + file
            + " is not a valid X.509 certificate (" + e.getMessage() + "); replace the file with"
            + " the PEM certificate as issued", e);
      }
    }
    if (certificates.isEmpty()) {
      Set<String> types = typesOf(blocks);
      String swapped = types.stream().anyMatch(KEY_TYPES::contains)
          ? "; it looks like a private key file, so check that the certificate and key paths are not swapped"
          : "";
      throw new TlsMaterialException(file + " contains " + String.join(", ", types)
          + " but no CERTIFICATE" + swapped + "; expected " + EXPECTED_CERTIFICATE);
    }
    return List.copyOf(certificates);
  }

  /**
   * Reads the single unencrypted private key in {@code file}: PKCS#8 ({@code PRIVATE KEY}), PKCS#1
   * ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}, optionally preceded by
   * {@code EC PARAMETERS}).
   *
   * @throws TlsMaterialException if the file is empty, not PEM, holds no key or several keys, or
   *     holds an encrypted key
   */
  public static PrivateKey readPrivateKey(Path file) throws IOException {
    return parsePrivateKey(file.toString(), read(file, EXPECTED_KEY));
  }

  /**
   * Like {@link #readPrivateKey(Path)}, for PEM held in memory.
   *
   * @param file names the source in messages
   */
  public static PrivateKey parsePrivateKey(String file, byte[] pem) {
    List<PemObject> blocks = pemBlocks(file, pem, EXPECTED_KEY,
        "openssl pkey -inform der -in " + file + " -out " + file + ".pem");
    List<PemObject> keys = blocks.stream().filter(block -> KEY_TYPES.contains(block.getType())).toList();
    if (keys.isEmpty()) {
      Set<String> types = typesOf(blocks);
      String swapped = types.contains(CERTIFICATE)
          ? "; it looks like a certificate file, so check that the certificate and key paths are not swapped"
          : "";
      throw new TlsMaterialException(file + " contains " + String.join(", ", types)
          + " but no private key" + swapped + "; expected " + EXPECTED_KEY);
    }
    if (keys.size() > 1) {
      throw new TlsMaterialException(file + " contains " + keys.size() + " private keys; keep only the key"
          + " that belongs to the certificate");
    }
    PemObject key = keys.get(0);
    if (ENCRYPTED_PKCS8_KEY.equals(key.getType()) || isLegacyEncrypted(key)) {
      throw new TlsMaterialException(file + " holds an encrypted private key, and the server has no way to ask"
          + " for its passphrase; decrypt it with `openssl pkey -in " + file + " -out <new file>` and"
          + " protect the new file with permissions 0600 instead");
    }
    PrivateKeyInfo info;
    try {
      info = switch (key.getType()) {
        case PKCS8_KEY -> PrivateKeyInfo.getInstance(key.getContent());
        case PKCS1_RSA_KEY -> new PrivateKeyInfo(
            new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, DERNull.INSTANCE),
            RSAPrivateKey.getInstance(key.getContent()));
        case SEC1_EC_KEY -> sec1ToPkcs8(file, ECPrivateKey.getInstance(key.getContent()), blocks);
        default -> throw new IllegalStateException("unhandled key type " + key.getType());
      };
    } catch (TlsMaterialException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // Bouncy Castle's ASN.1 accessors report malformed structures with assorted unchecked exceptions.
      throw new TlsMaterialException("The " + key.getType() + " block in " + file + " is not a valid key ("
          + e.getMessage() + "); replace the file with the key as generated", e);
    }
    try {
      return new JcaPEMKeyConverter().getPrivateKey(info);
    } catch (PEMException e) {
      throw new TlsMaterialException("The private key in " + file + " cannot be used by this Java runtime ("
          + e.getMessage() + "); use an EC (P-256, P-384) or RSA key", e);
    }
  }

  /**
   * Refuses a private key that does not belong to the certificate, by comparing the public key
   * derived from the private key with the certificate's public key.
   *
   * @throws TlsMaterialException if they do not match or the key type is unsupported
   */
  public static void checkPair(X509Certificate certificate, PrivateKey key) {
    if (!MatchingKeys.belongTogether(certificate.getPublicKey(), key)) {
      throw new TlsMaterialException("The " + key.getAlgorithm() + " private key does not belong to the"
          + " certificate for " + subjectOf(certificate) + ": their public keys differ. Use the key that"
          + " was generated together with this certificate.");
    }
  }

  /**
   * Loads a serving certificate (chain, serving certificate first) and its key, and refuses them
   * unless the key belongs to the certificate and the certificate is valid at {@code clock}'s
   * current instant.
   *
   * @throws TlsMaterialException with a message naming the files and what to change
   */
  public static ServingCertificate loadServingPair(Path certFile, Path keyFile, Clock clock) throws IOException {
    ServingCertificate pair = loadPair(certFile, keyFile);
    checkValidity(certFile.toString(), pair.certificate(), clock.instant());
    return pair;
  }

  /** Like {@link #pair}, read from the files: a chain and the key of its first certificate, whatever their dates. */
  public static ServingCertificate loadPair(Path certFile, Path keyFile) throws IOException {
    return pair(certFile.toString(), read(certFile, EXPECTED_CERTIFICATE), keyFile.toString(), read(keyFile, EXPECTED_KEY));
  }

  /**
   * Like {@link #loadServingPair(Path, Path, Clock)}, for PEM held in memory, checked at {@code now}.
   *
   * @param certFile names the certificate's source in messages
   * @param keyFile names the key's source in messages
   */
  public static ServingCertificate servingPair(String certFile, byte[] certPem, String keyFile, byte[] keyPem,
      Instant now) {
    ServingCertificate pair = pair(certFile, certPem, keyFile, keyPem);
    checkValidity(certFile, pair.certificate(), now);
    return pair;
  }

  /**
   * A certificate chain and the private key of its first certificate, whatever their dates: for
   * stored material that rotation, not the reader, decides about.
   */
  public static ServingCertificate pair(String certFile, byte[] certPem, String keyFile, byte[] keyPem) {
    List<X509Certificate> chain = parseCertificates(certFile, certPem);
    PrivateKey key = parsePrivateKey(keyFile, keyPem);
    X509Certificate leaf = chain.get(0);
    boolean matches;
    try {
      matches = MatchingKeys.belongTogether(leaf.getPublicKey(), key);
    } catch (TlsMaterialException e) {
      throw new TlsMaterialException(keyFile + ": " + e.getMessage(), e);
    }
    if (!matches) {
      throw new TlsMaterialException(mismatchMessage(certFile, keyFile, chain, key));
    }
    return new ServingCertificate(chain, key);
  }

  private static String mismatchMessage(String certFile, String keyFile, List<X509Certificate> chain, PrivateKey key) {
    String message = "The private key in " + keyFile + " does not belong to the certificate in " + certFile
        + " (" + subjectOf(chain.get(0)) + "): their public keys differ.";
    for (int i = 1; i < chain.size(); i++) {
      if (MatchingKeys.belongTogether(chain.get(i).getPublicKey(), key)) {
        return message + " The key belongs to certificate #" + (i + 1) + " in " + certFile
            + "; put the serving certificate first in that file, followed by its issuers.";
      }
    }
    return message + " Pass the key that was generated together with this certificate, or the certificate"
        + " that was issued for this key.";
  }

  private static void checkValidity(String certFile, X509Certificate certificate, Instant now) {
    Instant notBefore = certificate.getNotBefore().toInstant();
    Instant notAfter = certificate.getNotAfter().toInstant();
    if (now.isAfter(notAfter)) {
      throw new TlsMaterialException("The certificate in " + certFile + " (" + subjectOf(certificate)
          + ") expired on " + notAfter + " (notAfter); replace it with a renewed certificate");
    }
    if (now.isBefore(notBefore)) {
      throw new TlsMaterialException("The certificate in " + certFile + " (" + subjectOf(certificate)
          + ") is not valid before " + notBefore + " (notBefore); check this machine's clock, which reads "
          + now + ", or wait until then");
    }
  }

  private static byte[] read(Path file, String expected) throws IOException {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new NoSuchFileException(file.toString(), null, "no such file; expected " + expected);
    }
  }

  private static List<PemObject> pemBlocks(String file, byte[] bytes, String expected, String derConversion) {
    // ISO-8859-1 maps every byte to a char, so binary content reaches the checks below undamaged.
    String text = new String(bytes, ISO_8859_1);
    if (text.isBlank()) {
      throw new TlsMaterialException(file + " is empty; expected " + expected);
    }
    List<PemObject> blocks = new ArrayList<>();
    try (PemReader reader = new PemReader(new StringReader(text))) {
      for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
        blocks.add(block);
      }
    } catch (IOException | RuntimeException e) {
      // PemReader signals malformed base64 with unchecked exceptions.
      throw new TlsMaterialException(
          file + " is not valid PEM (" + e.getMessage() + "); expected " + expected, e);
    }
    if (blocks.isEmpty()) {
      // A DER structure always starts with a SEQUENCE tag.
      String hint = bytes[0] == 0x30
          ? " It looks like binary DER; convert it with `" + derConversion + "`."
          : "";
      throw new TlsMaterialException(file + " is not PEM: it has no -----BEGIN ...----- line; expected "
          + expected + "." + hint);
    }
    return blocks;
  }

  private static PrivateKeyInfo sec1ToPkcs8(String file, ECPrivateKey key, List<PemObject> blocks) throws IOException {
    key.getKey(); // fails on a structure that holds no key at all, before the curve is looked for
    ASN1Encodable curve = key.getParametersObject();
    if (curve == null) {
      for (PemObject block : blocks) {
        if (EC_PARAMETERS.equals(block.getType())) {
          curve = ASN1Primitive.fromByteArray(block.getContent());
        }
      }
    }
    if (curve == null) {
      throw new TlsMaterialException("The EC PRIVATE KEY in " + file + " does not name its curve; convert it"
          + " to PKCS#8 with `openssl pkey -in " + file + " -out <new file>`");
    }
    return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), key);
  }

  private static boolean isLegacyEncrypted(PemObject block) {
    for (Object header : block.getHeaders()) {
      PemHeader pemHeader = (PemHeader) header;
      if ("Proc-Type".equalsIgnoreCase(pemHeader.getName()) && pemHeader.getValue().contains("ENCRYPTED")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Writes {@code content} to a new sibling file created with {@code permissions}, then renames it
   * over {@code file}. The permissions apply from the moment the file exists, so a key is never
   * readable by others, not even briefly, and readers never see a half-written file.
   */
  private static void replaceFile(Path file, byte[] content, Set<PosixFilePermission> permissions)
      throws IOException {
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    FileAttribute<?>[] attributes = dir.getFileSystem().supportedFileAttributeViews().contains("posix")
        ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
        : new FileAttribute<?>[0];
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp", attributes);
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  private static Set<String> typesOf(List<PemObject> blocks) {
    Set<String> types = new LinkedHashSet<>();
    for (PemObject block : blocks) {
      types.add(block.getType());
    }
    return types;
  }

  private static String subjectOf(X509Certificate certificate) {
    String subject = certificate.getSubjectX500Principal().getName();
    return subject.isEmpty() ? "an empty subject" : subject;
  }

  private static CertificateFactory x509Factory() {
    try {
      return CertificateFactory.getInstance("X.509");
    } catch (CertificateException e) {
      throw new IllegalStateException("This Java runtime has no X.509 certificate support", e);
    }
  }
}
