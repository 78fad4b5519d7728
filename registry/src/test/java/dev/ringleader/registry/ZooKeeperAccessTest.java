package dev.ringleader.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.data.ACL;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** {@link ZooKeeperAccess} on a real ZooKeeper: nodes with the secret write, everyone else only reads. */
class ZooKeeperAccessTest {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static final byte[] SECRET = "the cluster secret, 32 bytes ok".getBytes(UTF_8);
  private static final byte[] OTHER_SECRET = "another cluster's secret, also ok".getBytes(UTF_8);

  private TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();
  /** This test's own root, {@code /ringleader/acl<pid>x<n>}. */
  private final ClusterPaths paths = ClusterPaths.of("acl" + ProcessHandle.current().pid() + "x"
      + CLUSTERS.incrementAndGet());

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    for (CuratorFramework c : clients) {
      c.close();
    }
    server.close();
  }

  /** A started client; {@code access} null: a plain one, as {@code zkCli} without auth. */
  private CuratorFramework client(ZooKeeperAccess access, String namespace) throws Exception {
    CuratorFrameworkFactory.Builder builder = CuratorFrameworkFactory.builder()
        .connectString(server.getConnectString()).sessionTimeoutMs(20_000).connectionTimeoutMs(5_000)
        .retryPolicy(new RetryOneTime(100)).namespace(namespace);
    if (access != null) {
      access.applyTo(builder);
    }
    CuratorFramework c = builder.build();
    clients.add(c);
    c.start();
    assertTrue(c.blockUntilConnected(10, TimeUnit.SECONDS));
    return c;
  }

  private CuratorFramework client(ZooKeeperAccess access) throws Exception {
    return client(access, null);
  }

  private static void noAuth(String what, Executable call) {
    assertThrows(KeeperException.NoAuthException.class, call, what);
  }

  /**
   * Every znode from {@code /} down to {@code path} (excluded {@code /}) has {@code acl}. {@code reader}
   * needs ADMIN on them: to others ZooKeeper shows a digest id without its hash ({@code ringleader:x}).
   */
  private static void aclAlongTheWay(CuratorFramework reader, String path, List<ACL> acl) throws Exception {
    for (String p = path; !p.equals("/"); p = ZKPaths.getPathAndNode(p).getPath()) {
      assertEquals(acl, reader.getACL().forPath(p), "the ACL of " + p);
    }
  }

  @Test
  void nodesWriteAndEveryoneElseOnlyReads() throws Exception {
    ZooKeeperAccess access = ZooKeeperAccess.fromSecret(SECRET);
    CuratorFramework node = client(access);
    CuratorFramework plain = client(null);
    String n1 = paths.member("n1");
    node.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(n1, "v1".getBytes(UTF_8));
    node.create().forPath(paths.ring(), "r1".getBytes(UTF_8));

    // The parents creatingParentsIfNeeded made, up to /ringleader, have the ACL too.
    aclAlongTheWay(node, n1, access.acl());
    aclAlongTheWay(node, paths.ring(), access.acl());

    // Anyone reads.
    assertArrayEquals("v1".getBytes(UTF_8), plain.getData().forPath(n1));
    assertArrayEquals("r1".getBytes(UTF_8), plain.getData().forPath(paths.ring()));
    assertEquals(List.of("n1"), plain.getChildren().forPath(paths.members()));
    assertTrue(plain.getChildren().forPath(paths.root()).containsAll(List.of("members", "ring")));

    // No one else writes.
    noAuth("setData of ring", () -> plain.setData().forPath(paths.ring(), "evil".getBytes(UTF_8)));
    noAuth("create under members", () -> plain.create().forPath(paths.member("intruder")));
    noAuth("delete of n1", () -> plain.delete().forPath(n1));
    noAuth("setACL of ring", () -> plain.setACL().withACL(ZooDefs.Ids.OPEN_ACL_UNSAFE).forPath(paths.ring()));
    assertArrayEquals("r1".getBytes(UTF_8), plain.getData().forPath(paths.ring()));
    assertEquals(List.of("n1"), plain.getChildren().forPath(paths.members()));

    // The node still does.
    node.setData().forPath(paths.ring(), "r2".getBytes(UTF_8));
    node.setData().forPath(n1, "v2".getBytes(UTF_8));
    assertArrayEquals("r2".getBytes(UTF_8), plain.getData().forPath(paths.ring()));
    node.delete().forPath(n1);
    node.delete().forPath(paths.ring());
    assertNull(plain.checkExists().forPath(n1));
    assertNull(plain.checkExists().forPath(paths.ring()));
  }

  @Test
  void anotherNodeWithTheSameSecretWritesTooOneWithAnotherSecretDoesNot() throws Exception {
    CuratorFramework node = client(ZooKeeperAccess.fromSecret(SECRET));
    CuratorFramework sameSecret = client(ZooKeeperAccess.fromSecret(SECRET.clone()));
    CuratorFramework otherSecret = client(ZooKeeperAccess.fromSecret(OTHER_SECRET));
    String n1 = paths.member("n1");
    node.create().creatingParentsIfNeeded().forPath(n1);
    node.create().forPath(paths.ring(), "r1".getBytes(UTF_8));

    assertArrayEquals("r1".getBytes(UTF_8), otherSecret.getData().forPath(paths.ring()));
    noAuth("setData of ring", () -> otherSecret.setData().forPath(paths.ring(), "evil".getBytes(UTF_8)));
    noAuth("create under members", () -> otherSecret.create().forPath(paths.member("n2")));
    noAuth("delete of n1", () -> otherSecret.delete().forPath(n1));

    sameSecret.setData().forPath(paths.ring(), "r2".getBytes(UTF_8));
    sameSecret.create().forPath(paths.member("n2"));
    sameSecret.delete().forPath(n1);
    assertEquals(List.of("n2"), node.getChildren().forPath(paths.members()));
  }

  @Test
  void parentsOfANamespaceAndContainersGetTheAclToo() throws Exception {
    ZooKeeperAccess access = ZooKeeperAccess.fromSecret(SECRET);
    String namespace = paths.root().substring(1) + "/ns";
    CuratorFramework node = client(access, namespace);
    CuratorFramework admin = client(access);
    CuratorFramework plain = client(null);
    node.create().creatingParentsIfNeeded().forPath("/a/b");
    node.createContainers("/c/d");
    node.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath("/e/f/g");

    aclAlongTheWay(admin, "/" + namespace + "/a/b", access.acl());
    aclAlongTheWay(admin, "/" + namespace + "/c/d", access.acl());
    aclAlongTheWay(admin, "/" + namespace + "/e/f/g", access.acl());
    noAuth("create under the namespace", () -> plain.create().forPath("/" + namespace + "/x"));
  }

  /**
   * The limit in the javadoc: the shared parent gets the ACL of the first cluster that creates it, so
   * a cluster with another secret cannot create its root there; created beforehand without ACLs, it
   * lets both in, and each still cannot touch the other's znodes.
   */
  @Test
  void clustersWithDifferentSecretsShareAParentOnlyIfItWasCreatedOpen() throws Exception {
    CuratorFramework a = client(ZooKeeperAccess.fromSecret(SECRET));
    CuratorFramework b = client(ZooKeeperAccess.fromSecret(OTHER_SECRET));
    CuratorFramework plain = client(null);
    String closedParent = paths.root() + "/closed";
    a.create().creatingParentsIfNeeded().forPath(closedParent + "/a/ring");
    noAuth("cluster b under a parent cluster a created",
        () -> b.create().creatingParentsIfNeeded().forPath(closedParent + "/b/ring"));

    String openParent = "/ringleader-" + paths.cluster(); // outside /ringleader, which a just created
    plain.create().forPath(openParent);
    a.create().creatingParentsIfNeeded().forPath(openParent + "/a/ring");
    b.create().creatingParentsIfNeeded().forPath(openParent + "/b/ring");
    noAuth("b writes a's ring", () -> b.setData().forPath(openParent + "/a/ring", new byte[1]));
    noAuth("a deletes b's ring", () -> a.delete().forPath(openParent + "/b/ring"));
  }

  @Test
  void theOpenVariantLeavesEverythingWorldWritable() throws Exception {
    ZooKeeperAccess open = ZooKeeperAccess.open();
    CuratorFramework node = client(open);
    CuratorFramework plain = client(null);
    String n1 = paths.member("n1");
    node.create().creatingParentsIfNeeded().forPath(n1);
    node.create().forPath(paths.ring(), "r1".getBytes(UTF_8));
    aclAlongTheWay(plain, n1, ZooDefs.Ids.OPEN_ACL_UNSAFE);
    assertEquals(ZooDefs.Ids.OPEN_ACL_UNSAFE, open.acl());

    plain.setData().forPath(paths.ring(), "r2".getBytes(UTF_8));
    plain.create().forPath(paths.member("n2"));
    plain.delete().forPath(n1);
    assertEquals(List.of("n2"), node.getChildren().forPath(paths.members()));
    assertArrayEquals("r2".getBytes(UTF_8), node.getData().forPath(paths.ring()));
  }

  @Test
  void aSecretShorterThan16BytesIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ZooKeeperAccess.fromSecret(new byte[15]));
    assertTrue(e.getMessage().contains("cluster-secret"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ZooKeeperAccess.fromSecret(null));
    assertTrue(e.getMessage().contains("cluster-secret"), e.getMessage());
    ZooKeeperAccess.fromSecret(new byte[16]);
  }

  @Test
  void theCredentialIsDerivedDeterministicallyAndNeverShown() {
    assertEquals(ZooKeeperAccess.fromSecret(SECRET).acl(), ZooKeeperAccess.fromSecret(SECRET.clone()).acl());
    assertNotEquals(ZooKeeperAccess.fromSecret(SECRET).acl(), ZooKeeperAccess.fromSecret(OTHER_SECRET).acl());
    ZooKeeperAccess access = ZooKeeperAccess.fromSecret(SECRET);
    List<ACL> acl = access.acl();
    assertEquals(2, acl.size());
    assertEquals(new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE), acl.get(0));
    assertEquals(ZooDefs.Perms.ALL, acl.get(1).getPerms());
    assertEquals("digest", acl.get(1).getId().getScheme());
    assertTrue(acl.get(1).getId().getId().startsWith(ZooKeeperAccess.USER + ":"));
    acl.get(0).setPerms(ZooDefs.Perms.ALL);
    assertEquals(ZooDefs.Perms.READ, access.acl().get(0).getPerms(), "acl() is a copy");
    String secretText = new String(SECRET, UTF_8);
    assertFalse(access.toString().contains(secretText));
    assertFalse(acl.get(1).getId().getId().contains(secretText));
    assertEquals("ZooKeeperAccess[digest ringleader]", access.toString());
  }

  /**
   * Membership, RingStore and NameRegistry unchanged over clients with ACLs: two nodes see each
   * other, the ring is written and read, a name is claimed and released; a plain client reads all of
   * it but cannot remove a member, overwrite the ring or take over a name.
   */
  @Test
  void theRegistryClassesWorkUnchangedUnderAcls() throws Exception {
    ZooKeeperAccess access = ZooKeeperAccess.fromSecret(SECRET);
    CuratorFramework c1 = client(access);
    CuratorFramework c2 = client(ZooKeeperAccess.fromSecret(SECRET));
    CuratorFramework plain = client(null);
    Member m1 = new Member("n1", "http://127.0.0.1:1", 1, 1, MemberStatus.JOINING);
    Member m2 = new Member("n2", "http://127.0.0.1:2", 2, 1, MemberStatus.JOINING);
    try (Membership one = new Membership(c1, paths, m1); Membership two = new Membership(c2, paths, m2);
        RingStore ring = new RingStore(c1, paths); RingStore plainRing = new RingStore(plain, paths);
        NameRegistry names = new NameRegistry(c2, paths)) {
      one.start(Duration.ZERO);
      two.start(Duration.ZERO);
      two.setStatus(MemberStatus.UP);
      Map<String, Member> both = Map.of("n1", m1, "n2", m2.withStatus(MemberStatus.UP));
      Conditions.until("n1 sees both members", () -> both.equals(one.members()));
      aclAlongTheWay(c1, paths.member("n2"), access.acl());

      RingSpec spec = RingSpec.of(1, 10, "n1", "n2");
      assertEquals(RingWrite.OK, ring.write(spec, -1, paths.member("n1")));
      assertEquals(spec, plainRing.read().ring().spec());
      assertEquals(access.acl(), c1.getACL().forPath(paths.ring()));
      noAuth("a plain client writes the ring",
          () -> plainRing.write(RingSpec.of(2, 10, "n1"), 0, paths.member("n1")));
      assertEquals(spec, ring.read().ring().spec());

      GlobalName held = new GlobalName("n2", 7, 1, 3);
      assertTrue(names.claim("t", "w1", held).toCompletableFuture().get(5, TimeUnit.SECONDS).taken());
      NameRegistry plainNames = new NameRegistry(plain, paths);
      assertEquals(Optional.of(held), plainNames.get("t", "w1"));
      aclAlongTheWay(c1, paths.name("t", "w1"), access.acl());
      noAuth("a plain client deletes a name", () -> plain.delete().forPath(paths.name("t", "w1")));
      noAuth("a plain client deletes a member", () -> plain.delete().forPath(paths.member("n1")));
      names.release("t", "w1", 7).toCompletableFuture().get(5, TimeUnit.SECONDS);
      assertEquals(Optional.empty(), plainNames.get("t", "w1"));
    }
  }

}
