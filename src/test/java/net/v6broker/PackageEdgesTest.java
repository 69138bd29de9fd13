package net.v6broker;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package edges that docs/decisions.md (20) describes, checked on the compiled classes: the
 * domain below, the edges (command line, HTTP, daemon) above it, and no cycle between packages.
 */
class PackageEdgesTest {
    private static final String ROOT = "net.v6broker";
    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    private static String pkg(String name) {
        return ROOT + "." + name + "..";
    }

    private static String[] pkgs(String... names) {
        String[] out = new String[names.length];
        for (int i = 0; i < names.length; i++) {
            out[i] = pkg(names[i]);
        }
        return out;
    }

    @Test
    void thePackagesFormNoCycle() {
        slices().matching(ROOT + ".(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void onlyMainReachesTheCommandLine() {
        noClasses().that().resideOutsideOfPackage(pkg("cli")).and().doNotHaveFullyQualifiedName(ROOT + ".Main")
                .should().dependOnClassesThat().resideInAPackage(pkg("cli"))
                .check(classes);
    }

    @Test
    void theFailureFamilyDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage(pkg("error"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("api", "broker", "ca", "cli", "client",
                        "config", "daemon", "doctor", "effects", "home", "ipam", "link", "openvpn", "store", "web"))
                .check(classes);
    }

    @Test
    void theClientTypesAndTheCaStandOnTheFailureFamilyAlone() {
        noClasses().that().resideInAnyPackage(pkgs("client", "ca"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("api", "broker", "cli", "config", "daemon",
                        "doctor", "effects", "home", "ipam", "link", "openvpn", "store", "web"))
                .check(classes);
    }

    @Test
    void theAddressPlanAndTheStoreKnowOnlyTheClientTypes() {
        noClasses().that().resideInAnyPackage(pkgs("ipam", "store"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("api", "broker", "ca", "cli", "config",
                        "daemon", "doctor", "effects", "home", "link", "openvpn", "web"))
                .check(classes);
    }

    @Test
    void theBrokerTouchesNoFileSocketOrEdge() {
        noClasses().that().resideInAPackage(pkg("broker"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("api", "cli", "daemon", "doctor", "effects",
                        "home", "link", "openvpn", "web"))
                .check(classes);
    }

    @Test
    void theApplierServesEveryEdgeAndKnowsNone() {
        noClasses().that().resideInAPackage(pkg("effects"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("api", "cli", "daemon", "home", "web"))
                .check(classes);
    }

    @Test
    void theApiKnowsNeitherTheWebPagesNorTheDaemon() {
        noClasses().that().resideInAPackage(pkg("api"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("cli", "daemon", "home", "web"))
                .check(classes);
    }

    @Test
    void theWebPagesKnowNeitherTheDaemonNorItsApplier() {
        noClasses().that().resideInAPackage(pkg("web"))
                .should().dependOnClassesThat().resideInAnyPackage(pkgs("cli", "daemon", "effects", "home"))
                .check(classes);
    }
}
