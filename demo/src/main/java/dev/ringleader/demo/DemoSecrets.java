package dev.ringleader.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The cluster secret of the clusters the demo starts itself (bench, chaos): made on first use in
 * the run's directory, 32 random bytes in Base64, readable by this user only; every node of the run
 * reads the same file ({@code --cluster-secret-file}).
 */
public final class DemoSecrets {
  private DemoSecrets() {}

  /** {@code dir/cluster-secret}, created when missing. */
  public static synchronized Path clusterSecretFile(Path dir) {
    Path file = dir.resolve("cluster-secret");
    try {
      Files.createDirectories(dir);
      if (!Files.exists(file) || Files.size(file) == 0) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        Path tmp = Files.createTempFile(dir, "cluster-secret", ".tmp",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(tmp, Base64.getEncoder().encodeToString(secret).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot make the cluster secret in " + dir, e);
    }
  }
}
