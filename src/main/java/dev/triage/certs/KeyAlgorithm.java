package dev.triage.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Key types this package generates, with the signature algorithm each one signs with. */
public enum KeyAlgorithm {
  /** NIST P-256: small keys, fast handshakes, accepted by every Kubernetes API server version. */
  EC_P256("ecdsa-p256", "EC", 256, "SHA256withECDSA"),
  RSA_2048("rsa-2048", "RSA", 2048, "SHA256withRSA"),
  RSA_3072("rsa-3072", "RSA", 3072, "SHA256withRSA");

  public static final KeyAlgorithm DEFAULT = EC_P256;

  private final String label;
  private final String jcaName;
  private final int bits;
  private final String signatureAlgorithm;

  KeyAlgorithm(String label, String jcaName, int bits, String signatureAlgorithm) {
    this.label = label;
    this.jcaName = jcaName;
    this.bits = bits;
    this.signatureAlgorithm = signatureAlgorithm;
  }

  /**
   * The algorithm a command-line label names.
   *
   * @throws IllegalArgumentException listing the labels there are
   */
  public static KeyAlgorithm ofLabel(String label) {
    for (KeyAlgorithm alg : values()) {
      if (alg.label.equals(label)) {
        return alg;
      }
    }
    throw new IllegalArgumentException("unknown key algorithm '" + label + "'; use ecdsa-p256, rsa-2048 or rsa-3072");
  }

  /** How the command line names this algorithm, e.g. {@code ecdsa-p256}. */
  public String label() {
    return label;
  }

  /** JCA name of the signature algorithm used when a key of this type signs a certificate. */
  public String signatureAlgorithm() {
    return signatureAlgorithm;
  }

  public boolean isRsa() {
    return "RSA".equals(jcaName);
  }

  KeyPair generateKeyPair(SecureRandom random) {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance(jcaName);
      if (isRsa()) {
        generator.initialize(bits, random);
      } else {
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
      }
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This Java runtime cannot generate " + this + " keys", e);
    }
  }
}
