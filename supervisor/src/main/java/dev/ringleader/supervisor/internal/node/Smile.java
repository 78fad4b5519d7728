package dev.ringleader.supervisor.internal.node;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.SmileFactory;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Jackson's binary JSON (Smile) for what nodes exchange most: copies of worker state on the peer
 * channel ({@code COPY}, {@code COPY_DELTA}, their answers and {@code FETCH} answers;
 * docs/replication.md, "Encoding"). The same data model as {@link Json}, so a copy is one tree in
 * either form; what a client sees, what is written to disk and every error answer stay JSON.
 *
 * <p>Configured as {@link Json#MAPPER} is: field names neither interned nor canonicalized (a copy's
 * reply window has a new name on nearly every write), unknown fields ignored, trailing data refused.
 * A Smile document starts with its 4-byte header ({@code :)\n} and a flags byte), which JSON text never
 * does: {@link #mapperFor} reads either (a node of an older build sends JSON).
 */
public final class Smile {
  public static final ObjectMapper MAPPER = new ObjectMapper(SmileFactory.builder()
          .disable(com.fasterxml.jackson.core.JsonFactory.Feature.INTERN_FIELD_NAMES)
          .disable(com.fasterxml.jackson.core.JsonFactory.Feature.CANONICALIZE_FIELD_NAMES)
          .build())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

  /** What every Smile document starts with ({@code :)\n}); JSON text never does. */
  private static final byte[] HEADER = {':', ')', '\n'};

  private Smile() {}

  /** True when {@code bytes} are a Smile document (by its header), false for JSON text or anything else. */
  public static boolean is(byte[] bytes) {
    return bytes.length >= HEADER.length && bytes[0] == HEADER[0] && bytes[1] == HEADER[1] && bytes[2] == HEADER[2];
  }

  /** The body of a {@code FETCH} that asks for a Smile answer (an empty one, from an older node, gets JSON). */
  public static byte[] asking() {
    return HEADER.clone();
  }

  /** {@code value} as Smile when {@code smile}, else as JSON text. */
  public static byte[] bytes(Object value, boolean smile) {
    return smile ? bytes(value) : Json.bytes(value);
  }

  /** The mapper that reads {@code bytes}: this one for a Smile document ({@link #is}), {@link Json#MAPPER} otherwise. */
  public static ObjectMapper mapperFor(byte[] bytes) {
    return is(bytes) ? MAPPER : Json.MAPPER;
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
