package dev.ringleader.registry;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.TestingServer;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link SessionTickets} on a real ZooKeeper: a ticket opens only with the secret, and ends its session at once. */
class SessionTicketsTest {
  private static final AtomicInteger CLUSTERS = new AtomicInteger();
  private static final byte[] SECRET = "the cluster secret, 32 bytes ok".getBytes(UTF_8);
  private static final byte[] OTHER_SECRET = "another cluster's secret, also ok".getBytes(UTF_8);

  private TestingServer server;
  private final List<CuratorFramework> clients = new ArrayList<>();
  private final ClusterPaths paths = ClusterPaths.of("tickets" + ProcessHandle.current().pid() + "x"
      + CLUSTERS.incrementAndGet());

  @BeforeEach
  void start() throws Exception {
    server = new TestingServer(true);
  }

  @AfterEach
  void stop() throws Exception {
    clients.forEach(CuratorFramework::close);
    server.close();
  }

  private CuratorFramework client() throws Exception {
    CuratorFramework c = CuratorFrameworkFactory.builder().connectString(server.getConnectString())
        .sessionTimeoutMs(60_000).retryPolicy(new RetryOneTime(100)).build();
    c.start();
    c.blockUntilConnected();
    clients.add(c);
    return c;
  }

  @Test
  void aJudgeWithTheSecretEndsAMembersSessionAndEveryEphemeralOfItGoes() throws Exception {
    CuratorFramework member = client();
    long session = member.getZookeeperClient().getZooKeeper().getSessionId();
    member.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(paths.member("x"));
    member.create().creatingParentContainersIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(paths.name("t", "a"));
    new SessionTickets(member, paths, "x", SECRET).publish(Runnable::run);

    CuratorFramework judge = client();
    var ticket = new SessionTickets(judge, paths, "judge", SECRET).read("x", session).orElseThrow();
    assertArrayEquals(member.getZookeeperClient().getZooKeeper().getSessionPasswd(), ticket.password());
    assertFalse(new SessionTickets(judge, paths, "judge", OTHER_SECRET).read("x", session).isPresent(),
        "another secret cannot open it");
    assertFalse(new SessionTickets(judge, paths, "judge", SECRET).read("x", session + 1).isPresent(),
        "a ticket of another session is not this member's");
    assertFalse(new String(judge.getData().forPath(paths.session("x")), java.nio.charset.StandardCharsets.ISO_8859_1)
        .contains(new String(ticket.password(), java.nio.charset.StandardCharsets.ISO_8859_1)), "the password is sealed");

    assertEquals(SessionTickets.Ended.ENDED, SessionTickets.end(server.getConnectString(), ticket, Duration.ofSeconds(5)));
    for (String path : List.of(paths.member("x"), paths.name("t", "a"), paths.session("x"))) {
      assertTrue(judge.checkExists().forPath(path) == null, path + " went with the session");
    }
    assertEquals(SessionTickets.Ended.ALREADY_ENDED, SessionTickets.end(server.getConnectString(), ticket,
        Duration.ofSeconds(5)), "an ended session cannot be ended again");
  }

  @Test
  void aNewSessionWritesANewTicket() throws Exception {
    CuratorFramework member = client();
    SessionTickets own = new SessionTickets(member, paths, "x", SECRET);
    own.publish(Runnable::run);
    long first = member.getZookeeperClient().getZooKeeper().getSessionId();
    CuratorFramework judge = client();
    SessionTickets.end(server.getConnectString(), new SessionTickets(judge, paths, "j", SECRET).read("x", first)
        .orElseThrow(), Duration.ofSeconds(5));
    Conditions.until("the member has a new session and a ticket for it", () -> {
      try {
        long now = member.getZookeeperClient().getZooKeeper().getSessionId();
        return now != first && new SessionTickets(judge, paths, "j", SECRET).read("x", now).isPresent();
      } catch (Exception e) {
        return false;
      }
    });
    own.close();
  }
}
