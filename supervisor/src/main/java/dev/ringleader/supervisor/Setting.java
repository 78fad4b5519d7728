package dev.ringleader.supervisor;

import java.util.List;

/**
 * One documented setting: its name (a flag {@code --name}, an environment variable
 * {@code RINGLEADER_NAME} and a properties key {@code name}), its default and what it means.
 */
record Setting(String name, String defaultValue, String allowed, String meaning) {
  String env() {
    return "RINGLEADER_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_').replace('.', '_');
  }

  /** Every setting, in the order {@code node --help} and the README list them. */
  static final List<Setting> ALL = List.of(
      new Setting("cluster", "demo", "[A-Za-z0-9_-]{1,64}", "cluster name; the root znode is /ringleader/<cluster>"),
      new Setting("id", "(required)", "[A-Za-z0-9_-]{1,64}", "this node's unique name"),
      new Setting("host", "127.0.0.1", "an address to bind", "bind address of the client port and the peer port"),
      new Setting("port", "8080", "1-65535", "the client port (HTTP: the client API, read-only views, dashboard, metrics)"),
      new Setting("advertise-url", "http://<host>:<port>", "http URL", "the client-port URL this node advertises in its member znode (the Java client and the dashboard use it)"),
      new Setting("peer-bind-address", "(none: the OS chooses)", "an IPv4 or IPv6 literal", "local address of outgoing connections to other nodes (forwards, replica copies, handoff); fault-injection tests use it to tell nodes' links apart on loopback"),
      new Setting("peer-port", "<port> + 1000", "0-65535 (0: any free port)", "the peer port: every call between nodes (forwards, copies, handoff, merges, probes), authenticated with the cluster secret; never expose it to clients"),
      new Setting("advertise-peer", "<host>:<peer-port>", "host:port", "the address other nodes dial to reach this node's peer port"),
      new Setting("cluster-secret-file", "(none)", "a file path", "a file holding the cluster secret (at least 16 bytes; surrounding whitespace ignored); every node of the cluster needs the same one"),
      new Setting("cluster-secret", "(none)", "16+ characters", "the cluster secret itself, best given as RINGLEADER_CLUSTER_SECRET (a flag shows in ps); one of the two is required"),
      new Setting("admin-token", "(none: admin actions off)", "16+ characters", "the bearer token POST /admin/leave needs (Authorization: Bearer <token>); best given as RINGLEADER_ADMIN_TOKEN"),
      new Setting("zk-acl", "on", "on|off", "digest ACLs derived from the cluster secret on every znode the nodes create: anyone may read, only the nodes write; off for an ensemble that forbids ACLs"),
      new Setting("zk", "127.0.0.1:2181", "host:port[,host:port...]", "ZooKeeper connect string"),
      new Setting("session-timeout-ms", "10000", "1000-120000", "ZooKeeper session timeout: how long a dead node keeps its IDs"),
      new Setting("connection-timeout-ms", "5000", "500-120000", "how long start-up waits for ZooKeeper"),
      new Setting("vnodes", Integer.toString(dev.ringleader.registry.Ring.DEFAULT_VNODES), "1-10000", "virtual nodes per unit of weight on the hash ring"),
      new Setting("weight", "1", "1-100", "this node's share of the ring relative to the others"),
      new Setting("replication", "2", "1-5", "copies of each worker's state, on distinct nodes, the owner included"),
      new Setting("ack", "replicas", "replicas|local", "reply after the copies are made (replicas) or at once (local)"),
      new Setting("min-nodes", "1", "1-1000", "below this many members, writes get 503"),
      new Setting("partition-mode", "available", "available|consistent",
          "behaviour when cut off from ZooKeeper or from an ID's owner; a worker type may override it "
              + "(docs/conflict-resolution.md)"),
      new Setting("names", "zookeeper", "zookeeper|ring", "where each live worker's global name is held: a znode per worker "
          + "(one ZooKeeper write per activation and per end), or in memory on its ring owner, fenced by the ring epoch "
          + "every member has let go of (no ZooKeeper write per activation; docs/names.md)"),
      new Setting("max-body-bytes", "65536", "16-16777216", "largest request body; larger gets 413"),
      new Setting("body-timeout-ms", "10000", "100-600000", "a request body must arrive within this long, else the connection is closed (slow or broken clients)"),
      new Setting("mailbox-capacity", "1000", "1-1000000", "queued messages per worker; more get 503 mailbox_full"),
      new Setting("detached-log-limit", "1024", "1-100000", "changes a detached worker (partition mode available) keeps for the conflict resolver to replay; past it, further writes get 503 detached_log_full until the split heals"),
      new Setting("idempotency-window", "64", "1-1024", "replies kept per worker for retries with the same Idempotency-Key; a retry after more newer updates than this is applied again"),
      new Setting("forward-timeout-ms", "5000", "100-120000", "how long a forwarded request may take"),
      new Setting("route-wait-ms", "3000", "0-120000", "how long a request waits for a new ring when its owner is unreachable"),
      new Setting("forward-retries", "3", "0-10", "retries of a forward after wrong_owner or an unreachable owner"),
      new Setting("durability", "memory", "memory|disk|disk-fsync", "where the node keeps the states it holds: the heap only; also its on-disk store under data-dir, the log synced every 5 ms; or synced before each copy is acknowledged (docs/durability.md)"),
      new Setting("data-dir", "(none)", "a directory", "this node's own directory for its state store (required unless durability is memory)"),
      new Setting("store-corrupt", "refuse", "refuse|discard", "a state store that cannot be opened stops start-up naming it; discard moves it aside and starts empty (the node gets its share from its peers)"),
      new Setting("durability-check", "enforce", "enforce|warn", "a node whose durability differs from a registered member's does not start (one line naming the members and their modes); warn logs it and joins, for a rolling change of mode (as Pekko's join-time configuration check, `enforce-on-join`)"),
      new Setting("state-cache", "10000", "0-10000000", "with durability disk or disk-fsync, how many states the heap keeps in front of the store (Caffeine: the recently and often used stay); the rest stay on disk and are read when needed: the heap grows with the live workers, not with every ID ever written (docs/durability.md)"),
      new Setting("crash-probe-ms", "100", "0 or 20-10000", "how often the leader (and its deputy, for the leader) probes members' peer ports; a port that refuses twice, or answers as another process, ends that member's session at once (docs/failover.md); 0 = off, a crash then waits out the session timeout"),
      new Setting("worker-threads", "(2 x cores)", "1-1024", "threads that run worker handlers"),
      new Setting("request-type", "(none)", "a worker type", "the worker type GET /request/{id} talks to; without it, that call answers 404"),
      new Setting("type.<name>.idle-timeout-ms", "(the type's)", "0-86400000", "passivate a worker of this type after this long idle; 0 = never"),
      new Setting("type.<name>.lifetime-ms", "(the type's)", "0-86400000", "end a worker of this type this long after it starts; 0 = no limit"),
      new Setting("config", "(none)", "a file path", "a properties file with any of these names as keys"));
}
