package dev.triage.certs;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECField;
import java.security.spec.ECFieldFp;
import java.security.spec.ECParameterSpec;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Decides whether a private key belongs to a public key by deriving the public half from the
 * private key and comparing, rather than trusting any public key stored alongside the private one.
 */
final class MatchingKeys {
  private MatchingKeys() {}

  /**
   * @throws TlsMaterialException if the key type is neither RSA nor EC over a prime field
   */
  static boolean belongTogether(PublicKey publicKey, PrivateKey privateKey) {
    if (privateKey instanceof RSAPrivateKey rsaPrivate) {
      return publicKey instanceof RSAPublicKey rsaPublic && rsaMatches(rsaPublic, rsaPrivate);
    }
    if (privateKey instanceof ECPrivateKey ecPrivate) {
      return publicKey instanceof ECPublicKey ecPublic && ecMatches(ecPublic, ecPrivate);
    }
    throw new TlsMaterialException("Private keys of type " + privateKey.getAlgorithm()
        + " are not supported; use an EC (P-256, P-384) or RSA key");
  }

  private static boolean rsaMatches(RSAPublicKey publicKey, RSAPrivateKey privateKey) {
    if (!publicKey.getModulus().equals(privateKey.getModulus())) {
      return false;
    }
    // Only CRT keys (what every common tool writes) carry the public exponent.
    return !(privateKey instanceof RSAPrivateCrtKey crt)
        || crt.getPublicExponent().equals(publicKey.getPublicExponent());
  }

  private static boolean ecMatches(ECPublicKey publicKey, ECPrivateKey privateKey) {
    ECParameterSpec params = privateKey.getParams();
    if (!sameDomain(params, publicKey.getParams())) {
      return false;
    }
    ECField field = params.getCurve().getField();
    if (!(field instanceof ECFieldFp primeField)) {
      throw new TlsMaterialException("EC keys over binary fields are not supported; use a P-256 or P-384 key");
    }
    ECCurve curve = new ECCurve.Fp(
        primeField.getP(),
        params.getCurve().getA(),
        params.getCurve().getB(),
        params.getOrder(),
        BigInteger.valueOf(params.getCofactor()));
    ECPoint generator = curve.createPoint(params.getGenerator().getAffineX(), params.getGenerator().getAffineY());
    ECPoint derived = new FixedPointCombMultiplier().multiply(generator, privateKey.getS()).normalize();
    java.security.spec.ECPoint expected = publicKey.getW();
    return derived.getAffineXCoord().toBigInteger().equals(expected.getAffineX())
        && derived.getAffineYCoord().toBigInteger().equals(expected.getAffineY());
  }

  private static boolean sameDomain(ECParameterSpec a, ECParameterSpec b) {
    return a.getCurve().equals(b.getCurve())
        && a.getGenerator().equals(b.getGenerator())
        && a.getOrder().equals(b.getOrder())
        && a.getCofactor() == b.getCofactor();
  }
}
