package net.v6broker.cli;

import java.nio.file.Path;
import net.v6broker.CliRunner;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A test on a broker home that {@code init} made fresh for it, at DIR/home. */
abstract class WithHome {
    @TempDir
    Path dir;
    Path home;
    /** The home as the command lines name it. */
    String h;

    /** The prefix the home is made with. */
    String prefix() {
        return CliRunner.PREFIX;
    }

    /** Where its clients connect. */
    String endpoint() {
        return "vpn.example.net";
    }

    @BeforeEach
    void makeHome() {
        home = CliRunner.init(dir.resolve("home"), prefix(), endpoint());
        h = home.toString();
    }
}
