package net.v6broker.effects;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.v6broker.api.ApiServer;
import net.v6broker.broker.Client;
import net.v6broker.broker.Effect;
import net.v6broker.ca.Pem;
import net.v6broker.client.ClientKind;
import net.v6broker.client.ClientOs;
import net.v6broker.client.ClientStatus;
import net.v6broker.config.Home;
import net.v6broker.openvpn.Fixtures;
import net.v6broker.openvpn.Layout;
import net.v6broker.openvpn.ServerDirs;
import net.v6broker.store.CrlRow;
import net.v6broker.store.Store;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one applier: files, CRL and tunnels, in order, never an older CRL over a newer one. */
class EffectApplierTest {
    @TempDir
    Path dir;
    Home home;
    ServerDirs dirs;
    Path out;
    final List<String> tunnelCalls = new ArrayList<>();
    EffectApplier applier;

    @BeforeEach
    void home() {
        home = new Home(ApiServer.init(dir));
        String serverKey = net.v6broker.ca.TlsCryptV2.generateServerKey(new java.security.SecureRandom());
        dirs = new ServerDirs(home, home.loadConfig(), () -> serverKey);
        out = dir.resolve("srv");
        dirs.render(out, Layout.SHARED, List.of());
        applier = new EffectApplier(home, dirs, new Tunnels() {
            @Override
            public void clientChanged(String name, Optional<Client> client) {
                tunnelCalls.add("changed " + name);
            }

            @Override
            public int endSessions(String name) {
                tunnelCalls.add("end " + name);
                return 1;
            }

            @Override
            public void reloadServers() {
                tunnelCalls.add("reload");
            }
        });
    }

    private CrlRow crl(long number) {
        try (Store store = Store.openSqlite(home.database())) {
            return store.read(tx -> tx.latestCrl()).map(c -> new CrlRow(number, c.thisUpdate(), c.nextUpdate(), c.pem())).orElseThrow();
        }
    }

    @Test
    void aClientsFilesFollowItsStateAndSessionsEndAfterTheFilesAndTheCrl() {
        Client a = Fixtures.client("a", 1, ClientKind.SUBNET, 1, ClientOs.LINUX, ClientStatus.ACTIVE);
        List<String> did = applier.applyAndDescribe(List.of(new Effect.ClientChanged("a", Optional.of(a))));
        assertThat(out.resolve("ccd/a")).exists();
        assertThat(did).containsExactly("client file of a written");
        did = applier.applyAndDescribe(List.of(new Effect.EndSession("a"), new Effect.ClientChanged("a", Optional.empty())));
        assertThat(out.resolve("ccd/a")).doesNotExist();
        assertThat(did).containsExactly("client file of a removed", "1 session(s) of a ended");
        assertThat(tunnelCalls).containsExactly("changed a", "changed a", "end a");
    }

    @Test
    void anOlderCrlNeverReplacesANewerOne() throws Exception {
        CrlRow current = crl(Pem.crlNumber(Files.readString(home.crl())));
        String published = Files.readString(home.crl());
        assertThat(applier.applyAndDescribe(List.of(new Effect.PublishCrl(crl(current.number() - 1)))))
                .containsExactly("CRL #" + (current.number() - 1) + " (a newer one is published)");
        assertThat(Files.readString(home.crl())).isEqualTo(published);
        assertThat(Files.readString(out.resolve("crl.pem"))).isEqualTo(published);
    }

    @Test
    void changesRunInOrderOneAtATime() throws Exception {
        List<Integer> seen = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            Thread t = new Thread(() -> applier.inOrder(() -> {
                seen.add(n);
                seen.add(n); // nobody else in between
                return null;
            }));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        for (int i = 0; i < seen.size(); i += 2) {
            assertThat(seen.get(i)).isEqualTo(seen.get(i + 1));
        }
    }
}
