package dev.ringleader.demo;

import dev.ringleader.worker.WorkerType;
import java.util.List;

/** The demo's worker types. */
public final class DemoTypes {
  private DemoTypes() {}

  public static List<WorkerType<?>> all() {
    return List.of(new CacheType(), new PlayerType());
  }
}
