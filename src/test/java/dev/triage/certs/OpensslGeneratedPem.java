package dev.triage.certs;

/**
 * Keys and self-signed certificates produced by the OpenSSL 3 command line, in the legacy
 * formats that tool writes by default, so the readers are tested against real output:
 *
 * <pre>
 * openssl ecparam -genkey -name prime256v1 -out ec.key
 * openssl req -new -x509 -key ec.key -subj /CN=sec1.example -days 36500 -out ec.crt
 * openssl genrsa -traditional -out rsa.key 2048
 * openssl req -new -x509 -key rsa.key -subj /CN=pkcs1.example -days 36500 -out rsa.crt
 * </pre>
 *
 * These keys protect nothing; they exist only for tests.
 */
final class OpensslGeneratedPem {
  private OpensslGeneratedPem() {}

  /** SEC1 EC key preceded by the EC PARAMETERS block that {@code openssl ecparam -genkey} writes. */
  static final String SEC1_EC_KEY = """
      -----BEGIN EC PARAMETERS-----
      BggqhkjOPQMBBw==
      -----END EC PARAMETERS-----
      -----BEGIN EC PRIVATE KEY-----
      MHcCAQEEIP9swm067OM16TlqRmwP/FMma6zbhYz3wpRJjFWxvSXFoAoGCCqGSM49
      AwEHoUQDQgAELbHt26ANTbZaqK0AUNjHh+bOXaJ5iU/aSqvhxP10nSx6Ms41QCYB
      8hLwEFBQYxvBodfL9jq16X1MwlvCre5QDg==
      -----END EC PRIVATE KEY-----
      """;

  static final String SEC1_EC_CERT = """
      -----BEGIN CERTIFICATE-----
      MIIBhTCCASugAwIBAgIURAlqjYrAkvbHHsGVG32SdikwC+0wCgYIKoZIzj0EAwIw
      FzEVMBMGA1UEAwwMc2VjMS5leGFtcGxlMCAXDTI2MTEyMTA3MjYxMVoYDzIxMjYx
      MDI4MDcyNjExWjAXMRUwEwYDVQQDDAxzZWMxLmV4YW1wbGUwWTATBgcqhkjOPQIB
      BggqhkjOPQMBBwNCAAQtse3boA1NtlqorQBQ2MeH5s5donmJT9pKq+HE/XSdLHoy
      zjVAJgHyEvAQUFBjG8Gh18v2OrXpfUzCW8Kt7lAOo1MwUTAdBgNVHQ4EFgQUJ17z
      PSncq55UXCbDsK835J1+hCcwHwYDVR0jBBgwFoAUJ17zPSncq55UXCbDsK835J1+
      hCcwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAzEp+dyH/kF65v
      X9Jm50DJfrK3LbxFv4SJ39HBUsX3AwIhAPvFNc8g3zEv5aB8+rPxkvW2U0Sq9JOy
      fx9PJ1vemrhI
      -----END CERTIFICATE-----
      """;

