package bench.peers.pekko;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * A small binary serializer for {@link PekkoNode.Incr} (the reply-to actor path) and
 * {@link PekkoNode.Value} (4 bytes): the counterpart of the IdentifiedDataSerializable entry
 * processor on the Hazelcast side, so neither side pays for Java serialization or JSON.
 */
public final class CounterSerializer extends SerializerWithStringManifest {
  private static final String INCR = "I";
  private static final String VALUE = "V";
  private final ExtendedActorSystem system;
  private volatile ActorRefResolver resolver;

  public CounterSerializer(ExtendedActorSystem system) {
    this.system = system;
  }

  private ActorRefResolver resolver() {
    ActorRefResolver r = resolver;
    if (r == null) {
      r = ActorRefResolver.get(Adapter.toTyped(system));
      resolver = r;
    }
    return r;
  }

  @Override
  public int identifier() {
    return 741_001;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof PekkoNode.Incr) {
      return INCR;
    }
    if (o instanceof PekkoNode.Value) {
      return VALUE;
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof PekkoNode.Incr incr) {
      return resolver().toSerializationFormat(incr.replyTo()).getBytes(StandardCharsets.UTF_8);
    }
    if (o instanceof PekkoNode.Value v) {
      return ByteBuffer.allocate(4).putInt(v.value()).array();
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) {
    switch (manifest) {
      case INCR: {
        ActorRef<PekkoNode.Value> replyTo =
            resolver().resolveActorRef(new String(bytes, StandardCharsets.UTF_8));
        return new PekkoNode.Incr(replyTo);
      }
      case VALUE:
        return new PekkoNode.Value(ByteBuffer.wrap(bytes).getInt());
      default:
        throw new IllegalArgumentException("unknown manifest " + manifest);
    }
  }
}
