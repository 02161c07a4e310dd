package dev.triage.certs;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;

/** Key types this package generates, with the signature algorithm each one signs with. */
public enum KeyAlgorithm {
  /** NIST P-256: small keys, fast handshakes, accepted by every Kubernetes API server version. */
  EC_P256("EC", 256, "SHA256withECDSA"),
  RSA_2048("RSA", 2048, "SHA256withRSA"),
  RSA_3072("RSA", 3072, "SHA256withRSA");

  public static final KeyAlgorithm DEFAULT = EC_P256;

  private final String jcaName;
  private final int bits;
  private final String signatureAlgorithm;

  KeyAlgorithm(String jcaName, int bits, String signatureAlgorithm) {
    this.jcaName = jcaName;
    this.bits = bits;
    this.signatureAlgorithm = signatureAlgorithm;
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