  /** PKCS#1 RSA key. */
  static final String PKCS1_RSA_KEY = """
      -----BEGIN RSA PRIVATE KEY-----
      MIIEpAIBAAKCAQEA0E9RjJ8/0IThfH+F+Jj2+eyYyGIS7NEuA+4k1x9m70zwjEn0
      yY7TocGb8i1Rrj7J6F/T8DQ75cKVkAbjHvjRfOTEG33xO/R6RJlk8Fx9IuVv2jQ4
      ETSw7oq4mGTcAOxTCQF98L006D1DkduJMiQyDmC91W6e+TEnKbqk+PTfLROv9BRn
      BE9ALFTNE0s9M5OFjfhex2swzRekOn9cnqFhL0wdlu0ysP9FwgDhqp9fLFisOxkI
      YN3kpvy6662Tx82c3dHZTIkUnU9lyA1uMQiOf4jVf1wCIX5zq1JQmkk9C/9Z5IRJ
      vEl5g1C+wHAZ9kMT35D2B008JEVCz382ujS7ZwIDAQABAoIBAAzeqaoneJjYbNn1
      QwCt6qxcOsA+lu68qbwibXJBBWoJdd8k/pOpWFfpD0pyFFbQmEbcDMsNXxn94KGq
      W0PhmYe+1oLgUBQlMZylYYAcJrsOM8/mZARkHf5O4cLAkHsaHrMyvWYvOmKSzmbn
      il1nsRQEVBYopHe+2q2QU3ryHgu5zAgSTVMNchOFaDBrzruDGiZTPoKW+2Hz94un
      3N7tLHtatCnrTVrNiulXeqamaMTXn6FXAIIOiBiuvKKd/CC4kIbUGiHc/HKOg4hV
      Ln7+0fotZZKjEfZ1mRl4Icn8uhjlX6pRqUWAZTJRLC7yisFwt7VO55Bret27MAgh
      KSCLc4kCgYEA+hVyLwntABqo+702lbZS4TDZBYbLmhN+UGUl/hbksT7+TfGYMRNo
      2CwAJ9TGj1qaG5HJkMPGv0PyAr+1thr/s6/ZiRv6tLhUKjfzoqvNRwfBLTQPSdcA
      J1n5BKkZJk8AsBToszhXdRRdhLkwcKQsZCCTR2MgpwhzSl/9QyebWvUCgYEA1Tzh
      vDkuZbC3R6RaopnHFLA9M5Sec9QhrF94kcGV53sCSYFTyaeFP7EJ5OI8PS76KCbm
      RQePQ8jonuwibsvN5SvoMXba+/bADEeplKEoQAHnaZKDn/qapqmpAfX12lGLfoVc
      QwwndkHpBAaybzexlF4na0kgbNIYi4qOU9IKe2sCgYEA45bE1V4ZG3EnvAGUPWcx
      wdJsjoT/oXaAC7Yhfz1iXpPPZyuor3DUh3ZzpcwT774qZVCluWMR6lpxUmMZgWLM
      tcAhHpAh9nmRzuIgjTgAltXNzc+E4lQRxb4xyzYAt0ZKf/RnWUK7BMfF29WU6c3e
      wDiND/h8bMZZ9aOpnoXa8kkCgYEAqZRkVQMIgfiamU/8gGlZKHvMADRGGwltyh6W
      zRut8kwiEoDWOH2P+4n4u1yr2WB9subUo7sSVS72yEQ0UfakhId5fbTvDAg8zMdE
      9p1/W//noE7TfKuYx8gPTy7i2T+WdwTpzaxhyas6+2e0Cby57as/IBQkxEYFHRwQ
      elqE2YcCgYAySW1tb1uYww2HWmqZylAlUYwArIo6xP7gwydpu7z/ae6GBIxF5q4N
      wny+HO+OtxCUcANkixbx8ud/qaL+rab2xnAk9DBoOoKtWzfQj7libXvvI3TkvWCX
      zqrS80dHqu7fQA1g7ndrBEAFKRGrxGDcNqS5d7w2+rbjpdPdnvwRnw==
      -----END RSA PRIVATE KEY-----
      """;

  static final String PKCS1_RSA_CERT = """
      -----BEGIN CERTIFICATE-----
      MIIDEzCCAfugAwIBAgIUETTjYq+QJJOvwMvsuxmkhP5dsPMwDQYJKoZIhvcNAQEL
      BQAwGDEWMBQGA1UEAwwNcGtjczEuZXhhbXBsZTAgFw0yNjExMjEwNzI2MTFaGA8y
      MTI2MTAyODA3MjYxMVowGDEWMBQGA1UEAwwNcGtjczEuZXhhbXBsZTCCASIwDQYJ
      KoZIhvcNAQEBBQADggEPADCCAQoCggEBANBPUYyfP9CE4Xx/hfiY9vnsmMhiEuzR
      LgPuJNcfZu9M8IxJ9MmO06HBm/ItUa4+yehf0/A0O+XClZAG4x740XzkxBt98Tv0
      ekSZZPBcfSLlb9o0OBE0sO6KuJhk3ADsUwkBffC9NOg9Q5HbiTIkMg5gvdVunvkx
      Jym6pPj03y0Tr/QUZwRPQCxUzRNLPTOThY34XsdrMM0XpDp/XJ6hYS9MHZbtMrD/
      RcIA4aqfXyxYrDsZCGDd5Kb8uuutk8fNnN3R2UyJFJ1PZcgNbjEIjn+I1X9cAiF+
      c6tSUJpJPQv/WeSESbxJeYNQvsBwGfZDE9+Q9gdNPCRFQs9/Nro0u2cCAwEAAaNT
      MFEwHQYDVR0OBBYEFNbvkfG1/hR5SNIG1op4OXT3L29kMB8GA1UdIwQYMBaAFNbv
      kfG1/hR5SNIG1op4OXT3L29kMA8GA1UdEwEB/wQFMAMBAf8wDQYJKoZIhvcNAQEL
      BQADggEBAEmKK33NGQFCQ/JYUShe5kXo1y3mmj+rUHZwEMRVI9SX7GJhKq2DWMif
      LLm8parfkwfpVWFj0jmoSoDNAAXA9GaIj5anMQHytfmOwZEhQGco9Aos4QoDB6EM
      oJVCrMnWrY7GlMBT7ySj4dGPXCypjuynpgnvmuAvIKSoDRa02nbBisQZGzHGwF7b
      Vdnvj2UFCakChYBlrkRjBQJGvZYBC5RQjDgtmAoEFDRrDjdBK3gV9dw9DofCTkP5
      adj2LXIfmFBH2XWRaamc3x2vrF2DD31Az1ivjIl8e5aXhQPVa2jBpSJdwjvDLbO1
      9Hmwc+b2s52Men8e7Xraf0qHdPK1C98=
      -----END CERTIFICATE-----
      """;
}
